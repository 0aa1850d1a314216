"""The bundled holiday schedule, read from the chinese-calendar package.

Deadline code never calls chinese-calendar itself: the package raises NotImplementedError
for any date past its last year (regulation.md §5.5), while the portal must still compute,
and flag, deadlines that run into a year without data. This module only turns the package's
tables into a `WorkCalendar`; administrators' overrides are merged on top elsewhere.
"""

from __future__ import annotations

import functools
from datetime import date

from chinese_calendar import constants
from lunar_python import Lunar

from requests_app.workdays import WorkCalendar, is_weekend, provisional_holidays

# How many years after the last bundled one get a provisional schedule: deadlines reach at
# most a year or two ahead, and the estimate is cheap (about 1 ms a year).
PROVISIONAL_YEARS = 10


def _solar(lunar: Lunar) -> date:
    solar = lunar.getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def statutory_holidays(year: int) -> frozenset[date]:
    """《全国年节及纪念日放假办法》第二条 for `year`, its lunar dates and 清明 computed by
    lunar-python (the 寿星天文历 algorithms), never typed in."""
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    return provisional_holidays(
        year,
        spring_festival=_solar(Lunar.fromYmd(year, 1, 1)),  # 正月初一
        qingming=date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
        dragon_boat=_solar(Lunar.fromYmd(year, 5, 5)),  # 五月初五
        mid_autumn=_solar(Lunar.fromYmd(year, 8, 15)),  # 八月十五
    )


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
    # Later years: the statutory holidays only, labelled provisional and never covered
    # (domain.md "Clock edges"): 2027-01-01 is a day off before the 2027 notice is out.
    provisional = frozenset(
        day
        for year in range(max(years) + 1, max(years) + 1 + PROVISIONAL_YEARS)
        for day in statutory_holidays(year)
    )
    return WorkCalendar(
        holidays=holidays | provisional,
        workdays=workdays,
        covered_years=covered,
        provisional=provisional,
    )
