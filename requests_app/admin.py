"""Django admin for internal data fixes (style.md) and for the working-day calendar.

Applications are read-mostly here: every state change goes through ``requests_app.services``
(one service per change, with its event row), so the admin only lets a superuser correct the
applicant's contact details. The calendar is maintained here: the State Council's yearly
holiday notice is entered as overrides and the year marked complete (domain.md "Working
days"); each change is in force on every worker at once and recomputes the stored deadlines.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.models import Appeal, Application, CalendarOverride, CalendarYear, Event

logger = logging.getLogger(__name__)

# The applicant's contact details: correcting a typo changes no deadline and no statistic.
EDITABLE_APPLICATION_FIELDS = (
    "contact_name",
    "phone",
    "email",
    "address",
    "postal_code",
)


def _recompute_due_dates() -> None:
    """After a calendar change has committed (its save bumped the calendar's version stamp,
    requests_app.apps), refresh the stored deadlines (the staff queue sorts by them)."""
    try:
        from requests_app import services
    except ImportError:
        return
    recompute = getattr(services, "recompute_due_dates", None)
    if recompute is None:
        return
    try:
        recompute()
    except Exception:
        # The calendar change itself is saved; the daily run will catch up.
        logger.exception("日历变更后重新计算答复期限失败")


def calendar_changed() -> None:
    transaction.on_commit(_recompute_due_dates)


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ("date", "type", "note", "data", "actor", "created_at")
    readonly_fields = fields
    ordering = ("date", "id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AppealInline(admin.TabularInline):
    model = Appeal
    extra = 0
    fields = ("kind", "filed_on", "result", "decided_on", "note")
    show_change_link = True


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = (
        "tracking_code",
        "organ",
        "applicant_type",
        "status",
        "first_received_on",
        "due_on",
        "due_covered",
        "outcome",
        "closed_on",
        "assigned_to",
    )
    list_filter = ("status", "outcome", "channel", "applicant_type", "due_covered", "organ")
    search_fields = ("tracking_code", "name", "organization", "description")
    date_hierarchy = "first_received_on"
    list_select_related = ("organ", "assigned_to")
    ordering = ("due_on", "id")
    show_full_result_count = False  # no COUNT(*) over a million rows on every page
    inlines = (EventInline, AppealInline)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [
            f.name
            for f in self.model._meta.fields
            if f.name not in EDITABLE_APPLICATION_FIELDS and f.name != "id"
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Applications arrive through the application form or the staff registration page.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The record feeds the annual report (条例第五十条): never deleted.
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("application", "kind", "filed_on", "result", "decided_on")
    list_filter = ("kind", "result")
    search_fields = ("application__tracking_code", "note")
    date_hierarchy = "filed_on"
    raw_id_fields = ("application",)
    list_select_related = ("application__organ",)


@admin.action(description=_("将所选日期所在年份标记为已录入完整的节假日安排"))
def mark_years_complete(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[CalendarOverride]
) -> None:
    years = sorted({d.year for d in queryset.values_list("date", flat=True)})
    created = _complete_years(years, request.user)
    if created:
        modeladmin.message_user(
            request,
            _("已将%(years)s标记为已录入，答复期限将按新日历重新计算。")
            % {"years": "、".join(f"{y}年" for y in created)},
            messages.SUCCESS,
        )
    else:
        modeladmin.message_user(request, _("所选年份均已标记为已录入。"), messages.INFO)


def _complete_years(years: Iterable[int], user: Any) -> list[int]:
    created: list[int] = []
    with transaction.atomic():
        for year in years:
            _row, was_created = CalendarYear.objects.get_or_create(
                year=year, defaults={"completed_by": user, "completed_at": timezone.now()}
            )
            if was_created:
                created.append(year)
        if created:
            calendar_changed()
    return created


class CalendarChangeMixin:
    """Every save or delete changes the calendar in force."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        calendar_changed()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        calendar_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        calendar_changed()


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(CalendarChangeMixin, admin.ModelAdmin):
    list_display = ("date", "is_workday", "note", "created_by", "created_at")
    list_filter = ("is_workday",)
    search_fields = ("note",)
    date_hierarchy = "date"
    fields = ("date", "is_workday", "note")
    actions = (mark_years_complete,)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarChangeMixin, admin.ModelAdmin):
    """A row means: the year's official schedule has been entered completely."""

    list_display = ("year", "completed_at", "completed_by")
    fields = ("year",)
    ordering = ("-year",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.completed_by = request.user
            obj.completed_at = timezone.now()
        super().save_model(request, obj, form, change)
