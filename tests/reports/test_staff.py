"""The annual-report workspace (/staff/reports/) and the consultation register
(/staff/consultations/): editing, generated draft, checks, preview, publishing, correction."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from catalog.models import Item, Organ, Term
from reports.format import empty_figures, fill_totals
from reports.models import AnnualReport, Consultation, PublishedReport
from reports.statistics import figures_to_json
from requests_app.models import Application
from tests.factories import make_item, make_organ, make_staff, make_superuser

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The 2026 report is compiled and published in January 2027 (条例第四十九条: by 31 January).
COMPILED_AT = dt.datetime(2027, 1, 20, 10, 0, tzinfo=SHANGHAI)
D = dt.date

FORM = {
    "overview": "2026年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "licensing": "120",
    "penalty": "35",
    "coercion": "4",
    "fees": "1.2345",
    "problems": "依申请公开答复质量有待提高。",
    "other": "2026年未收取信息处理费。",
}


@pytest.fixture(autouse=True)
def _january_2027() -> Any:
    with time_machine.travel(COMPILED_AT, tick=False):
        yield


@pytest.fixture
def city() -> Organ:
    return make_organ("测试市人民政府")


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reporter_of(organ: Organ) -> Client:
    return login(make_staff(organ, ["reporter"]))


def edit_url(organ: Organ, year: int = 2026, suffix: str = "") -> str:
    return f"/staff/reports/{organ.code}/{year}/{suffix}"


def application(organ: Organ, received: dt.date, channel: str = "in_person") -> Application:
    return Application.objects.create(
        organ=organ,
        tracking_code=f"T{Application.objects.count() + 1:09d}",
        channel=channel,
        applicant_type="natural_person",
        name="张三",
        description="请公开本机关2026年度部门预算。",
        delivery_form="electronic",
        delivery_method="email",
        first_received_on=received,
        received_on=received,
    )


def tables(html: str) -> list[str]:
    return re.findall(r"<table\b.*?</table>", html, re.S)


def row_values(html: str, label: str) -> list[str]:
    """The data cells of the first table row headed ``label``."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if re.search(rf"<th[^>]*>\s*{re.escape(label)}\s*</th>", row):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]
    raise AssertionError(f"no row {label!r}")


def publish_previous_year(organ: Organ, carried_forward: int) -> None:
    """A published 2025 report whose 结转下年度 disagrees with today's data (rule F5)."""
    figures = empty_figures()
    figures["applications"]["rows"]["carried_forward"]["natural_person"] = carried_forward
    report = AnnualReport.objects.create(organ=organ, year=2025, status="published")
    PublishedReport.objects.create(
        report=report,
        version=1,
        sections={"overview": "", "problems": "", "other": ""},
        figures=figures_to_json(fill_totals(figures)),
    )


# --- Access -----------------------------------------------------------------------------------


class TestAccess:
    def test_anonymous_visitor_is_sent_to_the_login_page(self, city: Organ) -> None:
        response = Client().get(edit_url(city))

        assert response.status_code == 302
        assert "/staff/login/" in response["Location"]

    @pytest.mark.parametrize("path", ["", "{code}/2026/", "{code}/2026/preview/"])
    def test_staff_without_the_reporter_role_gets_403(self, city: Organ, path: str) -> None:
        client = login(make_staff(city, ["handler", "publisher"]))

        response = client.get("/staff/reports/" + path.format(code=city.code))

        assert response.status_code == 403

    def test_user_who_is_not_staff_gets_403(self, city: Organ) -> None:
        user = get_user_model().objects.create_user(username="citizen", password="x-y-z-1-2-3")

        assert login(user).get("/staff/reports/").status_code == 403

    @pytest.mark.parametrize("suffix", ["", "preview/"])
    def test_reporter_of_another_organ_gets_404(self, city: Organ, suffix: str) -> None:
        other = reporter_of(make_organ("另一市人民政府"))

        assert other.get(edit_url(city, suffix=suffix)).status_code == 404

    def test_reporter_of_an_organ_above_edits_the_report_of_a_subordinate(
        self, city: Organ
    ) -> None:
        bureau = make_organ("测试市教育局", parent=city)

        response = reporter_of(city).get(edit_url(bureau))

        assert response.status_code == 200
        assert "测试市教育局2026年政府信息公开工作年度报告" in response.content.decode()

    def test_superuser_edits_any_report(self, city: Organ) -> None:
        assert login(make_superuser()).get(edit_url(city)).status_code == 200

    @pytest.mark.parametrize(("year", "query"), [(2007, ""), (2028, ""), (2026, "?scope=all")])
    def test_a_year_out_of_range_or_an_unknown_scope_is_404(
        self, city: Organ, year: int, query: str
    ) -> None:
        assert reporter_of(city).get(edit_url(city, year) + query).status_code == 404


# --- The list ---------------------------------------------------------------------------------


class TestList:
    def test_lists_the_organs_reported_for_by_year_with_their_status(self, city: Organ) -> None:
        bureau = make_organ("测试市教育局", parent=city)
        make_organ("另一市人民政府")
        AnnualReport.objects.create(organ=city, year=2026)
        publish_previous_year(city, 0)

        html = reporter_of(city).get("/staff/reports/").content.decode()

        assert "测试市教育局" in html and "另一市人民政府" not in html
        for year in (2027, 2026, 2025, 2024):
            assert f"{year}年度" in html
        assert "2023年度" not in html
        draft = '<span class="status report-status-draft">草稿'
        published = '<span class="status report-status-published">已发布'
        assert f'href="/staff/reports/{city.code}/2026/">{draft}' in html
        assert f'href="/staff/reports/{city.code}/2025/">{published}' in html
        # The city has a subordinate, so its consolidated report is listed too.
        assert f"/staff/reports/{city.code}/2026/?scope=tree" in html
        assert f"/staff/reports/{bureau.code}/2026/?scope=tree" not in html

    def test_a_report_published_again_after_a_correction_is_listed_as_corrected(
        self, city: Organ
    ) -> None:
        report = AnnualReport.objects.create(organ=city, year=2025, status="published")
        for version in (1, 2):
            PublishedReport.objects.create(
                report=report,
                version=version,
                sections={},
                figures={},
                superseded_at=COMPILED_AT if version == 1 else None,
            )

        html = reporter_of(city).get("/staff/reports/").content.decode()

        assert 'report-status-corrected">已更正' in html

    def test_opening_a_report_creates_it_and_goes_to_its_page(self, city: Organ) -> None:
        response = reporter_of(city).post(
            "/staff/reports/", {"organ": city.code, "year": "2026", "scope": "tree"}
        )

        assert response.status_code == 302
        assert response["Location"] == f"/staff/reports/{city.code}/2026/?scope=tree"
        assert AnnualReport.objects.filter(organ=city, year=2026, scope="tree").exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"year": "2028"}, "年度应在2008年至2027年之间。"),
            ({"year": "2007"}, "年度应在2008年至2027年之间。"),
            ({"year": "二〇二六"}, "年度应为四位数字的年份。"),
            ({"organ": "91330100MA00000000"}, "未找到该行政机关，或您无权为其编制年度报告。"),
        ],
    )
    def test_bad_input_is_shown_next_to_the_field_and_nothing_is_created(
        self, city: Organ, data: dict[str, str], message: str
    ) -> None:
        form = {"organ": city.code, "year": "2026", "scope": "organ", **data}

        response = reporter_of(city).post("/staff/reports/", form)

        html = response.content.decode()
        assert response.status_code == 400
        assert 'class="error-summary"' in html
        assert html.count(message) == 2  # next to the field and in the summary
        assert not AnnualReport.objects.exists()

    def test_an_organ_outside_the_reporters_reach_cannot_be_opened(self, city: Organ) -> None:
        other = make_organ("另一市人民政府")

        response = reporter_of(city).post(
            "/staff/reports/", {"organ": other.code, "year": "2026", "scope": "organ"}
        )

        assert response.status_code == 400
        assert not AnnualReport.objects.exists()


# --- Editing ----------------------------------------------------------------------------------


class TestEditing:
    def test_page_shows_the_official_headings_and_the_computed_tables(self, city: Organ) -> None:
        html = reporter_of(city).get(edit_url(city)).content.decode()

        headings = [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
        ]
        positions = [html.index(f">{heading}</h2>") for heading in headings]
        assert positions == sorted(positions)
        assert len(tables(html)) == 3
        assert "根据平台数据生成初稿" in html

    def test_reporter_saves_the_sections_and_the_manual_figures(self, city: Organ) -> None:
        client = reporter_of(city)

        response = client.post(edit_url(city), {**FORM, "action": "save"})

        assert response.status_code == 302
        report = AnnualReport.objects.get(organ=city, year=2026, scope="organ")
        assert report.sections == {
            "overview": FORM["overview"],
            "problems": FORM["problems"],
            "other": FORM["other"],
        }
        assert report.manual == {
            "licensing": {"decisions": 120},
            "penalty": {"decisions": 35},
            "coercion": {"decisions": 4},
            "fees": {"amount_10k_yuan": "1.2345"},
        }
        html = client.get(edit_url(city)).content.decode()
        assert row_values(html, "行政许可") == ["120"]
        assert FORM["problems"] in html

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("licensing", "-1", "数量不能为负数。"),
            ("coercion", "1.5", "请填写整数。"),
            ("fees", "1.23456", "金额以万元为单位，最多保留4位小数。"),
            ("fees", "-0.5", "金额不能为负数。"),
            ("fees", "一万元", "请填写金额（单位：万元），例如 1.2345。"),
        ],
    )
    def test_bad_figures_are_refused_with_chinese_errors_and_nothing_is_saved(
        self, city: Organ, field: str, value: str, message: str
    ) -> None:
        client = reporter_of(city)
        client.post(edit_url(city), {**FORM, "action": "save"})

        changed = {**FORM, "overview": "新的总体情况", field: value, "action": "save"}
        response = client.post(edit_url(city), changed)

        html = response.content.decode()
        assert response.status_code == 400
        assert 'class="error-summary"' in html
        assert f'id="id_{field}_error"' in html
        assert html.count(message) == 2
        report = AnnualReport.objects.get(organ=city, year=2026)
        assert report.sections["overview"] == FORM["overview"]  # nothing partial
        assert report.manual["licensing"] == {"decisions": 120}

    def test_a_refused_first_save_creates_no_report(self, city: Organ) -> None:
        response = reporter_of(city).post(edit_url(city), {**FORM, "penalty": "-3"})

        assert response.status_code == 400
        assert not AnnualReport.objects.exists()

    def test_save_and_preview_goes_to_the_preview(self, city: Organ) -> None:
        response = reporter_of(city).post(
            edit_url(city) + "?scope=tree", {**FORM, "action": "preview"}
        )

        assert response.status_code == 302
        assert response["Location"] == edit_url(city, suffix="preview/") + "?scope=tree"
        assert AnnualReport.objects.filter(scope="tree").exists()

    def test_a_draft_in_the_current_year_cannot_be_published_yet(self, city: Organ) -> None:
        client = reporter_of(city)

        html = client.get(edit_url(city, 2027)).content.decode()

        assert "2027年度尚未结束，次年1月1日起才能发布。" in html
        assert re.search(r'value="publish" disabled', html)


# --- Generated draft --------------------------------------------------------------------------


class TestDraft:
    def test_generated_draft_contains_the_portals_real_numbers(self, city: Organ) -> None:
        policy = Term.objects.create(kind=Term.Kind.GROUPING, name="政策文件")
        for n in range(3):
            make_item(city, f"政策文件{n}", published_on=D(2026, 4, 1), grouping=policy)
        application(city, D(2026, 3, 2), "in_person")
        application(city, D(2026, 5, 6), "in_person")
        client = reporter_of(city)

        response = client.post(edit_url(city, suffix="draft/"), {})

        assert response.status_code == 302
        sections = AnnualReport.objects.get(organ=city, year=2026).sections
        assert "主动公开政府信息3条" in sections["overview"]
        assert "政策文件3条" in sections["overview"]
        assert "当面申请2件" in sections["overview"]
        assert "（五）监督保障" in sections["overview"]
        assert sections["other"] == (
            "依据《政府信息公开信息处理费管理办法》规定，2026年未收取信息处理费。"
        )
        html = client.get(edit_url(city)).content.decode()
        assert "当面申请2件" in html
        # The prompts left for the reporter are flagged before publishing.
        assert "仍有“【请补充：…】”提示" in html

    def test_existing_text_is_kept_unless_the_reporter_confirms(self, city: Organ) -> None:
        client = reporter_of(city)
        client.post(edit_url(city), {**FORM, "action": "save"})

        refused = client.post(edit_url(city, suffix="draft/"), {**FORM, "action": "draft"})

        assert refused.status_code == 400
        assert "如需用初稿替换，请勾选“覆盖现有内容”后再生成。" in refused.content.decode()
        assert AnnualReport.objects.get().sections["overview"] == FORM["overview"]

        confirmed = client.post(
            edit_url(city, suffix="draft/"), {**FORM, "overwrite": "on", "action": "draft"}
        )

        assert confirmed.status_code == 302
        sections = AnnualReport.objects.get().sections
        assert sections["overview"].startswith("（一）主动公开\n2026年，本机关")
        assert sections["other"].startswith("依据《政府信息公开信息处理费管理办法》规定")
        assert sections["problems"] == FORM["problems"]

    def test_only_an_empty_section_is_filled_and_typed_text_is_saved_with_it(
        self, city: Organ
    ) -> None:
        client = reporter_of(city)
        typed = {**FORM, "other": "", "problems": "刚输入、尚未保存的问题。", "action": "draft"}

        response = client.post(edit_url(city, suffix="draft/"), typed)

        assert response.status_code == 302
        sections = AnnualReport.objects.get().sections
        assert sections["overview"] == FORM["overview"]
        assert sections["problems"] == "刚输入、尚未保存的问题。"
        assert "未收取信息处理费" in sections["other"]

    def test_consultations_registered_feed_the_draft(self, city: Organ) -> None:
        handler = login(make_staff(city, ["handler"]))
        for channel, count in (("on_site", 3), ("phone", 2)):
            handler.post(
                "/staff/consultations/",
                {
                    "organ": city.pk,
                    "date": "2026-12-10",
                    "channel": channel,
                    "topic": "申请方式",
                    "count": count,
                },
            )

        reporter_of(city).post(edit_url(city, suffix="draft/"), {})

        overview = AnnualReport.objects.get().sections["overview"]
        assert (
            "全年受理政府信息公开咨询5人次，其中现场咨询3人次、电话咨询2人次、网上咨询0人次"
            in overview
        )


# --- Checks, publishing, correction -----------------------------------------------------------


class TestPublishing:
    def test_publishing_with_a_failing_check_is_refused_and_names_the_cell(
        self, city: Organ
    ) -> None:
        publish_previous_year(city, carried_forward=2)  # but nothing is carried over into 2026
        client = reporter_of(city)

        page = client.get(edit_url(city)).content.decode()
        response = client.post(edit_url(city), {**FORM, "action": "publish"})

        assert "表三 二 ≠ 上年四 / 自然人" in page
        assert re.search(r'value="publish" disabled', page)
        html = response.content.decode()
        assert response.status_code == 400
        assert "未能发布：以下数据校验未通过" in html
        assert "表三 二 ≠ 上年四 / 自然人" in html
        assert "上年度报告的结转下年度继续办理为2" in html
        report = AnnualReport.objects.get(organ=city, year=2026)
        assert report.status == "draft"
        assert not report.versions.exists()
        assert report.sections["overview"] == FORM["overview"]  # the edits were kept

    def test_a_published_report_is_frozen_against_later_data_changes(self, city: Organ) -> None:
        for n in range(2):
            make_item(city, f"规范性文件{n}", doc_type=Item.DocType.NORMATIVE)
        client = reporter_of(city)

        response = client.post(edit_url(city), {**FORM, "action": "publish"})

        assert response.status_code == 302
        report = AnnualReport.objects.get(organ=city, year=2026)
        assert report.status == "published"
        public = f"/reports/{city.code}/2026/"
        assert row_values(Client().get(public).content.decode(), "行政规范性文件")[0] == "2"

        make_item(city, "后来补录的规范性文件", doc_type=Item.DocType.NORMATIVE)

        assert row_values(Client().get(public).content.decode(), "行政规范性文件")[0] == "2"
        page = client.get(edit_url(city)).content.decode()
        assert row_values(page, "行政规范性文件")[0] == "2"
        assert "已发布（第1版）" in page
        assert ">更正</button>" in page

    def test_a_published_report_cannot_be_edited_before_it_is_reopened(self, city: Organ) -> None:
        client = reporter_of(city)
        client.post(edit_url(city), {**FORM, "action": "publish"})

        response = client.post(edit_url(city), {**FORM, "overview": "改写", "action": "save"})

        assert response.status_code == 302
        assert AnnualReport.objects.get().sections["overview"] == FORM["overview"]

    def test_reopen_and_republish_keeps_the_earlier_version_as_superseded(
        self, city: Organ
    ) -> None:
        make_item(city, "规范性文件", doc_type=Item.DocType.NORMATIVE)
        client = reporter_of(city)
        client.post(edit_url(city), {**FORM, "action": "publish"})

        reopened = client.post(edit_url(city, suffix="reopen/"))
        assert reopened.status_code == 302
        assert AnnualReport.objects.get().status == "draft"
        make_item(city, "更正时补录的规范性文件", doc_type=Item.DocType.NORMATIVE)
        corrected = {**FORM, "overview": "更正后的总体情况。", "action": "publish"}
        assert client.post(edit_url(city), corrected).status_code == 302

        first, second = PublishedReport.objects.order_by("version")
        assert first.superseded_at is not None and second.superseded_at is None
        page = client.get(edit_url(city)).content.decode()
        assert "已发布（第2版）" in page
        assert re.search(r"第1版</a>.*?已被更正", page, re.S)
        public = Client().get(f"/reports/{city.code}/2026/").content.decode()
        assert row_values(public, "行政规范性文件")[0] == "2"
        assert f"/reports/{city.code}/2026/?version=1" in public
        old = Client().get(f"/reports/{city.code}/2026/?version=1").content.decode()
        assert row_values(old, "行政规范性文件")[0] == "1"
        assert FORM["overview"] in old

    def test_reopening_a_draft_is_refused(self, city: Organ) -> None:
        client = reporter_of(city)
        client.post(edit_url(city), {**FORM, "action": "save"})

        response = client.post(edit_url(city, suffix="reopen/"), follow=True)

        assert "只有已发布的年度报告可以撤回更正。" in response.content.decode()


# --- Preview ----------------------------------------------------------------------------------


class TestPreview:
    def test_preview_shows_the_same_tables_as_the_public_page_under_a_banner(
        self, city: Organ
    ) -> None:
        make_item(city, "规范性文件", doc_type=Item.DocType.NORMATIVE)
        application(city, D(2026, 3, 2))
        client = reporter_of(city)
        client.post(edit_url(city), {**FORM, "action": "save"})

        preview = client.get(edit_url(city, suffix="preview/")).content.decode()
        public = client.get(f"/reports/{city.code}/2026/").content.decode()

        assert len(tables(preview)) >= 3
        assert tables(preview) == tables(public)
        assert FORM["overview"] in preview
        assert "preview-banner" in preview and "preview-banner" not in public
        assert preview.index("preview-banner") < preview.index("report-title")

    def test_preview_of_a_published_report_is_the_published_page(self, city: Organ) -> None:
        client = reporter_of(city)
        client.post(edit_url(city), {**FORM, "action": "publish"})

        preview = client.get(edit_url(city, suffix="preview/")).content.decode()
        public = Client().get(f"/reports/{city.code}/2026/").content.decode()

        assert tables(preview) == tables(public)
        assert "草稿（未发布）" not in preview


# --- 咨询登记 ----------------------------------------------------------------------------------


ENTRY = {"date": "2027-01-15", "channel": "phone", "topic": "如何申请公开", "count": "2"}


class TestConsultations:
    @pytest.mark.parametrize("role", ["handler", "reporter"])
    def test_handler_or_reporter_registers_a_consultation(self, city: Organ, role: str) -> None:
        user = make_staff(city, [role])
        client = login(user)

        response = client.post("/staff/consultations/", {**ENTRY, "organ": city.pk, "note": "无"})

        assert response.status_code == 302
        entry = Consultation.objects.get()
        assert (entry.organ, entry.date, entry.channel, entry.count) == (
            city,
            D(2027, 1, 15),
            "phone",
            2,
        )
        assert entry.created_by == user
        html = client.get("/staff/consultations/").content.decode()
        assert "如何申请公开" in html
        assert "合计 2 人次" in html

    @pytest.mark.parametrize("roles", [["publisher"], ["approver"]])
    def test_other_staff_roles_get_403(self, city: Organ, roles: list[str]) -> None:
        assert login(make_staff(city, roles)).get("/staff/consultations/").status_code == 403

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"date": "2027-01-21"}, "date", "日期不能晚于今天。"),
            ({"count": "0"}, "count", "人次至少为1。"),
            ({"channel": "letter"}, "channel", "咨询方式应为现场、电话或网上。"),
            ({"topic": ""}, "topic", "请填写咨询事项。"),
        ],
    )
    def test_bad_entries_are_refused_next_to_the_field(
        self, city: Organ, data: dict[str, str], field: str, message: str
    ) -> None:
        client = login(make_staff(city, ["handler"]))

        response = client.post("/staff/consultations/", {**ENTRY, "organ": city.pk, **data})

        html = response.content.decode()
        assert response.status_code == 400
        assert f'id="id_{field}_error"' in html
        assert html.count(message) == 2
        assert not Consultation.objects.exists()

    def test_register_is_scoped_to_the_users_organs(self, city: Organ) -> None:
        bureau = make_organ("测试市教育局", parent=city)
        other = make_organ("另一市人民政府")
        Consultation.objects.create(organ=other, date=D(2027, 1, 2), channel="phone", topic="外市")
        Consultation.objects.create(
            organ=bureau, date=D(2027, 1, 3), channel="online", topic="本局"
        )
        client = login(make_staff(city, ["handler"]))

        html = client.get("/staff/consultations/").content.decode()
        refused = client.post("/staff/consultations/", {**ENTRY, "organ": other.pk})

        assert "本局" in html and "外市" not in html
        assert refused.status_code == 400
        assert "未找到该行政机关，或您无权为其登记咨询。" in refused.content.decode()
        assert Consultation.objects.count() == 2

    def test_list_filters_by_organ_year_and_channel(self, city: Organ) -> None:
        for day, channel, topic in (
            (D(2026, 5, 1), "phone", "去年电话"),
            (D(2027, 1, 5), "phone", "今年电话"),
            (D(2027, 1, 6), "on_site", "今年现场"),
        ):
            Consultation.objects.create(organ=city, date=day, channel=channel, topic=topic)
        client = login(make_staff(city, ["reporter"]))

        html = client.get(
            "/staff/consultations/", {"organ": city.pk, "year": "2027", "channel": "phone"}
        ).content.decode()

        assert "今年电话" in html
        assert "去年电话" not in html and "今年现场" not in html

    def test_own_entries_of_the_current_year_can_be_deleted(self, city: Organ) -> None:
        user = make_staff(city, ["handler"])
        colleague = make_staff(city, ["handler"])
        mine = Consultation.objects.create(
            organ=city, date=D(2027, 1, 5), channel="phone", topic="我的", created_by=user
        )
        theirs = Consultation.objects.create(
            organ=city, date=D(2027, 1, 5), channel="phone", topic="同事的", created_by=colleague
        )
        last_year = Consultation.objects.create(
            organ=city, date=D(2026, 12, 5), channel="phone", topic="去年的", created_by=user
        )
        client = login(user)

        assert client.post(f"/staff/consultations/{theirs.pk}/delete/").status_code == 403
        assert client.post(f"/staff/consultations/{last_year.pk}/delete/").status_code == 403
        assert client.post(f"/staff/consultations/{mine.pk}/delete/").status_code == 302
        assert set(Consultation.objects.values_list("topic", flat=True)) == {"同事的", "去年的"}

    def test_entries_of_another_organ_are_404(self, city: Organ) -> None:
        other = make_organ("另一市人民政府")
        entry = Consultation.objects.create(
            organ=other, date=D(2027, 1, 5), channel="phone", topic="外市"
        )

        response = login(make_staff(city, ["handler"])).post(
            f"/staff/consultations/{entry.pk}/delete/"
        )

        assert response.status_code == 404
        assert Consultation.objects.filter(pk=entry.pk).exists()


def test_manual_fee_is_stored_exactly_as_entered_in_10k_yuan(city: Organ) -> None:
    reporter_of(city).post(edit_url(city), {**FORM, "fees": "0.0380", "action": "save"})

    fees = AnnualReport.objects.get().manual["fees"]["amount_10k_yuan"]
    assert Decimal(fees) == Decimal("0.038")
