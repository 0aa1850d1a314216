"""The legal clock: answer deadline with pauses and extension, 补正, fee and reply periods.

Pure tables on the bundled calendar (chinese-calendar 1.11.0, checked against the State
Council notices in test_workdays.py); no database.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from requests_app.calendar_data import bundled_calendar
from requests_app.deadlines import (
    ANSWER_PERIOD,
    CORRECTION_NOTICE_LIMIT,
    FEE_PAYMENT_PERIOD,
    MAX_EXTENSION,
    THIRD_PARTY_REPLY_PERIOD,
    Pause,
    compute_due,
    correction_request_is_late,
    default_correction_due,
    extension_allowed,
    fee_payment_due,
    is_due_soon,
    is_overdue,
    third_party_reply_due,
)
from requests_app.workdays import merge

D = date
CAL = bundled_calendar()

LAPSED = "答复期限已届满，不能再延长（条例第三十三条第二款：延长须在原期限内决定）"
TOO_LONG = "延长期限合计不得超过20个工作日（条例第三十三条第二款）"


TODAY = D(2026, 11, 26)


def due(received_on, *, extension=0, pauses=(), today=TODAY, cal=CAL):
    return compute_due(
        cal, received_on=received_on, extension_workdays=extension, pauses=pauses, today=today
    )


def test_statutory_periods():
    assert (ANSWER_PERIOD, MAX_EXTENSION) == (20, 20)  # 条例第三十三条第二款
    assert CORRECTION_NOTICE_LIMIT == 7  # 条例第三十条
    assert THIRD_PARTY_REPLY_PERIOD == 15  # 条例第三十二条
    assert FEE_PAYMENT_PERIOD == 20  # 国办函〔2020〕109号


# --- the answer deadline ---


@pytest.mark.parametrize(
    ("received_on", "extension", "expected"),
    [
        (D(2026, 1, 5), 0, D(2026, 2, 2)),  # regulation.md §6.2: not Fri 01-30
        (D(2026, 2, 6), 0, D(2026, 3, 12)),  # across 春节
        (D(2026, 9, 18), 0, D(2026, 10, 22)),  # across 中秋 and 国庆
        (D(2026, 9, 24), 0, D(2026, 10, 29)),
        (D(2026, 9, 24), 20, D(2026, 11, 26)),  # full extension: 40 working days
        (D(2026, 12, 1), 0, D(2026, 12, 29)),
    ],
)
def test_due_on_without_pauses_matches_worked_examples(received_on, extension, expected):
    derivation = due(received_on, extension=extension)
    assert derivation.due_on == expected
    assert derivation.covered is True
    assert derivation.paused_workdays == 0


def test_consultation_pause_excludes_its_working_days():
    # (09-28, 10-09] holds 09-29, 09-30, 10-08, 10-09: four working days.
    pause = Pause("consultation", D(2026, 9, 28), D(2026, 10, 9))
    derivation = due(D(2026, 9, 24), pauses=[pause])
    assert derivation.paused_workdays == 4
    assert derivation.due_on == D(2026, 11, 4)  # 10-29 + 4 working days


def test_several_pauses_add_up():
    pauses = [
        Pause("consultation", D(2026, 9, 28), D(2026, 10, 9)),  # 4 working days
        Pause("fee", D(2026, 10, 12), D(2026, 10, 16)),  # 4 working days
    ]
    derivation = due(D(2026, 9, 24), pauses=pauses)
    assert [p.workdays for p in derivation.pauses] == [4, 4]
    assert derivation.paused_workdays == 8
    assert derivation.total_workdays == 28
    assert derivation.due_on == D(2026, 11, 10)


def test_pauses_and_extension_add_up():
    pause = Pause("consultation", D(2026, 9, 28), D(2026, 10, 9))
    derivation = due(D(2026, 9, 24), extension=20, pauses=[pause])
    assert derivation.total_workdays == 44
    assert derivation.due_on == D(2026, 12, 2)  # 11-26 + 4 working days


@pytest.mark.parametrize(
    ("today", "paused", "expected"),
    [
        (D(2026, 11, 2), 0, D(2026, 11, 23)),  # started today: nothing paused yet
        (D(2026, 11, 5), 3, D(2026, 11, 26)),
        (D(2026, 11, 7), 4, D(2026, 11, 27)),  # Saturday: 11-03…11-06
        (D(2026, 11, 9), 5, D(2026, 11, 30)),  # and Monday 11-09
    ],
)
def test_ongoing_pause_is_counted_as_if_it_ended_today(today, paused, expected):
    pause = Pause("consultation", D(2026, 11, 2), None)
    derivation = due(D(2026, 10, 26), pauses=[pause], today=today)
    assert derivation.paused_workdays == paused
    assert derivation.due_on == expected
    assert derivation.pauses[0].ongoing is True
    assert derivation.pauses[0].end == today


def test_pause_before_the_clock_restarted_after_a_correction_does_not_count():
    # Consulted 09-28…10-09, then a 补正 restarted the clock on 10-12 (条例第三十条).
    pause = Pause("consultation", D(2026, 9, 28), D(2026, 10, 9))
    derivation = due(D(2026, 10, 12), pauses=[pause])
    assert derivation.paused_workdays == 0
    assert derivation.due_on == due(D(2026, 10, 12)).due_on


def test_pause_straddling_the_restart_counts_only_after_it():
    pause = Pause("consultation", D(2026, 10, 8), D(2026, 10, 16))
    derivation = due(D(2026, 10, 12), pauses=[pause])
    assert derivation.paused_workdays == 4  # 10-13…10-16


def test_overlapping_pauses_are_rejected():
    pauses = [
        Pause("consultation", D(2026, 10, 12), D(2026, 10, 20)),
        Pause("fee", D(2026, 10, 19), D(2026, 10, 23)),
    ]
    with pytest.raises(ValueError):
        due(D(2026, 10, 9), pauses=pauses)


def test_pause_nested_in_an_earlier_one_is_rejected():
    pauses = [
        Pause("consultation", D(2026, 10, 12), D(2026, 10, 30)),
        Pause("fee", D(2026, 10, 13), D(2026, 10, 14)),
        Pause("fee", D(2026, 10, 20), D(2026, 10, 21)),
    ]
    with pytest.raises(ValueError):
        due(D(2026, 10, 9), pauses=pauses)


def test_back_to_back_pauses_are_accepted():
    pauses = [
        Pause("consultation", D(2026, 10, 12), D(2026, 10, 16)),
        Pause("consultation", D(2026, 10, 16), D(2026, 10, 20)),
    ]
    assert due(D(2026, 10, 9), pauses=pauses).paused_workdays == 4 + 2


def test_pause_ending_before_it_starts_is_rejected():
    with pytest.raises(ValueError):
        Pause("consultation", D(2026, 10, 12), D(2026, 10, 9))


@pytest.mark.parametrize("extension", [-1, 21])
def test_extension_outside_zero_to_twenty_cannot_be_computed(extension):
    with pytest.raises(ValueError):
        due(D(2026, 9, 24), extension=extension)


def test_deadline_into_uncovered_2027_is_computed_provisionally_and_flagged():
    # 2027-01-01 (元旦) is a provisional holiday: 25 working days after 2026-12-10 skip it.
    derivation = due(D(2026, 12, 10), extension=5, today=D(2026, 12, 11))
    assert derivation.due_on == D(2027, 1, 15)
    assert derivation.covered is False
    assert derivation.uncovered_years == (2027,)
    assert derivation.provisional_holidays == (D(2027, 1, 1),)
    steps = derivation.as_dict()["steps"]
    assert any("2027年1月1日为暂定节假日" in step for step in steps)
    assert steps[-1] == (
        "注意：2027年的节假日安排尚未公布，暂按法定节日和周末推算，官方安排公布后期限可能变动"
    )


def test_deadline_into_2027_is_covered_once_an_administrator_completes_2027():
    # 元旦 2027-01-01 per regulation.md §5.4; the year marked complete for the test.
    cal = merge(CAL, [(D(2027, 1, 1), False)], completed_years=[2027])
    derivation = due(D(2026, 12, 10), extension=5, today=D(2026, 12, 11), cal=cal)
    assert derivation.due_on == D(2027, 1, 15)
    assert derivation.covered is True
    assert derivation.uncovered_years == ()


def test_pause_running_into_an_uncovered_year_makes_the_deadline_uncovered():
    pause = Pause("consultation", D(2026, 12, 1), None)
    derivation = due(D(2026, 11, 2), pauses=[pause], today=D(2027, 1, 4))
    assert derivation.pauses[0].covered is False
    assert derivation.covered is False


# --- the derivation shown to staff and applicants ---


def test_derivation_as_dict_is_json_with_iso_dates():
    pause = Pause("consultation", D(2026, 9, 21), D(2026, 9, 24))
    data = due(D(2026, 9, 18), pauses=[pause]).as_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["received_on"] == "2026-09-18"
    assert data["due_on"] == "2026-10-27"  # 10-22 + 3 working days
    assert data["base_workdays"] == 20
    assert data["extension_workdays"] == 0
    assert data["paused_workdays"] == 3
    assert data["covered"] is True
    assert data["pauses"] == [
        {
            "kind": "consultation",
            "start": "2026-09-21",
            "end": "2026-09-24",
            "ongoing": False,
            "workdays": 3,
            "covered": True,
            "limit": None,
            "capped": False,
        }
    ]
    assert data["counted_adjusted_workdays"] == ["2026-09-20", "2026-10-10"]
    assert data["skipped_holidays"][:2] == ["2026-09-25", "2026-10-01"]


def test_derivation_steps_explain_the_count_in_chinese():
    pauses = [
        Pause("consultation", D(2026, 9, 21), D(2026, 9, 24)),
        Pause("fee", D(2026, 10, 12), None),
    ]
    steps = due(D(2026, 9, 18), extension=5, pauses=pauses, today=D(2026, 10, 14)).steps()
    assert steps == [
        "收到申请：2026年9月18日",
        "期间自收到申请的次日起算，开始的当日不计入（民法典第二百零一条）",
        "法定答复期限：20个工作日（条例第三十三条第二款）",
        "延长答复期限：5个工作日（条例第三十三条第二款）",
        "征求第三方或其他机关意见暂停：2026年9月21日至2026年9月24日，"
        "不计入3个工作日（条例第三十三条第三款）",
        "等待缴纳信息处理费暂停：2026年10月12日至今日（2026年10月14日，尚未结束），"
        "不计入2个工作日（国办函〔2020〕109号）",
        "跳过节假日：2026年9月25日、2026年10月1日、2026年10月2日、2026年10月5日、"
        "2026年10月6日、2026年10月7日",
        "调休上班日计入：2026年9月20日、2026年10月10日",
        "合计30个工作日，答复期限届满日：2026年11月5日",
    ]


def test_plain_derivation_has_no_extension_pause_or_holiday_steps():
    steps = due(D(2026, 3, 2)).steps()
    assert len(steps) == 4
    assert steps[-1] == "合计20个工作日，答复期限届满日：2026年3月30日"


# --- 补正 (条例第三十条) ---


@pytest.mark.parametrize(
    ("received_on", "requested_on", "late"),
    [
        (D(2026, 2, 13), D(2026, 2, 14), False),
        (D(2026, 2, 13), D(2026, 3, 2), False),  # the 7th working day (regulation.md §6.5)
        (D(2026, 2, 13), D(2026, 3, 3), True),
        (D(2026, 3, 4), D(2026, 3, 13), False),  # Fri, the 7th working day
        (D(2026, 3, 4), D(2026, 3, 14), True),  # the Saturday after: the period has ended
    ],
)
def test_correction_request_after_seven_workdays_is_late(received_on, requested_on, late):
    assert correction_request_is_late(CAL, received_on, requested_on) is late


@pytest.mark.parametrize(
    ("requested_on", "period", "expected"),
    [
        (D(2026, 4, 30), 15, D(2026, 5, 25)),  # skips 劳动节, counts Sat 05-09
        (D(2026, 3, 2), 15, D(2026, 3, 23)),
        (D(2026, 3, 2), 5, D(2026, 3, 9)),
    ],
)
def test_default_correction_due(requested_on, period, expected):
    assert default_correction_due(CAL, requested_on, period) == expected


def test_default_correction_period_is_fifteen_workdays():
    assert default_correction_due(CAL, D(2026, 4, 30)) == D(2026, 5, 25)


# --- extension (条例第三十三条第二款) ---


@pytest.mark.parametrize(
    ("decided_on", "already", "requested", "error"),
    [
        (D(2026, 10, 21), 0, 20, None),
        (D(2026, 10, 22), 0, 20, None),  # on the last day is still in time
        (D(2026, 10, 22), 10, 10, None),
        (D(2026, 10, 22), 10, 11, TOO_LONG),
        (D(2026, 10, 21), 0, 21, TOO_LONG),
        (D(2026, 10, 21), 20, 1, TOO_LONG),
        (D(2026, 10, 23), 0, 5, LAPSED),
        (D(2026, 10, 23), 15, 10, LAPSED),  # a lapsed period is the first thing to say
        (D(2026, 10, 21), 0, 0, "延长期限至少为1个工作日"),
    ],
)
def test_extension_allowed(decided_on, already, requested, error):
    assert extension_allowed(CAL, D(2026, 10, 22), decided_on, already, requested) == error


def test_extension_beyond_twenty_workdays_is_rejected():
    assert extension_allowed(CAL, D(2026, 10, 22), D(2026, 10, 20), 15, 6) == TOO_LONG


# --- overdue and due soon ---


@pytest.mark.parametrize(
    ("due_on", "today", "overdue"),
    [
        (D(2026, 10, 22), D(2026, 10, 21), False),
        (D(2026, 10, 22), D(2026, 10, 22), False),  # the last day runs to 24:00
        (D(2026, 10, 22), D(2026, 10, 23), True),
        (None, D(2026, 10, 23), False),  # awaiting 补正: no deadline
    ],
)
def test_is_overdue(due_on, today, overdue):
    assert is_overdue(due_on, today) is overdue


@pytest.mark.parametrize(
    ("due_on", "today", "soon"),
    [
        (D(2026, 10, 22), D(2026, 10, 19), True),  # Mon → Thu: 3 working days
        (D(2026, 10, 22), D(2026, 10, 16), False),  # Fri: 4 working days away
        (D(2026, 10, 22), D(2026, 10, 22), True),  # the last day itself
        (D(2026, 10, 22), D(2026, 10, 23), False),  # overdue, not due soon
        (D(2026, 10, 9), D(2026, 9, 30), True),  # 9 calendar days, but 2 working days
        (D(2026, 10, 12), D(2026, 9, 30), False),  # 10-08, 10-09, 10-10 come first
        (None, D(2026, 10, 1), False),
    ],
)
def test_is_due_soon(due_on, today, soon):
    assert is_due_soon(CAL, due_on, today) is soon


def test_due_soon_window_can_be_widened():
    assert is_due_soon(CAL, D(2026, 10, 22), D(2026, 10, 16), within=4) is True


# --- fee payment and third-party reply ---


def test_fee_payment_due_twenty_workdays_from_the_day_after_the_notice():
    # regulation.md §3.5(c): counts Sun 09-20 and Sat 10-10, skips 中秋 and 国庆.
    assert fee_payment_due(CAL, D(2026, 9, 18)) == D(2026, 10, 22)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2026, 4, 30), D(2026, 5, 25)),  # regulation.md §6.5
        (D(2026, 2, 13), D(2026, 3, 12)),  # counts Sat 02-14 and 02-28, skips 春节
    ],
)
def test_third_party_reply_due_fifteen_workdays_later(start, expected):
    assert third_party_reply_due(CAL, start) == expected
