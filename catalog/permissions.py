"""Who may see and do what in the catalog (api.md, Authentication).

A staff member acts on its own organ and that organ's subordinates only; superusers see
everything. Every staff query for organ-scoped data goes through ``organ_ids_for``.
"""

from __future__ import annotations

from typing import Any

from catalog.models import Organ, StaffProfile, StaffRole
from catalog.organs import subtree_ids


def profile_of(user: Any) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def organ_ids_for(user: Any, role: str | None = None) -> set[int] | None:
    """The organ ids a user may act on (with ``role`` if given); None means every organ."""
    if getattr(user, "is_superuser", False):
        return None
    profile = profile_of(user)
    if profile is None or (role is not None and role not in profile.roles):
        return set()
    return subtree_ids(profile.organ_id)


def is_staff_member(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or profile_of(user))


def can_act(user: Any, organ: Organ | int, role: str | None = None) -> bool:
    organ_id = organ if isinstance(organ, int) else organ.pk
    ids = organ_ids_for(user, role)
    return ids is None or organ_id in ids


def can_see(user: Any, organ: Organ | int) -> bool:
    """Staff of the organ (or an ancestor of it), whatever their role."""
    return can_act(user, organ, None)


def organs_for(user: Any, role: str | None = None) -> Any:
    ids = organ_ids_for(user, role)
    qs = Organ.objects.all()
    return qs if ids is None else qs.filter(pk__in=ids)


# --- Review before publication (条例第十七条) ------------------------------------------------


def is_author(user: Any, item: Any) -> bool:
    """The item's author: the one who created it. Review is by someone else (四眼原则)."""
    return item.created_by_id is not None and item.created_by_id == getattr(user, "pk", None)


def can_review(user: Any, item: Any) -> bool:
    """A 审核员 of the item's organ or of an organ above it, who did not write it."""
    return can_act(user, item.organ_id, StaffRole.REVIEWER) and not is_author(user, item)


def review_queue(user: Any) -> Any:
    """Items waiting for review that ``user`` may review (their own drafts excluded)."""
    from catalog.models import Item

    ids = organ_ids_for(user, StaffRole.REVIEWER)
    items = Item.objects.filter(status=Item.Status.PENDING_REVIEW)
    if ids is not None:
        items = items.filter(organ_id__in=ids)
    if getattr(user, "pk", None) is not None:
        items = items.exclude(created_by_id=user.pk)
    return items


def has_reviewer(item: Any) -> bool:
    """Whether anyone but the author may approve ``item``: an active 审核员 of its organ or an
    organ above it (or a superuser). Without one, a pending item could never be published."""
    from django.contrib.auth import get_user_model

    from catalog.organs import organ_tree

    organ_ids = {item.organ_id, *(node.id for node in organ_tree().ancestors(item.organ_id))}
    profiles = (
        StaffProfile.objects.filter(organ_id__in=organ_ids, user__is_active=True)
        .exclude(user_id=item.created_by_id)
        .only("roles")
    )
    if any(StaffRole.REVIEWER in profile.roles for profile in profiles):
        return True
    superusers = get_user_model().objects.filter(is_superuser=True, is_active=True)
    return superusers.exclude(pk=item.created_by_id).exists()


# --- The role × action table (issue 8, least privilege) --------------------------------------
# Each app declares which roles allow which action in its own permissions module; pages and the
# API both ask ``allowed``/``organ_ids_allowed`` with an action of that table, and
# tests/test_permission_matrix.py walks every staff URL and API operation for every role against
# the tables. A superuser may do everything a role may do.

RoleTable = dict[str, frozenset[str]]


def organ_ids_for_roles(user: Any, roles: frozenset[str]) -> set[int] | None:
    """The organ ids where ``user`` holds any of ``roles``; None means every organ."""
    if getattr(user, "is_superuser", False):
        return None
    profile = profile_of(user)
    if profile is None or not roles.intersection(profile.roles or ()):
        return set()
    return subtree_ids(profile.organ_id)


def allowed(user: Any, roles: frozenset[str], organ: Organ | int | None = None) -> bool:
    """Whether ``user`` holds one of ``roles`` for ``organ`` (for some organ when None)."""
    ids = organ_ids_for_roles(user, roles)
    if ids is None:
        return True
    if organ is None:
        return bool(ids)
    return (organ if isinstance(organ, int) else organ.pk) in ids


class Action:
    """What a catalog staff member may do (api.md, Authentication; 条例第十七条)."""

    EDIT_ITEMS = "edit_items"  # create, edit, publish and repeal items and their attachments
    EDIT_GUIDE = "edit_guide"  # 政府信息公开指南
    NAME_CO_ORGAN = "name_co_organ"  # name an organ as joint publisher (co_organs)
    PREVIEW_DRAFT = "preview_draft"  # see an unpublished item
    REVIEW = "review"  # approve or return an item pending review (条例第十七条), not one's own
    MASK_FINDINGS = "mask_findings"  # mask personal data found in an item's title and body


STAFF_ROLES = frozenset({"handler", "approver", "publisher", "reporter", "reviewer"})

TABLE: RoleTable = {
    Action.EDIT_ITEMS: frozenset({"publisher"}),
    Action.EDIT_GUIDE: frozenset({"publisher"}),
    Action.NAME_CO_ORGAN: frozenset({"publisher"}),
    # Every staff member of the organ may preview a draft (catalog.views, item page).
    Action.PREVIEW_DRAFT: STAFF_ROLES,
    Action.REVIEW: frozenset({"reviewer"}),
    Action.MASK_FINDINGS: frozenset({"publisher", "reviewer"}),
}


def may(user: Any, action: str, organ: Organ | int | None = None) -> bool:
    return allowed(user, TABLE[action], organ)
