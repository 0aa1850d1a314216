"""The annual report's statistics (domain.md "Annual report"; regulation.md §2.6 F1–F8).

One hand-built city with a subordinate bureau over 2025 and 2026: applications of every
applicant type through the real workflow services (a 补正, a lapsed 补正, a withdrawal, answers
across the year boundary, applications still open), catalog items issued, repealed, amended and
in force across the years, and appeals. Every cell of tables 二、三、四 is written out by hand.
The helpers here are shared by the other report tests.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import organs as catalog_organs
from catalog.models import Item, Organ, StaffProfile
from catalog.services import item_repeal
from disclosure_portal import versions
from reports.checks import WARNING, check_figures, has_errors
from reports.format import (
    APPEAL_KIND_KEYS,
    APPEAL_RESULT_KEYS,
    APPLICANT_COLUMN_KEYS,
    TABLE3_ROW_KEYS,
)
from reports.models import AnnualReport
from reports.statistics import compute_annexes, compute_figures, nearest_rank
from requests_app.models import Application, Status
from requests_app.services import (
    appeal_create,
    application_answer,
    application_lapse_correction,
    application_receive_correction,
    application_request_correction,
    application_submit,
    application_withdraw,
)
from requests_app.workdays import WorkCalendar
from tests.factories import credit_code, make_item, make_organ

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The reports for 2026 are compiled in January 2027 (条例第四十九条: by 31 January).
COMPILED_AT = dt.datetime(2027, 1, 20, 10, 0, tzinfo=SHANGHAI)
D = dt.date


@pytest.fixture(autouse=True)
def _january_2027() -> Any:
    with time_machine.travel(COMPILED_AT, tick=False):
        yield


# ---------------------------------------------------------------------------
# Builders shared by the report tests
# ---------------------------------------------------------------------------

PERSON = {
    "name": "张三",
    "id_type": "passport",
    "id_number": "E12345678",
    "phone": "0571-87000000",
}


def organisation() -> dict[str, str]:
    return {
        "organization": "杭州某某有限公司",
        "credit_code": credit_code(),
        "legal_representative": "李四",
        "contact_name": "王五",
        "phone": "0571-87000001",
    }


def submit(actor: Any, organ: Organ, applicant_type: str, received_on: dt.date) -> Application:
    """A letter registered by staff with its receipt date (条例第三十一条第二项)."""
    applicant = PERSON if applicant_type == "natural_person" else organisation()
    return application_submit(
        actor=actor,
        organ=organ,
        data={
            "applicant_type": applicant_type,
            "applicant": applicant,
            "description": "请公开本机关2025年度部门预算执行情况。",
            "delivery_form": "paper",
            "delivery_method": "pickup",
        },
        channel="letter",
        received_on=received_on,
    )


def answer(actor: Any, application: Application, on: dt.date, outcome: str) -> Application:
    return application_answer(
        actor=actor, application=application, date=on, outcome=outcome, reply="现答复如下。"
    )


_codes = itertools.count(1)


def fast_user(
    username: str, *, superuser: bool = False, organ: Organ | None = None, roles: tuple = ()
) -> Any:
    """A user without a password (hashing one costs a second per test); tests authenticate
    with ``force_authenticate``. With ``organ``, a staff member with ``roles``."""
    user = get_user_model().objects.create(
        username=username, is_superuser=superuser, is_staff=superuser
    )
    if organ is not None:
        StaffProfile.objects.create(user=user, organ=organ, roles=list(roles))
    return user


def make_application(
    organ: Organ,
    *,
    received: dt.date,
    closed: dt.date | None = None,
    outcome: str = "disclosed",
    applicant_type: str = "natural_person",
    status: str | None = None,
    due: dt.date | None = None,
    received_on: dt.date | None = None,
) -> Application:
    """An application written directly (for bulk statistics fixtures), fields consistent:
    a closed one has its outcome and ``closed_on``, an open one neither."""
    if status is None:
        status = Status.ANSWERED if closed else Status.RECEIVED
    return Application.objects.create(
        organ=organ,
        tracking_code=f"T{next(_codes):011d}",
        channel="letter",
        applicant_type=applicant_type,
        name="张三",
        description="请公开有关信息。",
        delivery_form="paper",
        delivery_method="pickup",
        first_received_on=received,
        received_on=received_on or received,
        status=status,
        outcome=outcome if closed else "",
        closed_on=closed,
        due_on=due,
    )


@dataclass
class Scenario:
    city: Organ
    bureau: Organ
    actor: Any
    apps: dict[str, Application] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)


def build_scenario() -> Scenario:
    """The city (scope organ) and its education bureau (counted only in scope tree)."""
    city = make_organ("某市人民政府", code=credit_code(9001))
    bureau = make_organ("某市教育局", parent=city, code=credit_code(9002))
    catalog_organs.invalidate()  # organ_create invalidates on commit; tests never commit
    actor = fast_user("report-builder", superuser=True)
    s = Scenario(city=city, bureau=bureau, actor=actor)
    a = s.apps

    # --- the city's applications ---
    a["A1"] = submit(actor, city, "natural_person", D(2025, 3, 3))
    answer(actor, a["A1"], D(2025, 3, 20), "disclosed")
    a["A2"] = submit(actor, city, "natural_person", D(2025, 12, 15))
    answer(actor, a["A2"], D(2026, 1, 10), "partially_disclosed")
    a["A3"] = submit(actor, city, "commercial", D(2025, 12, 20))
    answer(actor, a["A3"], D(2026, 2, 2), "withheld_third_party")
    # 补正 (条例第三十条): the clock restarts in 2026, the report year stays 2025.
    a["A4"] = submit(actor, city, "natural_person", D(2025, 12, 29))
    application_request_correction(actor=actor, application=a["A4"], date=D(2026, 1, 5))
    application_receive_correction(actor=actor, application=a["A4"], date=D(2026, 1, 20))
    answer(actor, a["A4"], D(2026, 2, 10), "unavailable_not_held")
    a["A5"] = submit(actor, city, "research", D(2026, 3, 2))
    answer(actor, a["A5"], D(2026, 3, 16), "disclosed")
    a["A6"] = submit(actor, city, "natural_person", D(2026, 4, 1))
    answer(actor, a["A6"], D(2026, 4, 20), "disclosed")
    a["A7"] = submit(actor, city, "nonprofit", D(2026, 5, 6))
    application_request_correction(actor=actor, application=a["A7"], date=D(2026, 5, 8))
    application_lapse_correction(actor=actor, application=a["A7"], date=D(2026, 6, 30))
    a["A8"] = submit(actor, city, "legal_services", D(2026, 6, 1))
    answer(actor, a["A8"], D(2026, 6, 15), "rejected_repeated")
    a["A9"] = submit(actor, city, "other_org", D(2026, 7, 1))
    application_withdraw(actor=actor, application=a["A9"], date=D(2026, 7, 10))
    a["A10"] = submit(actor, city, "natural_person", D(2026, 12, 21))  # still open
    a["A11"] = submit(actor, city, "commercial", D(2026, 12, 28))
    answer(actor, a["A11"], D(2027, 1, 15), "disclosed")  # open on 31 December 2026
    a["A12"] = submit(actor, city, "natural_person", D(2026, 8, 3))
    answer(actor, a["A12"], D(2026, 8, 20), "disclosed")

    # --- the bureau's applications ---
    a["B1"] = submit(actor, bureau, "natural_person", D(2026, 5, 11))
    answer(actor, a["B1"], D(2026, 5, 25), "disclosed")
    a["B2"] = submit(actor, bureau, "commercial", D(2026, 11, 2))  # still open
    a["B3"] = submit(actor, bureau, "natural_person", D(2025, 11, 3))
    answer(actor, a["B3"], D(2025, 11, 20), "disclosed")

    # --- appeals (table 四: by filing year, current result) ---
    appeal_create(
        actor=actor,
        application=a["A3"],
        kind="review",
        filed_on=D(2026, 2, 20),
        result="corrected",
        decided_on=D(2026, 4, 1),
    )
    appeal_create(actor=actor, application=a["A2"], kind="review", filed_on=D(2026, 1, 25))
    appeal_create(
        actor=actor,
        application=a["A8"],
        kind="litigation_direct",
        filed_on=D(2026, 7, 1),
        result="upheld",
        decided_on=D(2026, 10, 1),
    )
    appeal_create(
        actor=actor,
        application=a["A4"],
        kind="litigation_after_review",
        filed_on=D(2026, 3, 1),
        result="other",
        decided_on=D(2026, 6, 1),
    )
    appeal_create(
        actor=actor,
        application=a["A1"],
        kind="review",
        filed_on=D(2025, 4, 1),
        result="upheld",
        decided_on=D(2025, 5, 1),
    )
    appeal_create(actor=actor, application=a["B1"], kind="review", filed_on=D(2026, 6, 1))

    # --- catalog: 规章 and 行政规范性文件 (table 二, 第二十条第（一）项) ---
    i = s.items
    i["R1"] = make_item(city, "某市物业管理办法", doc_type="rule", published_on=D(2024, 6, 1))
    i["R2"] = make_item(city, "某市养犬管理规定", doc_type="rule", published_on=D(2025, 5, 10))
    item_repeal(actor=actor, item=i["R2"], date=D(2026, 9, 1), validity="repealed")
    i["R3"] = make_item(city, "某市停车场管理办法", doc_type="rule", published_on=D(2026, 2, 10))
    i["N1"] = make_item(
        city, "关于规范公共租赁住房管理的通知", doc_type="normative", published_on=D(2025, 3, 1)
    )
    # Amended: replaced by its revision N2 — not 废止, and no longer in force itself.
    item_repeal(actor=actor, item=i["N1"], date=D(2026, 4, 1), validity="amended")
    i["N2"] = make_item(
        city,
        "关于规范公共租赁住房管理的通知（修订）",
        doc_type="normative",
        published_on=D(2026, 4, 1),
    )
    i["N3"] = make_item(
        city, "关于开展2026年春季植树活动的通知", doc_type="normative", published_on=D(2026, 6, 1)
    )
    item_repeal(actor=actor, item=i["N3"], date=D(2026, 11, 1), validity="repealed")
    i["N4"] = make_item(
        city, "关于调整最低工资标准的通知", doc_type="normative", published_on=D(2026, 7, 1)
    )
    # Repealed only in 2027: still in force on 31 December 2026.
    item_repeal(actor=actor, item=i["N4"], date=D(2027, 1, 10), validity="repealed")
    i["O1"] = make_item(city, "某市2026年第一季度经济运行情况", published_on=D(2026, 5, 1))
    i["D1"] = make_item(city, "关于加强网络安全的通知（草稿）", doc_type="normative", publish=False)
    i["BN1"] = make_item(
        bureau, "关于规范校外培训的通知", doc_type="normative", published_on=D(2026, 3, 1)
    )
    return s


def table3(cells: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Table 三 with every cell: the given ones, zeros elsewhere."""
    for row, values in cells.items():
        assert row in TABLE3_ROW_KEYS, row
        assert set(values) <= set(APPLICANT_COLUMN_KEYS), values
    return {
        "columns": list(APPLICANT_COLUMN_KEYS),
        "rows": {
            row: {column: cells.get(row, {}).get(column, 0) for column in APPLICANT_COLUMN_KEYS}
            for row in TABLE3_ROW_KEYS
        },
    }


def table4(cells: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Table 四 with every cell: the given ones, zeros elsewhere."""
    return {
        kind: {result: cells.get(kind, {}).get(result, 0) for result in APPEAL_RESULT_KEYS}
        for kind in APPEAL_KIND_KEYS
    }


def table2(rule: tuple[int, int, int], normative: tuple[int, int, int], **manual: Any) -> Any:
    """Table 二: (issued, repealed, in_force) of the two document rows, and the manual rows."""
    return {
        "rule": dict(zip(("issued", "repealed", "in_force"), rule, strict=True)),
        "normative": dict(zip(("issued", "repealed", "in_force"), normative, strict=True)),
        "licensing": {"decisions": manual.get("licensing", 0)},
        "penalty": {"decisions": manual.get("penalty", 0)},
        "coercion": {"decisions": manual.get("coercion", 0)},
        "fees": {"amount_10k_yuan": manual.get("fees", Decimal("0"))},
    }


NP, COM, RES, NPO, LAW, OTH = (
    "natural_person",
    "commercial",
    "research",
    "nonprofit",
    "legal_services",
    "other_org",
)

CITY_2026 = table3(
    {
        "new": {NP: 3, COM: 1, RES: 1, NPO: 1, LAW: 1, OTH: 1, "total": 8},
        "carried_over": {NP: 2, COM: 1, "total": 3},
        "disclosed": {NP: 2, RES: 1, "total": 3},
        "partially_disclosed": {NP: 1, "total": 1},
        "withheld_third_party": {COM: 1, "total": 1},
        "unavailable_not_held": {NP: 1, "total": 1},
        "rejected_repeated": {LAW: 1, "total": 1},
        "other_correction_lapsed": {NPO: 1, "total": 1},
        "other_other": {OTH: 1, "total": 1},
        "results_total": {NP: 4, COM: 1, RES: 1, NPO: 1, LAW: 1, OTH: 1, "total": 9},
        "carried_forward": {NP: 1, COM: 1, "total": 2},
    }
)
TREE_2026 = table3(
    {
        "new": {NP: 4, COM: 2, RES: 1, NPO: 1, LAW: 1, OTH: 1, "total": 10},
        "carried_over": {NP: 2, COM: 1, "total": 3},
        "disclosed": {NP: 3, RES: 1, "total": 4},
        "partially_disclosed": {NP: 1, "total": 1},
        "withheld_third_party": {COM: 1, "total": 1},
        "unavailable_not_held": {NP: 1, "total": 1},
        "rejected_repeated": {LAW: 1, "total": 1},
        "other_correction_lapsed": {NPO: 1, "total": 1},
        "other_other": {OTH: 1, "total": 1},
        "results_total": {NP: 5, COM: 1, RES: 1, NPO: 1, LAW: 1, OTH: 1, "total": 10},
        "carried_forward": {NP: 1, COM: 2, "total": 3},
    }
)
CITY_2025 = table3(
    {
        "new": {NP: 3, COM: 1, "total": 4},
        "disclosed": {NP: 1, "total": 1},
        "results_total": {NP: 1, "total": 1},
        "carried_forward": {NP: 2, COM: 1, "total": 3},
    }
)
TREE_2025 = table3(
    {
        "new": {NP: 4, COM: 1, "total": 5},
        "disclosed": {NP: 2, "total": 2},
        "results_total": {NP: 2, "total": 2},
        "carried_forward": {NP: 2, COM: 1, "total": 3},
    }
)

CITY_APPEALS_2026 = table4(
    {
        "review": {"corrected": 1, "pending": 1, "total": 2},
        "litigation_direct": {"upheld": 1, "total": 1},
        "litigation_after_review": {"other": 1, "total": 1},
    }
)
TREE_APPEALS_2026 = table4(
    {
        "review": {"corrected": 1, "pending": 2, "total": 3},
        "litigation_direct": {"upheld": 1, "total": 1},
        "litigation_after_review": {"other": 1, "total": 1},
    }
)
CITY_APPEALS_2025 = table4({"review": {"upheld": 1, "total": 1}})


# ---------------------------------------------------------------------------
# Tables 二、三、四
# ---------------------------------------------------------------------------


class TestTables:
    @pytest.mark.parametrize(
        ("year", "scope", "expected"),
        [
            (2026, "organ", CITY_2026),
            (2026, "tree", TREE_2026),
            (2025, "organ", CITY_2025),
            (2025, "tree", TREE_2025),
        ],
    )
    def test_table_three_counts_every_cell(
        self, year: int, scope: str, expected: dict[str, Any]
    ) -> None:
        s = build_scenario()

        figures = compute_figures(s.city, year, scope=scope)

        assert figures["applications"] == expected

    def test_corrected_application_counts_in_the_year_of_its_first_receipt(self) -> None:
        s = build_scenario()
        corrected = Application.objects.get(pk=s.apps["A4"].pk)
        assert corrected.received_on == D(2026, 1, 20)  # the clock restarted …
        assert corrected.first_received_on == D(2025, 12, 29)  # … the report year did not

        rows_2025 = compute_figures(s.city, 2025, scope="organ")["applications"]["rows"]
        rows_2026 = compute_figures(s.city, 2026, scope="organ")["applications"]["rows"]

        # New in 2025 (3 persons: A1, A2, A4), carried into 2026, answered there.
        assert rows_2025["new"][NP] == 3
        assert rows_2025["carried_forward"][NP] == 2
        assert rows_2026["carried_over"][NP] == 2
        assert rows_2026["unavailable_not_held"][NP] == 1

    @pytest.mark.parametrize(
        ("year", "scope", "expected"),
        [
            (2026, "organ", table2((1, 1, 2), (3, 1, 2))),
            (2026, "tree", table2((1, 1, 2), (4, 1, 3))),
            (2025, "organ", table2((1, 0, 2), (1, 0, 1))),
            (2024, "organ", table2((1, 0, 1), (0, 0, 0))),
        ],
    )
    def test_table_two_counts_rules_and_normative_documents_from_the_catalog(
        self, year: int, scope: str, expected: dict[str, Any]
    ) -> None:
        s = build_scenario()

        figures = compute_figures(s.city, year, scope=scope)

        assert figures["proactive"] == expected

    def test_table_two_takes_the_reporters_figures_from_the_draft_of_that_scope(self) -> None:
        s = build_scenario()
        AnnualReport.objects.create(
            organ=s.city,
            year=2026,
            scope="organ",
            manual={
                "licensing": {"decisions": 120},
                "penalty": {"decisions": 35},
                "coercion": {"decisions": 4},
                "fees": {"amount_10k_yuan": "1.2345"},
            },
        )

        organ = compute_figures(s.city, 2026, scope="organ")["proactive"]
        tree = compute_figures(s.city, 2026, scope="tree")["proactive"]
        other_year = compute_figures(s.city, 2025, scope="organ")["proactive"]

        assert organ == table2(
            (1, 1, 2), (3, 1, 2), licensing=120, penalty=35, coercion=4, fees=Decimal("1.2345")
        )
        # The consolidated report has a draft of its own (none yet): zeros.
        assert tree == table2((1, 1, 2), (4, 1, 3))
        assert other_year == table2((1, 0, 2), (1, 0, 1))

    @pytest.mark.parametrize(
        ("year", "scope", "expected"),
        [
            (2026, "organ", CITY_APPEALS_2026),
            (2026, "tree", TREE_APPEALS_2026),
            (2025, "organ", CITY_APPEALS_2025),
            (2025, "tree", CITY_APPEALS_2025),
        ],
    )
    def test_table_four_counts_appeals_by_filing_year_and_current_result(
        self, year: int, scope: str, expected: dict[str, Any]
    ) -> None:
        s = build_scenario()

        figures = compute_figures(s.city, year, scope=scope)

        assert figures["appeals"] == expected

    def test_subordinate_alone_counts_only_its_own_data(self) -> None:
        s = build_scenario()

        figures = compute_figures(s.bureau, 2026, scope="organ")

        assert figures["applications"] == table3(
            {
                "new": {NP: 1, COM: 1, "total": 2},
                "disclosed": {NP: 1, "total": 1},
                "results_total": {NP: 1, "total": 1},
                "carried_forward": {COM: 1, "total": 1},
            }
        )
        assert figures["proactive"] == table2((0, 0, 0), (1, 0, 1))
        assert figures["appeals"] == table4({"review": {"pending": 1, "total": 1}})

    def test_a_later_appeal_decision_changes_the_result_it_is_counted_under(self) -> None:
        s = build_scenario()
        s.apps["A2"].appeals.update(result="upheld", decided_on=D(2026, 5, 1))

        appeals = compute_figures(s.city, 2026, scope="organ")["appeals"]

        assert appeals["review"] == {
            "upheld": 1,
            "corrected": 1,
            "other": 0,
            "pending": 0,
            "total": 2,
        }


# ---------------------------------------------------------------------------
# Balance rules on computed figures (regulation.md §2.6)
# ---------------------------------------------------------------------------


class TestBalanceRules:
    @pytest.mark.parametrize(("year", "scope"), [(2025, "organ"), (2026, "organ"), (2026, "tree")])
    def test_computed_figures_pass_every_balance_rule(self, year: int, scope: str) -> None:
        s = build_scenario()

        assert check_figures(compute_figures(s.city, year, scope=scope)) == []

    def test_carry_over_equals_last_years_carry_forward(self) -> None:
        s = build_scenario()
        last_year = compute_figures(s.city, 2025, scope="organ")
        previous = last_year["applications"]["rows"]["carried_forward"]

        failures = check_figures(
            compute_figures(s.city, 2026, scope="organ"), previous_carried_forward=previous
        )

        assert failures == []

    def test_carry_over_differing_from_last_years_report_fails_f5(self) -> None:
        s = build_scenario()
        previous = {**CITY_2025["rows"]["carried_forward"], NP: 5, "total": 6}

        failures = check_figures(
            compute_figures(s.city, 2026, scope="organ"), previous_carried_forward=previous
        )

        assert [(f.rule, f.cell) for f in failures] == [
            ("F5", "表三 二 ≠ 上年四 / 自然人"),
            ("F5", "表三 二 ≠ 上年四 / 总计"),
        ]
        assert has_errors(failures)

    def test_an_amendment_breaks_the_in_force_arithmetic_only_as_a_warning(self) -> None:
        s = build_scenario()
        # 2025: 2 rules and 1 normative document in force.
        failures = check_figures(
            compute_figures(s.city, 2026, scope="organ"),
            previous_in_force={"rule": 2, "normative": 1},
        )

        # Rules: 2 + 1 − 1 = 2 holds. Normative: 1 + 3 − 1 = 3, but N1 was amended → 2.
        assert [(f.rule, f.severity) for f in failures] == [("F8", WARNING)]
        assert "行政规范性文件" in failures[0].cell
        assert not has_errors(failures)

    @pytest.mark.parametrize(
        ("rule", "corrupt"),
        [
            # F1: carried forward one too many (column and total), the rest consistent.
            ("F1", [("applications", "rows", "carried_forward", NP, 1)]),
            # F2: 三(七) not the sum of the leaf rows.
            ("F2", [("applications", "rows", "results_total", COM, 1)]),
            # F3: 总计 column not the sum of the six applicant types.
            ("F3", [("applications", "rows", "new", "total", -1)]),
            # F7: a table 四 total not the sum of its four results.
            ("F7", [("appeals", "litigation_direct", "total", 2)]),
            # A manual figure below zero.
            ("non_negative", [("proactive", "penalty", "decisions", -40)]),
        ],
    )
    def test_corrupted_figures_fail_the_rule(
        self, rule: str, corrupt: list[tuple[Any, ...]]
    ) -> None:
        s = build_scenario()
        figures = compute_figures(s.city, 2026, scope="organ")
        for *path, last, delta in corrupt:
            node = figures
            for key in path:
                node = node[key]
            node[last] += delta

        failures = check_figures(figures)

        assert rule in {f.rule for f in failures}
        assert has_errors(failures)


# ---------------------------------------------------------------------------
# Query count
# ---------------------------------------------------------------------------


def _bulk(organ: Organ, count: int) -> None:
    for n in range(count):
        closed = D(2026, 3, 1) + dt.timedelta(days=n % 200) if n % 3 else None
        make_application(
            organ,
            received=D(2026, 1, 2) + dt.timedelta(days=n % 60),
            closed=closed,
            outcome=["disclosed", "withheld_process", "rejected_mass"][n % 3],
            applicant_type=[NP, COM, RES, NPO, LAW, OTH][n % 6],
            due=D(2026, 6, 1),
        )


class TestQueryCount:
    @pytest.mark.parametrize("scope", ["organ", "tree"])
    def test_figures_take_the_same_queries_for_10_and_50_applications(self, scope: str) -> None:
        city = make_organ("某市人民政府")
        make_organ("某市财政局", parent=city)
        catalog_organs.invalidate()
        _bulk(city, 10)
        catalog_organs.organ_tree()  # warm the cached organ tree
        with CaptureQueriesContext(connection) as small, versions.scope():
            compute_figures(city, 2026, scope=scope)
        _bulk(city, 40)
        with CaptureQueriesContext(connection) as large, versions.scope():
            figures = compute_figures(city, 2026, scope=scope)

        assert figures["applications"]["rows"]["new"]["total"] == 50
        # Table 三 (flows and results in one pass), table 二 documents, table 四, the manual
        # figures; for the subtree also the version stamps of the cached organ tree (once, as
        # in a request).
        assert len(small) == len(large) == (5 if scope == "tree" else 4)

    def test_annexes_take_the_same_queries_for_10_and_50_applications(
        self, django_assert_max_num_queries: Any
    ) -> None:
        city = make_organ("某市人民政府")
        make_organ("某市财政局", parent=city)
        catalog_organs.invalidate()
        _bulk(city, 10)
        catalog_organs.organ_tree()
        with CaptureQueriesContext(connection) as small, versions.scope():
            compute_annexes(city, 2026, scope="tree", calendar=WorkCalendar())
        _bulk(city, 40)
        # The version stamps (once, as in a request); per organ, year on year and new by month
        # in one pass; closed by month with the on-time counts; answer spans; oldest open.
        with django_assert_max_num_queries(5), versions.scope():
            compute_annexes(city, 2026, scope="tree", calendar=WorkCalendar())
        assert len(small) == 5


# ---------------------------------------------------------------------------
# Annexes beyond the format
# ---------------------------------------------------------------------------

WEEKENDS_ONLY = WorkCalendar()


@dataclass
class AnnexData:
    city: Organ
    bureau: Organ


def build_annex_data() -> AnnexData:
    """Written directly, with explicit deadlines, counted against a weekends-only calendar."""
    city = make_organ("某市人民政府", code=credit_code(9101))
    bureau = make_organ("某市教育局", parent=city, code=credit_code(9102))
    catalog_organs.invalidate()
    # Answered in 2026: 5, 10 and 21 working days after receipt (Monday 2 March 2026).
    make_application(city, received=D(2026, 3, 2), closed=D(2026, 3, 9), due=D(2026, 3, 30))
    make_application(
        city,
        received=D(2026, 3, 2),
        closed=D(2026, 3, 16),
        outcome="partially_disclosed",
        due=D(2026, 3, 30),
    )
    make_application(  # one day late
        city,
        received=D(2026, 3, 2),
        closed=D(2026, 3, 31),
        outcome="withheld_process",
        due=D(2026, 3, 30),
    )
    make_application(  # withdrawn in time: on time, but no answer
        city,
        received=D(2026, 4, 1),
        closed=D(2026, 4, 3),
        outcome="other_other",
        status=Status.CLOSED,
        due=D(2026, 4, 29),
    )
    make_application(  # never corrected: no running clock, no deadline
        city,
        received=D(2026, 5, 4),
        closed=D(2026, 6, 30),
        outcome="other_correction_lapsed",
        status=Status.CLOSED,
        due=None,
    )
    # Open on 31 December 2026: the oldest from 2025 (answered only in 2027) …
    make_application(city, received=D(2025, 11, 3), closed=D(2027, 1, 5), due=D(2025, 12, 1))
    # … nine from early December, and one from 17 December (the eleventh oldest).
    for day in range(1, 10):
        make_application(city, received=D(2026, 12, day), applicant_type=COM)
    make_application(city, received=D(2026, 12, 17))
    # Received in 2027: in no 2026 figure.
    make_application(city, received=D(2027, 1, 4))
    # The bureau: one application, open.
    make_application(bureau, received=D(2026, 6, 1))
    return AnnexData(city=city, bureau=bureau)


class TestAnnexes:
    def test_on_time_rate_uses_the_stored_deadline_of_applications_closed_in_the_year(
        self,
    ) -> None:
        data = build_annex_data()

        annexes = compute_annexes(data.city, 2026, scope="organ", calendar=WEEKENDS_ONLY)

        assert annexes["on_time"] == {
            "closed": 5,
            "with_deadline": 4,
            "on_time": 3,
            "late": 1,
            "rate_percent": 75.0,
        }

    def test_working_days_to_answer_median_and_90th_percentile(self) -> None:
        data = build_annex_data()

        annexes = compute_annexes(data.city, 2026, scope="organ", calendar=WEEKENDS_ONLY)

        assert annexes["answer_workdays"] == {"answered": 3, "median": 10, "p90": 21, "max": 21}

    def test_ten_oldest_applications_open_at_year_end(self) -> None:
        data = build_annex_data()

        oldest = compute_annexes(data.city, 2026, scope="organ", calendar=WEEKENDS_ONLY)[
            "oldest_open"
        ]

        assert len(oldest) == 10
        assert [row["first_received_on"] for row in oldest] == [
            "2025-11-03",
            *[f"2026-12-0{day}" for day in range(1, 10)],
        ]
        first, second = oldest[0], oldest[1]
        assert first["status"] == "answered"  # answered since, in 2027
        assert first["still_open"] is False
        assert first["organ"] == data.city.code
        assert first["organ_name"] == "某市人民政府"
        # 2 → 31 December 2026: 3 + 5 + 5 + 5 + 4 working days.
        assert second["workdays_at_year_end"] == 22
        assert second["status"] == "received"
        assert second["status_label"] == "办理中"
        assert second["still_open"] is True
        assert second["tracking_code"]

    def test_per_organ_breakdown_of_a_consolidated_report(self) -> None:
        data = build_annex_data()

        tree = compute_annexes(data.city, 2026, scope="tree", calendar=WEEKENDS_ONLY)
        organ = compute_annexes(data.city, 2026, scope="organ", calendar=WEEKENDS_ONLY)

        assert tree["by_organ"] == [
            {
                "organ": data.city.code,
                "organ_name": "某市人民政府",
                "depth": 0,
                "new": 15,
                "results_total": 5,
                "carried_forward": 11,
            },
            {
                "organ": data.bureau.code,
                "organ_name": "某市教育局",
                "depth": 1,
                "new": 1,
                "results_total": 0,
                "carried_forward": 1,
            },
        ]
        assert organ["by_organ"] == []

    def test_year_on_year_compares_the_key_totals(self) -> None:
        data = build_annex_data()

        comparison = compute_annexes(data.city, 2026, scope="organ", calendar=WEEKENDS_ONLY)[
            "year_on_year"
        ]

        assert comparison["year"] == 2026
        assert comparison["previous_year"] == 2025
        assert [
            (r["key"], r["previous"], r["current"], r["change"], r["change_percent"])
            for r in comparison["rows"]
        ] == [
            ("new", 1, 15, 14, 1400.0),
            ("carried_over", 0, 1, 1, None),
            ("results_total", 0, 5, 5, None),
            ("carried_forward", 1, 11, 10, 1000.0),
        ]

    def test_applications_by_month_and_outcome_group(self) -> None:
        data = build_annex_data()

        chart = compute_annexes(data.city, 2026, scope="organ", calendar=WEEKENDS_ONLY)["by_month"]

        assert [g["key"] for g in chart["groups"]] == [
            "disclosed",
            "partially_disclosed",
            "withheld",
            "unavailable",
            "rejected",
            "other",
        ]
        zero = {
            "new": 0,
            "disclosed": 0,
            "partially_disclosed": 0,
            "withheld": 0,
            "unavailable": 0,
            "rejected": 0,
            "other": 0,
        }
        expected = {month: {"month": month, **zero} for month in range(1, 13)}
        expected[3].update(new=3, disclosed=1, partially_disclosed=1, withheld=1)
        expected[4].update(new=1, other=1)
        expected[5].update(new=1)
        expected[6].update(other=1)
        expected[12].update(new=10)
        assert chart["months"] == [expected[month] for month in range(1, 13)]

    def test_annexes_are_empty_but_well_formed_without_data(self) -> None:
        city = make_organ("某市人民政府")

        annexes = compute_annexes(city, 2026, scope="organ", calendar=WEEKENDS_ONLY)

        assert annexes["on_time"]["rate_percent"] is None
        assert annexes["answer_workdays"] == {
            "answered": 0,
            "median": None,
            "p90": None,
            "max": None,
        }
        assert annexes["oldest_open"] == []
        assert len(annexes["by_month"]["months"]) == 12


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [
        ([], 90, None),
        ([7], 90, 7),
        ([5, 10, 21], 90, 21),
        ([5, 10, 21], 50, 10),
        (list(range(1, 11)), 90, 9),
        (list(range(1, 101)), 90, 90),
    ],
)
def test_nearest_rank_percentile(values: list[int], percent: int, expected: int | None) -> None:
    assert nearest_rank(values, percent) == expected
