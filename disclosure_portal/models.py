"""Shared infrastructure of the portal, used by every app: nothing here knows the law."""

from __future__ import annotations

import json

from django.db import models
from django.utils.translation import gettext_lazy as _


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


class AuditEntry(models.Model):
    """One line of the tamper-evident audit log (``disclosure_portal.audit``).

    Append-only: rows are written by ``audit.record`` and never changed. Each row carries the
    keyed hash of its own content and of the previous row (``prev_hash``), so an edited,
    inserted or deleted row breaks the chain (``manage.py verify_audit``). Who acted is kept
    as plain values, not a foreign key: deleting an account must not rewrite its history.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("用户编号"), null=True, blank=True)
    actor_name = models.CharField(_("用户"), max_length=150, blank=True, db_index=True)
    ip = models.CharField(_("来源地址"), max_length=45, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("变更前"), default=dict, blank=True)
    after = models.JSONField(_("变更后"), default=dict, blank=True)
    prev_hash = models.CharField(_("上一条的哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit entries are append-only")

    @property
    def before_text(self) -> str:
        return _json_text(self.before)

    @property
    def after_text(self) -> str:
        return _json_text(self.after)


class AuditHead(models.Model):
    """The chain's head: one row whose lock serialises writers (no fork of the chain) and
    whose copy of the last ``seq``/``hash`` reveals rows cut off the end of the log."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计日志链头")
        verbose_name_plural = _("审计日志链头")

    def __str__(self) -> str:
        return f"#{self.seq}"
