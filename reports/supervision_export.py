"""The supervision table as XLSX and its monthly trend as a server-rendered SVG line chart.

Like reports.charts: pure string building with escaping, no JavaScript or CDN; the chart has
an accessible name and description and the page shows the figures as a table beside it.
"""

from __future__ import annotations

import io
import math
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.charts import _attr, _text, nice_step
from reports.supervision import Row, Supervision

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (heading, value of a row) in the order of the page's columns.
COLUMNS: tuple[tuple[str, Any], ...] = (
    (gettext_lazy("行政机关"), lambda r: r.organ_name),
    (gettext_lazy("统一社会信用代码"), lambda r: "" if r.organ == "total" else r.organ),
    (gettext_lazy("主动公开信息（条）"), lambda r: r.items_published),
    (gettext_lazy("其中超期公开（条例第二十六条）"), lambda r: r.items_late),
    (gettext_lazy("上年同期公开"), lambda r: r.previous_items),
    (gettext_lazy("指南更新日期"), lambda r: r.guide_updated_on or ""),
    (gettext_lazy("收到申请"), lambda r: r.received),
    (gettext_lazy("上年同期收到"), lambda r: r.previous_received),
    (gettext_lazy("未办结"), lambda r: r.open),
    (gettext_lazy("已超期"), lambda r: r.overdue),
    (gettext_lazy("3个工作日内到期"), lambda r: r.due_soon),
    (gettext_lazy("已办结"), lambda r: r.answered),
    (gettext_lazy("按期办结"), lambda r: r.answered_on_time),
    (
        gettext_lazy("答复用时中位数（工作日）"),
        lambda r: "" if r.median_workdays is None else r.median_workdays,
    ),
    (gettext_lazy("行政复议和诉讼"), lambda r: r.appeals_total),
    (gettext_lazy("其中被纠错"), lambda r: r.appeals_corrected),
    (gettext_lazy("年度报告"), lambda r: report_status_label(r)),
    (gettext_lazy("年报法定公布期限"), lambda r: r.report_due_on or ""),
)


def report_status_label(row: Row) -> str:
    if row.organ == "total":
        return ""
    labels = {"none": _("未编制"), "draft": _("草稿"), "published": _("已发布")}
    label = str(labels.get(row.report_status, row.report_status))
    if row.report_on_time is True:
        label += _("（按期）")
    elif row.report_on_time is False:
        label += _("（逾期）")
    return label


def supervision_xlsx(table: Supervision) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    period = f"{table.period.year}年" + (f"{table.period.month}月" if table.period.month else "")
    sheet.title = _("政务公开监督")
    sheet.append(
        [_("%(organ)s政务公开监督表（%(period)s）") % {"organ": table.organ.name, "period": period}]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([str(heading) for heading, _value in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    red = PatternFill("solid", fgColor="F4CCCC")
    amber = PatternFill("solid", fgColor="FCE5CD")
    flagged = {"items_late": 4, "guide_updated_on": 6, "overdue": 10, "due_soon": 11}
    flagged |= {"answered_on_time": 13, "appeals": 16, "report": 17}
    for row in [*table.rows, table.total]:
        sheet.append([value(row) for _heading, value in COLUMNS])
        for key, colour in row.flags.items():
            if key in flagged:
                cell = sheet.cell(row=sheet.max_row, column=flagged[key])
                cell.fill = red if colour == "red" else amber
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 22
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, PLOT = 52, 16, 30, 200
SERIES = (
    ("received", gettext_lazy("收到申请"), "#0072B2"),
    ("answered", gettext_lazy("办结申请"), "#D55E00"),
)


def trend_svg(months: list[dict[str, int]], *, title: str, chart_id: str = "trend") -> str:
    """Received and answered applications month by month, two lines with labelled points."""
    peak = max((m[key] for m in months for key, _l, _c in SERIES), default=0)
    step = nice_step(peak)
    top = max(step * math.ceil(peak / step), step)
    baseline = TOP + PLOT
    slot = (WIDTH - LEFT - RIGHT) / max(len(months), 1)
    ident = _attr(chart_id)
    total = {key: sum(m[key] for m in months) for key, _l, _c in SERIES}
    desc = _("本年度共收到申请%(received)s件，办结%(answered)s件。详细数据见下方的表格。") % total
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-size="13">',
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(desc)}</desc>',
        '<g aria-hidden="true">',
    ]
    for value in range(0, top + 1, step):
        y = baseline - value * PLOT / top
        colour = "#333333" if value == 0 else "#D0D0D0"
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{colour}"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    for index, month in enumerate(months):
        x = LEFT + slot * (index + 0.5)
        label = _text(_("%(month)s月") % {"month": month["month"]})
        parts.append(f'<text x="{x:.1f}" y="{baseline + 18}" text-anchor="middle">{label}</text>')
    parts.append("</g>")
    for number, (key, label, colour) in enumerate(SERIES):
        points = [
            (LEFT + slot * (i + 0.5), baseline - m[key] * PLOT / top) for i, m in enumerate(months)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y), month in zip(points, months, strict=True):
            tip = _text(f"{month['month']}月{label}{month[key]}件")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{tip}</title>'
                "</circle>"
            )
        lx = LEFT + number * 160
        parts.append(
            f'<rect x="{lx}" y="{HEIGHT - 24}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{lx + 20}" y="{HEIGHT - 18}">{_text(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
