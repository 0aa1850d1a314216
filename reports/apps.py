from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "政府信息公开工作年度报告"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from catalog.models import StaffRole
        from catalog.staff_views import StaffSection, register_section
        from reports.services import year_published_for
        from requests_app import published_years

        # Registering a paper application into a published year needs a confirmation.
        published_years.register(year_published_for)

        from disclosure_portal import versions
        from reports.models import AnnualReport, PublishedReport

        # A report's public page is cached under the "reports" version stamp: every write of
        # a report or its published snapshot bumps it in its own transaction.
        changed = versions.bump_on_save(versions.REPORTS)
        for name, signal in (("save", post_save), ("delete", post_delete)):
            for model in (AnnualReport, PublishedReport):
                uid = f"reports-{model.__name__}-{name}"
                signal.connect(changed, sender=model, weak=False, dispatch_uid=uid)

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
        register_section(
            StaffSection(
                key="supervision",
                title=_("政务公开监督"),
                url="staff_reports:supervision",
                # Every staff member may look at the organs of their own subtree.
                roles=frozenset(StaffRole.values),
                description=_("本机关及所属机关的公开、办理、年报情况一览（条例第四十七条）。"),
                position=50,
            )
        )
