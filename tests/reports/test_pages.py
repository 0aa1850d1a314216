"""The public pages of the annual report: /reports/ and /reports/<code>/<year>/ (api.md
"Pages and downloads"; the tables as in regulation.md §2.3–2.5)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from lxml import html as lxml_html

from catalog import organs as catalog_organs
from catalog.models import Organ
from reports import charts, services
from reports.format import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    APPLICANT_COLUMN_KEYS,
    APPLICANT_TYPE_KEYS,
    OUTCOME_GROUPS,
    SECTIONS,
    TABLE3_NOTE,
    TABLE3_ROWS,
    TABLE3_ROWS_BY_KEY,
    empty_figures,
    fill_totals,
)
from reports.models import AnnualReport, PublishedReport
from reports.statistics import figures_to_json
from tests.factories import credit_code, make_organ, make_staff

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 1, 20, 10, 0, tzinfo=SHANGHAI)
YEAR = 2026

SECTIONS_TEXT = {
    "overview": (
        "（一）主动公开\n2026年，本机关主动公开政府信息1234条。\n\n（二）依申请公开\n依法办理申请。"
    ),
    "problems": "依申请公开答复质量有待提高。",
    "other": "2026年未收取信息处理费。",
}
# A row of table 三 left entirely at zero: its cells must read 0, not blank.
ZERO_ROW = "rejected_mass"


@pytest.fixture(autouse=True)
def _january_2027() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def known_figures() -> dict[str, Any]:
    """Figures with a distinct number in every cell (totals computed), as published JSON."""
    figures = empty_figures()
    proactive = figures["proactive"]
    proactive["rule"] = {"issued": 11, "repealed": 12, "in_force": 13}
    proactive["normative"] = {"issued": 21, "repealed": 22, "in_force": 23}
    proactive["licensing"] = {"decisions": 31}
    proactive["penalty"] = {"decisions": 41}
    proactive["coercion"] = {"decisions": 0}
    proactive["fees"] = {"amount_10k_yuan": Decimal("12.5")}
    rows = figures["applications"]["rows"]
    for r, row in enumerate(TABLE3_ROWS):
        for c, column in enumerate(APPLICANT_TYPE_KEYS):
            rows[row.key][column] = 0 if row.key == ZERO_ROW else 1000 + 10 * r + c
    figures["appeals"] = {
        "review": {"upheld": 1, "corrected": 2, "other": 0, "pending": 3},
        "litigation_direct": {"upheld": 4, "corrected": 5, "other": 6, "pending": 0},
        "litigation_after_review": {"upheld": 7, "corrected": 0, "other": 8, "pending": 9},
    }
    return figures_to_json(fill_totals(figures))


def known_annexes() -> dict[str, Any]:
    groups = [
        {"key": "disclosed", "label": "予以公开"},
        {"key": "partially_disclosed", "label": "部分公开"},
        {"key": "withheld", "label": "不予公开"},
        {"key": "unavailable", "label": "无法提供"},
        {"key": "rejected", "label": "不予处理"},
        {"key": "other", "label": "其他处理"},
    ]
    months = [
        {"month": m, "new": m, **{g["key"]: (m + i) % 4 for i, g in enumerate(groups)}}
        for m in range(1, 13)
    ]
    return {
        "on_time": {
            "closed": 40,
            "with_deadline": 38,
            "on_time": 37,
            "late": 1,
            "rate_percent": 97.4,
        },
        "answer_workdays": {"answered": 30, "median": 8.5, "p90": 17, "max": 35},
        "oldest_open": [
            {
                "tracking_code": "SECRETCODE42",
                "organ": "x",
                "organ_name": "某市人民政府",
                "first_received_on": "2026-03-02",
                "status": "received",
                "status_label": "办理中",
                "still_open": True,
                "workdays_at_year_end": 205,
            }
        ],
        "by_organ": [],
        "year_on_year": {
            "year": 2026,
            "previous_year": 2025,
            "column": "total",
            "rows": [
                {
                    "key": "new",
                    "label": "本年新收申请",
                    "current": 120,
                    "previous": 100,
                    "change": 20,
                    "change_percent": 20.0,
                }
            ],
        },
        "by_month": {"groups": groups, "months": months},
    }


def make_city() -> tuple[Organ, Organ]:
    city = make_organ("某市人民政府", code=credit_code(7001))
    bureau = make_organ("某市教育局", parent=city, code=credit_code(7002))
    catalog_organs.invalidate()  # organ_create invalidates on commit; tests never commit
    return city, bureau


def publish_directly(
    organ: Organ,
    year: int = YEAR,
    *,
    scope: str = "organ",
    figures: dict[str, Any] | None = None,
    annexes: dict[str, Any] | None = None,
) -> PublishedReport:
    """A published report with known figures, frozen as ``report_publish`` would freeze it."""
    report = AnnualReport.objects.create(
        organ=organ, year=year, scope=scope, sections=SECTIONS_TEXT, status="published"
    )
    return PublishedReport.objects.create(
        report=report,
        version=1,
        sections=SECTIONS_TEXT,
        figures=figures if figures is not None else known_figures(),
        annexes=annexes if annexes is not None else known_annexes(),
        published_at=NOW,
    )


def page_url(organ: Organ, year: int = YEAR, query: str = "") -> str:
    return f"/reports/{organ.code}/{year}/" + query


def get_page(client: Client, url: str) -> tuple[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    return text, lxml_html.fromstring(text)


def text_of(element: Any) -> str:
    return " ".join(element.text_content().split())


def parse_svg(text: str) -> ET.Element:
    """Parse the chart: well-formed XML or an exception."""
    return ET.fromstring(text)  # noqa: S314 - the portal's own markup, not untrusted input


def table(tree: Any, key: str) -> Any:
    (found,) = tree.xpath(f'//table[contains(@class, "report-table-{key}")]')
    return found


def row_values(table_element: Any, label: str) -> list[str]:
    """The data cells of the row whose row header reads ``label``."""
    for tr in table_element.xpath(".//tr"):
        if any(text_of(th) == label for th in tr.xpath("./th")):
            return [text_of(td) for td in tr.xpath("./td")]
    raise AssertionError(f"no row {label!r}")


def header_cell(table_element: Any, text: str) -> Any:
    (cell,) = [c for c in table_element.xpath(".//th | .//td") if text_of(c) == text]
    return cell


@pytest.fixture
def city() -> tuple[Organ, Organ]:
    return make_city()


class TestPublishedReportPage:
    def test_title_period_date_and_the_six_headings_in_order(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])

        text, tree = get_page(client, page_url(city[0]))

        assert text_of(tree.xpath("//h1")[0]) == "某市人民政府2026年政府信息公开工作年度报告"
        assert "本报告中所列数据统计期限为2026年1月1日至12月31日。" in text
        assert "2027年1月20日" in text_of(tree.xpath('//p[@class="report-published"]')[0])
        headings = [
            text_of(h) for h in tree.xpath('//section[contains(@class, "report-section")]/h2')
        ]
        assert headings == [section.heading for section in SECTIONS]
        positions = [text.index(section.heading) for section in SECTIONS]
        assert positions == sorted(positions)
        # The annexes come after the six sections, under their own heading.
        assert text.index("附录（格式之外的补充信息）") > positions[-1]

    def test_text_sections_are_paragraphs_with_their_subheadings(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])

        _text, tree = get_page(client, page_url(city[0]))

        overview = tree.xpath('//section[contains(@class, "report-section-overview")]')[0]
        assert [text_of(h) for h in overview.xpath("./h3")] == [
            "（一）主动公开",
            "（二）依申请公开",
        ]
        assert [text_of(p) for p in overview.xpath("./p")] == [
            "2026年，本机关主动公开政府信息1234条。",
            "依法办理申请。",
        ]
        other = tree.xpath('//section[contains(@class, "report-section-other")]/p')
        assert [text_of(p) for p in other] == ["2026年未收取信息处理费。"]

    def test_table3_has_every_row_label_and_the_official_merged_cells(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])

        _text, tree = get_page(client, page_url(city[0]))

        t3 = table(tree, "applications")
        labels = [text_of(th) for th in t3.xpath(".//tbody//th")]
        for row in TABLE3_ROWS:
            assert row.label in labels
        results = header_cell(t3, "三、本年度办理结果")
        assert results.get("rowspan") == "22"
        assert [header_cell(t3, g.label).get("rowspan") for g in OUTCOME_GROUPS] == [
            "8",
            "3",
            "5",
            "3",
        ]
        # No subtotal rows: the group labels have no figures of their own.
        assert len(t3.xpath(".//tbody/tr")) == len(TABLE3_ROWS)
        note = header_cell(t3, TABLE3_NOTE)
        assert (note.get("colspan"), note.get("rowspan")) == ("3", "3")
        assert header_cell(t3, "申请人情况").get("colspan") == "7"
        assert header_cell(t3, "法人或其他组织").get("colspan") == "5"
        assert header_cell(t3, "自然人").get("rowspan") == "2"
        assert header_cell(t3, "总计").get("rowspan") == "2"
        assert header_cell(t3, "（一）予以公开").get("colspan") == "2"
        assert header_cell(t3, "一、本年新收政府信息公开申请数量").get("colspan") == "3"
        assert header_cell(t3, "一、本年新收政府信息公开申请数量").get("scope") == "row"

    def test_table3_numbers_are_in_their_cells_and_zero_is_written(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        figures = known_figures()
        publish_directly(city[0], figures=figures)

        _text, tree = get_page(client, page_url(city[0]))

        t3 = table(tree, "applications")
        rows = figures["applications"]["rows"]
        for row in TABLE3_ROWS:
            expected = [str(rows[row.key][column]) for column in APPLICANT_COLUMN_KEYS]
            assert row_values(t3, row.label) == expected, row.key
        assert row_values(t3, TABLE3_ROWS_BY_KEY[ZERO_ROW].label) == ["0"] * 7
        assert row_values(t3, "一、本年新收政府信息公开申请数量")[0] == "1000"

    def test_table2_blocks_and_numbers(self, city: tuple[Organ, Organ], client: Client) -> None:
        publish_directly(city[0])

        _text, tree = get_page(client, page_url(city[0]))

        t2 = table(tree, "proactive")
        assert len(t2.xpath("./tbody")) == 4
        assert [th.get("colspan") for th in t2.xpath(".//th[contains(@class, 'caption')]")] == [
            "4"
        ] * 4
        assert row_values(t2, "规章") == ["11", "12", "13"]
        assert row_values(t2, "行政规范性文件") == ["21", "22", "23"]
        assert row_values(t2, "行政许可") == ["31"]
        assert row_values(t2, "行政强制") == ["0"]
        assert row_values(t2, "行政事业性收费") == ["12.5"]
        (fee,) = [td for td in t2.xpath(".//td") if text_of(td) == "12.5"]
        assert fee.get("colspan") == "3"

    def test_table4_two_level_header_and_fifteen_cells(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])

        _text, tree = get_page(client, page_url(city[0]))

        t4 = table(tree, "appeals")
        assert header_cell(t4, "行政复议").get("colspan") == "5"
        assert header_cell(t4, "行政诉讼").get("colspan") == "10"
        assert header_cell(t4, "未经复议直接起诉").get("colspan") == "5"
        assert len(t4.xpath("./thead/tr")) == 3
        assert [th.get("rowspan") for th in t4.xpath("./thead/tr[2]/th")][:5] == ["2"] * 5
        cells = [text_of(td) for td in t4.xpath("./tbody/tr/td")]
        assert cells == "1 2 0 3 6 4 5 6 0 15 7 0 8 9 24".split()
        assert len(cells) == len(APPEAL_KINDS) * len(APPEAL_RESULTS)

    def test_tables_scroll_in_a_labelled_focusable_region_and_nothing_uses_style_attributes(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])

        text, tree = get_page(client, page_url(city[0]))

        wrappers = tree.xpath('//div[contains(@class, "report-table-wrap")]')
        assert len(wrappers) == 3
        for wrapper in wrappers:
            assert wrapper.get("tabindex") == "0"
            assert wrapper.get("aria-label")
            assert wrapper.xpath("./table/caption")
        # The CSP forbids inline styles; the print rules live in report.css.
        assert " style=" not in text
        assert "css/report.css" in text

    def test_download_links_for_the_three_formats(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])

        _text, tree = get_page(client, page_url(city[0]))

        links = tree.xpath('//nav[contains(@class, "report-tools")]//a/@href')
        for ext in ("docx", "xlsx", "pdf"):
            assert f"/reports/{city[0].code}/2026.{ext}" in links

    def test_annexes_show_rates_and_never_a_tracking_code(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])

        text, tree = get_page(client, page_url(city[0]))

        annexes = tree.xpath('//section[contains(@class, "report-annexes")]')[0]
        content = text_of(annexes)
        assert "按期办结率97.4%" in content
        assert "中位数为8.5个" in content and "第90百分位数为17个" in content
        assert "某市人民政府" in content and "205" in content
        assert "+20" in content and "20%" in content
        assert "SECRETCODE42" not in text

    def test_annex_chart_is_well_formed_svg_with_title_and_a_data_table(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])

        text, tree = get_page(client, page_url(city[0]))

        svg_text = re.search(r"<svg\b.*?</svg>", text, re.S).group(0)
        svg = parse_svg(svg_text)
        ns = "{http://www.w3.org/2000/svg}"
        assert svg.get("role") == "img"
        assert svg.find(f"{ns}title").text == "2026年各月办结申请数（按办理结果分组）"
        assert svg.find(f"{ns}desc").text
        data = tree.xpath('//details[contains(@class, "chart-data")]//table')[0]
        assert row_values(data, "3月")[:2] == ["3", "3"]  # new, 予以公开 = (3 + 0) % 4

    def test_a_report_without_annexes_has_no_annex_section(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0], annexes={})

        text, _tree = get_page(client, page_url(city[0]))

        assert "附录（格式之外的补充信息）" not in text
        assert "<svg" not in text


class TestNotFound:
    @pytest.mark.parametrize(
        "path",
        [
            "/reports/000000000000000000/2026/",
            "/reports/{code}/2025/",
            "/reports/{code}/1999/",
            "/reports/{code}/2026/?scope=everything",
            "/reports/{code}/2026/?version=7",
            "/reports/{code}/2026/?version=abc",
            "/reports/{code}/2026.doc",
            "/reports/000000000000000000/2026.pdf",
            "/reports/?organ=000000000000000000",
        ],
    )
    def test_what_does_not_exist_is_a_404(
        self, city: tuple[Organ, Organ], client: Client, path: str
    ) -> None:
        publish_directly(city[0])

        assert client.get(path.format(code=city[0].code)).status_code == 404


class TestDrafts:
    def test_a_draft_is_a_404_for_the_public_and_for_staff_of_other_organs(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        report = services.report_get_or_create(organ=city[0], year=YEAR, scope="organ")
        services.report_update(actor=None, report=report, sections={"overview": "草稿正文"})
        outsider = make_staff(make_organ("另一县人民政府"), ["reporter"])
        subordinate = make_staff(city[1], ["reporter"])

        assert client.get(page_url(city[0])).status_code == 404
        client.force_login(outsider)
        assert client.get(page_url(city[0])).status_code == 404
        client.force_login(subordinate)
        assert client.get(page_url(city[0])).status_code == 404

    def test_staff_of_the_organ_see_the_draft_with_a_banner_and_no_cache(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        report = services.report_get_or_create(organ=city[0], year=YEAR, scope="organ")
        services.report_update(actor=None, report=report, sections={"overview": "草稿正文"})
        client.force_login(make_staff(city[0], ["handler"]))

        response = client.get(page_url(city[0]))

        assert response.status_code == 200
        text = response.content.decode()
        assert "草稿（未发布）" in text
        assert "草稿正文" in text
        assert "no-store" in response["Cache-Control"]
        # A draft's figures are computed live: an empty year shows zeros, never blanks.
        t3 = table(lxml_html.fromstring(text), "applications")
        assert row_values(t3, "（七）总计") == ["0"] * 7

    def test_a_draft_is_not_listed_on_the_index(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        services.report_get_or_create(organ=city[0], year=YEAR, scope="organ")

        response = client.get("/reports/")

        assert f"/reports/{city[0].code}/2026/" not in response.content.decode()


class TestCorrections:
    def publish_twice(self, organ: Organ) -> None:
        report = services.report_get_or_create(organ=organ, year=YEAR, scope="organ")
        services.report_update(
            actor=None,
            report=report,
            sections={"overview": "第一版正文"},
            manual={"licensing": {"decisions": 120}},
        )
        with time_machine.travel(dt.datetime(2027, 1, 21, 10, tzinfo=SHANGHAI), tick=False):
            services.report_publish(actor=None, report=report)
        services.report_reopen(actor=None, report=report)
        services.report_update(
            actor=None,
            report=report,
            sections={"overview": "更正后的正文"},
            manual={"licensing": {"decisions": 125}},
        )
        with time_machine.travel(dt.datetime(2027, 2, 3, 10, tzinfo=SHANGHAI), tick=False):
            services.report_publish(actor=None, report=report)

    def test_the_current_version_says_it_was_corrected_and_links_the_earlier_one(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        self.publish_twice(city[0])

        text, tree = get_page(client, page_url(city[0]))

        assert "本报告已于2027年2月3日更正，以下为更正后版本。" in text
        assert "更正后的正文" in text and "第一版正文" not in text
        assert row_values(table(tree, "proactive"), "行政许可") == ["125"]
        assert page_url(city[0], query="?version=1") in tree.xpath(
            '//section[contains(@class, "report-versions")]//a/@href'
        )
        assert "已被更正的版本" not in text

    def test_an_earlier_version_is_shown_frozen_with_a_superseded_banner(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        self.publish_twice(city[0])

        text, tree = get_page(client, page_url(city[0], query="?version=1"))

        assert "已被更正的版本" in text
        assert "第一版正文" in text and "更正后的正文" not in text
        assert row_values(table(tree, "proactive"), "行政许可") == ["120"]
        assert "本报告已于" not in text
        # Its downloads are of the same earlier version.
        assert f"/reports/{city[0].code}/2026.pdf?version=1" in tree.xpath("//a/@href")


class TestConsolidatedReport:
    def test_scope_tree_shows_the_consolidated_report_and_keeps_the_scope_in_links(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])
        figures = known_figures()
        figures["proactive"]["licensing"] = {"decisions": 777}
        annexes = known_annexes() | {
            "by_organ": [
                {
                    "organ": city[0].code,
                    "organ_name": "某市人民政府",
                    "depth": 0,
                    "new": 5,
                    "results_total": 4,
                    "carried_forward": 1,
                },
                {
                    "organ": city[1].code,
                    "organ_name": "某市教育局",
                    "depth": 1,
                    "new": 3,
                    "results_total": 2,
                    "carried_forward": 1,
                },
            ]
        }
        publish_directly(city[0], scope="tree", figures=figures, annexes=annexes)

        _text, tree = get_page(client, page_url(city[0], query="?scope=tree"))

        assert "本级及所属机关汇总" in text_of(tree.xpath("//h1")[0])
        assert row_values(table(tree, "proactive"), "行政许可") == ["777"]
        links = tree.xpath('//nav[contains(@class, "report-tools")]//a/@href')
        assert f"/reports/{city[0].code}/2026.docx?scope=tree" in links
        assert page_url(city[0]) in links  # the organ's own report
        by_organ = tree.xpath('//section[contains(@class, "annex-by_organ")]//table')[0]
        assert row_values(by_organ, "某市教育局") == ["3", "2", "1"]


class TestIndex:
    def test_organs_in_tree_order_newest_year_first_with_consolidated_reports(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        city_organ, bureau = city
        publish_directly(bureau, 2025)
        publish_directly(city_organ, 2025)
        publish_directly(city_organ, 2026)
        publish_directly(city_organ, 2026, scope="tree")

        _text, tree = get_page(client, "/reports/")

        organs = [text_of(h) for h in tree.xpath('//section[contains(@class, "report-organ")]/h2')]
        assert organs == ["某市人民政府", "某市教育局"]
        city_links = tree.xpath(f'//section[@aria-labelledby="organ-{city_organ.code}"]//a/@href')
        assert city_links[1:] == [
            f"/reports/{city_organ.code}/2026/",
            f"/reports/{city_organ.code}/2026/?scope=tree",
            f"/reports/{city_organ.code}/2025/",
        ]

    def test_organ_filter_narrows_to_the_organ_and_its_subtree(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        city_organ, bureau = city
        other = make_organ("另一县人民政府", code=credit_code(7003))
        catalog_organs.invalidate()
        publish_directly(bureau, 2026)
        publish_directly(other, 2026)

        text, _tree = get_page(client, f"/reports/?organ={city_organ.code}")

        assert f"/reports/{bureau.code}/2026/" in text
        assert f"/reports/{other.code}/2026/" not in text
        # The chosen organ is listed even before its first report.
        assert "暂无已发布的年度报告" in text

        text, _tree = get_page(client, f"/reports/?organ={bureau.code}")
        assert f"/reports/{bureau.code}/2026/" in text


class TestChart:
    def test_svg_is_well_formed_escaped_and_labelled(self) -> None:
        by_month = known_annexes()["by_month"]
        by_month["groups"][0] = {"key": "disclosed", "label": "予以<公开>&"}

        svg = charts.monthly_chart_svg(by_month, title='2026年 "图" <表>', chart_id="c1")

        root = parse_svg(svg)
        ns = "{http://www.w3.org/2000/svg}"
        assert root.find(f"{ns}title").text == '2026年 "图" <表>'
        assert root.get("aria-labelledby") == "c1-title c1-desc"
        texts = [t.text for t in root.iter(f"{ns}text")]
        assert "1月" in texts and "12月" in texts and "予以<公开>&" in texts
        # March's stack: one rect per non-zero group ((3 + i) % 4 = 3, 0, 1, 2, 3, 0).
        march = next(g for g in root.iter(f"{ns}g") if g.findtext(f"{ns}title") == "3月")
        segments = [r.findtext(f"{ns}title") for r in march.findall(f"{ns}rect")]
        assert segments == [
            "3月 予以<公开>&：3件",
            "3月 不予公开：1件",
            "3月 无法提供：2件",
            "3月 不予处理：3件",
        ]

    def test_an_empty_year_still_draws_axes_and_says_so(self) -> None:
        groups = known_annexes()["by_month"]["groups"]
        months = [{"month": m, "new": 0} for m in range(1, 13)]

        root = parse_svg(charts.monthly_chart_svg({"groups": groups, "months": months}, title="t"))

        ns = "{http://www.w3.org/2000/svg}"
        assert "无办结" in root.find(f"{ns}desc").text
        assert not [r for r in root.iter(f"{ns}rect") if r.get("height") not in ("14",)]

    @pytest.mark.parametrize(
        ("maximum", "step"), [(0, 1), (4, 1), (7, 2), (12, 5), (48, 10), (230, 50), (1001, 500)]
    )
    def test_tick_steps_are_round(self, maximum: int, step: int) -> None:
        assert charts.nice_step(maximum) == step
