"""Property-based tests of the answer clock (Hypothesis), over 2025–2027.

Two layers:
- the pure fold (`deadlines.compute_due`) on random pauses, extensions and delayed dates;
- the real services on random sequences of workflow steps with random dates, against the
  database: refused steps change nothing, the stored deadline equals the live fold, and a
  replay of the events (`recompute_due_dates`) gives the stored value.

Invariants (issue 9): `due_on` is a working day of the calendar in force (provisional
holidays included); never before the end of the last pause; never more than 40 working days
plus the paused days after `received_on` unless a 第三十五条 date was set; the derivation's
steps add up to `due_on`.

Derandomized with a bounded number of examples so that CI runs them in seconds and every run
sees the same cases.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from requests_app import services
from requests_app.calendar_data import bundled_calendar
from requests_app.deadlines import MAX_EXTENSION, Derivation, Pause, compute_due
from requests_app.models import Application, Event
from requests_app.workdays import add_workdays, next_workday
from tests.factories import make_organ, make_staff
from tests.requests_app.factories import make_application

D = dt.date
CAL = bundled_calendar()
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST, LAST = D(2025, 1, 1), D(2027, 12, 31)
PURE = settings(max_examples=400, derandomize=True, deadline=None)


def check_invariants(derivation: Derivation, *, delayed: bool) -> None:
    due = derivation.due_on
    assert CAL.is_workday(due), due
    last_end = max((p.end for p in derivation.pauses), default=None)
    if last_end is not None:
        assert due >= last_end
    # The steps add up: the working days counted give the counted date, and due_on is that
    # date, or the first working day after the last pause, or the 第三十五条 date.
    counted = add_workdays(CAL, derivation.received_on, derivation.total_workdays).date
    assert derivation.counted_due_on == counted
    steps = derivation.steps()
    assert any(f"合计{derivation.total_workdays}个工作日" in step for step in steps)
    assert any(f"答复期限届满日：{due.year}年{due.month}月{due.day}日" in s for s in steps)
    computed = derivation.moved_after_pause or counted
    if derivation.moved_after_pause is not None:
        assert last_end is not None and computed == next_workday(CAL, last_end)
    if delayed:
        # 条例第三十五条: the organ's date, unless later pauses push the count past it.
        assert derivation.delayed_due_on is not None
        assert due == max(derivation.delayed_due_on, computed)
    elif derivation.moved_after_pause is not None:
        assert due == computed
    else:
        assert due == counted
        limit = add_workdays(
            CAL, derivation.received_on, 2 * MAX_EXTENSION + derivation.paused_workdays
        ).date
        assert due <= limit


days = st.dates(min_value=FIRST, max_value=LAST - dt.timedelta(days=200))


@st.composite
def clocks(draw: st.DrawFn) -> dict:
    received = draw(days)
    pauses: list[Pause] = []
    cursor = received
    for _ in range(draw(st.integers(0, 3))):
        start = cursor + dt.timedelta(days=draw(st.integers(0, 30)))
        length = draw(st.integers(0, 40))
        running = draw(st.booleans())
        limit_days = draw(st.one_of(st.none(), st.integers(1, 20)))
        limit = add_workdays(CAL, start, limit_days).date if limit_days else None
        if running:
            pauses.append(Pause("consultation", start, None, limit))
            cursor = start + dt.timedelta(days=length)
            break
        end = start + dt.timedelta(days=length)
        pauses.append(
            Pause(draw(st.sampled_from(["consultation", "fee", "reasons"])), start, end, limit)
        )
        cursor = end
    return {
        "received_on": received,
        "extension_workdays": draw(st.integers(0, MAX_EXTENSION)),
        "pauses": pauses,
        "today": cursor + dt.timedelta(days=draw(st.integers(0, 30))),
    }


@PURE
@given(clocks())
def test_pure_fold_invariants(clock: dict) -> None:
    derivation = compute_due(CAL, **clock)
    check_invariants(derivation, delayed=False)


@PURE
@given(clocks(), st.integers(1, 60))
def test_delayed_date_is_due_on_whatever_the_pauses(clock: dict, later: int) -> None:
    base = compute_due(CAL, **clock)
    delayed = next_workday(CAL, base.due_on + dt.timedelta(days=later))
    derivation = compute_due(CAL, **clock, delayed_due_on=delayed, delayed_reason="档案多")
    check_invariants(derivation, delayed=True)


# --- The services on random step sequences ---------------------------------------------------

TODAY = dt.datetime(2027, 12, 20, 10, 0, tzinfo=SHANGHAI)

ACTIONS = {
    "request-correction": lambda: {"note": "请补充"},
    "receive-correction": dict,
    "start-consultation": lambda: {"party": "某公司"},
    "end-consultation": dict,
    "extend": lambda: {"workdays": 7, "reason": "档案多"},
    "issue-fee-notice": lambda: {"basis": "per_page", "quantity": 150},
    "confirm-fee-paid": dict,
    "request-reasons": lambda: {"note": "请说明理由"},
    "receive-reasons": dict,
    "set-delayed-due": lambda: {"due_on": D(2027, 12, 1), "reason": "档案多"},
    "answer": lambda: {"outcome": "disclosed", "reply": "予以公开。"},
}

# The step that ends each waiting state: drawn often so that pauses also end.
FOLLOW = {
    "consulting": "end-consultation",
    "awaiting_fee": "confirm-fee-paid",
    "awaiting_reasons": "receive-reasons",
    "awaiting_correction": "receive-correction",
}

steps = st.lists(
    st.tuples(st.sampled_from(sorted(ACTIONS)), st.integers(0, 25), st.booleans(), st.booleans()),
    min_size=1,
    max_size=8,
)


@pytest.fixture
def people(db):
    with time_machine.travel(TODAY, tick=False):
        organ = make_organ("性质测试局")
        handler = make_staff(organ, ["handler", "approver"], username="boss")
    return organ, handler


def _row(app: Application) -> tuple:
    fresh = Application.objects.get(pk=app.pk)
    return (fresh.status, fresh.due_on, fresh.extension_workdays, fresh.received_on)


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(received=st.dates(min_value=D(2025, 1, 2), max_value=D(2027, 10, 1)), plan=steps)
# 第三十五条 end to end, then a consultation after the delayed date was set, across 2026/27.
@example(
    received=D(2026, 12, 1),
    plan=[
        ("request-reasons", 1, False, False),
        ("receive-reasons", 5, False, False),
        ("set-delayed-due", 2, False, False),
        ("start-consultation", 3, False, False),
        ("end-consultation", 30, False, False),
        ("answer", 2, False, False),
    ],
)
def test_services_keep_the_stored_deadline_equal_to_a_replay(people, received, plan) -> None:
    organ, handler = people
    with time_machine.travel(TODAY, tick=False), transaction.atomic():
        app = make_application(organ, received_on=received, delivery_method="email")
        day = received
        for drawn, gap, post, follow in plan:
            action = FOLLOW.get(app.status, drawn) if follow else drawn
            day = min(day + dt.timedelta(days=gap), TODAY.date())
            params = ACTIONS[action]()
            if action == "set-delayed-due" and app.due_on is not None:
                later = app.due_on + dt.timedelta(days=gap + 10)
                params["due_on"] = next_workday(CAL, later)
            if action == "issue-fee-notice" and post:
                params["delivered_on"] = min(day + dt.timedelta(days=3), TODAY.date())
            before = (_row(app), Event.objects.filter(application=app).count())
            try:
                app = services.perform_action(
                    action, actor=handler, application=app, date=day, **params
                )
            except (ValidationError, services.WorkflowConflict):
                # A refused step changes nothing.
                assert (_row(app), Event.objects.filter(application=app).count()) == before
                app = Application.objects.get(pk=app.pk)
                continue
            event(f"accepted {action}")  # coverage, shown by --hypothesis-show-statistics
            live = services.deadline_of(app, _fresh=True)
            assert app.due_on == (live.due_on if live else None)
            if live is not None:
                check_invariants(live, delayed=live.delayed_due_on is not None)
        # A replay of the events gives the stored value.
        assert services.recompute_due_dates() == 0
        transaction.set_rollback(True)
