"""Shared infrastructure of the portal, used by every app: nothing here knows the law."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
