"""What goes into the audit log, wired once for every way in: staff pages, the API and the admin.

- Changes to the rows listed in ``AUDITED_MODELS`` (organs, guides, items and their
  attachments, calendar overrides and completed years, annual reports, appeals, staff
  accounts): one entry per save or delete with the changed fields before and after. Hooking
  the rows, not each view, is what makes the admin, the API and the staff pages all leave a
  trace, including code paths added later.
- Workflow steps on applications: every service appends an ``Event`` row; its entry carries the
  step and the application's state after it, and the state before it (the previous entry's
  "after" for the same application).
- Anything else changed in the admin: Django's own admin log row, copied into the chain.
- Logins, failed logins and lockouts (``disclosure_portal.auth`` records unlocks and
  second-factor changes itself).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from disclosure_portal import audit

# label → fields left out of the record (derived data, secrets, noise).
AUDITED_MODELS: dict[str, frozenset[str]] = {
    "catalog.organ": frozenset(),
    "catalog.guide": frozenset(),
    "catalog.item": frozenset({"search_tokens"}),
    "catalog.attachment": frozenset(),
    "catalog.staffprofile": frozenset(),
    "requests_app.calendaroverride": frozenset(),
    "requests_app.calendaryear": frozenset(),
    "requests_app.appeal": frozenset(),
    # Documents released with an answer: who added or removed which, before it went out.
    "requests_app.releasedfile": frozenset(),
    "reports.annualreport": frozenset(),
    "reports.publishedreport": frozenset(),
    "reports.consultation": frozenset(),
    "auth.user": frozenset({"last_login"}),
}
SECRET_FIELDS = frozenset({"password"})
CHANGED = "（已更改）"


def _fields(model: type[Model]) -> list[Any]:
    skip = AUDITED_MODELS[model._meta.label_lower]
    return [f for f in model._meta.concrete_fields if f.name not in skip]


def _snapshot_of_values(model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
    return audit.to_json({f.name: values.get(f.attname) for f in _fields(model)})


def _plain(value: Any) -> Any:
    # A file field's value is its stored name, as ``.values()`` reads it from the row.
    return value.name if isinstance(value, FieldFile) else value


def _snapshot(instance: Model) -> dict[str, Any]:
    return audit.to_json(
        {f.name: _plain(f.value_from_object(instance)) for f in _fields(type(instance))}
    )


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


def _mask(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (CHANGED if k in SECRET_FIELDS and v else v) for k, v in values.items()}


def _before_save(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    attnames = [f.attname for f in _fields(sender)]
    row = sender._base_manager.filter(pk=instance.pk).values(*attnames).first()
    instance._audit_before = (  # type: ignore[attr-defined]
        _snapshot_of_values(sender, row) if row is not None else None
    )


def _after_save(
    sender: type[Model], instance: Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    after = _snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        before_part: dict[str, Any] = {}
        after_part = after
        verb = "create"
    else:
        before_part, after_part = _diff(before, after)
        if not after_part:
            return  # nothing recorded changed (e.g. only last_login)
        verb = "update"
    audit.record(
        f"{sender._meta.label_lower}.{verb}",
        obj=instance,
        before=_mask(before_part),
        after=_mask(after_part),
    )


def _after_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    audit.record(
        f"{sender._meta.label_lower}.delete", obj=instance, before=_mask(_snapshot(instance))
    )


def _m2m_changed(
    sender: Any, instance: Model, action: str, reverse: bool, model: Any, **kwargs: Any
) -> None:
    # Many-to-many links (an item's joint publishers) as a list of ids before and after.
    if reverse or not action.startswith(("pre_", "post_")) or action.endswith("_set"):
        return
    field = next(f for f in instance._meta.many_to_many if f.remote_field.through is sender)
    current = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    if action.startswith("pre_"):
        instance.__dict__.setdefault("_audit_m2m", {})[field.name] = current
        return
    before = instance.__dict__.get("_audit_m2m", {}).pop(field.name, current)
    if before != current:
        audit.record(
            f"{instance._meta.label_lower}.update",
            obj=instance,
            before={field.name: before},
            after={field.name: current},
        )


# --- Applications: the workflow's event rows ----------------------------------------------------

APPLICATION_STATE = ("status", "outcome", "received_on", "due_on", "closed_on", "assigned_to_id")


def _after_event(sender: type[Model], instance: Any, created: bool, raw: bool = False, **kw: Any):
    if raw or not created:
        return
    application_model = apps.get_model("requests_app", "Application")
    state = (
        application_model._base_manager.filter(pk=instance.application_id)
        .values("tracking_code", *APPLICATION_STATE)
        .first()
        or {}
    )
    tracking_code = state.pop("tracking_code", "")
    previous = (
        audit.AuditEntry.objects.filter(
            object_type="requests_app.application", object_id=str(instance.application_id)
        )
        .order_by("-seq")
        .values_list("after", flat=True)
        .first()
    )
    before = {k: previous.get(k) for k in APPLICATION_STATE} if previous else {}
    audit.record(
        f"application.{instance.type}",
        actor=instance.actor,
        object_type="requests_app.application",
        object_id=instance.application_id,
        object_repr=tracking_code,
        before=before,
        after={
            **state,
            "event": {
                "type": instance.type,
                "date": instance.date,
                "note": instance.note,
                "data": instance.data,
            },
        },
    )


# --- The admin: everything else it changes ------------------------------------------------------


def _after_admin_log(sender: type[Model], instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or instance.content_type is None:
        return
    label = f"{instance.content_type.app_label}.{instance.content_type.model}"
    if label in AUDITED_MODELS:
        return  # the row's own hook has recorded it, with before and after
    verb = {1: "create", 2: "update", 3: "delete"}.get(instance.action_flag, "change")
    audit.record(
        f"admin.{verb}",
        actor=instance.user,
        object_type=label,
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        after={"message": instance.get_change_message()},
    )


# --- Logins ---------------------------------------------------------------------------------------


def _login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(
        "auth.login",
        actor=user,
        request=request,
        obj=user,
        after={"path": getattr(request, "path", "")},
    )


def _logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("auth.logout", actor=user, request=request, obj=user)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any):
    username = str(credentials.get("username") or "")
    audit.record(
        "auth.login_failed",
        actor_name=username,
        request=request,
        object_type="auth.user",
        object_repr=username,
        after={
            "path": getattr(request, "path", ""),
            "locked_out": bool(getattr(request, "axes_locked_out", False)),
        },
    )


def connect() -> None:
    for label in AUDITED_MODELS:
        model = apps.get_model(label)
        uid = f"audit:{label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid, weak=False)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid, weak=False)
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}"
            )
    post_save.connect(
        _after_event, sender=apps.get_model("requests_app", "Event"), dispatch_uid="audit:event"
    )
    post_save.connect(
        _after_admin_log, sender=apps.get_model("admin", "LogEntry"), dispatch_uid="audit:admin"
    )
    user_logged_in.connect(_login, dispatch_uid="audit:login")
    user_logged_out.connect(_logout, dispatch_uid="audit:logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit:login_failed")
