"""Deployment settings chosen by environment variables, read as a fresh process reads them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings

from tests.ops.processes import ROOT

SHOW = (
    "import json, django; from django.conf import settings as s; django.setup(); "
    "print(json.dumps({'storages': s.STORAGES, 'databases': s.DATABASES, "
    "'routers': s.DATABASE_ROUTERS, 'middleware': s.MIDDLEWARE}, default=str))"
)


def settings_with(**env: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "disclosure_portal.settings",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_default_media_is_the_filesystem() -> None:
    shown = settings_with(MEDIA_ROOT="/srv/portal/media")
    assert shown["storages"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert "replica" not in shown["databases"] and shown["routers"] == []


def test_s3_media_is_private_and_named_by_the_environment() -> None:
    shown = settings_with(
        MEDIA_STORAGE="s3",
        S3_BUCKET="portal-media",
        S3_ENDPOINT_URL="http://minio.internal:9000",
        S3_REGION="cn-east-1",
        S3_ACCESS_KEY_ID="portal",
        S3_SECRET_ACCESS_KEY="secret",
    )["storages"]["default"]
    assert shown["BACKEND"] == "storages.backends.s3.S3Storage"
    options = shown["OPTIONS"]
    assert options["bucket_name"] == "portal-media"
    assert options["endpoint_url"] == "http://minio.internal:9000"
    assert options["location"] == "media"
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_an_unknown_media_storage_stops_the_start() -> None:
    with pytest.raises(subprocess.CalledProcessError) as failed:
        settings_with(MEDIA_STORAGE="ftp")
    assert "MEDIA_STORAGE must be" in failed.value.stderr


def test_a_replica_url_adds_the_router_and_its_middleware() -> None:
    shown = settings_with(
        DATABASE_URL="postgres://portal@db-primary/portal",
        DATABASE_REPLICA_URL="postgres://portal_ro@db-replica/portal",
    )
    assert shown["databases"]["replica"]["HOST"] == "db-replica"
    assert shown["databases"]["replica"]["OPTIONS"]["connect_timeout"] == 5
    assert shown["databases"]["replica"]["TEST"]["MIRROR"] == "default"
    assert shown["routers"] == ["disclosure_portal.routers.ReplicaRouter"]
    assert "disclosure_portal.routers.ReplicaMiddleware" in shown["middleware"]


def test_nginx_body_limit_is_the_portals_request_limit() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    sizes = re.findall(r"client_max_body_size\s+(\d+)m;", conf)
    assert sizes and {int(size) * 1024 * 1024 for size in sizes} == {settings.REQUEST_MAX_BYTES}
    # …and every upload the portal accepts fits in it.
    assert settings.REQUEST_MAX_BYTES > settings.ITEM_ATTACHMENT_MAX_BYTES
    assert settings.REQUEST_MAX_BYTES > 5 * settings.ATTACHMENT_MAX_BYTES


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: Any, settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 1024
    response = client.generic(
        "POST", "/api/v1/applications/", b"x" * 2048, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "上限" in str(response.json())


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_gunicorn_config_loads(log_format: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "GUNICORN_WORKERS": "3",
            "HTTPS": "off",
            "LOG_FORMAT": log_format,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_systemd_units_run_what_the_readme_says() -> None:
    units = {p.name: p.read_text() for p in (ROOT / "deploy" / "systemd").iterdir()}
    assert "gunicorn -c deploy/gunicorn.conf.py" in units["portal.service"]
    assert "manage.py db_worker" in units["portal-worker.service"]
    assert "manage.py send_deadline_reminders" in units["portal-reminders.service"]
    for timer in [name for name in units if name.endswith(".timer")]:
        assert timer.replace(".timer", ".service") in units
        assert "Persistent=true" in units[timer]
