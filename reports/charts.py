"""A server-rendered SVG chart of the annual report's annex: applications closed each month,
stacked by outcome group (予以公开、部分公开 and the groups 三（三）–（六） of table 三).

Pure string building with escaping: no JavaScript, no third-party library or CDN (domain.md,
"Public site"). The chart is an image with an accessible name and description (``<title>``,
``<desc>``, ``role="img"``), its axes and totals are real text, and every bar segment carries
its own ``<title>``; the page shows the same figures as a data table beside it
(:func:`reports.exports.monthly_rows`), which is the text alternative (GB/T 37668-2019).

Colours follow the Okabe–Ito palette, distinguishable with the common colour-vision
deficiencies; the legend names every colour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from django.utils.translation import gettext as _

WIDTH = 760
HEIGHT = 372
MARGIN_LEFT = 52
MARGIN_RIGHT = 16
MARGIN_TOP = 30
PLOT_HEIGHT = 250
LEGEND_TOP = MARGIN_TOP + PLOT_HEIGHT + 44
LEGEND_COLUMNS = 3
FONT_SIZE = 13

# By outcome group key (reports.statistics.CHART_GROUPS); unknown keys cycle through these.
COLOURS: dict[str, str] = {
    "disclosed": "#0072B2",
    "partially_disclosed": "#56B4E9",
    "withheld": "#D55E00",
    "unavailable": "#E69F00",
    "rejected": "#CC79A7",
    "other": "#6B6B6B",
}
_SPARE_COLOURS = ("#009E73", "#F0E442", "#000000")


def _attr(value: Any) -> str:
    return escape(str(value), quote=True)


def _text(value: Any) -> str:
    return escape(str(value), quote=False)


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def nice_step(maximum: int, ticks: int = 5) -> int:
    """A round tick step (1, 2 or 5 × 10ⁿ) giving about ``ticks`` intervals up to ``maximum``."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def _colour(key: str, index: int) -> str:
    return COLOURS.get(key) or _SPARE_COLOURS[index % len(_SPARE_COLOURS)]


def _description(
    months: Sequence[Mapping[str, Any]], groups: Sequence[Mapping[str, Any]], totals: list[int]
) -> str:
    total = sum(totals)
    if not total:
        return _("本年度各月均无办结的申请。详细数据见图表下方的数据表。")
    busiest = max(range(len(totals)), key=lambda i: totals[i])
    by_group = _("，").join(
        _("%(label)s%(count)s件")
        % {"label": group["label"], "count": sum(_number(m.get(group["key"])) for m in months)}
        for group in groups
    )
    return _(
        "本年度共办结申请%(total)s件（%(groups)s）；办结最多的是%(month)s月，共%(most)s件。"
        "详细数据见图表下方的数据表。"
    ) % {
        "total": total,
        "groups": by_group,
        "month": months[busiest].get("month"),
        "most": totals[busiest],
    }


def monthly_chart_svg(
    by_month: Mapping[str, Any], *, title: str, chart_id: str = "monthly-chart"
) -> str:
    """An SVG stacked bar chart of ``by_month`` (``compute_annexes(...)["by_month"]``).

    ``chart_id`` prefixes the element ids (for ``aria-labelledby``); it must be unique on the
    page. The result is a complete, well-formed ``<svg>`` element.
    """
    groups = [g for g in by_month.get("groups") or [] if isinstance(g, Mapping) and "key" in g]
    months = [m for m in by_month.get("months") or [] if isinstance(m, Mapping)]
    totals = [sum(_number(month.get(group["key"])) for group in groups) for month in months]
    step = nice_step(max(totals, default=0))
    top = max(step * math.ceil(max(totals, default=0) / step), step)
    scale = PLOT_HEIGHT / top
    baseline = MARGIN_TOP + PLOT_HEIGHT
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    slot = plot_width / max(len(months), 1)
    bar = slot * 0.6

    ident = _attr(chart_id)
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-size="{FONT_SIZE}">',
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(_description(months, groups, totals))}</desc>',
    ]

    # Unit and horizontal grid lines with their values. (xgettext does not look inside
    # f-strings, so every message is taken out of them.)
    unit = _("（件）")
    parts.append(
        f'<text x="{MARGIN_LEFT - 8}" y="{MARGIN_TOP - 12}" text-anchor="end" '
        f'fill="#333333">{_text(unit)}</text>'
    )
    parts.append('<g class="chart-grid" aria-hidden="true">')
    for value in range(0, top + 1, step):
        y = baseline - value * scale
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}" '
            f'stroke="{"#333333" if value == 0 else "#D0D0D0"}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{MARGIN_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="#333333">{value}</text>'
        )
    parts.append("</g>")

    # One stacked bar per month, its total above it and the month below it.
    for index, month in enumerate(months):
        label = _("%(month)s月") % {"month": month.get("month")}
        x = MARGIN_LEFT + index * slot + (slot - bar) / 2
        y = float(baseline)
        parts.append(f'<g class="chart-bar"><title>{_text(label)}</title>')
        for position, group in enumerate(groups):
            count = _number(month.get(group["key"]))
            if not count:
                continue
            height = count * scale
            y -= height
            tip = _("%(month)s %(group)s：%(count)s件") % {
                "month": label,
                "group": group.get("label", ""),
                "count": count,
            }
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{_colour(group["key"], position)}" stroke="#FFFFFF" stroke-width="0.5">'
                f"<title>{_text(tip)}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{y - 5:.1f}" text-anchor="middle" '
            f'fill="#1A1A1A">{totals[index]}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{baseline + 20}" text-anchor="middle" '
            f'fill="#1A1A1A">{_text(label)}</text>'
        )
        parts.append("</g>")

    # Legend: a swatch and the group's name, three to a line.
    parts.append('<g class="chart-legend">')
    column_width = (WIDTH - MARGIN_LEFT) / LEGEND_COLUMNS
    for position, group in enumerate(groups):
        x = MARGIN_LEFT + (position % LEGEND_COLUMNS) * column_width
        y = LEGEND_TOP + (position // LEGEND_COLUMNS) * 24
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 11}" width="14" height="14" '
            f'fill="{_colour(group["key"], position)}"/>'
            f'<text x="{x + 20:.1f}" y="{y}" fill="#1A1A1A">{_text(group.get("label", ""))}</text>'
        )
    parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
