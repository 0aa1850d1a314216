"""Working days: the bundled schedule, counting rules, coverage and administrators' overrides.

Pure tables, no database. The reference calendar `NOTICE` is typed in by hand from the State
Council notices quoted in regulation.md §5.2 (2025) and §5.3 (2026), so the counting rules are
tested independently of the chinese-calendar package, and the package is checked against it.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from chinese_calendar import constants

from requests_app.calendar_data import bundled_calendar
from requests_app.workdays import (
    WorkCalendar,
    add_workdays,
    is_weekend,
    merge,
    next_workday,
    workdays_between,
)

D = date

# 放假 spans of the notices, weekends inside them included (regulation.md §5.2, §5.3).
NOTICE_BREAKS: dict[int, list[tuple[date, date]]] = {
    2025: [
        (D(2025, 1, 1), D(2025, 1, 1)),  # 元旦
        (D(2025, 1, 28), D(2025, 2, 4)),  # 春节
        (D(2025, 4, 4), D(2025, 4, 6)),  # 清明节
        (D(2025, 5, 1), D(2025, 5, 5)),  # 劳动节
        (D(2025, 5, 31), D(2025, 6, 2)),  # 端午节
        (D(2025, 10, 1), D(2025, 10, 8)),  # 国庆节、中秋节
    ],
    2026: [
        (D(2026, 1, 1), D(2026, 1, 3)),  # 元旦
        (D(2026, 2, 15), D(2026, 2, 23)),  # 春节
        (D(2026, 4, 4), D(2026, 4, 6)),  # 清明节
        (D(2026, 5, 1), D(2026, 5, 5)),  # 劳动节
        (D(2026, 6, 19), D(2026, 6, 21)),  # 端午节
        (D(2026, 9, 25), D(2026, 9, 27)),  # 中秋节
        (D(2026, 10, 1), D(2026, 10, 7)),  # 国庆节
    ],
}
# 上班 days of the notices (the 调休上班日).
NOTICE_WORKING_WEEKENDS: dict[int, list[date]] = {
    2025: [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)],
    2026: [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ],
}


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _notice_days_off(year: int) -> set[date]:
    return {d for first, last in NOTICE_BREAKS[year] for d in _days(first, last)}


NOTICE = WorkCalendar(
    holidays=frozenset(d for y in NOTICE_BREAKS for d in _notice_days_off(y) if not is_weekend(d)),
    workdays=frozenset(d for y in NOTICE_WORKING_WEEKENDS for d in NOTICE_WORKING_WEEKENDS[y]),
    covered_years=frozenset({2025, 2026}),
)
BUNDLED = bundled_calendar()

# 2027: regulation.md §5.4 found no notice. The one fact it derives is 元旦 on Fri 2027-01-01;
# the other two overrides are MADE UP for the test and are not the 2027 schedule.
OVERRIDES_2027 = [
    (D(2027, 1, 1), False),  # 元旦 (regulation.md §5.4 [D])
    (D(2027, 2, 8), False),  # made up: a Monday off
    (D(2027, 2, 6), True),  # made up: a Saturday worked
]

both_calendars = pytest.mark.parametrize("cal", [NOTICE, BUNDLED], ids=["notice", "package"])


# --- the bundled data ---


@pytest.mark.parametrize("year", [2025, 2026])
def test_bundled_holidays_are_the_weekday_days_off_of_the_state_council_notice(year):
    expected = {d for d in _notice_days_off(year) if not is_weekend(d)}
    assert {d for d in BUNDLED.holidays if d.year == year} == expected


@pytest.mark.parametrize("year", [2025, 2026])
def test_bundled_adjusted_workdays_are_the_notice_working_weekends(year):
    assert {d for d in BUNDLED.workdays if d.year == year} == set(NOTICE_WORKING_WEEKENDS[year])


def test_bundled_calendar_covers_exactly_the_years_in_the_package_data():
    years_in_data = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    assert years_in_data == set(range(2004, 2027))
    assert BUNDLED.covered_years == frozenset(years_in_data)
    assert not BUNDLED.is_covered(2027)
    assert not BUNDLED.is_covered(2003)


def test_bundled_calendar_keeps_only_exceptions_to_the_plain_week():
    assert all(not is_weekend(d) for d in BUNDLED.holidays)
    assert all(is_weekend(d) for d in BUNDLED.workdays)
    # The package lists weekend days inside a break (e.g. Sat 2026-10-03); they are days off anyway.
    assert D(2026, 10, 3) in constants.holidays
    assert D(2026, 10, 3) not in BUNDLED.holidays


def test_bundled_calendar_agrees_with_chinese_calendar_on_every_day_it_covers():
    disagreements = [
        d
        for d in _days(D(2004, 1, 1), D(2026, 12, 31))
        if BUNDLED.is_workday(d) != chinese_calendar.is_workday(d)
    ]
    assert disagreements == []


def test_chinese_calendar_itself_raises_for_2027_which_is_why_deadlines_never_call_it():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 1))


@both_calendars
@pytest.mark.parametrize("year", [2025, 2026])
def test_a_year_has_248_working_days(cal, year):
    # regulation.md §5.5: sum(is_workday) = 248 for 2025 and for 2026.
    assert workdays_between(cal, D(year - 1, 12, 31), D(year, 12, 31)) == 248


# --- single days ---


@both_calendars
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 1, 1), False),  # Wed, 元旦
        (D(2025, 1, 26), True),  # Sun, 调休上班
        (D(2025, 2, 4), False),  # Tue, 春节 (in lieu)
        (D(2025, 2, 8), True),  # Sat, 调休上班
        (D(2025, 10, 6), False),  # Mon, 中秋
        (D(2025, 10, 8), False),  # Wed, last day of the 国庆 break
        (D(2025, 10, 9), True),  # Thu, first day back
        (D(2025, 10, 11), True),  # Sat, 调休上班
        (D(2026, 1, 2), False),  # Fri, 元旦 (in lieu)
        (D(2026, 1, 4), True),  # Sun, 调休上班
        (D(2026, 2, 14), True),  # Sat, 调休上班
        (D(2026, 2, 21), False),  # Sat inside the 春节 break
        (D(2026, 2, 23), False),  # Mon, 春节 (in lieu)
        (D(2026, 2, 24), True),  # Tue, first day back
        (D(2026, 2, 28), True),  # Sat, 调休上班
        (D(2026, 5, 9), True),  # Sat, 调休上班
        (D(2026, 9, 20), True),  # Sun, 调休上班
        (D(2026, 9, 25), False),  # Fri, 中秋
        (D(2026, 10, 7), False),  # Wed, 国庆 (in lieu)
        (D(2026, 10, 8), True),  # Thu, first day back
        (D(2026, 10, 10), True),  # Sat, 调休上班
        (D(2026, 3, 4), True),  # an ordinary Wednesday
        (D(2026, 3, 7), False),  # an ordinary Saturday
        (D(2026, 12, 31), True),  # Thu, last day of the data
    ],
)
def test_is_workday(cal, day, expected):
    assert cal.is_workday(day) is expected


def test_uncovered_year_falls_back_to_statutory_holidays_and_weekends():
    # 《全国年节及纪念日放假办法》第二条: 元旦 is a day off even before the 2027 notice.
    assert BUNDLED.is_workday(D(2027, 1, 1)) is False
    assert D(2027, 1, 1) in BUNDLED.provisional
    assert BUNDLED.is_workday(D(2027, 1, 2)) is False  # Sat
    assert BUNDLED.is_workday(D(2027, 1, 4)) is True  # Mon; no 补假 guessed


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 1, 1), D(2026, 12, 31), True),
        (D(2026, 12, 31), D(2027, 1, 1), False),
        (D(2027, 3, 1), D(2027, 3, 2), False),
        (D(2026, 5, 2), D(2026, 5, 1), True),  # empty range
    ],
)
def test_covers_range(start, end, expected):
    assert BUNDLED.covers_range(start, end) is expected


@pytest.mark.parametrize(
    ("holidays", "workdays"),
    [
        (frozenset({D(2026, 10, 3)}), frozenset()),  # a Saturday as a holiday
        (frozenset(), frozenset({D(2026, 10, 8)})),  # a Thursday as an adjusted workday
    ],
)
def test_calendar_rejects_exceptions_that_are_not_exceptions(holidays, workdays):
    with pytest.raises(ValueError):
        WorkCalendar(holidays=holidays, workdays=workdays)


# --- add_workdays: regulation.md §6.5 and §3.5(c) ---


@both_calendars
@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 1, 5), 20, D(2026, 2, 2)),  # plain case, not Fri 01-30: start excluded
        (D(2026, 2, 6), 20, D(2026, 3, 12)),  # across 春节
        (D(2026, 2, 13), 7, D(2026, 3, 2)),  # the 补正 notice limit over the same span
        (D(2026, 2, 14), 20, D(2026, 3, 20)),  # receipt on an adjusted working Saturday
        (D(2026, 9, 18), 20, D(2026, 10, 22)),  # 中秋 and 国庆
        (D(2026, 9, 24), 20, D(2026, 10, 29)),
        (D(2026, 9, 24), 40, D(2026, 11, 26)),  # with the full extension
        (D(2026, 4, 30), 15, D(2026, 5, 25)),  # third-party reply, 劳动节
        (D(2026, 11, 20), 20, D(2026, 12, 18)),
        (D(2026, 12, 1), 20, D(2026, 12, 29)),
        (D(2025, 9, 26), 5, D(2025, 10, 10)),  # Sun 09-28 counted, 10-01…10-08 skipped
        (D(2025, 12, 31), 1, D(2026, 1, 4)),  # over the year end: the next working day is a Sunday
        (D(2024, 12, 31), 1, D(2025, 1, 2)),  # 元旦 2025 skipped
    ],
)
def test_add_workdays_matches_worked_examples(cal, start, n, due):
    result = add_workdays(cal, start, n)
    assert result.date == due
    assert result.covered is True


def test_add_workdays_reports_what_it_skipped_and_counted_around_national_day_2026():
    result = add_workdays(BUNDLED, D(2026, 9, 18), 20)
    assert result.skipped_holidays == (
        D(2026, 9, 25),
        D(2026, 10, 1),
        D(2026, 10, 2),
        D(2026, 10, 5),
        D(2026, 10, 6),
        D(2026, 10, 7),
    )
    assert result.counted_adjusted_workdays == (D(2026, 9, 20), D(2026, 10, 10))


def test_add_workdays_reports_spring_festival_2026():
    result = add_workdays(NOTICE, D(2026, 2, 6), 20)
    assert result.skipped_holidays == (
        D(2026, 2, 16),
        D(2026, 2, 17),
        D(2026, 2, 18),
        D(2026, 2, 19),
        D(2026, 2, 20),
        D(2026, 2, 23),
    )
    assert result.counted_adjusted_workdays == (D(2026, 2, 14), D(2026, 2, 28))


@pytest.mark.parametrize("start", [D(2026, 10, 1), D(2026, 10, 3), D(2026, 10, 8)])
def test_add_zero_workdays_returns_the_start_day_itself(start):
    result = add_workdays(BUNDLED, start, 0)
    assert result.date == start
    assert result.covered is True
    assert result.skipped_holidays == ()


def test_add_negative_workdays_is_rejected():
    with pytest.raises(ValueError):
        add_workdays(BUNDLED, D(2026, 1, 5), -1)


def test_deadline_running_into_uncovered_2027_is_computed_provisionally_and_flagged():
    # regulation.md §6.5: the package raises here; we count weekends and the statutory
    # holidays and say so.
    result = add_workdays(BUNDLED, D(2026, 12, 10), 20)
    assert result.date == D(2027, 1, 8)  # Fri 2027-01-01 (元旦) skipped provisionally
    assert result.covered is False
    assert result.skipped_holidays == (D(2027, 1, 1),)
    assert result.provisional_holidays == (D(2027, 1, 1),)


def test_count_ending_on_the_last_covered_day_is_covered():
    result = add_workdays(BUNDLED, D(2026, 12, 30), 1)
    assert result.date == D(2026, 12, 31)
    assert result.covered is True


def test_deadline_into_2027_is_covered_once_2027_is_merged_and_marked_complete():
    cal = merge(BUNDLED, OVERRIDES_2027, completed_years=[2027])
    result = add_workdays(cal, D(2026, 12, 10), 20)
    assert result.date == D(2027, 1, 8)  # 元旦 now skipped
    assert result.covered is True
    assert result.skipped_holidays == (D(2027, 1, 1),)


def test_made_up_2027_overrides_are_used_by_the_count():
    cal = merge(BUNDLED, OVERRIDES_2027, completed_years=[2027])
    result = add_workdays(cal, D(2027, 2, 5), 2)  # Fri → Sat 02-06 worked, Mon 02-08 off
    assert result.date == D(2027, 2, 9)
    assert result.counted_adjusted_workdays == (D(2027, 2, 6),)
    assert result.skipped_holidays == (D(2027, 2, 8),)


# --- workdays_between and next_workday ---


@both_calendars
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 1, 5), D(2026, 1, 5), 0),  # same day: nothing after the start
        (D(2026, 1, 9), D(2026, 1, 5), 0),  # end before start
        (D(2026, 1, 5), D(2026, 1, 6), 1),  # start excluded, end included
        (D(2026, 1, 9), D(2026, 1, 12), 1),  # Fri → Mon
        (D(2026, 9, 28), D(2026, 10, 9), 4),  # 09-29, 09-30, 10-08, 10-09
        (D(2026, 9, 18), D(2026, 9, 20), 1),  # the adjusted working Sunday only
        (D(2026, 2, 13), D(2026, 2, 24), 2),  # Sat 02-14 and Tue 02-24
        (D(2025, 12, 31), D(2026, 1, 4), 1),  # over the year end
    ],
)
def test_workdays_between_counts_days_after_start_up_to_and_including_end(
    cal, start, end, expected
):
    assert workdays_between(cal, start, end) == expected


def test_workdays_between_equals_a_day_by_day_count():
    cal = merge(BUNDLED, OVERRIDES_2027, completed_years=[2027])
    starts = _days(D(2024, 12, 20), D(2027, 3, 1))[::11]
    for start in starts:
        for length in (0, 1, 2, 3, 6, 7, 8, 13, 30, 45, 200):
            end = start + timedelta(days=length)
            by_hand = sum(1 for d in _days(start, end)[1:] if cal.is_workday(d))
            assert workdays_between(cal, start, end) == by_hand, (start, end)


@pytest.mark.parametrize("start", [D(2026, 2, 6), D(2026, 9, 19), D(2026, 10, 3), D(2026, 12, 20)])
@pytest.mark.parametrize("n", [1, 5, 20, 40])
def test_workdays_between_undoes_add_workdays(start, n):
    assert workdays_between(BUNDLED, start, add_workdays(BUNDLED, start, n).date) == n


@pytest.mark.parametrize(
    ("day", "include_same_day", "expected"),
    [
        (D(2026, 10, 1), True, D(2026, 10, 8)),  # 国庆 → first day back
        (D(2026, 9, 26), True, D(2026, 9, 28)),  # Sat in 中秋 → Monday
        (D(2026, 2, 14), True, D(2026, 2, 14)),  # adjusted working Saturday is itself
        (D(2026, 2, 13), False, D(2026, 2, 14)),  # strictly after a Friday: the working Saturday
        (D(2026, 3, 4), True, D(2026, 3, 4)),
        (D(2026, 3, 4), False, D(2026, 3, 5)),
        (D(2026, 12, 31), False, D(2027, 1, 4)),  # 2027: provisional 元旦, then the weekend
    ],
)
def test_next_workday(day, include_same_day, expected):
    assert next_workday(BUNDLED, day, include_same_day=include_same_day) == expected


# --- merge ---


def test_override_turning_a_bundled_holiday_into_a_working_day_wins():
    cal = merge(BUNDLED, [(D(2026, 10, 1), True)], completed_years=[])
    assert cal.is_workday(D(2026, 10, 1)) is True
    assert D(2026, 10, 1) not in cal.holidays


def test_override_turning_a_bundled_adjusted_workday_into_a_day_off_wins():
    cal = merge(BUNDLED, [(D(2026, 2, 14), False)], completed_years=[])
    assert cal.is_workday(D(2026, 2, 14)) is False
    assert D(2026, 2, 14) not in cal.workdays


@pytest.mark.parametrize("override", [(D(2026, 3, 4), True), (D(2026, 3, 7), False)])
def test_override_equal_to_the_plain_week_is_not_stored(override):
    cal = merge(BUNDLED, [override], completed_years=[])
    assert cal == BUNDLED


def test_later_override_of_the_same_day_wins():
    cal = merge(BUNDLED, [(D(2027, 3, 1), False), (D(2027, 3, 1), True)], completed_years=[])
    assert cal.is_workday(D(2027, 3, 1)) is True
    assert D(2027, 3, 1) not in cal.holidays


def test_overrides_alone_do_not_cover_a_year():
    cal = merge(BUNDLED, OVERRIDES_2027, completed_years=[])
    assert cal.is_covered(2027) is False
    assert cal.is_workday(D(2027, 1, 1)) is False  # the override still applies
    result = add_workdays(cal, D(2026, 12, 10), 20)
    assert (result.date, result.covered) == (D(2027, 1, 8), False)


def test_completed_year_is_covered_and_bundled_years_stay_covered():
    cal = merge(BUNDLED, [], completed_years=[2027])
    assert cal.is_covered(2027)
    assert cal.covered_years == BUNDLED.covered_years | {2027}


def test_merge_leaves_the_bundled_calendar_unchanged():
    before = (BUNDLED.holidays, BUNDLED.workdays, BUNDLED.covered_years)
    merge(BUNDLED, [(D(2026, 10, 1), True), *OVERRIDES_2027], completed_years=[2027])
    assert (BUNDLED.holidays, BUNDLED.workdays, BUNDLED.covered_years) == before
    assert bundled_calendar() is BUNDLED
