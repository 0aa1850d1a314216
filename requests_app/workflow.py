"""The workflow as data: which action moves an application from which status to which.

One table read by the services, the staff pages, the API and the tests (style.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from requests_app.models import OPEN_STATUSES, EventType, Outcome, Status


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    # The outcome the action itself records (closing actions other than ``answer``).
    outcome: str = ""
    # A step that must have happened before the action is offered (its service refuses it
    # otherwise, with the article that requires it).
    requires: str = ""


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        # 条例第三十条
        Transition(
            EventType.REQUEST_CORRECTION,
            _("告知补正"),
            (Status.RECEIVED,),
            Status.AWAITING_CORRECTION,
        ),
        Transition(
            EventType.RECEIVE_CORRECTION,
            _("收到补正"),
            (Status.AWAITING_CORRECTION,),
            Status.RECEIVED,
        ),
        Transition(
            EventType.LAPSE_CORRECTION,
            _("逾期未补正，不再处理"),
            (Status.AWAITING_CORRECTION,),
            Status.CLOSED,
            Outcome.OTHER_CORRECTION_LAPSED,
        ),
        # 条例第三十二条、第三十三条第三款
        Transition(
            EventType.START_CONSULTATION,
            _("征求第三方或其他机关意见"),
            (Status.RECEIVED,),
            Status.CONSULTING,
        ),
        Transition(
            EventType.END_CONSULTATION,
            _("征求意见结束"),
            (Status.CONSULTING,),
            Status.RECEIVED,
        ),
        # 条例第三十三条第二款
        Transition(EventType.EXTEND, _("延长答复期限"), (Status.RECEIVED,), Status.RECEIVED),
        # 国办函〔2020〕109号
        Transition(
            EventType.ISSUE_FEE_NOTICE,
            _("发出收费通知"),
            (Status.RECEIVED,),
            Status.AWAITING_FEE,
        ),
        Transition(
            EventType.CONFIRM_FEE_PAID,
            _("确认已缴费"),
            (Status.AWAITING_FEE,),
            Status.RECEIVED,
        ),
        Transition(
            EventType.LAPSE_FEE,
            _("逾期未缴费，不再处理"),
            (Status.AWAITING_FEE,),
            Status.CLOSED,
            Outcome.OTHER_FEE_UNPAID,
        ),
        # 条例第三十五条: 数量、频次明显超过合理范围 — ask for reasons (a pause); no reasons in
        # time or unreasonable ones → 不予处理 (rejected_mass); reasonable ones but too much to
        # answer in time → a delayed answer date.
        Transition(
            EventType.REQUEST_REASONS,
            _("要求申请人说明理由"),
            (Status.RECEIVED,),
            Status.AWAITING_REASONS,
        ),
        Transition(
            EventType.RECEIVE_REASONS,
            _("收到申请人的理由说明"),
            (Status.AWAITING_REASONS,),
            Status.RECEIVED,
        ),
        Transition(
            EventType.LAPSE_REASONS,
            _("逾期未说明理由，不予处理"),
            (Status.AWAITING_REASONS,),
            Status.CLOSED,
            Outcome.REJECTED_MASS,
        ),
        Transition(
            EventType.SET_DELAYED_DUE,
            _("确定延迟答复期限"),
            (Status.RECEIVED,),
            Status.RECEIVED,
            requires=EventType.RECEIVE_REASONS,
        ),
        # 条例第三十六至三十九条
        Transition(EventType.ANSWER, _("作出答复"), (Status.RECEIVED,), Status.ANSWERED),
        Transition(
            EventType.WITHDRAW,
            _("申请人撤回"),
            tuple(OPEN_STATUSES),
            Status.CLOSED,
            Outcome.OTHER_OTHER,
        ),
    )
}

ACTIONS = tuple(TRANSITIONS)


def allowed_actions(status: str, steps: Iterable[str] | None = None) -> list[Transition]:
    """The actions the workflow offers in ``status``, in table order; given the types of the
    steps already taken, only those whose ``requires`` happened."""
    done = None if steps is None else set(steps)
    return [
        t
        for t in TRANSITIONS.values()
        if status in t.sources and (done is None or not t.requires or t.requires in done)
    ]


def can_apply(action: str, status: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and status in transition.sources
