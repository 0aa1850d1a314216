"""Shared infrastructure of the portal, used by every app: nothing here knows the law."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMail(models.Model):
    """One mail the portal owes someone: written in the transaction of the step that causes
    it, sent by the task worker (``disclosure_portal.mail``), retried until it is sent or
    ``MAIL_MAX_ATTEMPTS`` is spent. The row is the record of what was sent, when and how
    often it failed; a resend is a new row pointing to the first (``resend_of``).

    The link to what the mail concerns (an application, an item) is generic, so that this
    app imports none of the apps that use it (dependencies flow one way).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        # Claimed by one task (compare-and-swap) while it talks to the mail server.
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    to = models.JSONField(_("收件人"), default=list)
    subject = models.CharField(_("主题"), max_length=300)
    body = models.TextField(_("正文"))
    kind = models.CharField(_("类型"), max_length=50)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # Unique when given: the caller's guarantee that one event causes at most one mail.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # Stable across retries, so that a receiver can recognise a repeated delivery.
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近一次错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The latest delivery task enqueued for the row (database backend), so that the sweeper
    # can tell a mail waiting for its task from one whose task was lost.
    task_id = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    resend_of = models.ForeignKey(
        "self",
        verbose_name=_("重发自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resends",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("重发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("待发邮件")
        verbose_name_plural = _("待发邮件")
        indexes = [
            # The mails of one application, for its page and API detail.
            models.Index(fields=["content_type", "object_id", "created_at"], name="mail_target"),
            # The sweeper and health checks: what is still owed, oldest first.
            models.Index(fields=["status", "next_attempt_at"], name="mail_status_next"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed"]),
                name="mail_status_valid",
            ),
            # Sent exactly when it has a sending time.
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="mail_sent_iff_sent_at",
            ),
            # A claim is held only while sending.
            models.CheckConstraint(
                condition=Q(status="sending", claimed_at__isnull=False)
                | (~Q(status="sending") & Q(claimed_at__isnull=True)),
                name="mail_claimed_iff_sending",
            ),
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="mail_target_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {', '.join(self.to)} ({self.status})"


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


class CacheVersion(models.Model):
    """One version stamp per kind of cached data ("organs", "calendar", "catalog", …).

    A change bumps its namespace in the same transaction as the change itself
    (``disclosure_portal.versions.bump``); every process reads the stamps once per request and
    keys what it cached by them, so a commit is in force on every worker at its next request
    (api.md, "Running on several processes and machines").
    """

    namespace = models.CharField(_("命名空间"), max_length=40, primary_key=True)
    version = models.BigIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("缓存版本")
        verbose_name_plural = _("缓存版本")

    def __str__(self) -> str:
        return f"{self.namespace}@{self.version}"


class CachedValue(models.Model):
    """A computed structure persisted for every process (e.g. the directory's facet counts),
    valid only while its namespace is at ``version``: a restarted worker reads it instead of
    recomputing it."""

    key = models.CharField(_("键"), max_length=200, primary_key=True)
    version = models.BigIntegerField(_("版本"))
    value = models.JSONField(_("值"))

    class Meta:
        verbose_name = _("共享缓存值")
        verbose_name_plural = _("共享缓存值")

    def __str__(self) -> str:
        return f"{self.key}@{self.version}"


class Counter(models.Model):
    """A throttle counter of one window, used when Redis is not configured or unreachable
    (``disclosure_portal.counters``). Rows past ``expires_at`` are deleted opportunistically."""

    key = models.CharField(_("键"), max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(_("次数"), default=0)
    # Unix seconds: compared in plain SQL on SQLite and PostgreSQL alike.
    expires_at = models.BigIntegerField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("限流计数")
        verbose_name_plural = _("限流计数")

    def __str__(self) -> str:
        return f"{self.key}={self.hits}"
