"""Template helpers of the public pages.

``cn_date`` shows dates the way Chinese government sites do (domain.md「Public site」:
``2026年11月26日``); the API keeps ISO dates.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()


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


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    return format_cn_date(value)
