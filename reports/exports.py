"""The 政府信息公开工作年度报告 as DOCX, XLSX and PDF, and the table layouts they share with the
HTML page (条例第四十九、五十条; 国办公开办函〔2021〕30号).

Every renderer takes the report dict of :func:`reports.services.report_data` (the api.md JSON
shape plus ``organ_name``, ``version``, ``superseded_at``, ``annexes`` and ``versions``), so the
API, the page and the three downloads always say the same thing.

The statutory tables are described once, as a :class:`Grid` of :class:`Cell` objects in HTML
order: a merged cell appears once, at its top-left position, with its ``colspan`` and
``rowspan`` (regulation.md §2.3–2.5: the 3×3 note cell of table 三, the vertical
三、本年度办理结果 label spanning 22 rows, the group labels （三）–（六） spanning 8/3/5/3 rows, no
subtotal rows; the two-level header of table 四). :func:`place` turns that into absolute
positions for the office formats, which merge the same cells (python-docx ``cell.merge``,
openpyxl ``merge_cells``, reportlab ``SPAN``). Zeros are written as 0, never left blank.

Annexes beyond the format (domain.md: never inside the statutory tables) come after the
report under their own heading, as :class:`AnnexBlock` objects.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from catalog.templatetags.portal import format_cn_date
from disclosure_portal.spreadsheets import xlsx_cell
from reports.format import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    APPLICANT_COLUMN_LABELS,
    APPLICANT_COLUMNS,
    APPLICANT_HEADER,
    APPLICANTS_CAPTION,
    MONEY_CELLS,
    OUTCOME_GROUPS_BY_KEY,
    OUTCOMES,
    OVERVIEW_SUBHEADINGS,
    PROACTIVE_BLOCKS,
    PROACTIVE_CONTENT_HEADER,
    PROACTIVE_VALUE_COLUMNS,
    RESULTS_CAPTION,
    RESULTS_ROWSPAN,
    RESULTS_TOTAL,
    SECTIONS,
    SECTIONS_BY_KEY,
    TABLE3_NOTE,
    TABLE3_ROWS_BY_KEY,
    report_title,
    statistical_period,
)
from requests_app.letters import set_east_asian_font

TREE_SCOPE = "tree"
# The consolidated report (api.md ``?scope=tree``) covers the organ and all its subordinates.
TREE_SCOPE_NOTE = "（本级及所属机关汇总）"
DRAFT_NOTE = "草稿（未发布）"
ANNEX_HEADING = "附录（格式之外的补充信息）"

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"

# Names the DOCX asks Word/WPS for; the reader's own Chinese fonts render them.
DOCX_BODY_FONT = "宋体"
DOCX_HEADING_FONT = "黑体"

# The numbering of the statutory tables, by section key (二、三、四).
TABLE_NUMBERS: dict[str, str] = {"proactive": "二", "applications": "三", "appeals": "四"}
# XLSX sheet names (Excel allows 31 characters, no ``/ \ ? * [ ]``).
SHEET_NAMES: dict[str, str] = {
    "proactive": "表二 主动公开",
    "applications": "表三 依申请公开",
    "appeals": "表四 复议诉讼",
}


# ---------------------------------------------------------------------------
# Table layouts
# ---------------------------------------------------------------------------

Number = int | Decimal


@dataclass(frozen=True)
class Cell:
    """One cell of a statutory table.

    ``value`` is set on figure cells only (an ``int``, or a ``Decimal`` for the fee amount);
    ``scope`` is the HTML ``th`` scope of a header cell; ``kind`` a presentation hint
    (``note``, ``caption``, ``vertical``, ``group``, ``num``).
    """

    text: str
    value: Number | None = None
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    scope: str = ""
    kind: str = ""

    @property
    def is_number(self) -> bool:
        return self.value is not None

    @property
    def merged(self) -> bool:
        return self.colspan > 1 or self.rowspan > 1


Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Grid:
    """A statutory table: header rows (``thead``) and groups of body rows (``tbody``)."""

    key: str
    caption: str
    columns: int
    head: tuple[Row, ...]
    bodies: tuple[tuple[Row, ...], ...]

    @property
    def rows(self) -> list[Row]:
        """Every row, header rows first."""
        return [*self.head, *(row for body in self.bodies for row in body)]


def place(rows: Sequence[Sequence[Cell]]) -> list[tuple[int, int, Cell]]:
    """Absolute ``(row, column, cell)`` positions of cells given in HTML order.

    As in an HTML table, a cell takes the first column of its row not already covered by a
    cell spanning down from a row above.
    """
    covered: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, Cell]] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in covered:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered.add((r + dr, c + dc))
            c += cell.colspan
    return placed


def decimal_text(value: Decimal) -> str:
    """``Decimal("12.50")`` → ``"12.5"``, ``Decimal("1E+2")`` → ``"100"``."""
    return format(value.normalize(), "f") if value.is_finite() else str(value)


def _money(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    try:
        value = Decimal(repr(raw) if isinstance(raw, float) else str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def figure_cell(raw: Any, *, money: bool = False, colspan: int = 1) -> Cell:
    """A figure cell; a missing figure is 0 (the portal never leaves a cell blank)."""
    if raw is None or raw == "":
        raw = Decimal("0") if money else 0
    if money:
        amount = _money(raw)
        if amount is not None:
            return Cell(decimal_text(amount), amount, colspan=colspan, kind="num")
    elif isinstance(raw, int) and not isinstance(raw, bool):
        return Cell(str(raw), raw, colspan=colspan, kind="num")
    # A corrupt stored value is shown as it is rather than hidden (the checks report it).
    return Cell(str(raw), colspan=colspan, kind="num")


def _table_caption(key: str) -> str:
    heading = SECTIONS_BY_KEY[key].heading
    return f"表{TABLE_NUMBERS[key]}　{heading.split('、', 1)[1]}"


def proactive_grid(proactive: Mapping[str, Any]) -> Grid:
    """Table 二: one row group per block — its caption row, its header row, its rows."""
    width = 1 + PROACTIVE_VALUE_COLUMNS
    bodies: list[tuple[Row, ...]] = []
    for block in PROACTIVE_BLOCKS:
        # 第二十条第（五）（六）（八）项 have a single value column spanning the three.
        span = PROACTIVE_VALUE_COLUMNS // len(block.columns)
        rows: list[Row] = [
            (Cell(block.caption, colspan=width, header=True, scope="rowgroup", kind="caption"),),
            (
                Cell(PROACTIVE_CONTENT_HEADER, header=True, scope="col"),
                *(
                    Cell(column.label, colspan=span, header=True, scope="col")
                    for column in block.columns
                ),
            ),
        ]
        for row in block.rows:
            cells = proactive.get(row.key) or {}
            rows.append(
                (
                    Cell(row.label, header=True, scope="row"),
                    *(
                        figure_cell(
                            cells.get(column.key),
                            money=(row.key, column.key) in MONEY_CELLS,
                            colspan=span,
                        )
                        for column in block.columns
                    ),
                )
            )
        bodies.append(tuple(rows))
    return Grid("proactive", _table_caption("proactive"), width, (), tuple(bodies))


def applications_grid(applications: Mapping[str, Any]) -> Grid:
    """Table 三: 3 label columns and the 7 numeric columns of the national format."""
    data = applications.get("rows") or {}
    numeric = len(APPLICANT_COLUMNS)

    def figures(key: str) -> tuple[Cell, ...]:
        cells = data.get(key) or {}
        return tuple(figure_cell(cells.get(column.key)) for column in APPLICANT_COLUMNS)

    def label(key: str, colspan: int) -> Cell:
        return Cell(TABLE3_ROWS_BY_KEY[key].label, colspan=colspan, header=True, scope="row")

    head: tuple[Row, ...] = (
        # The top-left cell spans 3×3 and holds the 勾稽 note (rule F1).
        (
            Cell(TABLE3_NOTE, colspan=3, rowspan=3, kind="note"),
            Cell(APPLICANTS_CAPTION, colspan=numeric, header=True, scope="colgroup"),
        ),
        # 自然人 | 法人或其他组织 | 总计; the first and last span the two lower rows.
        tuple(
            Cell(
                group.label,
                colspan=group.colspan,
                rowspan=1 if group.colspan > 1 else 2,
                header=True,
                scope="colgroup" if group.colspan > 1 else "col",
            )
            for group in APPLICANT_HEADER
        ),
        tuple(
            Cell(APPLICANT_COLUMN_LABELS[key], header=True, scope="col")
            for group in APPLICANT_HEADER
            if group.colspan > 1
            for key in group.columns
        ),
    )
    flows_in: tuple[Row, ...] = (
        (label("new", 3), *figures("new")),
        (label("carried_over", 3), *figures("carried_over")),
    )
    results: list[Row] = []
    started: set[str] = set()
    for index, outcome in enumerate(OUTCOMES):
        lead: list[Cell] = []
        if index == 0:
            # 三、本年度办理结果: a vertical label over the 21 result rows and （七）总计.
            lead.append(
                Cell(
                    RESULTS_CAPTION,
                    rowspan=RESULTS_ROWSPAN,
                    header=True,
                    scope="row",
                    kind="vertical",
                )
            )
        if outcome.group is None:
            lead.append(label(outcome.code, 2))
        else:
            if outcome.group not in started:
                # （三）–（六）: group labels only, no subtotal row (regulation.md §2.4).
                group = OUTCOME_GROUPS_BY_KEY[outcome.group]
                lead.append(
                    Cell(group.label, rowspan=group.rowspan, header=True, scope="row", kind="group")
                )
                started.add(outcome.group)
            lead.append(label(outcome.code, 1))
        results.append((*lead, *figures(outcome.code)))
    results.append((label(RESULTS_TOTAL, 2), *figures(RESULTS_TOTAL)))
    flows_out: tuple[Row, ...] = ((label("carried_forward", 3), *figures("carried_forward")),)
    return Grid(
        "applications",
        _table_caption("applications"),
        3 + numeric,
        head,
        (flows_in, tuple(results), flows_out),
    )


def appeals_grid(appeals: Mapping[str, Any]) -> Grid:
    """Table 四: 行政复议 × 5 and 行政诉讼 × 2 × 5 in a single data row of 15 cells."""
    results = len(APPEAL_RESULTS)
    top: list[Cell] = []
    middle: list[Cell] = []
    bottom: list[Cell] = []
    parents: dict[str, int] = {}
    for kind in APPEAL_KINDS:
        if kind.parent is None:
            top.append(Cell(kind.label, colspan=results, header=True, scope="colgroup"))
            # 行政复议's own result headers span the two lower header rows.
            middle += [
                Cell(result.label, rowspan=2, header=True, scope="col") for result in APPEAL_RESULTS
            ]
        else:
            parents[kind.parent] = parents.get(kind.parent, 0) + results
            middle.append(Cell(kind.label, colspan=results, header=True, scope="colgroup"))
            bottom += [Cell(result.label, header=True, scope="col") for result in APPEAL_RESULTS]
    for parent, span in parents.items():
        top.append(Cell(parent, colspan=span, header=True, scope="colgroup"))
    data = tuple(
        figure_cell((appeals.get(kind.key) or {}).get(result.key))
        for kind in APPEAL_KINDS
        for result in APPEAL_RESULTS
    )
    return Grid(
        "appeals",
        _table_caption("appeals"),
        results * len(APPEAL_KINDS),
        (tuple(top), tuple(middle), tuple(bottom)),
        ((data,),),
    )


GRID_BUILDERS: dict[str, Callable[[Mapping[str, Any]], Grid]] = {
    "proactive": proactive_grid,
    "applications": applications_grid,
    "appeals": appeals_grid,
}


def table_grid(report: Mapping[str, Any], key: str) -> Grid:
    """The grid of one statutory table (``proactive``, ``applications`` or ``appeals``)."""
    return GRID_BUILDERS[key](report.get(key) or {})


# ---------------------------------------------------------------------------
# Text sections and the report's front matter
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    text: str
    subheading: bool = False


@dataclass(frozen=True)
class SectionView:
    key: str
    heading: str
    kind: str
    paragraphs: tuple[Paragraph, ...] = ()


# "（一）主动公开": a short numbered line without sentence punctuation is a subheading.
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]{1,3}）[^。；，,.;]{1,24}$")


def text_paragraphs(text: Any) -> tuple[Paragraph, ...]:
    """A text section as paragraphs: one per non-empty line."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = []
    for line in (line.strip() for line in lines):
        if line:
            heading = line in OVERVIEW_SUBHEADINGS or bool(_SUBHEADING.match(line))
            out.append(Paragraph(line, heading))
    return tuple(out)


def report_sections(report: Mapping[str, Any]) -> list[SectionView]:
    """The six sections in the order of the format, text sections split into paragraphs."""
    texts = report.get("sections") or {}
    return [
        SectionView(
            section.key,
            section.heading,
            section.kind,
            text_paragraphs(texts.get(section.key)) if section.kind == "text" else (),
        )
        for section in SECTIONS
    ]


def document_title(report: Mapping[str, Any]) -> str:
    """The title "XX（机关全称）XXXX年政府信息公开工作年度报告", noting a consolidated report."""
    title = report_title(str(report.get("organ_name") or report.get("organ") or ""), report["year"])
    return title + (TREE_SCOPE_NOTE if report.get("scope") == TREE_SCOPE else "")


def parse_timestamp(value: Any) -> dt.datetime | None:
    """An ISO 8601 timestamp of the API (with offset) as a datetime; None when absent."""
    if isinstance(value, dt.datetime):
        return value
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def cn_date(value: Any) -> str:
    """``2027-01-20T10:00:00+08:00`` → ``2027年1月20日`` (the offset's local date; ISO
    ``2027-01-20`` for a reader of another language)."""
    moment = parse_timestamp(value)
    return format_cn_date(moment.date()) if moment else ""


def status_note(report: Mapping[str, Any]) -> str:
    """What the document is, when it is not the current published text."""
    if report.get("status") == "draft":
        return DRAFT_NOTE
    if report.get("superseded_at"):
        return _("已被更正的版本（第%(version)s版，已于%(date)s更正）") % {
            "version": report.get("version"),
            "date": cn_date(report.get("superseded_at")),
        }
    return ""


def front_matter(report: Mapping[str, Any]) -> list[str]:
    """The lines under the title: publication date and the statistical period."""
    lines = []
    if report.get("published_at"):
        lines.append(_("发布日期：%(date)s") % {"date": cn_date(report["published_at"])})
    lines.append(statistical_period(report["year"]))
    return lines


# ---------------------------------------------------------------------------
# Annexes (domain.md: beyond the format, never inside the statutory tables)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnexTable:
    """A simple table: a header row, then rows whose first cell labels the row."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class AnnexBlock:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    table: AnnexTable | None = None


ANNEX_INTRO = (
    "以下内容不属于《中华人民共和国政府信息公开工作年度报告格式》规定的内容，"
    "由本平台根据申请办理记录统计，供参考。"
)


def _count(value: Any) -> str:
    """A figure for a sentence: integers plainly, halves (a median) with one decimal."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    return str(value)


def _percent(value: Any) -> str:
    return "—" if value is None else f"{_count(value)}%"


def _signed(value: Any) -> str:
    if isinstance(value, int | float) and value > 0:
        return f"+{_count(value)}"
    return _count(value)


def _on_time_block(on_time: Mapping[str, Any]) -> AnnexBlock:
    if on_time.get("with_deadline"):
        text = _(
            "本年度办结申请%(closed)s件，其中有答复期限的%(with_deadline)s件，"
            "在期限内办结%(on_time)s件，超过期限%(late)s件，按期办结率%(rate)s。"
        ) % {
            "closed": _count(on_time.get("closed")),
            "with_deadline": _count(on_time.get("with_deadline")),
            "on_time": _count(on_time.get("on_time")),
            "late": _count(on_time.get("late")),
            "rate": _percent(on_time.get("rate_percent")),
        }
    else:
        text = _("本年度办结申请%(closed)s件，无可计算按期办结率的申请。") % {
            "closed": _count(on_time.get("closed"))
        }
    return AnnexBlock("on_time", _("按期办结率"), (text,))


def _workdays_block(spans: Mapping[str, Any]) -> AnnexBlock:
    if spans.get("answered"):
        text = _(
            "本年度作出答复%(answered)s件，自收到申请至答复所用工作日的中位数为%(median)s个，"
            "第90百分位数为%(p90)s个，最长%(max)s个。"
        ) % {
            "answered": _count(spans.get("answered")),
            "median": _count(spans.get("median")),
            "p90": _count(spans.get("p90")),
            "max": _count(spans.get("max")),
        }
    else:
        text = _("本年度没有作出答复的申请。")
    return AnnexBlock("answer_workdays", _("答复用时（工作日）"), (text,))


def _oldest_block(rows: Sequence[Mapping[str, Any]]) -> AnnexBlock:
    title = _("年末仍在办理、收到时间最早的申请（至多十件）")
    if not rows:
        return AnnexBlock("oldest_open", title, (_("年末没有仍在办理的申请。"),))
    table = AnnexTable(
        title,
        (_("序号"), _("办理机关"), _("收到申请日期"), _("当前状态"), _("至年末已历工作日")),
        tuple(
            (
                str(index),
                row.get("organ_name") or "",
                cn_date(row.get("first_received_on")),
                row.get("status_label") or "",
                row.get("workdays_at_year_end"),
            )
            for index, row in enumerate(rows, start=1)
        ),
    )
    # Tracking codes open the public tracking page: they are never printed here.
    note = _("当前状态为查看本报告时的状态；不公开申请人信息和查询码。")
    return AnnexBlock("oldest_open", title, (note,), table)


def _by_organ_block(rows: Sequence[Mapping[str, Any]]) -> AnnexBlock:
    title = _("各机关办理情况")
    table = AnnexTable(
        title,
        (_("机关"), _("本年新收"), _("本年办结"), _("结转下年度")),
        tuple(
            (
                # Full-width spaces indent subordinates in every format, HTML included.
                "　" * int(row.get("depth") or 0) + str(row.get("organ_name") or ""),
                row.get("new", 0),
                row.get("results_total", 0),
                row.get("carried_forward", 0),
            )
            for row in rows
        ),
    )
    return AnnexBlock("by_organ", title, (), table)


def _year_on_year_block(comparison: Mapping[str, Any]) -> AnnexBlock:
    year, previous = comparison.get("year"), comparison.get("previous_year")
    title = _("与上年比较")
    table = AnnexTable(
        title,
        (
            _("项目"),
            _("%(year)s年") % {"year": year},
            _("%(year)s年") % {"year": previous},
            _("增减"),
            _("增减幅度"),
        ),
        tuple(
            (
                row.get("label", ""),
                row.get("current", 0),
                row.get("previous", 0),
                _signed(row.get("change")),
                _percent(row.get("change_percent")),
            )
            for row in comparison.get("rows") or ()
        ),
    )
    note = _("按表三“总计”列比较；上年无数据时不计算增减幅度。")
    return AnnexBlock("year_on_year", title, (note,), table)


def monthly_rows(by_month: Mapping[str, Any]) -> AnnexTable:
    """The data of the monthly chart as a table (its text alternative)."""
    groups = by_month.get("groups") or []
    return AnnexTable(
        _("各月新收申请和办结申请（按办理结果分组）"),
        (_("月份"), _("新收申请"), *(str(group["label"]) for group in groups)),
        tuple(
            (
                _("%(month)s月") % {"month": month.get("month")},
                month.get("new", 0),
                *(month.get(group["key"], 0) for group in groups),
            )
            for month in by_month.get("months") or ()
        ),
    )


def annex_blocks(annexes: Mapping[str, Any] | None) -> list[AnnexBlock]:
    """The annexes present in ``annexes`` (as :func:`reports.statistics.compute_annexes`)."""
    annexes = annexes or {}
    blocks: list[AnnexBlock] = []
    if annexes.get("on_time"):
        blocks.append(_on_time_block(annexes["on_time"]))
    if annexes.get("answer_workdays"):
        blocks.append(_workdays_block(annexes["answer_workdays"]))
    if "oldest_open" in annexes:
        blocks.append(_oldest_block(annexes.get("oldest_open") or []))
    if annexes.get("by_organ"):
        blocks.append(_by_organ_block(annexes["by_organ"]))
    if annexes.get("year_on_year"):
        blocks.append(_year_on_year_block(annexes["year_on_year"]))
    if annexes.get("by_month"):
        table = monthly_rows(annexes["by_month"])
        blocks.append(AnnexBlock("by_month", table.caption, (), table))
    return blocks


def _cell_text(value: Any) -> str:
    return _count(value) if isinstance(value, int | float) else str(value)


# ---------------------------------------------------------------------------
# DOCX (python-docx; the Chinese font helper is shared with the answer letters)
# ---------------------------------------------------------------------------


# Column widths in centimetres (text width 15.6 cm of A4 with 2.8/2.6 cm margins).
_DOCX_WIDTHS: dict[str, list[float]] = {
    "proactive": [4.8, 3.6, 3.6, 3.6],
    "applications": [1.2, 1.8, 4.2] + [1.2] * 7,
    "appeals": [1.04] * 15,
}


def _docx_styles(document: Any) -> None:
    from docx.shared import Pt, RGBColor

    normal = document.styles["Normal"]
    set_east_asian_font(normal, DOCX_BODY_FONT)
    normal.font.size = Pt(12)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 13)):
        style = document.styles[name]
        set_east_asian_font(style, DOCX_HEADING_FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)


def _docx_paragraph(document: Any, text: str, *, center: bool = False, indent: bool = True) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    set_east_asian_font(run, DOCX_BODY_FONT)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters of 12 pt
    paragraph.paragraph_format.line_spacing = 1.5
    return paragraph


CENTRED_KINDS = frozenset({"num", "vertical", "group"})


def _docx_fill(target: Any, cell: Cell, size: float) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = target.paragraphs[0]
    for extra in target.paragraphs[1:]:  # left behind by a merge
        extra._element.getparent().remove(extra._element)
    # Figures and column headers are centred; row labels and block captions read from the left.
    if cell.is_number or cell.kind in CENTRED_KINDS or cell.scope in ("col", "colgroup"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(cell.text)  # the Normal style carries the Chinese font
    run.font.size = Pt(size - 1 if cell.kind == "note" else size)
    run.bold = cell.header and cell.kind not in ("note",)


def _docx_repeat_header(row: Any) -> None:
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    flag = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    tr_pr.append(flag)


def _docx_grid(document: Any, grid: Grid) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm

    caption = _docx_paragraph(document, grid.caption, center=True)
    caption.runs[0].bold = True
    rows = grid.rows
    table = document.add_table(rows=len(rows), cols=grid.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _DOCX_WIDTHS.get(grid.key, [15.6 / grid.columns] * grid.columns)
    size = 9 if grid.columns > 4 else 11
    cells = _docx_cells(table, grid.columns)
    for index, target in enumerate(cells):  # every grid cell gets its column's width
        target.width = Cm(widths[index % grid.columns])
    placed = place(rows)
    # Fill first, then merge: a merge keeps the top-left cell's content and drops the empty
    # cells it covers; the corner cells of different merges never overlap.
    for r, c, cell in placed:
        _docx_fill(cells[r * grid.columns + c], cell, size)
    for r, c, cell in placed:
        if cell.merged:
            far = cells[(r + cell.rowspan - 1) * grid.columns + c + cell.colspan - 1]
            cells[r * grid.columns + c].merge(far)
    for index in range(len(grid.head)):
        _docx_repeat_header(table.rows[index])


def _docx_cells(table: Any, columns: int) -> list[Any]:
    """Every cell of a table without merged cells, row by row, in one pass.

    ``table.cell(r, c)`` walks the whole table on each call (quadratic for table 三's 280
    cells); a new table has one ``w:tc`` per grid position.
    """
    from docx.table import _Cell

    cells = [_Cell(tc, table) for tr in table._tbl.tr_lst for tc in tr.tc_lst]
    if len(cells) != len(table.rows) * columns:
        raise ValueError("the table already has merged cells")
    return cells


def _docx_annex_table(document: Any, table: AnnexTable) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    out = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    out.style = "Table Grid"
    cells = _docx_cells(out, len(table.header))
    for r, values in enumerate([table.header, *table.rows]):
        for c, value in enumerate(values):
            paragraph = cells[r * len(table.header) + c].paragraphs[0]
            run = paragraph.add_run(_cell_text(value))
            run.font.size = Pt(10)
            run.bold = r == 0
            if r == 0 or c > 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_repeat_header(out.rows[0])


def report_docx(data: Mapping[str, Any]) -> bytes:
    """The report as a Word document: title, the six headings, text sections as paragraphs,
    tables 二、三、四 as real Word tables with the official merged cells, then the annexes."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.8)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _docx_styles(document)
    title = document_title(data)
    document.core_properties.title = title
    document.core_properties.author = str(data.get("organ_name") or "")
    document.core_properties.language = "zh-CN"

    document.add_heading(title, level=0)
    note = status_note(data)
    if note:
        _docx_paragraph(document, note, center=True).runs[0].bold = True
    for line in front_matter(data):
        _docx_paragraph(document, line, center=True)

    for view in report_sections(data):
        document.add_heading(view.heading, level=1)
        if view.kind == "table":
            _docx_grid(document, table_grid(data, view.key))
            continue
        if not view.paragraphs:
            _docx_paragraph(document, _("（本部分无内容）"))
        for paragraph in view.paragraphs:
            if paragraph.subheading:
                document.add_heading(paragraph.text, level=2)
            else:
                _docx_paragraph(document, paragraph.text)

    blocks = annex_blocks(data.get("annexes"))
    if blocks:
        document.add_heading(ANNEX_HEADING, level=1)
        _docx_paragraph(document, ANNEX_INTRO)
        for index, block in enumerate(blocks, start=1):
            document.add_heading(f"{_chinese_number(index)}、{block.title}", level=2)
            for text in block.paragraphs:
                _docx_paragraph(document, text)
            if block.table is not None:
                _docx_annex_table(document, block.table)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九十"
    if n <= 10:
        return digits[n]
    return ("十" if n < 20 else digits[n // 10] + "十") + (digits[n % 10] if n % 10 else "")


# ---------------------------------------------------------------------------
# XLSX (openpyxl)
# ---------------------------------------------------------------------------

_XLSX_WIDTHS: dict[str, list[float]] = {
    "proactive": [22, 16, 16, 16],
    "applications": [6, 12, 44] + [11] * 7,
    "appeals": [10] * 15,
}


def _xlsx_sheet(workbook: Any, data: Mapping[str, Any], grid: Grid) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(SHEET_NAMES[grid.key])
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="F2F2F2")

    # Row 1: the report's title; row 2: the section heading (and the version or draft note).
    heading = SECTIONS_BY_KEY[grid.key].heading
    note = status_note(data)
    for row, text, size in (
        (1, document_title(data), 14),
        (2, heading + (f"　{note}" if note else ""), 12),
    ):
        cell = xlsx_cell(sheet, row, 1, text)
        cell.font = Font(bold=True, size=size)
        cell.alignment = Alignment(horizontal="center" if row == 1 else "left")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=grid.columns)

    top = 3
    for r, c, cell in place(grid.rows):
        row, column = top + r, 1 + c
        # Figures are numbers (int; the fee a Decimal), so that the sheet can compute.
        target = xlsx_cell(sheet, row, column, cell.value if cell.is_number else cell.text)
        centred = cell.is_number or cell.kind in CENTRED_KINDS or cell.scope in ("col", "colgroup")
        target.alignment = Alignment(
            horizontal="center" if centred else "left",
            vertical="center",
            wrap_text=True,
        )
        if cell.header:
            target.font = Font(bold=True)
        if cell.header or cell.kind == "note":
            target.fill = header_fill
        # Every cell of a merged range gets the border, so the merged cell is boxed.
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                sheet.cell(row=row + dr, column=column + dc).border = border
        if cell.merged:
            sheet.merge_cells(
                start_row=row,
                start_column=column,
                end_row=row + cell.rowspan - 1,
                end_column=column + cell.colspan - 1,
            )
    for index, width in enumerate(_XLSX_WIDTHS[grid.key], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if grid.head:
        sheet.freeze_panes = sheet.cell(row=top + len(grid.head), column=1)
    sheet.print_options.horizontalCentered = True
    sheet.page_setup.orientation = "landscape" if grid.columns > 4 else "portrait"
    sheet.page_setup.fitToWidth = 1


def report_xlsx(data: Mapping[str, Any]) -> bytes:
    """The three statutory tables, one sheet each, with a title row and merged headers."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for key in ("proactive", "applications", "appeals"):
        _xlsx_sheet(workbook, data, table_grid(data, key))
    workbook.properties.title = document_title(data)
    workbook.properties.creator = str(data.get("organ_name") or "")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# PDF (reportlab platypus)
# ---------------------------------------------------------------------------


def pdf_font_name() -> str:
    """The registered CJK font: WenQuanYi Micro Hei embedded as a subset (selectable text),
    else reportlab's STSong-Light (stack.md). The answer letters register the same font."""
    from requests_app.letters import pdf_font_name as letters_font

    return letters_font()


# Column widths in millimetres (text width 170 mm of A4 with 20 mm margins).
_PDF_WIDTHS: dict[str, list[float]] = {
    "proactive": [56, 38, 38, 38],
    "applications": [11, 18, 51] + [12.857] * 7,
    "appeals": [11.333] * 15,
}


def _pdf_styles(font: str) -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    def style(name: str, **options: Any) -> ParagraphStyle:
        # wordWrap="CJK" breaks lines between any two characters, as Chinese text needs.
        base = {"fontName": font, "fontSize": 11, "leading": 18, "wordWrap": "CJK"}
        return ParagraphStyle(name, **{**base, **options})

    return {
        "title": style("title", fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=8),
        "center": style("center", alignment=TA_CENTER, spaceAfter=2),
        "h1": style("h1", fontSize=14, leading=22, spaceBefore=12, spaceAfter=6, keepWithNext=1),
        "h2": style("h2", fontSize=12, leading=20, spaceBefore=6, spaceAfter=4, keepWithNext=1),
        "body": style("body", firstLineIndent=22, spaceAfter=4),
        "caption": style("caption", fontSize=10, alignment=TA_CENTER, spaceAfter=4),
        "cell": style("cell", fontSize=8, leading=10, alignment=TA_LEFT),
        "cell_center": style("cell_center", fontSize=8, leading=10, alignment=TA_CENTER),
        "note": style("note", fontSize=7, leading=9, alignment=TA_LEFT),
    }


def _pdf_cell(cell: Cell, styles: Mapping[str, Any]) -> Any:
    from reportlab.platypus import Paragraph as PdfParagraph

    if cell.kind == "note":
        style = styles["note"]
    elif cell.kind == "caption" or (
        cell.header and cell.scope == "row" and cell.kind not in ("vertical", "group")
    ):
        style = styles["cell"]
    else:
        style = styles["cell_center"]
    return PdfParagraph(escape(cell.text), style)


def _pdf_grid(grid: Grid, styles: Mapping[str, Any], heading: Any) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Table, TableStyle
    from reportlab.platypus import Paragraph as PdfParagraph

    rows = grid.rows
    matrix: list[list[Any]] = [[""] * grid.columns for _row in rows]
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for r, c, cell in place(rows):
        matrix[r][c] = _pdf_cell(cell, styles)
        end = (c + cell.colspan - 1, r + cell.rowspan - 1)
        if cell.merged:
            commands.append(("SPAN", (c, r), end))
        if cell.header or cell.kind == "note":
            commands.append(("BACKGROUND", (c, r), end, colors.HexColor("#F2F2F2")))
    widths = [width * mm for width in _PDF_WIDTHS[grid.key]]
    table = Table(matrix, colWidths=widths, repeatRows=len(grid.head), hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    # The section heading stays on the page of its table.
    return [KeepTogether([heading, PdfParagraph(escape(grid.caption), styles["caption"]), table])]


def _pdf_annex_table(table: AnnexTable, styles: Mapping[str, Any]) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph as PdfParagraph
    from reportlab.platypus import Table, TableStyle

    def cell(value: Any, center: bool) -> Any:
        style = styles["cell_center" if center else "cell"]
        return PdfParagraph(escape(_cell_text(value)), style)

    matrix = [
        [cell(value, r == 0 or c > 0) for c, value in enumerate(values)]
        for r, values in enumerate([table.header, *table.rows])
    ]
    first = 50 if len(table.header) <= 5 else 20
    rest = (170 - first) / max(len(table.header) - 1, 1)
    out = Table(
        matrix, colWidths=[first * mm] + [rest * mm] * (len(table.header) - 1), repeatRows=1
    )
    out.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
            ]
        )
    )
    return out


def report_pdf(data: Mapping[str, Any]) -> bytes:
    """The report as PDF with an embedded CJK font (text can be selected and extracted)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph as PdfParagraph
    from reportlab.platypus import SimpleDocTemplate, Spacer

    font = pdf_font_name()
    styles = _pdf_styles(font)
    title = document_title(data)

    story: list[Any] = [PdfParagraph(escape(title), styles["title"])]
    note = status_note(data)
    if note:
        story.append(PdfParagraph(escape(note), styles["center"]))
    story += [PdfParagraph(escape(line), styles["center"]) for line in front_matter(data)]
    story.append(Spacer(1, 4 * mm))

    for view in report_sections(data):
        heading = PdfParagraph(escape(view.heading), styles["h1"])
        if view.kind == "table":
            story += _pdf_grid(table_grid(data, view.key), styles, heading)
            continue
        story.append(heading)
        if not view.paragraphs:
            story.append(PdfParagraph(escape(_("（本部分无内容）")), styles["body"]))
        for paragraph in view.paragraphs:
            style = styles["h2"] if paragraph.subheading else styles["body"]
            story.append(PdfParagraph(escape(paragraph.text), style))

    blocks = annex_blocks(data.get("annexes"))
    if blocks:
        story.append(PdfParagraph(escape(ANNEX_HEADING), styles["h1"]))
        story.append(PdfParagraph(escape(ANNEX_INTRO), styles["body"]))
        for index, block in enumerate(blocks, start=1):
            heading = f"{_chinese_number(index)}、{block.title}"
            story.append(PdfParagraph(escape(heading), styles["h2"]))
            story += [PdfParagraph(escape(text), styles["body"]) for text in block.paragraphs]
            if block.table is not None:
                story.append(_pdf_annex_table(block.table, styles))

    def page_number(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"— {document.page} —")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=title,
        author=str(data.get("organ_name") or ""),
        subject=_("政府信息公开工作年度报告"),
        lang="zh-CN",
        initialFontName=font,
    )
    document.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()
