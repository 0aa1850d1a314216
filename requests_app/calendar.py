"""The working-day calendar in force: the bundled chinese-calendar data with the
administrators' overrides on top (domain.md, "Working days").

``current_calendar()`` is what every deadline computation receives as its argument. It is
cached; changing an override or completing a year calls ``invalidate()``.
"""

from __future__ import annotations

from django.core.cache import cache

from requests_app.calendar_data import bundled_calendar
from requests_app.workdays import WorkCalendar, merge

CACHE_KEY = "requests_app:calendar:v1"
CACHE_SECONDS = 300


def _load() -> WorkCalendar:
    from requests_app.models import CalendarOverride, CalendarYear

    overrides = CalendarOverride.objects.values_list("date", "is_workday")
    completed = CalendarYear.objects.values_list("year", flat=True)
    return merge(bundled_calendar(), list(overrides), list(completed))


def current_calendar() -> WorkCalendar:
    calendar = cache.get(CACHE_KEY)
    if calendar is None:
        calendar = _load()
        cache.set(CACHE_KEY, calendar, CACHE_SECONDS)
    return calendar


def invalidate() -> None:
    cache.delete(CACHE_KEY)
