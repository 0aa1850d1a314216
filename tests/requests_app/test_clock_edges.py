"""The clock at its edges (domain.md "Clock edges (second round)"): pure tables on the
bundled calendar, no database. Each rule is tested on the day before, of and after its limit,
with pauses ending on weekends, holidays and 调休 days, and restarts across a year end."""

from __future__ import annotations

from datetime import date

import pytest

from requests_app.calendar_data import bundled_calendar, statutory_holidays
from requests_app.deadlines import (
    Pause,
    compute_due,
    default_reasons_due,
    fee_payment_due,
    period_has_lapsed,
    third_party_reply_due,
)
from requests_app.workdays import add_workdays, is_weekend, merge

D = date
CAL = bundled_calendar()


LATE_2026 = D(2026, 12, 31)


def due(received_on, *, pauses=(), today=LATE_2026, **kwargs):
    return compute_due(
        CAL,
        received_on=received_on,
        extension_workdays=kwargs.pop("extension", 0),
        pauses=pauses,
        today=today,
        **kwargs,
    )


# --- A lapsed period cannot be revived --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "lapsed"),
    [
        (D(2026, 10, 21), False),  # the day before due_on
        (D(2026, 10, 22), False),  # due_on itself still belongs to the period
        (D(2026, 10, 23), True),  # the day after: lapsed
    ],
)
def test_period_lapses_the_day_after_due_on(day, lapsed):
    assert due(D(2026, 9, 18)).due_on == D(2026, 10, 22)
    assert period_has_lapsed(D(2026, 10, 22), day) is lapsed


def test_no_deadline_while_awaiting_correction_never_lapses():
    assert period_has_lapsed(None, D(2099, 1, 1)) is False


# --- due_on never before the end of the last pause (民法典第二百零三条) --------------------------


@pytest.mark.parametrize(
    ("pause_end", "expected", "moved"),
    [
        # Due Thu 2026-10-22; a consultation from that day, no days left when it ends.
        (D(2026, 10, 23), D(2026, 10, 23), False),  # ends on a working day: that day
        (D(2026, 10, 24), D(2026, 10, 26), True),  # ends on Saturday: Monday
        (D(2026, 10, 25), D(2026, 10, 26), True),  # ends on Sunday: Monday
    ],
)
def test_pause_ending_on_a_weekend_with_no_days_left(pause_end, expected, moved):
    derivation = due(D(2026, 9, 18), pauses=[Pause("consultation", D(2026, 10, 22), pause_end)])
    assert derivation.due_on == expected
    assert (derivation.moved_after_pause is not None) is moved
    assert derivation.due_on >= pause_end


def test_pause_ending_in_a_holiday_moves_past_the_holiday():
    # Received 2026-08-28, due 2026-09-25 (Fri); consulted from that day until 国庆 10-03.
    derivation = due(D(2026, 8, 28), pauses=[Pause("consultation", D(2026, 9, 25), D(2026, 10, 3))])
    assert derivation.counted_due_on is not None
    assert derivation.counted_due_on < D(2026, 10, 3)
    # 10-01 … 10-07 are off; Thursday 10-08 is the first working day after the pause.
    assert derivation.due_on == D(2026, 10, 8)
    assert any("民法典第二百零三条" in step for step in derivation.steps())


def test_pause_ending_on_an_adjusted_workday_keeps_that_day():
    # Sat 2026-10-10 is a 调休上班日: a pause ending on it ends on a working day.
    derivation = due(
        D(2026, 9, 10), pauses=[Pause("consultation", D(2026, 10, 9), D(2026, 10, 10))]
    )
    assert CAL.is_workday(D(2026, 10, 10))
    assert derivation.due_on >= D(2026, 10, 10)
    assert CAL.is_workday(derivation.due_on)


def test_pause_with_days_left_is_not_moved():
    derivation = due(D(2026, 9, 18), pauses=[Pause("consultation", D(2026, 9, 21), D(2026, 9, 26))])
    assert derivation.moved_after_pause is None
    assert derivation.due_on == derivation.counted_due_on


# --- The consultation limit (条例第三十二条、第三十四条) ---------------------------------------


@pytest.mark.parametrize(
    ("today", "paused", "capped"),
    [
        # Delivered Mon 2026-11-02: reply due 15 working days later, Mon 2026-11-23.
        (D(2026, 11, 20), 14, False),  # the day before the limit: still pausing
        (D(2026, 11, 23), 15, False),  # the limit itself
        (D(2026, 11, 24), 15, True),  # the day after: the clock runs again by itself
        (D(2026, 12, 18), 15, True),
    ],
)
def test_consultation_pause_stops_at_the_reply_limit(today, paused, capped):
    limit = third_party_reply_due(CAL, D(2026, 11, 2))
    assert limit == D(2026, 11, 23)
    derivation = due(
        D(2026, 10, 26),
        pauses=[Pause("consultation", D(2026, 11, 2), None, limit)],
        today=today,
    )
    assert derivation.paused_workdays == paused
    assert derivation.pauses[0].capped is capped
    assert (derivation.capped_pause is not None) is capped
    if capped:
        assert "未答复的不再等待" in derivation.pauses[0].step()


def test_consultation_started_then_never_ended_no_longer_revives_the_clock():
    # The case: received 2026-01-09 (due 02-06), consultation from 02-10 never ended.
    # The consultation itself is refused after due_on (services); even if one existed, the
    # limit keeps due_on from running to December.
    limit = third_party_reply_due(CAL, D(2026, 2, 10))
    derivation = due(D(2026, 1, 9), pauses=[Pause("consultation", D(2026, 2, 10), None, limit)])
    assert derivation.due_on < D(2026, 4, 1)


def test_reasons_period_defaults_to_fifteen_working_days():
    assert default_reasons_due(CAL, D(2026, 9, 18)) == add_workdays(CAL, D(2026, 9, 18), 15).date


# --- Fee payment from delivery (国办函〔2020〕109号) ------------------------------------------


@pytest.mark.parametrize(
    ("delivered_on", "expected"),
    [
        (D(2026, 9, 18), D(2026, 10, 22)),  # delivered the day it was sent (e-mail)
        (D(2026, 9, 22), D(2026, 10, 27)),  # posted Fri 09-18, received Tue 09-22
        (D(2026, 9, 26), D(2026, 10, 29)),  # received on a Saturday; Sat 10-10 counts
    ],
)
def test_fee_payment_runs_from_the_day_after_delivery(delivered_on, expected):
    assert fee_payment_due(CAL, delivered_on) == expected


# --- 补正 restart across a year end (条例第三十条) --------------------------------------------


def test_restart_across_the_year_end_counts_from_the_corrected_application():
    derivation = due(D(2026, 1, 5), first_received_on=D(2025, 12, 22), today=D(2026, 1, 6))
    assert derivation.restarted
    assert derivation.due_on == add_workdays(CAL, D(2026, 1, 5), 20).date
    steps = derivation.steps()
    assert steps[0].startswith("原收到申请：2025年12月22日")
    assert "原期限（含已批准的延长）随之失效（条例第三十条）" in steps[0]
    assert steps[1] == "收到补正申请：2026年1月5日"


def test_restart_at_the_year_end_into_a_provisional_year():
    derivation = due(D(2026, 12, 28), first_received_on=D(2026, 12, 1))
    # 20 working days after Mon 12-28 skip the provisional 元旦 2027-01-01.
    assert derivation.due_on == D(2027, 1, 26)
    assert derivation.provisional_holidays == (D(2027, 1, 1),)
    assert derivation.covered is False


# --- 条例第三十五条: a delayed answer date ------------------------------------------------------


def test_delayed_due_date_replaces_the_computed_one_and_is_explained():
    derivation = due(
        D(2026, 9, 18), delayed_due_on=D(2026, 12, 15), delayed_reason="涉及档案逾千卷"
    )
    assert derivation.counted_due_on == D(2026, 10, 22)
    assert derivation.due_on == D(2026, 12, 15)
    steps = derivation.steps()
    assert "合计20个工作日，计至2026年10月22日" in steps
    assert any(
        "延迟答复期限至2026年12月15日，理由：涉及档案逾千卷（条例第三十五条）" in s for s in steps
    )
    assert steps[-1] == "答复期限届满日：2026年12月15日"


# --- Provisional calendar for years without a notice ---------------------------------------


def test_2027_statutory_holidays_are_computed_not_typed():
    days = statutory_holidays(2027)
    assert D(2027, 1, 1) in days  # 元旦
    assert D(2027, 2, 5) in days  # 除夕 (春节 2027-02-06 is a Saturday)
    assert D(2027, 2, 8) in days  # 初三, Monday
    assert D(2027, 4, 5) in days  # 清明
    assert all(not is_weekend(d) for d in days)


@pytest.mark.parametrize("year", [2025, 2026])
def test_statutory_holidays_match_the_official_schedules_under_the_2024_revision(year):
    # Every statutory day on a weekday is a holiday of that year's State Council notice.
    assert statutory_holidays(year) <= CAL.holidays


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (D(2027, 1, 1), False),  # 元旦
        (D(2027, 2, 4), True),  # the day before 除夕
        (D(2027, 2, 5), False),  # 除夕
        (D(2027, 2, 8), False),  # 初三
        (D(2027, 2, 9), True),  # no 补假, no 调休 guessed
        (D(2027, 2, 20), False),  # a Saturday stays a day off: no 调休上班 guessed
    ],
)
def test_provisional_2027(day, workday):
    assert CAL.is_workday(day) is workday
    assert CAL.is_covered(2027) is False


def test_official_notice_replaces_the_estimate_once_the_year_is_complete():
    # The administrator enters a (hypothetical) notice that keeps 02-05 as a working day.
    official = [(D(2027, 1, 1), False), (D(2027, 2, 8), False), (D(2027, 2, 9), False)]
    cal = merge(CAL, official, completed_years=[2027])
    assert cal.is_workday(D(2027, 2, 5)) is True  # the estimate is gone
    assert cal.is_workday(D(2027, 2, 9)) is False
    assert not any(d.year == 2027 for d in cal.provisional)
    assert cal.is_covered(2027)


def test_single_override_replaces_the_estimate_for_that_day_only():
    cal = merge(CAL, [(D(2027, 2, 5), True)], completed_years=[])
    assert cal.is_workday(D(2027, 2, 5)) is True
    assert D(2027, 2, 5) not in cal.provisional
    assert D(2027, 1, 1) in cal.provisional
