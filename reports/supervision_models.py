"""Claims of the supervision mails (reports.supervision_mail): one row per (kind, organ,
user, period) makes every run on every node send each mail once. Imported by reports.models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SupervisionMail(models.Model):
    class Kind(models.TextChoices):
        DIGEST = "digest", "每周政务公开监督摘要"
        REPORT_DUE = "report_due", "年度报告法定期限提醒"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    organ = models.ForeignKey("catalog.Organ", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The ISO week (2027-W03) of a digest; the report year and week of a report reminder.
    period = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organ", "user", "period"], name="supervision_mail_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["digest", "report_due"]), name="supervision_mail_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.organ_id} {self.user_id} {self.period}"
