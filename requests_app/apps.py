from __future__ import annotations

from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "依申请公开"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django.utils.translation import gettext_lazy as _

        from catalog.publication import register_workday_counter
        from catalog.staff_views import StaffSection, register_section
        from disclosure_portal import versions
        from requests_app import checks  # noqa: F401  (registers the calendar coverage check)
        from requests_app.calendar import current_calendar
        from requests_app.models import CalendarOverride, CalendarYear
        from requests_app.workdays import add_workdays

        # Any write of the calendar (services or admin) is in force on every worker at its next
        # request; the catalog's pages show timeliness computed on it, so they follow too.
        def calendar_changed(*, using: str, **kwargs: object) -> None:
            versions.bump(versions.CALENDAR, versions.CATALOG, using=using)

        for name, signal in (("save", post_save), ("delete", post_delete)):
            for model in (CalendarOverride, CalendarYear):
                uid = f"calendar-{model.__name__}-{name}"
                signal.connect(calendar_changed, sender=model, weak=False, dispatch_uid=uid)

        def count_on_official_calendar(start, days):  # type: ignore[no-untyped-def]
            result = add_workdays(current_calendar(), start, days)
            return result.date, result.covered

        # The catalog flags items published later than 条例第二十六条 allows.
        register_workday_counter(count_on_official_calendar)

        def open_applications(user):  # type: ignore[no-untyped-def]
            from requests_app.models import OPEN_STATUSES
            from requests_app.permissions import visible_to

            return visible_to(user).filter(status__in=OPEN_STATUSES).count()

        # The desk shows in the sidebar how many applications are open in the user's organs.
        register_section(
            StaffSection(
                key="applications",
                title=_("依申请公开"),
                url="/staff/applications/",
                roles=frozenset({"handler", "approver"}),
                description=_("登记、办理和答复政府信息公开申请。"),
                position=30,
                count=open_applications,
            )
        )

        # Superusers only (no role grants it): the official holiday schedule of each year.
        register_section(
            StaffSection(
                key="calendar",
                title=_("工作日日历"),
                url="staff_requests:calendar_index",
                roles=frozenset(),
                description=_("录入国务院办公厅节假日安排通知，标记年度日历已完整。"),
                position=60,
            )
        )
