"""An optional read replica for public reads (``DATABASE_REPLICA_URL``).

Only anonymous ``GET``/``HEAD`` requests for public pages and the public API read from the
replica: they tolerate a moment of replication lag, and they are most of the traffic. Anything
a person just did must be read back from the primary, so a request with a session cookie or an
``Authorization`` header, any write, the staff pages, the admin and ``/healthz`` use the
primary, and so do the tables whose freshness matters to every process (sessions, the task
queue, the portal's shared infrastructure tables: cache version stamps and counters).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)

# Read from the primary even inside a public read: they must never lag.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "django_tasks_database", "disclosure_portal", "authtoken"}
)
PRIVATE_PREFIXES = ("/staff/", "/admin/", "/healthz", "/captcha/", "/apply/", "/i18n/")


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def is_public_read(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(PRIVATE_PREFIXES):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


class ReplicaRouter:
    """Reads go to the replica only while a public read is being served (see the middleware)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _use_replica.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both databases hold the same rows.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows the primary by replication, never by migrations.
        return db == PRIMARY


class ReplicaMiddleware:
    """Marks public reads for the router; installed only when a replica is configured."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _use_replica.set(replica_configured() and is_public_read(request))
        try:
            return self.get_response(request)
        finally:
            _use_replica.reset(token)
