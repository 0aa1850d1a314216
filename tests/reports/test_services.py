"""Drafting, checking, publishing and correcting annual reports (domain.md "Annual report")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from reports.checks import WARNING
from reports.models import AnnualReport, PublishedReport
from reports.services import (
    ChecksFailed,
    ReportConflict,
    report_checks,
    report_data,
    report_get_or_create,
    report_publish,
    report_reopen,
    report_update,
)
from reports.statistics import compute_figures
from tests.factories import make_item, make_organ
from tests.reports.test_statistics import (
    CITY_2026,
    COMPILED_AT,
    NP,
    D,
    build_scenario,
    fast_user,
    make_application,
)

pytestmark = pytest.mark.django_db

MANUAL = {
    "licensing": {"decisions": 120},
    "penalty": {"decisions": 35},
    "coercion": {"decisions": 4},
    "fees": {"amount_10k_yuan": "1.2345"},
}
SECTIONS = {
    "overview": "2026年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "problems": "依申请公开答复质量有待提高。",
    "other": "2026年未收取信息处理费。",
}


@pytest.fixture(autouse=True)
def _january_2027() -> Any:
    with time_machine.travel(COMPILED_AT, tick=False):
        yield


def draft(organ: Any, year: int = 2026, scope: str = "organ", **changes: Any) -> AnnualReport:
    report = report_get_or_create(organ=organ, year=year, scope=scope)
    report_update(
        actor=None,
        report=report,
        sections=changes.get("sections", SECTIONS),
        manual=changes.get("manual", MANUAL),
    )
    return report


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


class TestValidation:
    @pytest.mark.parametrize("year", [2007, 2028, 3000])
    def test_year_before_2008_or_in_the_future_is_rejected(self, year: int) -> None:
        organ = make_organ()

        with pytest.raises(ValidationError) as error:
            report_get_or_create(organ=organ, year=year, scope="organ")

        assert error.value.message_dict == {"year": ["年度应在2008年至2027年之间。"]}
        assert not AnnualReport.objects.exists()

    def test_the_year_in_progress_may_be_drafted(self) -> None:
        organ = make_organ()

        report = report_get_or_create(organ=organ, year=2027, scope="tree")

        assert (report.year, report.scope, report.status) == (2027, "tree", "draft")
        assert report_get_or_create(organ=organ, year=2027, scope="tree").pk == report.pk

    def test_unknown_scope_is_rejected(self) -> None:
        with pytest.raises(ValidationError) as error:
            report_get_or_create(organ=make_organ(), year=2026, scope="city")

        assert list(error.value.message_dict) == ["scope"]

    @pytest.mark.parametrize(
        ("manual", "field", "message"),
        [
            ({"licensing": {"decisions": -1}}, "proactive.licensing.decisions", "不小于0的整数"),
            ({"penalty": {"decisions": 1.5}}, "proactive.penalty.decisions", "不小于0的整数"),
            ({"coercion": {"decisions": True}}, "proactive.coercion.decisions", "不小于0的整数"),
            ({"coercion": {"decisions": "三"}}, "proactive.coercion.decisions", "不小于0的整数"),
            ({"coercion": {}}, "proactive.coercion.decisions", "缺少"),
            ({"fees": {"amount_10k_yuan": "-0.1"}}, "proactive.fees.amount_10k_yuan", "负数"),
            ({"fees": {"amount_10k_yuan": "0.12345"}}, "proactive.fees.amount_10k_yuan", "4位小数"),
            ({"fees": {"amount_10k_yuan": "abc"}}, "proactive.fees.amount_10k_yuan", "金额"),
            ({"fees": {"amount_10k_yuan": "NaN"}}, "proactive.fees.amount_10k_yuan", "金额"),
        ],
    )
    def test_bad_manual_figure_is_rejected_by_field(
        self, manual: dict[str, Any], field: str, message: str
    ) -> None:
        report = report_get_or_create(organ=make_organ(), year=2026, scope="organ")

        with pytest.raises(ValidationError) as error:
            report_update(actor=None, report=report, manual=manual)

        assert list(error.value.message_dict) == [field]
        assert message in error.value.message_dict[field][0]
        report.refresh_from_db()
        assert report.manual["licensing"] == {"decisions": 0}

    def test_unknown_or_non_text_section_is_rejected(self) -> None:
        report = report_get_or_create(organ=make_organ(), year=2026, scope="organ")

        with pytest.raises(ValidationError) as error:
            report_update(actor=None, report=report, sections={"summary": "…", "overview": 5})

        assert set(error.value.message_dict) == {"sections.summary", "sections.overview"}


# ---------------------------------------------------------------------------
# Editing a draft
# ---------------------------------------------------------------------------


class TestUpdate:
    def test_update_replaces_only_what_is_given(self) -> None:
        organ = make_organ()
        actor = fast_user("reporter", superuser=True)
        report = report_get_or_create(organ=organ, year=2026, scope="organ")

        report_update(actor=actor, report=report, sections={"overview": "总体情况"})
        report_update(
            actor=actor,
            report=report,
            sections={"problems": "存在的问题"},
            manual={"penalty": {"decisions": "7"}, "fees": {"amount_10k_yuan": Decimal("12.50")}},
        )

        report.refresh_from_db()
        assert report.sections == {"overview": "总体情况", "problems": "存在的问题", "other": ""}
        assert report.manual == {
            "licensing": {"decisions": 0},
            "penalty": {"decisions": 7},
            "coercion": {"decisions": 0},
            "fees": {"amount_10k_yuan": "12.5"},  # a decimal string: exact in JSON
        }
        assert report.updated_by == actor

    @pytest.mark.parametrize(
        ("given", "stored"),
        [("0", "0"), (0, "0"), ("0.0001", "0.0001"), (3.25, "3.25"), ("1E+2", "100")],
    )
    def test_fee_amount_is_stored_as_a_plain_decimal_string(self, given: Any, stored: str) -> None:
        report = report_get_or_create(organ=make_organ(), year=2026, scope="organ")

        report_update(actor=None, report=report, manual={"fees": {"amount_10k_yuan": given}})

        report.refresh_from_db()
        assert report.manual["fees"] == {"amount_10k_yuan": stored}

    def test_published_report_cannot_be_edited_until_reopened(self) -> None:
        s = build_scenario()
        report = draft(s.city)
        report_publish(actor=s.actor, report=report)

        with pytest.raises(ReportConflict):
            report_update(actor=s.actor, report=report, sections={"other": "更正"})

        report_reopen(actor=s.actor, report=report)
        report_update(actor=s.actor, report=report, sections={"other": "更正"})
        report.refresh_from_db()
        assert report.sections["other"] == "更正"


# ---------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------


class TestPublish:
    def test_publishing_freezes_sections_figures_and_annexes(self) -> None:
        s = build_scenario()
        report = draft(s.city)

        version = report_publish(actor=s.actor, report=report)

        report.refresh_from_db()
        assert report.status == "published"
        assert version.version == 1
        assert version.superseded_at is None
        assert version.published_by == s.actor
        assert version.published_at == COMPILED_AT
        assert version.sections == SECTIONS
        assert version.figures["applications"] == CITY_2026
        assert version.figures["proactive"]["fees"] == {"amount_10k_yuan": "1.2345"}
        assert version.figures["proactive"]["normative"] == {
            "issued": 3,
            "repealed": 1,
            "in_force": 2,
        }
        assert version.annexes["on_time"]["closed"] == 9
        assert len(version.annexes["by_month"]["months"]) == 12

    def test_later_data_changes_never_alter_the_published_report(self) -> None:
        s = build_scenario()
        report = draft(s.city)
        report_publish(actor=s.actor, report=report)
        # Late registrations, a late item and an appeal, all dated 2026.
        make_application(s.city, received=D(2026, 6, 1), closed=D(2026, 6, 10))
        make_application(s.city, received=D(2025, 6, 1))  # open since 2025
        make_item(s.city, "补录的规章", doc_type="rule", published_on=D(2026, 9, 9))
        s.apps["A2"].appeals.update(result="upheld")

        live = compute_figures(s.city, 2026, scope="organ")
        data = report_data(report, s.city, 2026, "organ", user=None)

        assert live["applications"]["rows"]["new"]["total"] == 9
        assert live["proactive"]["rule"]["issued"] == 2
        assert data is not None
        assert data["status"] == "published"
        assert data["applications"] == CITY_2026
        assert data["proactive"]["rule"] == {"issued": 1, "repealed": 1, "in_force": 2}
        assert data["appeals"]["review"]["pending"] == 1

    def test_publication_is_refused_while_a_check_fails(self) -> None:
        s = build_scenario()
        report = draft(s.city)
        # A corrupt figure that bypassed validation (e.g. an import): caught at publication.
        AnnualReport.objects.filter(pk=report.pk).update(
            manual={**MANUAL, "penalty": {"decisions": -3}}
        )
        report.refresh_from_db()

        with pytest.raises(ChecksFailed) as error:
            report_publish(actor=s.actor, report=report)

        assert [(f.rule, f.cell) for f in error.value.failures] == [
            ("non_negative", "表二 行政处罚 / 本年处理决定数量")
        ]
        assert error.value.message_dict == {
            "checks": ["表二 行政处罚 / 本年处理决定数量：数值不能为负数，当前为-3"]
        }
        assert not PublishedReport.objects.exists()
        report.refresh_from_db()
        assert report.status == "draft"

    def test_a_year_in_progress_cannot_be_published(self) -> None:
        report = draft(make_organ(), year=2027)

        with pytest.raises(ValidationError) as error:
            report_publish(actor=None, report=report)

        assert error.value.message_dict == {
            "year": ["2027年度尚未结束，年度报告应于次年1月1日以后发布。"]
        }
        assert not PublishedReport.objects.exists()

    def test_publishing_a_published_report_again_is_a_conflict(self) -> None:
        s = build_scenario()
        report = draft(s.city)
        report_publish(actor=s.actor, report=report)

        with pytest.raises(ReportConflict):
            report_publish(actor=s.actor, report=report)

        assert PublishedReport.objects.count() == 1

    def test_reopened_report_stays_public_until_republished_which_supersedes_it(self) -> None:
        s = build_scenario()
        report = draft(s.city)
        first = report_publish(actor=s.actor, report=report)
        staff = fast_user("handler", organ=s.city, roles=("handler",))

        report_reopen(actor=s.actor, report=report)
        make_application(s.city, received=D(2026, 6, 1), closed=D(2026, 6, 10))
        report_update(actor=s.actor, report=report, sections={"other": "更正：补录一件申请。"})

        public = report_data(report, s.city, 2026, "organ", user=None)
        own_staff = report_data(report, s.city, 2026, "organ", user=staff)
        assert public is not None and own_staff is not None
        assert (public["status"], public["version"]) == ("published", 1)
        assert public["applications"]["rows"]["new"]["total"] == 8
        assert own_staff["status"] == "draft"
        assert own_staff["applications"]["rows"]["new"]["total"] == 9

        later = COMPILED_AT + dt.timedelta(days=3)
        with time_machine.travel(later, tick=False):
            second = report_publish(actor=s.actor, report=report)

        first.refresh_from_db()
        assert second.version == 2
        assert first.superseded_at == later
        assert second.superseded_at is None
        current = report_data(report, s.city, 2026, "organ", user=None)
        earlier = report_data(report, s.city, 2026, "organ", user=None, version=1)
        assert current is not None and earlier is not None
        assert current["version"] == 2
        assert current["applications"]["rows"]["new"]["total"] == 9
        assert current["sections"]["other"] == "更正：补录一件申请。"
        assert earlier["applications"]["rows"]["new"]["total"] == 8
        assert earlier["superseded_at"] == "2027-01-23T10:00:00+08:00"
        assert current["versions"] == [
            {
                "version": 1,
                "published_at": "2027-01-20T10:00:00+08:00",
                "superseded_at": "2027-01-23T10:00:00+08:00",
            },
            {
                "version": 2,
                "published_at": "2027-01-23T10:00:00+08:00",
                "superseded_at": None,
            },
        ]
        assert report_data(report, s.city, 2026, "organ", user=None, version=3) is None

    def test_only_a_published_report_can_be_reopened(self) -> None:
        report = draft(make_organ())

        with pytest.raises(ReportConflict):
            report_reopen(actor=None, report=report)

    def test_carry_over_is_checked_against_last_years_published_report(self) -> None:
        s = build_scenario()
        report_publish(actor=s.actor, report=draft(s.city, year=2025))
        report_2026 = draft(s.city)
        assert [f.rule for f in report_checks(report_2026) if f.severity == "error"] == []

        # Registered late: received in 2025, still open — 2025 as published said 2 persons.
        make_application(s.city, received=D(2025, 6, 1))

        failures = report_checks(report_2026)
        assert [(f.rule, f.cell) for f in failures if f.severity == "error"] == [
            ("F5", "表三 二 ≠ 上年四 / 自然人"),
            ("F5", "表三 二 ≠ 上年四 / 总计"),
        ]
        with pytest.raises(ChecksFailed):
            report_publish(actor=s.actor, report=report_2026)
        assert (
            compute_figures(s.city, 2026, scope="organ")["applications"]["rows"]["carried_over"][NP]
            == 3
        )

    def test_in_force_warning_does_not_block_publication(self) -> None:
        s = build_scenario()
        report_publish(actor=s.actor, report=draft(s.city, year=2025))
        report_2026 = draft(s.city)

        failures = report_checks(report_2026)
        version = report_publish(actor=s.actor, report=report_2026)

        # N1 was amended (replaced by N2): 1 + 3 − 1 ≠ 2 normative documents in force.
        assert [(f.rule, f.severity) for f in failures] == [("F8", WARNING)]
        assert version.version == 1

    def test_empty_text_sections_are_warnings(self) -> None:
        s = build_scenario()
        report = draft(s.city, sections={"overview": "总体情况", "problems": "  "})

        failures = report_checks(report)

        assert [(f.rule, f.cell, f.severity) for f in failures] == [
            ("sections", "五、存在的主要问题及改进情况", WARNING),
            ("sections", "六、其他需要报告的事项", WARNING),
        ]
        assert report_publish(actor=s.actor, report=report).version == 1


# ---------------------------------------------------------------------------
# Who sees what
# ---------------------------------------------------------------------------


class TestReportData:
    def test_a_draft_is_seen_by_the_organs_staff_only(self) -> None:
        s = build_scenario()
        report = draft(s.city)
        own = fast_user("own", organ=s.city, roles=("handler",))
        other_organ = make_organ("某县人民政府")
        stranger = fast_user("stranger", organ=other_organ, roles=("reporter",))
        bureau_staff = fast_user("bureau", organ=s.bureau, roles=("reporter",))

        assert report_data(report, s.city, 2026, "organ", user=None) is None
        assert report_data(report, s.city, 2026, "organ", user=stranger) is None
        # Staff of a subordinate organ do not see the government's draft.
        assert report_data(report, s.city, 2026, "organ", user=bureau_staff) is None
        data = report_data(report, s.city, 2026, "organ", user=own)
        assert data is not None
        assert data["status"] == "draft"
        assert data["published_at"] is None
        assert data["version"] is None
        assert data["applications"] == CITY_2026
        assert data["proactive"]["fees"] == {"amount_10k_yuan": "1.2345"}
        assert data["sections"] == SECTIONS
        assert data["checks"] == []
        assert data["versions"] == []

    def test_staff_see_a_draft_before_anything_was_saved(self) -> None:
        s = build_scenario()
        staff = fast_user("own", organ=s.city, roles=("handler",))

        data = report_data(None, s.city, 2026, "tree", user=staff)

        assert data is not None
        assert data["scope"] == "tree"
        assert data["proactive"]["licensing"] == {"decisions": 0}
        assert data["applications"]["rows"]["new"]["total"] == 10
        assert [c["rule"] for c in data["checks"]] == ["sections"] * 3
        assert data["annexes"]["by_organ"][1]["organ"] == s.bureau.code
        assert not AnnualReport.objects.exists()

    def test_published_report_has_the_api_keys_for_everyone(self) -> None:
        s = build_scenario()
        report = draft(s.city)
        report_publish(actor=s.actor, report=report)

        data = report_data(report, s.city, 2026, "organ", user=None)

        assert data is not None
        assert set(data) == {
            "organ",
            "organ_name",
            "year",
            "scope",
            "status",
            "published_at",
            "version",
            "superseded_at",
            "sections",
            "proactive",
            "applications",
            "appeals",
            "annexes",
            "versions",
        }
        assert data["organ"] == s.city.code
        assert data["published_at"] == "2027-01-20T10:00:00+08:00"

    def test_tracking_codes_of_the_oldest_open_applications_are_shown_to_staff_only(
        self,
    ) -> None:
        s = build_scenario()
        report = draft(s.city)
        report_publish(actor=s.actor, report=report)
        staff = fast_user("own", organ=s.city, roles=("handler",))

        public = report_data(report, s.city, 2026, "organ", user=None)
        own = report_data(report, s.city, 2026, "organ", user=staff)

        assert public is not None and own is not None
        # Open on 31 December 2026: A10, then A11 (answered since), oldest first.
        assert [row["first_received_on"] for row in public["annexes"]["oldest_open"]] == [
            "2026-12-21",
            "2026-12-28",
        ]
        assert all("tracking_code" not in row for row in public["annexes"]["oldest_open"])
        assert [row["tracking_code"] for row in own["annexes"]["oldest_open"]] == [
            s.apps["A10"].tracking_code,
            s.apps["A11"].tracking_code,
        ]
