"""``GET /healthz`` for load balancers and monitoring (api.md "Running on several processes").

Four probes, each as cheap as it can be, so the page can be called every few seconds:
database (``SELECT 1``), cache (one write and read of a per-process key), storage (the media
directory is writable; for object storage one ``exists`` call) and the task queue (one
aggregate over django-tasks-db's table: queued, failed, age of the oldest queued task).
200 when database, cache and storage are up, else 503 with the failing parts marked
``"down"``. Counts and states only: no names, addresses or tracking codes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK, DOWN = "ok", "down"
# One key per process: processes never disturb each other's probe.
_CACHE_KEY = f"healthz:{uuid.uuid4().hex}"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("healthz: database unreachable", exc_info=True)
        return DOWN
    return OK


def check_cache() -> str:
    token = uuid.uuid4().hex
    try:
        # django-redis with IGNORE_EXCEPTIONS answers None instead of raising: the read-back
        # tells a working cache from one that silently drops everything.
        cache.set(_CACHE_KEY, token, timeout=60)
        if cache.get(_CACHE_KEY) != token:
            return DOWN
    except Exception:
        logger.warning("healthz: cache unreachable", exc_info=True)
        return DOWN
    return OK


def check_storage() -> str:
    try:
        if isinstance(default_storage, FileSystemStorage):
            root = Path(default_storage.location)
            # A fresh deployment has no upload yet: create the folder as the first save would.
            root.mkdir(parents=True, exist_ok=True)
            return OK if os.access(root, os.W_OK | os.X_OK) else DOWN
        # Object storage: one request that needs credentials and the bucket.
        default_storage.exists("healthz")
    except Exception:
        logger.warning("healthz: storage unreachable", exc_info=True)
        return DOWN
    return OK


def task_counts() -> dict[str, Any] | None:
    """Queued and failed tasks and the age of the oldest queued one: one round trip, each part
    answered from a partial index (migration 0002_h3_task_queue_indexes), so the cost does not
    grow with the number of finished tasks kept in the table."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    table = connection.ops.quote_name(DBTaskResult._meta.db_table)
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {table} WHERE status = %s),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {table} WHERE status = %s),"
        f" (SELECT MIN(enqueued_at) FROM {table} WHERE status = %s)"
    )
    ready, failed = TaskResultStatus.READY.value, TaskResultStatus.FAILED.value
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [ready, failed, ready])
            queued, failed_count, oldest = cursor.fetchone()
    except Exception:
        logger.warning("healthz: task table unreadable", exc_info=True)
        return None
    if isinstance(oldest, str):  # SQLite returns the text it stored
        oldest = DBTaskResult._meta.get_field("enqueued_at").to_python(oldest)
    if oldest is not None and timezone.is_naive(oldest):
        oldest = timezone.make_aware(oldest, dt.UTC)
    return {
        "queued": queued,
        "failed": failed_count,
        "oldest_queued_seconds": (
            max(0, round((timezone.now() - oldest).total_seconds())) if oldest else 0
        ),
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    body: dict[str, Any] = {
        "database": database,
        "cache": check_cache(),
        "storage": check_storage(),
        "tasks": task_counts() if database == OK else None,
    }
    healthy = all(body[part] == OK for part in ("database", "cache", "storage"))
    return JsonResponse(body, status=200 if healthy else 503)
