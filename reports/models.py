"""政府信息公开工作年度报告 (条例第四十九、五十条; 国办公开办函〔2021〕30号).

A report is edited as a draft (its text sections and the figures that come from other
systems); its statistical tables are computed from the catalog and the applications.
Publishing freezes everything into a ``PublishedReport`` snapshot: later data changes never
alter it, and a corrected re-publication keeps the earlier version visible as superseded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Organ


class Scope(models.TextChoices):
    ORGAN = "organ", _("本机关")
    TREE = "tree", _("本级及所属机关汇总")


def empty_sections() -> dict[str, str]:
    return {"overview": "", "problems": "", "other": ""}


def empty_manual() -> dict[str, dict[str, object]]:
    return {
        "licensing": {"decisions": 0},
        "penalty": {"decisions": 0},
        "coercion": {"decisions": 0},
        "fees": {"amount_10k_yuan": "0"},
    }


class AnnualReport(models.Model):
    """The working copy of one organ's report for one year and scope."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    organ = models.ForeignKey(
        Organ, verbose_name=_("行政机关"), on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    scope = models.CharField(_("范围"), max_length=10, choices=Scope.choices, default=Scope.ORGAN)
    # 一、总体情况 / 五、存在的主要问题及改进情况 / 六、其他需要报告的事项
    sections = models.JSONField(_("正文"), default=empty_sections)
    # Table 二 figures entered by the reporter (licensing, penalty, coercion, fees).
    manual = models.JSONField(_("填报数据"), default=empty_manual)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "organ_id", "scope"]
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        constraints = [
            models.UniqueConstraint(fields=["organ", "year", "scope"], name="report_unique"),
            models.CheckConstraint(condition=Q(year__gte=2008), name="report_year_from_2008"),
            models.CheckConstraint(
                condition=Q(scope__in=["organ", "tree"]), name="report_scope_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="report_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organ.name}{self.year}年政府信息公开工作年度报告"

    def get_absolute_url(self) -> str:
        url = reverse("reports:report", args=[self.organ.code, self.year])
        return f"{url}?scope=tree" if self.scope == Scope.TREE else url


class PublishedReport(models.Model):
    """A frozen, published version of a report: the figures exactly as they were published."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField(_("版本"))
    sections = models.JSONField(_("正文"))
    figures = models.JSONField(_("统计数据"))
    annexes = models.JSONField(_("附录数据"), default=dict)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_at = models.DateTimeField(_("被更正时间"), null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("已发布的年度报告")
        verbose_name_plural = _("已发布的年度报告")
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="published_version_unique"),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_published_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.version}"


class Consultation(models.Model):
    """咨询登记: consultations received, the source of section 一's consultation figures."""

    class Channel(models.TextChoices):
        ON_SITE = "on_site", _("现场")
        PHONE = "phone", _("电话")
        ONLINE = "online", _("网上")

    organ = models.ForeignKey(
        Organ, verbose_name=_("行政机关"), on_delete=models.PROTECT, related_name="consultations"
    )
    date = models.DateField(_("日期"))
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    topic = models.CharField(_("咨询事项"), max_length=200)
    count = models.PositiveIntegerField(_("人次"), default=1)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("咨询登记")
        verbose_name_plural = _("咨询登记")
        indexes = [models.Index(fields=["organ", "date"], name="consultation_organ_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["on_site", "phone", "online"]),
                name="consultation_channel_valid",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="consultation_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"


from reports.shelf_models import ArchivedReport  # noqa: E402, F401 - registers the model
from reports.supervision_models import SupervisionMail  # noqa: E402, F401 - registers the model
