"""Plain-text rendering of a report's statutory tables 二、三、四, for management commands.

Columns are aligned by display width: CJK characters take two terminal cells
(``unicodedata.east_asian_width`` "W"/"F"), everything else one. East Asian *ambiguous*
characters (e.g. the curly quotes in “三安全一稳定”) are counted as one cell, as most terminals
draw them.

The layout follows the national format (regulation.md §2.3–2.5) with two concessions to a
terminal: the group labels of table 三 (三、本年度办理结果, （三）不予公开 …) are lines of their
own above their indented rows instead of rowspans, and table 四 is turned on its side (one line
per 行政复议 / 行政诉讼 kind) instead of one 15-cell row. The HTML and office exports keep the
official orientation.

Standard library only.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from reports.format import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    APPLICANT_HEADER,
    APPLICANTS_CAPTION,
    OUTCOME_GROUPS_BY_KEY,
    OUTCOMES,
    PROACTIVE_BLOCKS,
    PROACTIVE_CONTENT_HEADER,
    PROACTIVE_VALUE_COLUMNS,
    RESULTS_CAPTION,
    SECTIONS_BY_KEY,
    TABLE3_NOTE,
    TABLE3_ROWS_BY_KEY,
    Figures,
    report_title,
    statistical_period,
)

_WIDE = frozenset({"W", "F"})
_SEPARATOR = "  "
_INDENT = "  "
_RULE_CHAR = "-"
# Consolidated reports (api.md ``?scope=tree``) cover the organ and all its subordinates.
TREE_SCOPE = "tree"
TREE_SCOPE_NOTE = "（本机关及所属机关汇总）"

Align = Literal["left", "right", "center"]


def display_width(text: str) -> int:
    """Terminal cells needed to show ``text``: 2 for wide CJK, 0 for combining marks, else 1."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in _WIDE else 1
    return width


def pad(text: str, width: int, align: Align = "left") -> str:
    """``text`` padded with spaces to ``width`` display cells."""
    gap = max(width - display_width(text), 0)
    if align == "right":
        return " " * gap + text
    if align == "center":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap


@dataclass(frozen=True)
class _Cell:
    text: str
    span: int = 1
    align: Align = "left"


# ``None`` in a grid stands for a horizontal rule across the table.
_Row = list[_Cell] | None


def _column_widths(rows: list[_Row], columns: int) -> list[int]:
    widths = [0] * columns
    for row in rows:
        position = 0
        for cell in row or ():
            if cell.span == 1:
                widths[position] = max(widths[position], display_width(cell.text))
            position += cell.span
    # A spanning cell wider than the columns under it widens the last of them.
    for row in rows:
        position = 0
        for cell in row or ():
            if cell.span > 1:
                available = _span_width(widths, position, cell.span)
                needed = display_width(cell.text)
                if needed > available:
                    widths[position + cell.span - 1] += needed - available
            position += cell.span
    return widths


def _span_width(widths: list[int], start: int, span: int) -> int:
    return sum(widths[start : start + span]) + len(_SEPARATOR) * (span - 1)


def _render_grid(rows: list[_Row], columns: int) -> list[str]:
    for row in rows:
        if row is not None and sum(cell.span for cell in row) != columns:
            raise ValueError(f"row covers the wrong number of columns: {row!r}")
    widths = _column_widths(rows, columns)
    total_width = _span_width(widths, 0, columns)
    lines = []
    for row in rows:
        if row is None:
            lines.append(_RULE_CHAR * total_width)
            continue
        parts = []
        position = 0
        for cell in row:
            parts.append(pad(cell.text, _span_width(widths, position, cell.span), cell.align))
            position += cell.span
        lines.append(_SEPARATOR.join(parts).rstrip())
    return lines


def _format_value(value: Any) -> str:
    if value is None:
        return "/"  # an item that does not apply, as published reports write it
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _number(value: Any, span: int = 1) -> _Cell:
    return _Cell(_format_value(value), span, "right")


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def _proactive_lines(proactive: Figures) -> list[str]:
    columns = 1 + PROACTIVE_VALUE_COLUMNS
    rows: list[_Row] = []
    for block in PROACTIVE_BLOCKS:
        span = PROACTIVE_VALUE_COLUMNS // len(block.columns)
        rows.append(None)
        rows.append([_Cell(block.caption, columns)])
        rows.append(
            [
                _Cell(PROACTIVE_CONTENT_HEADER),
                *(_Cell(column.label, span, "right") for column in block.columns),
            ]
        )
        for row in block.rows:
            rows.append(
                [
                    _Cell(row.label),
                    *(_number(proactive[row.key][column.key], span) for column in block.columns),
                ]
            )
    rows.append(None)
    return _render_grid(rows, columns)


def _applications_lines(applications: Figures) -> list[str]:
    data = applications["rows"]
    columns = 1 + len(APPLICANT_COLUMNS)
    header_middle: list[_Cell] = [_Cell("")]
    header_bottom: list[_Cell] = [_Cell("")]
    for group in APPLICANT_HEADER:
        header_middle.append(
            _Cell(group.label, group.colspan, "center" if group.colspan > 1 else "right")
        )
        if group.colspan == 1:
            header_bottom.append(_Cell(""))  # 自然人 and 总计 span both header rows
        else:
            labels = {column.key: column.label for column in APPLICANT_COLUMNS}
            header_bottom += [_Cell(labels[key], 1, "right") for key in group.columns]

    def numbers(key: str, label: str) -> list[_Cell]:
        return [_Cell(label), *(_number(data[key][column.key]) for column in APPLICANT_COLUMNS)]

    def caption(label: str) -> list[_Cell]:
        return [_Cell(label), *(_Cell("") for _column in APPLICANT_COLUMNS)]

    rows: list[_Row] = [
        None,
        [_Cell(""), _Cell(APPLICANTS_CAPTION, len(APPLICANT_COLUMNS), "center")],
        header_middle,
        header_bottom,
        None,
        numbers("new", TABLE3_ROWS_BY_KEY["new"].label),
        numbers("carried_over", TABLE3_ROWS_BY_KEY["carried_over"].label),
        caption(RESULTS_CAPTION),
    ]
    current_group: str | None = None
    for outcome in OUTCOMES:
        if outcome.group is not None and outcome.group != current_group:
            rows.append(caption(_INDENT + OUTCOME_GROUPS_BY_KEY[outcome.group].label))
        current_group = outcome.group
        depth = 1 if outcome.group is None else 2
        rows.append(numbers(outcome.code, _INDENT * depth + outcome.row_label))
    rows.append(numbers("results_total", _INDENT + TABLE3_ROWS_BY_KEY["results_total"].label))
    rows.append(numbers("carried_forward", TABLE3_ROWS_BY_KEY["carried_forward"].label))
    rows.append(None)
    return [TABLE3_NOTE, *_render_grid(rows, columns)]


def _appeals_lines(appeals: Figures) -> list[str]:
    columns = 1 + len(APPEAL_RESULTS)
    rows: list[_Row] = [
        None,
        [_Cell(""), *(_Cell(result.label, 1, "right") for result in APPEAL_RESULTS)],
        None,
    ]
    shown_parents: set[str] = set()
    for kind in APPEAL_KINDS:
        label = kind.label
        if kind.parent is not None:
            if kind.parent not in shown_parents:
                rows.append([_Cell(kind.parent), *(_Cell("") for _r in APPEAL_RESULTS)])
                shown_parents.add(kind.parent)
            label = _INDENT + kind.label
        rows.append(
            [_Cell(label), *(_number(appeals[kind.key][result.key]) for result in APPEAL_RESULTS)]
        )
    rows.append(None)
    return _render_grid(rows, columns)


def render_text(figures: Figures, *, organ_name: str, year: int, scope: str) -> str:
    """Tables 二、三、四 of a report as aligned plain text, ending with a newline.

    ``figures`` has the shape of :func:`reports.format.empty_figures`; ``scope`` is ``"tree"``
    for a consolidated report, anything else (e.g. ``"organ"``) for the organ alone.
    """
    title = report_title(organ_name, year)
    lines = [title + (TREE_SCOPE_NOTE if scope == TREE_SCOPE else ""), ""]
    lines += [statistical_period(year), ""]
    lines += [SECTIONS_BY_KEY["proactive"].heading, *_proactive_lines(figures["proactive"]), ""]
    lines += [
        SECTIONS_BY_KEY["applications"].heading,
        *_applications_lines(figures["applications"]),
        "",
    ]
    lines += [SECTIONS_BY_KEY["appeals"].heading, *_appeals_lines(figures["appeals"])]
    return "\n".join(lines) + "\n"
