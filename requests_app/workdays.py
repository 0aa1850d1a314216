"""Working days (工作日) for the statutory periods of the 条例.

Pure and standard-library only: the calendar is always an argument, never read from the
database, the settings or the clock (style.md). `calendar_data.py` builds the bundled
calendar from the chinese-calendar package; the database layer adds administrators'
overrides with `merge`.

A working day is a day that is not a weekend or a public holiday of the State Council's
yearly notice; adjusted working days (调休上班日, e.g. Sat 2026-02-14) ARE working days
(regulation.md §6.2.1). Periods start on the day after the event: 民法典第二百零一条
("开始的当日不计入，自下一日开始计算").

A year is covered when its official schedule is known. Outside covered years the calendar
still answers, from weekends alone, and every count says so (`covered=False`): a deadline is
a legal statement and must never look more certain than it is (domain.md "Working days").
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def is_weekend(d: date) -> bool:
    """Saturday or Sunday."""
    return d.weekday() >= 5


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """The days that differ from the plain Monday–Friday week.

    `holidays` are days off falling on a weekday (weekend days inside a break are days off
    anyway); `workdays` are 调休上班日, working days falling on a weekend. Keeping only the
    exceptions makes the invariant checkable and `workdays_between` arithmetic.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    covered_years: frozenset[int] = frozenset()
    # The holidays that are only estimated from the statute for a year without an official
    # notice (`provisional_holidays`); a subset of `holidays`, shown as provisional.
    provisional: frozenset[date] = frozenset()
    # Sorted copies for counting by bisection; derived, so left out of eq/repr.
    _sorted_holidays: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _sorted_workdays: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        on_weekend = sorted(d for d in self.holidays if is_weekend(d))
        if on_weekend:
            raise ValueError(f"holidays must fall on weekdays: {on_weekend[:3]}")
        on_weekday = sorted(d for d in self.workdays if not is_weekend(d))
        if on_weekday:
            raise ValueError(f"adjusted workdays must fall on weekends: {on_weekday[:3]}")
        if not self.provisional <= self.holidays:
            raise ValueError("provisional holidays must be holidays")
        object.__setattr__(self, "_sorted_holidays", tuple(sorted(self.holidays)))
        object.__setattr__(self, "_sorted_workdays", tuple(sorted(self.workdays)))

    def is_workday(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return not is_weekend(d)

    def is_covered(self, year: int) -> bool:
        return year in self.covered_years

    def covers_range(self, start: date, end: date) -> bool:
        """True when every year holding a day of [start, end] is covered (an empty range is)."""
        return all(self.is_covered(year) for year in range(start.year, end.year + 1))

    def uncovered_years(self, start: date, end: date) -> tuple[int, ...]:
        """The years of [start, end] without an official schedule, in order."""
        return tuple(y for y in range(start.year, end.year + 1) if not self.is_covered(y))


@dataclass(frozen=True, slots=True)
class WorkdayCount:
    """The result of counting working days, with what the count went through.

    `skipped_holidays` and `counted_adjusted_workdays` let a reviewer (and the applicant)
    see why the date is not the naive weekday count.
    """

    date: date
    covered: bool
    skipped_holidays: tuple[date, ...] = ()
    counted_adjusted_workdays: tuple[date, ...] = ()
    # Those of `skipped_holidays` that are estimated (`WorkCalendar.provisional`).
    provisional_holidays: tuple[date, ...] = ()


def add_workdays(cal: WorkCalendar, start: date, n: int) -> WorkdayCount:
    """The n-th working day after `start`; `start` itself is not counted (民法典第二百零一条).

    For n >= 1 the result is always a working day, so the extension rule of
    民法典第二百零三条 (last day on a holiday) never applies to these periods.
    n == 0 returns `start` unchanged, whatever kind of day it is: a period of zero working
    days has not run at all. This keeps `workdays_between(cal, start, result) == n` for
    every n; use `next_workday` for "the first working day on or after".
    `covered` is False when any day from start + 1 to the result lies in an uncovered year.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    d = start
    counted = 0
    skipped: list[date] = []
    adjusted: list[date] = []
    while counted < n:
        d += ONE_DAY
        if cal.is_workday(d):
            counted += 1
            if is_weekend(d):
                adjusted.append(d)
        elif d in cal.holidays:
            skipped.append(d)
    return WorkdayCount(
        date=d,
        covered=cal.covers_range(start + ONE_DAY, d),
        skipped_holidays=tuple(skipped),
        counted_adjusted_workdays=tuple(adjusted),
        provisional_holidays=tuple(d for d in skipped if d in cal.provisional),
    )


def _weekdays_between(start: date, end: date) -> int:
    """Number of Monday–Friday days d with start < d <= end (end > start)."""
    days = (end - start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    first = start.weekday() + 1  # weekday of start + 1 day, possibly past Sunday
    count += sum(1 for i in range(rest) if (first + i) % 7 < 5)
    return count


def _in_range(sorted_days: tuple[date, ...], start: date, end: date) -> int:
    """Number of days d in `sorted_days` with start < d <= end."""
    return bisect.bisect_right(sorted_days, end) - bisect.bisect_right(sorted_days, start)


def workdays_between(cal: WorkCalendar, start: date, end: date) -> int:
    """Number of working days d with start < d <= end; 0 when end <= start.

    The start day is excluded as for every period (domain.md: paused days of a consultation).
    Computed arithmetically so that reports can count long spans cheaply.
    """
    if end <= start:
        return 0
    return (
        _weekdays_between(start, end)
        - _in_range(cal._sorted_holidays, start, end)
        + _in_range(cal._sorted_workdays, start, end)
    )


def next_workday(cal: WorkCalendar, d: date, *, include_same_day: bool = True) -> date:
    """The first working day on or after `d` (strictly after it with include_same_day=False).

    E.g. an online application submitted on a day off is received on the next working day
    (domain.md "Receipt date").
    """
    if not include_same_day:
        d += ONE_DAY
    while not cal.is_workday(d):
        d += ONE_DAY
    return d


def merge(
    bundled: WorkCalendar,
    overrides: Iterable[tuple[date, bool]],
    completed_years: Iterable[int],
) -> WorkCalendar:
    """The bundled calendar with administrators' overrides applied; overrides win.

    Each override is (day, is_workday). It is kept only as far as it differs from the plain
    week: (weekday, False) adds a holiday, (weekend, True) an adjusted working day, while
    (weekday, True) or (weekend, False) merely removes a bundled exception. When the same day
    appears more than once, the last override wins. A year becomes covered only when it is
    marked complete (api.md "Working-day calendar"), never by a single override.

    The official notice replaces the provisional estimate: a completed year loses its
    provisional holidays (only its overrides count), and an override of a single day replaces
    the estimate for that day (domain.md "Clock edges").
    """
    completed = frozenset(completed_years)
    dropped = {d for d in bundled.provisional if d.year in completed}
    holidays = set(bundled.holidays) - dropped
    workdays = set(bundled.workdays)
    provisional = set(bundled.provisional) - dropped
    for day, is_workday in overrides:
        holidays.discard(day)
        workdays.discard(day)
        provisional.discard(day)
        if is_weekend(day) and is_workday:
            workdays.add(day)
        elif not is_weekend(day) and not is_workday:
            holidays.add(day)
    return WorkCalendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        covered_years=bundled.covered_years | completed,
        provisional=frozenset(provisional),
    )


def provisional_holidays(
    year: int,
    *,
    spring_festival: date,
    qingming: date,
    dragon_boat: date,
    mid_autumn: date,
) -> frozenset[date]:
    """The statutory holidays of `year` on weekdays, for a year without an official notice.

    《全国年节及纪念日放假办法》(2024年修订) 第二条 lists the days off; the lunar dates and the
    清明 solar term are arguments (computed by `calendar_data`, never typed in). Nothing else is
    guessed: no 调休上班日 and no 补假 (第六条 leaves the day to the State Council's notice), so
    the estimate can only make a period shorter than the official one, never longer.
    """
    days = {
        date(year, 1, 1),  # 第二条第一项 元旦，放假1天（1月1日）
        # 第二条第二项 春节，放假4天（农历除夕、正月初一至初三）
        *(spring_festival + timedelta(days=k) for k in (-1, 0, 1, 2)),
        qingming,  # 第二条第三项 清明节，放假1天（农历清明当日）
        date(year, 5, 1),  # 第二条第四项 劳动节，放假2天（5月1日、2日）
        date(year, 5, 2),
        dragon_boat,  # 第二条第五项 端午节，放假1天（农历端午当日）
        mid_autumn,  # 第二条第六项 中秋节，放假1天（农历中秋当日）
        # 第二条第七项 国庆节，放假3天（10月1日至3日）
        date(year, 10, 1),
        date(year, 10, 2),
        date(year, 10, 3),
    }
    return frozenset(d for d in days if not is_weekend(d))
