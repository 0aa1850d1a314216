"""The report shelf: annual reports of the years before the portal (2008 onwards), kept as
published then — an uploaded PDF, DOCX or HTML file or pasted text — beside the reports the
portal builds from its data (issue 11). Imported by ``reports.models``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportFormat(models.TextChoices):
    """The format the report followed in its year."""

    # 条例 (2007年国务院令第492号) 第三十一、三十二条: the reports of 2008–2018.
    REGULATION_2008 = "2008", _("2008年条例格式")
    # 2019年修订的条例施行后的试行格式: the reports of 2019 and 2020.
    TRIAL_2019 = "2019", _("2019年试行格式")
    # 国办公开办函〔2021〕30号: the reports from 2021 on.
    FORMAT_2021 = "2021", _("2021年格式（国办公开办函〔2021〕30号）")


def format_for_year(year: int) -> str:
    if year >= 2021:
        return ReportFormat.FORMAT_2021
    if year >= 2019:
        return ReportFormat.TRIAL_2019
    return ReportFormat.REGULATION_2008


def archive_path(instance: ArchivedReport, filename: str) -> str:
    return f"report-archive/{instance.organ_id}/{instance.year}{instance.extension}"


class ArchivedReport(models.Model):
    organ = models.ForeignKey(
        "catalog.Organ",
        verbose_name=_("行政机关"),
        on_delete=models.PROTECT,
        related_name="archived_reports",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    format = models.CharField(_("报告格式"), max_length=4, choices=ReportFormat.choices)
    title = models.CharField(_("标题"), max_length=200)
    # The report's text: pasted, or extracted from the file (what the search reads).
    text = models.TextField(_("正文"), blank=True)
    file = models.FileField(_("原文件"), upload_to=archive_path, max_length=300, blank=True)
    file_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    published_on = models.DateField(_("原发布日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organ_id", "-year"]
        verbose_name = _("往年年度报告")
        verbose_name_plural = _("往年年度报告")
        constraints = [
            models.UniqueConstraint(fields=["organ", "year"], name="archived_report_unique"),
            models.CheckConstraint(condition=Q(year__gte=2008), name="archived_report_from_2008"),
            models.CheckConstraint(
                condition=Q(format__in=["2008", "2019", "2021"]), name="archived_report_format"
            ),
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(file=""), name="archived_report_has_content"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:report", args=[self.organ.code, self.year])
