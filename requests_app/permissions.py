"""Who may see and work applications (api.md, Authentication and "Additions, second round";
domain.md: applicants' personal data is seen only by the staff who work them).

One table, role × action (``TABLE``), read by the staff pages and the API alike; every query for
a citizen's application goes through ``visible_to``. Roles count for the staff member's organ and
its subordinates; a superuser may do everything a role may do. A user without the ``handler`` or
``approver`` role sees no applications at all (issue 8: a publisher must not read ID numbers).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from catalog import permissions as organ_permissions
from catalog.models import Organ, StaffRole
from catalog.organs import subtree_ids
from requests_app.models import Application

HANDLER = StaffRole.HANDLER.value
APPROVER = StaffRole.APPROVER.value


class Action:
    VIEW = "view"  # the queue, the detail with the applicant's data, scans, letters
    ACT = "act"  # workflow steps (补正、征求意见、收费、答复…) other than ``extend``
    EXTEND = "extend"  # 条例第三十三条第二款: the 负责人's own consent
    ASSIGN = "assign"  # hand the application to a handler
    REGISTER = "register"  # register a paper, in-person, fax or e-mail application
    RECORD_APPEAL = "record_appeal"  # 行政复议、行政诉讼 (table 四 of the annual report)
    BE_ASSIGNED = "be_assigned"  # the assignee of ``assign``


_WORKERS = frozenset({HANDLER, APPROVER})

TABLE: organ_permissions.RoleTable = {
    Action.VIEW: _WORKERS,
    # 经办人 work applications; the 负责人 of the disclosure office may do so as well (he often
    # signs the answer himself).
    Action.ACT: _WORKERS,
    Action.EXTEND: frozenset({APPROVER}),
    Action.ASSIGN: _WORKERS,
    Action.REGISTER: _WORKERS,
    Action.RECORD_APPEAL: _WORKERS,
    Action.BE_ASSIGNED: frozenset({HANDLER}),
}

# Kept for the pages that list candidates by role.
WORKFLOW_ROLES: tuple[str, ...] = (HANDLER, APPROVER)


def _organ_id(target: Application | Organ | int) -> int:
    if isinstance(target, Application):
        return target.organ_id
    if isinstance(target, Organ):
        return target.pk
    return target


def may(user: Any, action: str, target: Application | Organ | int | None = None) -> bool:
    """Whether ``user`` may take ``action`` (on ``target``'s organ; anywhere when None)."""
    organ = None if target is None else _organ_id(target)
    return organ_permissions.allowed(user, TABLE[action], organ)


def organ_ids(user: Any, action: str) -> set[int] | None:
    """The organ ids where ``user`` may take ``action``; None means every organ."""
    return organ_permissions.organ_ids_for_roles(user, TABLE[action])


def visible_to(user: Any) -> QuerySet[Application]:
    """The applications ``user`` may see: none for citizens, anonymous callers and staff
    without the handler or approver role."""
    ids = organ_ids(user, Action.VIEW)
    if ids is None:
        return Application.objects.all()
    return Application.objects.filter(organ_id__in=ids)


def can_view(user: Any, application: Application) -> bool:
    return may(user, Action.VIEW, application)


def can_act(user: Any, application: Application | Organ | int) -> bool:
    """May take workflow actions (补正、征求意见、收费、答复…) on the application."""
    return may(user, Action.ACT, application)


def can_approve_extension(user: Any, organ: Application | Organ | int) -> bool:
    """条例第三十三条第二款: an extension needs the 政府信息公开工作机构负责人's consent."""
    return may(user, Action.EXTEND, organ)


def can_record_appeal(user: Any, application: Application) -> bool:
    return may(user, Action.RECORD_APPEAL, application)


def can_register(user: Any, organ: Organ | int) -> bool:
    """Handlers and approvers of the organ may register paper, in-person, fax and e-mail
    applications with their channel and receipt date (api.md); everybody else applies online."""
    return may(user, Action.REGISTER, organ)


def can_be_assigned(user: Any, application: Application) -> bool:
    """api.md: ``assign`` only to a user with the handler role for the application's organ.
    Being a superuser is not enough: an assignee is someone who works the desk."""
    if user is None or not getattr(user, "is_active", False):
        return False
    profile = organ_permissions.profile_of(user)
    if profile is None or HANDLER not in (profile.roles or ()):
        return False
    return application.organ_id in subtree_ids(profile.organ_id)
