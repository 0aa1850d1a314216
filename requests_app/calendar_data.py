"""The bundled holiday schedule, read from the chinese-calendar package.

Deadline code never calls chinese-calendar itself: the package raises NotImplementedError
for any date past its last year (regulation.md §5.5), while the portal must still compute,
and flag, deadlines that run into a year without data. This module only turns the package's
tables into a `WorkCalendar`; administrators' overrides are merged on top elsewhere.
"""

from __future__ import annotations

import functools

from chinese_calendar import constants

from requests_app.workdays import WorkCalendar, is_weekend


@functools.cache
def bundled_calendar() -> WorkCalendar:
    """All years the installed chinese-calendar covers (2004–2026 for version 1.11.0).

    The package's `holidays` also lists weekend days inside a break, and its `workdays` are
    the 调休上班日; we keep only the exceptions to the plain week. The covered years are the
    package's own supported range, from the first to the last year of its holiday table.
    """
    holidays = frozenset(d for d in constants.holidays if not is_weekend(d))
    workdays = frozenset(d for d in constants.workdays if is_weekend(d))
    years = [d.year for d in constants.holidays]
    covered = frozenset(range(min(years), max(years) + 1))
    return WorkCalendar(holidays=holidays, workdays=workdays, covered_years=covered)
