"""The working-day calendar in force: the bundled chinese-calendar data with the
administrators' overrides on top (domain.md, "Working days").

``current_calendar()`` is what every deadline computation receives as its argument. It is
cached in each process under the "calendar" version stamp; changing an override or completing a
year calls ``invalidate()`` inside its transaction (``disclosure_portal.versions``).
"""

from __future__ import annotations

from disclosure_portal import versions
from requests_app.calendar_data import bundled_calendar
from requests_app.workdays import WorkCalendar, merge


def _load() -> WorkCalendar:
    from requests_app.models import CalendarOverride, CalendarYear

    overrides = CalendarOverride.objects.values_list("date", "is_workday")
    completed = CalendarYear.objects.values_list("year", flat=True)
    return merge(bundled_calendar(), list(overrides), list(completed))


def current_calendar() -> WorkCalendar:
    return versions.cached(versions.CALENDAR, "calendar", _load)


def invalidate() -> None:
    """Every process reloads the calendar once the caller's transaction commits."""
    versions.bump(versions.CALENDAR)
