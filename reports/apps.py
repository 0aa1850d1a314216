from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "政府信息公开工作年度报告"

    def ready(self) -> None:
        from catalog.models import StaffRole
        from catalog.staff_views import StaffSection, register_section
        from reports.services import year_published_for
        from requests_app import published_years

        # Registering a paper application into a published year needs a confirmation.
        published_years.register(year_published_for)

        register_section(
            StaffSection(
                key="reports",
                title=_("年度报告"),
                url="staff_reports:report_list",
                roles=frozenset({StaffRole.REPORTER}),
                description=_("编制、预览、发布和更正政府信息公开工作年度报告。"),
                position=40,
            )
        )
        register_section(
            StaffSection(
                key="consultations",
                title=_("咨询登记"),
                url="staff_reports:consultation_list",
                roles=frozenset({StaffRole.HANDLER, StaffRole.REPORTER}),
                description=_("登记现场、电话、网上咨询，作为年度报告咨询情况的数据来源。"),
                position=45,
            )
        )
