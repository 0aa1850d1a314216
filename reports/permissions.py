"""Who may see and do what with annual reports (api.md, "Annual report").

A published report is public (条例第四十九条: reports are published on the organ's website).
A draft is seen by the staff of the organ — of any role, including staff of an organ above
it — and by superusers; it is edited and published by the 年报编制 (``reporter``) of the organ
or of an organ above it, and by superusers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from catalog import permissions as organ_permissions
from catalog.models import Organ, StaffRole
from reports.models import PublishedReport

REPORTER = StaffRole.REPORTER.value


class Action:
    VIEW_DRAFT = "view_draft"  # a report not yet published
    EDIT = "edit"  # edit, publish and reopen the report
    REGISTER_CONSULTATION = "register_consultation"  # 政府信息公开咨询 (table of the report)


# The role × action table (issue 8); tests/security/test_permission_matrix.py asserts it.
TABLE: organ_permissions.RoleTable = {
    Action.VIEW_DRAFT: organ_permissions.STAFF_ROLES,
    Action.EDIT: frozenset({REPORTER}),
    # 经办人 answer consultations at the desk; the 年报编制 enters those from other channels.
    Action.REGISTER_CONSULTATION: frozenset({StaffRole.HANDLER.value, REPORTER}),
}


def may(user: Any, action: str, organ: Organ | int | None = None) -> bool:
    return organ_permissions.allowed(user, TABLE[action], organ)


def can_view_draft(user: Any, organ: Organ | int) -> bool:
    """Staff of the organ (or of an organ above it), whatever their role, and superusers."""
    return may(user, Action.VIEW_DRAFT, organ)


def can_edit(user: Any, organ: Organ | int) -> bool:
    """May edit, publish and reopen the organ's report: its 年报编制 or a superuser."""
    return may(user, Action.EDIT, organ)


def current_versions() -> QuerySet[PublishedReport]:
    """The versions anyone may read as a report's current text: published, not superseded."""
    return PublishedReport.objects.filter(superseded_at__isnull=True)


def is_public(organ: Organ | int, year: int, scope: str) -> bool:
    """Whether the report has a published version (one query)."""
    organ_id = organ if isinstance(organ, int) else organ.pk
    return (
        current_versions()
        .filter(report__organ_id=organ_id, report__year=year, report__scope=scope)
        .exists()
    )
