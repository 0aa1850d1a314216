"""The annual report as DOCX, XLSX and PDF (api.md "Pages and downloads"): real tables with the
national format's merged cells, numbers as numbers, Chinese text that survives extraction."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import docx
import openpyxl
import pytest
from django.test import Client

from catalog.models import Organ
from reports import exports, services
from reports.format import (
    APPLICANT_COLUMN_KEYS,
    OUTCOME_GROUPS,
    SECTIONS,
    TABLE3_NOTE,
    TABLE3_ROWS,
    TABLE3_ROWS_BY_KEY,
)
from reports.views import download_filename
from tests.factories import make_organ, make_staff
from tests.reports.test_pages import (
    YEAR,
    ZERO_ROW,
    _january_2027,  # noqa: F401  (autouse: the clock stands in January 2027)
    known_annexes,
    known_figures,
    make_city,
    publish_directly,
)

pytestmark = pytest.mark.django_db

TITLE = "某市人民政府2026年政府信息公开工作年度报告"
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@pytest.fixture
def city() -> tuple[Organ, Organ]:
    return make_city()


def report_dict(**extra: Any) -> dict[str, Any]:
    """A published report as ``services.report_data`` returns it."""
    figures = known_figures()
    return {
        "organ": "11330100000070011X",
        "organ_name": "某市人民政府",
        "year": YEAR,
        "scope": "organ",
        "status": "published",
        "published_at": "2027-01-20T10:00:00+08:00",
        "version": 1,
        "superseded_at": None,
        "sections": {
            "overview": "（一）主动公开\n本机关主动公开政府信息1234条。",
            "problems": "答复质量有待提高。",
            "other": "未收取信息处理费。",
        },
        "proactive": figures["proactive"],
        "applications": figures["applications"],
        "appeals": figures["appeals"],
        "annexes": known_annexes(),
        "versions": [],
        **extra,
    }


def download(client: Client, organ: Organ, ext: str, query: str = "") -> Any:
    return client.get(f"/reports/{organ.code}/{YEAR}.{ext}{query}")


# --- HTTP -------------------------------------------------------------------------------------


class TestDownloads:
    @pytest.mark.parametrize("ext", ["docx", "xlsx", "pdf"])
    def test_content_type_and_attachment_filename(
        self, city: tuple[Organ, Organ], client: Client, ext: str
    ) -> None:
        publish_directly(city[0])

        response = download(client, city[0], ext)

        assert response.status_code == 200
        assert response["Content-Type"] == CONTENT_TYPES[ext]
        assert response["Content-Disposition"] == (
            f"attachment; filename*=UTF-8''{quote(f'{TITLE}.{ext}')}"
        )

    @pytest.mark.parametrize("ext", ["docx", "xlsx", "pdf"])
    def test_a_draft_is_a_404_for_the_public_and_a_marked_file_for_its_staff(
        self, city: tuple[Organ, Organ], client: Client, ext: str
    ) -> None:
        services.report_get_or_create(organ=city[0], year=YEAR, scope="organ")

        assert download(client, city[0], ext).status_code == 404
        client.force_login(make_staff(make_organ("另一县人民政府"), ["reporter"]))
        assert download(client, city[0], ext).status_code == 404

        client.force_login(make_staff(city[0], ["reporter"]))
        response = download(client, city[0], ext)
        assert response.status_code == 200
        assert quote("（草稿）") in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]

    def test_unknown_organ_and_unpublished_year_are_404(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])

        assert client.get(f"/reports/000000000000000000/{YEAR}.pdf").status_code == 404
        assert client.get(f"/reports/{city[0].code}/2025.pdf").status_code == 404
        assert client.get(f"/reports/{city[0].code}/{YEAR}.pdf?scope=tree").status_code == 404

    def test_scope_tree_downloads_the_consolidated_report(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        publish_directly(city[0])
        figures = known_figures()
        figures["proactive"]["licensing"] = {"decisions": 777}
        publish_directly(city[0], scope="tree", figures=figures)

        response = download(client, city[0], "xlsx", "?scope=tree")

        sheet = openpyxl.load_workbook(io.BytesIO(response.content))["表二 主动公开"]
        assert "本级及所属机关汇总" in sheet["A1"].value
        assert find_row(sheet, "行政许可", columns=1)[0] == 777
        assert quote("（本级及所属机关汇总）") in response["Content-Disposition"]

    def test_published_through_the_services_the_download_has_the_frozen_figures(
        self, city: tuple[Organ, Organ], client: Client
    ) -> None:
        report = services.report_get_or_create(organ=city[0], year=YEAR, scope="organ")
        services.report_update(
            actor=None,
            report=report,
            sections={"overview": "全年依法公开。"},
            manual={"licensing": {"decisions": 120}, "fees": {"amount_10k_yuan": "0.75"}},
        )
        services.report_publish(actor=None, report=report)

        document = docx.Document(io.BytesIO(download(client, city[0], "docx").content))

        proactive = document.tables[0]
        assert row_of(proactive, "行政许可", labels=1) == ["120"] * 3  # one cell spanning three
        assert row_of(proactive, "行政事业性收费", labels=1) == ["0.75"] * 3
        assert "全年依法公开。" in [p.text for p in document.paragraphs]


# --- DOCX -------------------------------------------------------------------------------------


def row_of(table: Any, label: str, *, labels: int) -> list[str]:
    """The texts of the figure cells of the row whose label (in the first ``labels`` grid
    columns) reads ``label``."""
    for row in table.rows:
        cells = row.cells
        if any(cell.text == label for cell in cells[:labels]):
            return [cell.text for cell in cells[labels:]]
    raise AssertionError(f"no row {label!r}")


class TestDocx:
    def test_title_and_the_six_headings_in_order_with_text_as_paragraphs(self) -> None:
        document = docx.Document(io.BytesIO(exports.report_docx(report_dict())))

        texts = [p.text for p in document.paragraphs]
        assert texts[0] == TITLE
        headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        assert headings[:6] == [section.heading for section in SECTIONS]
        assert headings[6] == "附录（格式之外的补充信息）"
        assert "本机关主动公开政府信息1234条。" in texts
        assert "本报告中所列数据统计期限为2026年1月1日至12月31日。" in texts

    def test_the_three_statutory_tables_are_word_tables_with_the_numbers(self) -> None:
        data = report_dict()

        document = docx.Document(io.BytesIO(exports.report_docx(data)))

        proactive, applications, appeals = document.tables[:3]
        assert row_of(proactive, "规章", labels=1) == ["11", "12", "13"]
        assert row_of(proactive, "行政强制", labels=1) == ["0", "0", "0"]
        rows = data["applications"]["rows"]
        for row in TABLE3_ROWS:
            expected = [str(rows[row.key][column]) for column in APPLICANT_COLUMN_KEYS]
            assert row_of(applications, row.label, labels=3) == expected, row.key
        assert row_of(applications, TABLE3_ROWS_BY_KEY[ZERO_ROW].label, labels=3) == ["0"] * 7
        assert [c.text for c in appeals.rows[3].cells] == "1 2 0 3 6 4 5 6 0 15 7 0 8 9 24".split()

    def test_table3_header_and_labels_are_merged_cells(self) -> None:
        document = docx.Document(io.BytesIO(exports.report_docx(report_dict())))

        table = document.tables[1]
        assert len(table.rows) == 3 + len(TABLE3_ROWS) and len(table.columns) == 10
        # A merged cell is the same <w:tc> at every grid position it covers.
        note = table.cell(0, 0)
        assert note.text == TABLE3_NOTE
        assert note._tc is table.cell(2, 2)._tc
        assert (
            table.cell(0, 3).text == "申请人情况" and table.cell(0, 3)._tc is table.cell(0, 9)._tc
        )
        assert table.cell(1, 4).text == "法人或其他组织"
        assert table.cell(1, 3)._tc is table.cell(2, 3)._tc  # 自然人 over two rows
        results = table.cell(5, 0)
        assert results.text == "三、本年度办理结果"
        assert results._tc is table.cell(5 + 21, 0)._tc
        assert table.cell(5 + 22, 0).text == "四、结转下年度继续办理"
        top = 7  # （三）不予公开 starts after （一）and（二）
        for group in OUTCOME_GROUPS:
            assert table.cell(top, 1).text == group.label
            assert table.cell(top, 1)._tc is table.cell(top + group.rowspan - 1, 1)._tc
            assert table.cell(top + group.rowspan, 1).text != group.label
            top += group.rowspan

    def test_table4_two_level_header(self) -> None:
        document = docx.Document(io.BytesIO(exports.report_docx(report_dict())))

        table = document.tables[2]
        assert table.cell(0, 0).text == "行政复议" and table.cell(0, 0)._tc is table.cell(0, 4)._tc
        assert table.cell(0, 5).text == "行政诉讼" and table.cell(0, 5)._tc is table.cell(0, 14)._tc
        assert table.cell(1, 0).text == "结果维持" and table.cell(1, 0)._tc is table.cell(2, 0)._tc
        assert table.cell(1, 5).text == "未经复议直接起诉"
        assert table.cell(1, 10).text == "复议后起诉"
        assert [table.cell(2, c).text for c in range(5, 10)] == [
            "结果维持",
            "结果纠正",
            "其他结果",
            "尚未审结",
            "总计",
        ]

    def test_chinese_fonts_are_set_for_east_asian_text(self) -> None:
        document = docx.Document(io.BytesIO(exports.report_docx(report_dict())))

        east_asia = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        for style, font in (
            ("Normal", exports.DOCX_BODY_FONT),
            ("Title", exports.DOCX_HEADING_FONT),
            ("Heading 1", exports.DOCX_HEADING_FONT),
        ):
            fonts = document.styles[style].element.rPr.rFonts
            assert fonts.get(east_asia) == font, style
            assert fonts.get(east_asia.replace("eastAsia", "eastAsiaTheme")) is None, style

    def test_a_superseded_version_says_so(self) -> None:
        data = report_dict(superseded_at="2027-02-03T10:00:00+08:00")

        document = docx.Document(io.BytesIO(exports.report_docx(data)))

        assert "已被更正的版本（第1版，已于2027年2月3日更正）" in [
            p.text for p in document.paragraphs
        ]


# --- XLSX -------------------------------------------------------------------------------------


def find_row(sheet: Any, label: str, *, columns: int) -> list[Any]:
    """The values after the label columns of the row labelled ``label``."""
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if label in row[:columns]:
            return list(row[columns:])
    raise AssertionError(f"no row {label!r}")


class TestXlsx:
    def test_one_sheet_per_table_with_a_title_row(self) -> None:
        book = openpyxl.load_workbook(io.BytesIO(exports.report_xlsx(report_dict())))

        assert book.sheetnames == ["表二 主动公开", "表三 依申请公开", "表四 复议诉讼"]
        for sheet in book.worksheets:
            assert sheet["A1"].value == TITLE
        assert book["表三 依申请公开"]["A2"].value == "三、收到和处理政府信息公开申请情况"

    def test_figures_are_numbers_in_their_cells(self) -> None:
        data = report_dict()

        book = openpyxl.load_workbook(io.BytesIO(exports.report_xlsx(data)))

        sheet = book["表三 依申请公开"]
        rows = data["applications"]["rows"]
        for row in TABLE3_ROWS:
            values = find_row(sheet, row.label, columns=3)
            assert values == [rows[row.key][column] for column in APPLICANT_COLUMN_KEYS]
            assert all(type(value) is int for value in values), row.key
        assert find_row(sheet, TABLE3_ROWS_BY_KEY[ZERO_ROW].label, columns=3) == [0] * 7
        assert sheet["D6"].value == 1000 and sheet["J6"].value == 6015

        proactive = book["表二 主动公开"]
        assert find_row(proactive, "规章", columns=1) == [11, 12, 13]
        fee = find_row(proactive, "行政事业性收费", columns=1)[0]
        assert isinstance(fee, float) and Decimal(str(fee)) == Decimal("12.5")

        appeals = book["表四 复议诉讼"]
        values = [cell.value for cell in appeals[6]]
        assert values == [1, 2, 0, 3, 6, 4, 5, 6, 0, 15, 7, 0, 8, 9, 24]
        assert all(type(value) is int for value in values)

    def test_header_cells_are_merged_as_in_the_national_format(self) -> None:
        book = openpyxl.load_workbook(io.BytesIO(exports.report_xlsx(report_dict())))

        merged = {str(r) for r in book["表三 依申请公开"].merged_cells.ranges}
        # Rows: 1 title, 2 heading, 3–5 header, 6 新收, 7 结转, 8–29 办理结果, 30 结转下年度.
        assert {"A3:C5", "D3:J3", "E4:I4", "D4:D5", "J4:J5", "A8:A29", "B8:C8"} <= merged
        assert {"B10:B17", "B18:B20", "B21:B25", "B26:B28", "A6:C6", "A30:C30"} <= merged
        sheet = book["表三 依申请公开"]
        assert sheet["A3"].value == TABLE3_NOTE
        assert sheet["A8"].value == "三、本年度办理结果"
        assert sheet["B10"].value == "（三）不予公开"

        appeals = {str(r) for r in book["表四 复议诉讼"].merged_cells.ranges}
        assert {"A3:E3", "F3:O3", "A4:A5", "F4:J4", "K4:O4"} <= appeals
        proactive = {str(r) for r in book["表二 主动公开"].merged_cells.ranges}
        # The caption row, the 本年处理决定数量 header and 行政许可's figure span the columns.
        assert {"A3:D3", "B8:D8", "B9:D9"} <= proactive


# --- PDF --------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
class TestPdf:
    def extract(self, pdf: bytes) -> str:
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode()

    def test_chinese_headings_and_figures_can_be_extracted(self) -> None:
        pdf = exports.report_pdf(report_dict())

        assert pdf.startswith(b"%PDF")
        text = self.extract(pdf)
        compact = "".join(text.split())
        assert TITLE in compact
        for section in SECTIONS:
            assert section.heading in compact
        assert "1.属于国家秘密" in compact
        assert "6015" in text and "134340" in text
        assert "附录（格式之外的补充信息）" in compact

    def test_the_chinese_font_is_embedded_when_available(self) -> None:
        pdf = exports.report_pdf(report_dict())

        if exports.pdf_font_name() == "STSong-Light":
            pytest.skip("no Chinese TrueType font installed: the CID fallback is not embedded")
        assert b"/FontFile2" in pdf
        from reportlab.pdfbase.pdfmetrics import getFont

        assert getFont(exports.pdf_font_name()).face.name in pdf

    def test_draft_note_is_printed(self, city: tuple[Organ, Organ], client: Client) -> None:
        services.report_get_or_create(organ=city[0], year=YEAR, scope="organ")
        client.force_login(make_staff(city[0], ["handler"]))

        text = self.extract(download(client, city[0], "pdf").content)

        assert "草稿（未发布）" in "".join(text.split())


# --- Layout helpers ---------------------------------------------------------------------------


class TestLayout:
    def test_place_skips_columns_covered_by_a_rowspan(self) -> None:
        tall = exports.Cell("A", rowspan=2)
        rows = [
            (tall, exports.Cell("B"), exports.Cell("C")),
            (exports.Cell("D"), exports.Cell("E")),
        ]

        placed = [(r, c, cell.text) for r, c, cell in exports.place(rows)]

        assert placed == [(0, 0, "A"), (0, 1, "B"), (0, 2, "C"), (1, 1, "D"), (1, 2, "E")]

    @pytest.mark.parametrize(
        ("raw", "money", "text", "value"),
        [
            (0, False, "0", 0),
            (None, False, "0", 0),
            (17, False, "17", 17),
            ("12.50", True, "12.5", Decimal("12.50")),
            (None, True, "0", Decimal("0")),
            ("abc", False, "abc", None),
        ],
    )
    def test_figure_cells_never_blank(
        self, raw: Any, money: bool, text: str, value: Decimal | int | None
    ) -> None:
        cell = exports.figure_cell(raw, money=money)

        assert (cell.text, cell.value) == (text, value)

    def test_every_row_of_each_grid_covers_the_full_width(self) -> None:
        data = report_dict()
        for key in ("proactive", "applications", "appeals"):
            grid = exports.table_grid(data, key)
            covered: dict[int, int] = {}
            for r, _c, cell in exports.place(grid.rows):
                for dr in range(cell.rowspan):
                    covered[r + dr] = covered.get(r + dr, 0) + cell.colspan
            assert set(covered.values()) == {grid.columns}, key

    @pytest.mark.parametrize(
        ("extra", "name"),
        [
            ({}, f"{TITLE}.pdf"),
            ({"scope": "tree"}, f"{TITLE}（本级及所属机关汇总）.pdf"),
            ({"status": "draft"}, f"{TITLE}（草稿）.pdf"),
            ({"superseded_at": "2027-02-03T10:00:00+08:00"}, f"{TITLE}（第1版，已被更正）.pdf"),
        ],
    )
    def test_download_filenames(self, extra: dict[str, Any], name: str) -> None:
        assert download_filename(report_dict(**extra), "pdf") == name
