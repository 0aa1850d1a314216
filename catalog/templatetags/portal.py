"""Template helpers of the public pages.

``cn_date`` shows dates the way Chinese government sites do (domain.md「Public site」:
``2026年11月26日``), ``cn_datetime`` adds the Beijing time of day; the API keeps ISO dates.
Every template formats dates through these two, so a date reads the same on every page, in
Chinese and in English mode.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


def _render_navigation() -> str:
    from catalog.organs import navigation_tree

    return render_to_string(
        "catalog/_organ_nav.html", {"organ_nav": navigation_tree(), "current_organ_code": ""}
    )


@register.simple_tag(takes_context=True)
def organ_navigation(context: template.Context) -> SafeString:
    """The organ tree of every public page (hundreds of nested links), rendered once per
    version of the tree; the current organ is then marked in the cached HTML."""
    from disclosure_portal import versions

    html = versions.cached(versions.ORGANS, "navigation-html", _render_navigation)
    code = context.get("current_organ_code") or ""
    if code:
        anchor = f'<a href="/organs/{escape(code)}/">'
        html = html.replace(anchor, anchor[:-1] + ' aria-current="page">', 1)
    return mark_safe(html)  # noqa: S308 (rendered by the template engine, escaped there)


def format_cn_date(value: dt.date | dt.datetime | None) -> str:
    """``date(2026, 3, 2)`` → ``"2026年3月2日"`` in Chinese, ISO ``2026-03-02`` otherwise.

    A datetime is shown in the portal's time zone (Beijing time), so an update at 23:30 UTC
    is dated the next day, as the reader in China sees it.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    if not isinstance(value, dt.date):
        return str(value)
    if (get_language() or "zh-hans").startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def format_cn_datetime(value: dt.datetime | None, seconds: bool = False) -> str:
    """``2026年3月2日 14:05`` (``2026-03-02 14:05`` in English), Beijing time."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return format_cn_date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    clock = value.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{format_cn_date(value.replace(tzinfo=None))} {clock}"


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    return format_cn_date(value)


@register.filter
def cn_datetime(value: dt.datetime | None, precision: str = "") -> str:
    """``{{ moment|cn_datetime }}``; ``{{ moment|cn_datetime:"seconds" }}`` for the audit log."""
    return format_cn_datetime(value, seconds=precision == "seconds")
