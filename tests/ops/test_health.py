"""GET /healthz: the parts of the portal a load balancer and monitoring need to know about."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import make_organ
from tests.requests_app.factories import make_application

pytestmark = pytest.mark.django_db


def task(status: str, enqueued_minutes_ago: float) -> None:
    row = DBTaskResult.objects.create(
        status=status,
        task_path="disclosure_portal.mail.send",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        run_after=None,
        return_value=None,
    )
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=enqueued_minutes_ago)
    )


def test_all_parts_up_is_200_with_the_task_queue(client: Client) -> None:
    task("READY", 5)
    task("READY", 1)
    task("FAILED", 60)
    task("SUCCESSFUL", 90)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("database", "cache", "storage")} == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
    }
    assert body["tasks"]["queued"] == 2
    assert body["tasks"]["failed"] == 1
    assert 295 <= body["tasks"]["oldest_queued_seconds"] <= 305
    assert response["Cache-Control"].startswith("max-age=0")


def test_empty_queue_reports_zero_age(client: Client) -> None:
    assert client.get("/healthz").json()["tasks"] == {
        "queued": 0,
        "failed": 0,
        "oldest_queued_seconds": 0,
    }


def test_no_personal_data_is_shown(client: Client) -> None:
    application = make_application(make_organ())
    text = client.get("/healthz").content.decode()
    for value in (application.name, application.phone, application.tracking_code):
        assert value not in text
    assert set(json.loads(text)) == {"database", "cache", "storage", "tasks"}


def test_database_down_is_503_naming_it(client: Client) -> None:
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["tasks"] is None


def test_cache_that_drops_writes_is_down(client: Client) -> None:
    # A dummy cache stores nothing, as django-redis does when Redis is gone and exceptions are
    # ignored: the read-back catches it.
    from django.core.cache.backends.dummy import DummyCache

    with mock.patch("disclosure_portal.health.cache", DummyCache("dummy", {})):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "down"
    assert response.json()["database"] == "ok"


def test_media_folder_that_cannot_exist_is_storage_down(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "down"


def test_healthz_answers_plain_http_even_with_https_redirects_on(
    client: Client, settings: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/items/").status_code == 301
