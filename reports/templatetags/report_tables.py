"""Template helpers of the annual report pages (``{% load report_tables %}``).

The partials ``reports/_table2.html`` … ``_annexes.html`` take one context variable, ``report``
(the dict of :func:`reports.services.report_data`), so that the public page and the staff
preview render the same thing. These tags turn that dict into the layouts of
:mod:`reports.exports`, which the DOCX, XLSX and PDF downloads use as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports import charts, exports

register = template.Library()


@register.simple_tag
def report_grid(report: Mapping[str, Any], key: str) -> exports.Grid:
    """``{% report_grid report "applications" as grid %}``: a statutory table's cells."""
    return exports.table_grid(report, key)


@register.simple_tag
def report_sections(report: Mapping[str, Any]) -> list[exports.SectionView]:
    return exports.report_sections(report)


@register.simple_tag
def report_annexes(report: Mapping[str, Any]) -> list[exports.AnnexBlock]:
    return exports.annex_blocks(report.get("annexes"))


@register.simple_tag
def report_chart(report: Mapping[str, Any], chart_id: str = "monthly-chart") -> SafeString:
    """The monthly SVG chart, or nothing when the report has no monthly figures."""
    by_month = (report.get("annexes") or {}).get("by_month")
    if not by_month:
        return mark_safe("")
    title = _("%(year)s年各月办结申请数（按办理结果分组）") % {"year": report.get("year")}
    # charts.monthly_chart_svg escapes every text and attribute it writes.
    return mark_safe(charts.monthly_chart_svg(by_month, title=title, chart_id=chart_id))  # noqa: S308


@register.filter
def timestamp(value: Any) -> dt.datetime | None:
    """An API timestamp (ISO 8601 string) as a datetime, for ``cn_date``."""
    return exports.parse_timestamp(value)
