from __future__ import annotations

from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "依申请公开"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from catalog.staff_views import StaffSection, register_section
        from requests_app import checks  # noqa: F401  (registers the calendar coverage check)

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
