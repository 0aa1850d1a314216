"""The legal clock of 依申请公开: answer deadline, pauses, extension, 补正 and fee periods.

Pure and standard-library only: the calendar and `today` are arguments (style.md). The
answer deadline is a fold over the application's dated steps:

    due_on = add_workdays(received_on, 20 + extension + paused)    (domain.md "Applications")

`received_on` is the clock's start; after a 补正 it is the day the corrected application
arrived (条例第三十条), so pause days on or before it no longer count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from requests_app.workdays import (
    ONE_DAY,
    WorkCalendar,
    add_workdays,
    next_workday,
    workdays_between,
)

# 条例第三十三条第二款: 自收到申请之日起20个工作日内予以答复
ANSWER_PERIOD = 20
# 条例第三十三条第二款: 延长的期限最长不得超过20个工作日
MAX_EXTENSION = 20
# 条例第三十条: 自收到申请之日起7个工作日内一次性告知申请人作出补正
CORRECTION_NOTICE_LIMIT = 7
# 条例第三十条 leaves the 合理的补正期限 to the organ; domain.md sets the default.
DEFAULT_CORRECTION_PERIOD = 15
# 条例第三十二条: 第三方应当自收到征求意见书之日起15个工作日内提出意见
THIRD_PARTY_REPLY_PERIOD = 15
# 国办函〔2020〕109号: 申请人应当在收到收费通知次日起20个工作日内缴纳费用
FEE_PAYMENT_PERIOD = 20
# domain.md: due soon = within 3 working days
DUE_SOON_WORKDAYS = 3
# 条例第三十五条 sets no period for stating reasons; the portal uses the default 补正 period
# (README "Legal notes").
DEFAULT_REASONS_PERIOD = 15


def gettext_noop(message: str) -> str:
    """Marks a message for `makemessages` (a keyword Django's extraction knows) and returns it
    untranslated: this module stays free of Django, and a caller that shows the steps in the
    reader's language passes its own ``gettext`` to ``steps()``."""
    return message


def _untranslated(message: str) -> str:
    return message


# Why a pause stops the clock, as shown in the derivation's steps.
PAUSE_LABELS: dict[str, tuple[str, str]] = {
    # 条例第三十三条第三款: 征求第三方和其他机关意见所需时间不计算在前款规定的期限内
    "consultation": (
        gettext_noop("征求第三方或其他机关意见"),
        gettext_noop("条例第三十三条第三款"),
    ),
    # Fee pause: an organ setting, default on (domain.md; regulation.md §3.4 marks it [U]).
    "fee": (gettext_noop("等待缴纳信息处理费"), gettext_noop("国办函〔2020〕109号")),
    # 条例第三十五条: asking the applicant to state reasons (domain.md: a pause).
    "reasons": (gettext_noop("要求申请人说明理由"), gettext_noop("条例第三十五条")),
}

# What ends a pause by itself once its limit passes, in words an applicant understands.
LIMIT_LABELS: dict[str, str] = {
    # 条例第三十二条: 15 working days from receipt of the request; 第三十四条: an organ's silence
    # counts as consent, so the clock cannot wait longer for a reply.
    "consultation": gettext_noop(
        "被征求意见方自收到征求意见书之日起15个工作日的答复期限届满，"
        "未答复的不再等待，期限自动恢复计算（条例第三十二条、第三十四条）"
    ),
    "reasons": gettext_noop("申请人说明理由的期限届满，期限自动恢复计算（条例第三十五条）"),
}


def format_date(d: date) -> str:
    """A date as Chinese readers write it: 2026年9月18日 (domain.md "Public site")."""
    return f"{d.year}年{d.month}月{d.day}日"


def _format_dates(
    days: Iterable[date],
    translate: Callable[[str], str] = _untranslated,
    day: Callable[[date], str] = format_date,
) -> str:
    return translate(gettext_noop("、")).join(day(d) for d in days)


@dataclass(frozen=True, slots=True)
class Pause:
    """A stretch during which the answer clock stands still; `end` None = still running.

    `limit` is the last day the pause may last (a consultation: the consulted party's 15
    working days from its `delivered_on`); past it the clock runs again by itself.
    """

    kind: str
    start: date
    end: date | None = None
    limit: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("a pause cannot end before it starts")


@dataclass(frozen=True, slots=True)
class CountedPause:
    """A pause as counted: `end` is the real end, or `today` while it is still running."""

    kind: str
    start: date
    end: date
    ongoing: bool
    workdays: int
    covered: bool
    limit: date | None = None
    # True when the limit ended the pause (the step was not recorded in time).
    capped: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "ongoing": self.ongoing,
            "workdays": self.workdays,
            "covered": self.covered,
            "limit": self.limit.isoformat() if self.limit else None,
            "capped": self.capped,
        }

    def step(
        self,
        translate: Callable[[str], str] = _untranslated,
        day: Callable[[date], str] = format_date,
    ) -> str:
        t = translate
        label, basis = PAUSE_LABELS.get(self.kind, (gettext_noop("暂停计算"), ""))
        if self.capped:
            limit = LIMIT_LABELS.get(self.kind, gettext_noop("期限届满"))
            end = t(gettext_noop("%(date)s（%(limit)s）")) % {
                "date": day(self.end),
                "limit": t(limit),
            }
        elif self.ongoing:
            end = t(gettext_noop("今日（%(date)s，尚未结束）")) % {"date": day(self.end)}
        else:
            end = day(self.end)
        text = t(gettext_noop("%(label)s暂停：%(start)s至%(end)s，不计入%(days)s个工作日")) % {
            "label": t(label),
            "start": day(self.start),
            "end": end,
            "days": self.workdays,
        }
        if not basis:
            return text
        return t(gettext_noop("%(text)s（%(basis)s）")) % {"text": text, "basis": t(basis)}


@dataclass(frozen=True, slots=True)
class Derivation:
    """How `due_on` was computed, step by step, so that anyone can recompute it."""

    received_on: date
    base_workdays: int
    extension_workdays: int
    paused_workdays: int
    pauses: tuple[CountedPause, ...]
    due_on: date
    covered: bool
    uncovered_years: tuple[int, ...]
    skipped_holidays: tuple[date, ...]
    counted_adjusted_workdays: tuple[date, ...]
    # add_workdays(received_on, total_workdays): what the working days alone give.
    counted_due_on: date | None = None
    # 民法典第二百零三条: moved to the first working day after the last pause (see compute_due).
    moved_after_pause: date | None = None
    # 条例第三十五条: the delayed answer date the organ set, and why.
    delayed_due_on: date | None = None
    delayed_reason: str = ""
    # 条例第三十条: the original receipt when a 补正 restarted the clock.
    first_received_on: date | None = None
    provisional_holidays: tuple[date, ...] = ()

    @property
    def total_workdays(self) -> int:
        return self.base_workdays + self.extension_workdays + self.paused_workdays

    @property
    def restarted(self) -> bool:
        return self.first_received_on is not None and self.first_received_on != self.received_on

    @property
    def capped_pause(self) -> CountedPause | None:
        """The pause whose limit passed before it was ended (e.g. a consultation overdue)."""
        return next((p for p in self.pauses if p.capped and p.ongoing), None)

    def steps(
        self,
        translate: Callable[[str], str] = _untranslated,
        day: Callable[[date], str] = format_date,
    ) -> list[str]:
        """The computation, one line per step, for staff and the applicant: in Chinese, or in
        the reader's language with ``translate`` (gettext) and ``day`` (a date formatter)."""
        t = translate
        steps: list[str] = []
        if self.restarted:
            assert self.first_received_on is not None
            steps.append(
                t(
                    gettext_noop(
                        "原收到申请：%(first)s；申请经补正，答复期限自收到补正申请之日"
                        "（%(date)s）起重新计算，原期限（含已批准的延长）随之失效（条例第三十条）"
                    )
                )
                % {"first": day(self.first_received_on), "date": day(self.received_on)}
            )
        received = (
            gettext_noop("收到补正申请：%(date)s")
            if self.restarted
            else gettext_noop("收到申请：%(date)s")
        )
        steps += [
            t(received) % {"date": day(self.received_on)},
            t(gettext_noop("期间自收到申请的次日起算，开始的当日不计入（民法典第二百零一条）")),
            t(gettext_noop("法定答复期限：%(days)s个工作日（条例第三十三条第二款）"))
            % {"days": self.base_workdays},
        ]
        if self.extension_workdays:
            steps.append(
                t(gettext_noop("延长答复期限：%(days)s个工作日（条例第三十三条第二款）"))
                % {"days": self.extension_workdays}
            )
        steps.extend(p.step(t, day) for p in self.pauses)
        if self.skipped_holidays:
            steps.append(
                t(gettext_noop("跳过节假日：%(dates)s"))
                % {"dates": _format_dates(self.skipped_holidays, t, day)}
            )
        if self.provisional_holidays:
            steps.append(
                t(
                    gettext_noop(
                        "其中%(dates)s为暂定节假日：该年度国务院办公厅放假安排尚未公布，"
                        "暂按《全国年节及纪念日放假办法》第二条规定的法定节日推算，"
                        "未考虑调休和补假"
                    )
                )
                % {"dates": _format_dates(self.provisional_holidays, t, day)}
            )
        if self.counted_adjusted_workdays:
            steps.append(
                t(gettext_noop("调休上班日计入：%(dates)s"))
                % {"dates": _format_dates(self.counted_adjusted_workdays, t, day)}
            )
        counted = self.counted_due_on or self.due_on
        if counted == self.due_on and self.moved_after_pause is None and not self.delayed_due_on:
            steps.append(
                t(gettext_noop("合计%(days)s个工作日，答复期限届满日：%(date)s"))
                % {"days": self.total_workdays, "date": day(self.due_on)}
            )
        else:
            steps.append(
                t(gettext_noop("合计%(days)s个工作日，计至%(date)s"))
                % {"days": self.total_workdays, "date": day(counted)}
            )
        if self.moved_after_pause is not None:
            steps.append(
                t(
                    gettext_noop(
                        "剩余期限在暂停结束前已用尽，答复期限不早于暂停结束之日，"
                        "顺延至其后第一个工作日：%(date)s（民法典第二百零三条）"
                    )
                )
                % {"date": day(self.moved_after_pause)}
            )
        if self.delayed_due_on is not None:
            reason = (
                t(gettext_noop("，理由：%(reason)s")) % {"reason": self.delayed_reason}
                if self.delayed_reason
                else ""
            )
            steps.append(
                t(
                    gettext_noop(
                        "申请数量、频次明显超过合理范围，申请人说明的理由合理但无法在上述期限内"
                        "答复，行政机关确定延迟答复期限至%(date)s%(reason)s（条例第三十五条）"
                    )
                )
                % {"date": day(self.delayed_due_on), "reason": reason}
            )
            if self.due_on > self.delayed_due_on:
                steps.append(
                    t(gettext_noop("此后又有暂停计算的期间，按上述工作日计算的日期更晚，以其为准"))
                )
        if counted != self.due_on or self.moved_after_pause or self.delayed_due_on:
            steps.append(t(gettext_noop("答复期限届满日：%(date)s")) % {"date": day(self.due_on)})
        if not self.covered:
            years = t(gettext_noop("、")).join(
                t(gettext_noop("%(year)s年")) % {"year": y} for y in self.uncovered_years
            )
            steps.append(
                t(
                    gettext_noop(
                        "注意：%(years)s的节假日安排尚未公布，暂按法定节日和周末推算，"
                        "官方安排公布后期限可能变动"
                    )
                )
                % {"years": years}
            )
        return steps

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly: dates as ISO strings (api.md `derivation`)."""
        return {
            "received_on": self.received_on.isoformat(),
            "base_workdays": self.base_workdays,
            "extension_workdays": self.extension_workdays,
            "paused_workdays": self.paused_workdays,
            "total_workdays": self.total_workdays,
            "pauses": [p.as_dict() for p in self.pauses],
            "due_on": self.due_on.isoformat(),
            "covered": self.covered,
            "uncovered_years": list(self.uncovered_years),
            "skipped_holidays": [d.isoformat() for d in self.skipped_holidays],
            "counted_adjusted_workdays": [d.isoformat() for d in self.counted_adjusted_workdays],
            "provisional_holidays": [d.isoformat() for d in self.provisional_holidays],
            "counted_due_on": _iso(self.counted_due_on),
            "moved_after_pause": _iso(self.moved_after_pause),
            "delayed_due_on": _iso(self.delayed_due_on),
            "delayed_reason": self.delayed_reason,
            "first_received_on": _iso(self.first_received_on),
            "steps": self.steps(),
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _count_pause(cal: WorkCalendar, pause: Pause, received_on: date, today: date) -> CountedPause:
    end = today if pause.end is None else pause.end
    # 条例第三十二条、第三十四条 (domain.md "Clock edges"): the pause never runs past its limit;
    # the clock resumes by itself when the step was not recorded by then.
    capped = pause.limit is not None and pause.limit < end
    if capped:
        assert pause.limit is not None
        end = max(pause.limit, pause.start)
    # Only days after the clock's start count: after a 补正 the period restarts (条例第三十条),
    # so a consultation held before it has nothing left to pause.
    start = max(pause.start, received_on)
    return CountedPause(
        kind=pause.kind,
        start=pause.start,
        end=end,
        ongoing=pause.end is None,
        # domain.md: paused days = working days d with start < d <= end
        workdays=workdays_between(cal, start, end),
        covered=end <= start or cal.covers_range(start + ONE_DAY, end),
        limit=pause.limit,
        capped=capped,
    )


def _check_disjoint(pauses: Iterable[Pause], today: date) -> None:
    """Pauses are (start, end] spans; overlapping ones would count the same day twice."""
    spans = sorted((p.start, today if p.end is None else p.end) for p in pauses)
    latest_end: date | None = None
    for start, end in spans:
        if latest_end is not None and start < latest_end:
            raise ValueError("pauses must not overlap")
        latest_end = end if latest_end is None else max(latest_end, end)


def compute_due(
    cal: WorkCalendar,
    *,
    received_on: date,
    extension_workdays: int,
    pauses: Iterable[Pause],
    today: date,
    first_received_on: date | None = None,
    delayed_due_on: date | None = None,
    delayed_reason: str = "",
) -> Derivation:
    """The answer deadline (条例第三十三条) with its derivation.

    A pause still running counts as if it ended `today` (api.md: "while consulting or
    awaiting a fee it shows the date as if the pause ended today"), or its `limit` when
    that came first. `delayed_due_on` is the date set under 条例第三十五条; it replaces the
    computed date.
    """
    if not 0 <= extension_workdays <= MAX_EXTENSION:
        raise ValueError(f"extension must be between 0 and {MAX_EXTENSION} working days")
    pauses = tuple(pauses)
    _check_disjoint(pauses, today)
    counted = tuple(_count_pause(cal, p, received_on, today) for p in pauses)
    paused = sum(p.workdays for p in counted)
    count = add_workdays(cal, received_on, ANSWER_PERIOD + extension_workdays + paused)
    due = count.date
    moved: date | None = None
    last_end = max((p.end for p in counted), default=None)
    if last_end is not None and due < last_end:
        # The remaining days ran out while the clock stood still and the pause ended on a day
        # off: the period cannot end before the step that resumed it, so it ends on the first
        # working day after (domain.md "Clock edges"; 民法典第二百零三条).
        due = moved = next_workday(cal, last_end)
    if delayed_due_on is not None:
        # 条例第三十五条: 确定延迟答复的合理期限 — the organ's date is the deadline. It only ever
        # lengthens the period: a pause recorded after it was set still counts (第三十三条第三款).
        due = max(due, delayed_due_on)
    covered = count.covered and all(p.covered for p in counted)
    latest = max([due, count.date, *(p.end for p in counted)])
    if not cal.covers_range(received_on + ONE_DAY, latest):
        covered = False
    provisional = tuple(d for d in count.skipped_holidays if d in cal.provisional)
    return Derivation(
        received_on=received_on,
        base_workdays=ANSWER_PERIOD,
        extension_workdays=extension_workdays,
        paused_workdays=paused,
        pauses=counted,
        due_on=due,
        covered=covered,
        uncovered_years=() if covered else cal.uncovered_years(received_on + ONE_DAY, latest),
        skipped_holidays=count.skipped_holidays,
        counted_adjusted_workdays=count.counted_adjusted_workdays,
        counted_due_on=count.date,
        moved_after_pause=moved,
        delayed_due_on=delayed_due_on,
        delayed_reason=delayed_reason,
        first_received_on=first_received_on,
        provisional_holidays=provisional,
    )


def correction_request_is_late(cal: WorkCalendar, received_on: date, requested_on: date) -> bool:
    """条例第三十条: the 补正 notice is due within 7 working days of receipt.

    Late means after the 7th working day, compared as dates: a request on the Saturday after
    a Friday that closed the period is late, although no working day lies between them.
    A late request is still accepted, only flagged (domain.md).
    """
    return requested_on > add_workdays(cal, received_on, CORRECTION_NOTICE_LIMIT).date


def default_correction_due(
    cal: WorkCalendar, requested_on: date, period: int = DEFAULT_CORRECTION_PERIOD
) -> date:
    """The end of the 合理的补正期限 (条例第三十条), counted from the day after the notice."""
    return add_workdays(cal, requested_on, period).date


def extension_allowed(
    cal: WorkCalendar,
    current_due_on: date,
    decided_on: date,
    already_extended: int,
    requested: int,
) -> str | None:
    """Why an extension may not be granted, or None when it may (条例第三十三条第二款).

    `cal` is unused today: both limits compare plain dates and counts. It stays so that
    every deadline rule takes the calendar first and callers need not change if a rule does.
    """
    del cal
    if requested < 1:
        return "延长期限至少为1个工作日"
    # A lapsed period cannot be extended (domain.md; regulation.md §6.2.5).
    if period_has_lapsed(current_due_on, decided_on):
        return "答复期限已届满，不能再延长（条例第三十三条第二款：延长须在原期限内决定）"
    if already_extended + requested > MAX_EXTENSION:
        return "延长期限合计不得超过20个工作日（条例第三十三条第二款）"
    return None


def period_has_lapsed(due_on: date | None, day: date) -> bool:
    """A step dated `day` comes after the answer period ended (domain.md "Clock edges").

    A lapsed period cannot be revived: consultation, 补正 request, fee notice, extension and
    the 第三十五条 steps are refused on a day after `due_on`. On `due_on` itself they are
    still possible (the last day belongs to the period, 民法典第二百零一条).
    """
    return due_on is not None and day > due_on


def is_overdue(due_on: date | None, today: date) -> bool:
    """Past the last day of the period; no deadline (awaiting 补正) is never overdue."""
    return due_on is not None and today > due_on


def is_due_soon(
    cal: WorkCalendar, due_on: date | None, today: date, within: int = DUE_SOON_WORKDAYS
) -> bool:
    """Not overdue and due within `within` working days after today (domain.md: ≤ 3)."""
    if due_on is None or is_overdue(due_on, today):
        return False
    return due_on <= add_workdays(cal, today, within).date


def fee_payment_due(cal: WorkCalendar, delivered_on: date) -> date:
    """国办函〔2020〕109号: 申请人应当在收到收费通知次日起20个工作日内缴纳费用.

    Counted from the day the notice *reached* the applicant (`delivered_on`), not from the
    day it was sent: posted Fri 2026-09-18 and received Tue 09-22 → due 10-27, not 10-22.
    """
    return add_workdays(cal, delivered_on, FEE_PAYMENT_PERIOD).date


def third_party_reply_due(cal: WorkCalendar, delivered_on: date) -> date:
    """条例第三十二条: the consulted party replies within 15 working days of *receiving* the
    request (`delivered_on`)."""
    return add_workdays(cal, delivered_on, THIRD_PARTY_REPLY_PERIOD).date


def default_reasons_due(
    cal: WorkCalendar, requested_on: date, period: int = DEFAULT_REASONS_PERIOD
) -> date:
    """条例第三十五条 names no period for the applicant's reasons; the portal's choice is the
    default 补正 period, counted from the day after the request (README "Legal notes")."""
    return add_workdays(cal, requested_on, period).date
