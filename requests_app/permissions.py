"""Who may see and work applications (api.md, Authentication; domain.md: applicants'
personal data is seen only by staff of the organ and superusers).

Every query for a citizen's application goes through ``visible_to``; the rules build on the
organ scoping of ``catalog.permissions``: a staff member sees its own organ and that organ's
subordinates, a superuser everything, anyone else nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from catalog import permissions as organ_permissions
from catalog.models import Organ, StaffRole
from requests_app.models import Application

# 经办人 work applications; the 负责人 of the disclosure office may do so as well (he approves
# extensions, 条例第三十三条第二款, and often signs the answer himself).
WORKFLOW_ROLES: tuple[str, ...] = (StaffRole.HANDLER, StaffRole.APPROVER)
# Appeal records feed table 四 of the annual report, which the 年报编制 also maintains.
APPEAL_ROLES: tuple[str, ...] = (StaffRole.HANDLER, StaffRole.APPROVER, StaffRole.REPORTER)


def _organ_id(target: Application | Organ | int) -> int:
    if isinstance(target, Application):
        return target.organ_id
    if isinstance(target, Organ):
        return target.pk
    return target


def visible_to(user: Any) -> QuerySet[Application]:
    """The applications ``user`` may see: none for citizens and anonymous callers."""
    ids = organ_permissions.organ_ids_for(user)
    if ids is None:
        return Application.objects.all()
    return Application.objects.filter(organ_id__in=ids)


def can_view(user: Any, application: Application) -> bool:
    """Staff of the application's organ (or of an organ above it), and superusers."""
    return organ_permissions.can_see(user, application.organ_id)


def has_any_role(user: Any, target: Application | Organ | int, roles: tuple[str, ...]) -> bool:
    organ_id = _organ_id(target)
    return any(organ_permissions.can_act(user, organ_id, role) for role in roles)


def can_act(user: Any, application: Application | Organ | int) -> bool:
    """May take workflow actions (补正、征求意见、延期、收费、答复…) on the application."""
    return has_any_role(user, application, WORKFLOW_ROLES)


def can_approve_extension(user: Any, organ: Organ | int) -> bool:
    """条例第三十三条第二款: an extension needs the 政府信息公开工作机构负责人's consent."""
    return organ_permissions.can_act(user, _organ_id(organ), StaffRole.APPROVER)


def can_record_appeal(user: Any, application: Application) -> bool:
    return has_any_role(user, application, APPEAL_ROLES)


def can_register(user: Any, organ: Organ | int) -> bool:
    """Staff of the organ may register paper, in-person, fax and e-mail applications with
    their channel and receipt date (api.md); everybody else applies online."""
    return organ_permissions.can_see(user, _organ_id(organ))
