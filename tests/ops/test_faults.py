"""Faults survived, each injected into something the test started itself.

- the database connection cut under load (a TCP proxy between gunicorn and PostgreSQL);
- a gunicorn worker killed with SIGKILL while it is in the middle of recording an application;
- Redis gone (a redis-server of the test's own, killed).

The storage failure on upload is in test_storage_failure.py (in-process: a storage class).
"""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.models import Item
from requests_app.models import Application, ApplicationAttachment, Event
from tests import files
from tests.factories import make_item, make_organ
from tests.ops.processes import (
    Browser,
    Node,
    RedisServer,
    Reply,
    TcpProxy,
    database_url_for_processes,
    get,
    multipart,
    portal_env,
    requires_postgresql,
    stopping,
)
from tests.requests_app.factories import application_data

PDF = files.pdf()
OUTAGE = "系统暂时无法访问数据库，请稍后再试。"


def public_paths(item: Item) -> list[str]:
    return [
        "/",
        "/items/",
        f"/items/{item.pk}/",
        f"/organs/{item.organ.code}/guide/",
        "/api/v1/items/",
        f"/api/v1/items/{item.pk}/",
    ]


def submit(port: int, organ_code: str, *, files: int = 1, timeout: float = 60) -> Reply:
    data = application_data()
    fields = {
        "organ": organ_code,
        "applicant_type": data["applicant_type"],
        "applicant": json.dumps(data["applicant"], ensure_ascii=False),
        "description": data["description"],
        "delivery_form": data["delivery_form"],
        "delivery_method": data["delivery_method"],
    }
    scans = [("attachments", f"scan{n}.pdf", PDF, "application/pdf") for n in range(files)]
    body, ctype = multipart(fields, scans)
    return Browser().request(
        port,
        "POST",
        "/api/v1/applications/",
        body=body,
        headers={"Content-Type": ctype},
        timeout=timeout,
    )


@dataclass
class Hit:
    at: float
    path: str
    reply: Reply | None
    error: str = ""


class Load:
    """Threads requesting ``paths`` round-robin until stopped; every reply is kept."""

    def __init__(self, port: int, paths: list[str], threads: int = 4) -> None:
        self.port, self.paths = port, paths
        self.hits: list[Hit] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]
        for thread in self._threads:
            thread.start()

    def _run(self, offset: int) -> None:
        n = offset
        while not self._stop.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            try:
                hit = Hit(time.monotonic(), path, get(self.port, path, timeout=15))
            except OSError as exc:
                hit = Hit(time.monotonic(), path, None, repr(exc))
            self.hits.append(hit)

    def stop(self) -> list[Hit]:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)
        return self.hits


@requires_postgresql("a TCP proxy between the portal and a database server (SQLite is a file)")
@pytest.mark.django_db(transaction=True)
def test_database_cut_under_load_answers_503_then_recovers_without_restart(
    tmp_path: Path,
) -> None:
    item = make_item(make_organ())
    settings_dict = connection.settings_dict
    proxy = TcpProxy(settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432))
    url = database_url_for_processes().replace(
        f":{settings_dict['PORT'] or 5432}/", f":{proxy.port}/"
    )
    assert str(proxy.port) in url
    env = portal_env(
        database_url=url,
        media_root=tmp_path / "media",
        # The load comes from one address: the throttles are not what this test is about.
        extra={
            "DATABASE_CONNECT_TIMEOUT": "2",
            "THROTTLE_ANON": "100000/min",
            "THROTTLE_TRACK": "100000/hour",
        },
    )
    node = Node("portal", env, tmp_path / "portal.log", workers=2)
    paths = public_paths(item)
    with stopping(node):
        assert [get(node.port, p).status for p in paths] == [200] * len(paths)

        load = Load(node.port, paths)
        time.sleep(1.0)
        cut_at = time.monotonic()
        proxy.cut()
        time.sleep(3.0)
        restored_at = time.monotonic()
        proxy.restore()
        time.sleep(3.0)
        hits = load.stop()

        assert not [h for h in hits if h.reply is None], "every request got an answer"
        statuses = {h.reply.status for h in hits if h.reply}
        assert statuses <= {200, 503}, statuses
        during = [h for h in hits if h.reply and cut_at + 0.5 < h.at < restored_at]
        # Pages the portal had cached may still answer 200; everything that needs the
        # database answers 503.
        unavailable = [h.reply for h in during if h.reply and h.reply.status == 503]
        assert len({h.path for h in during if h.reply and h.reply.status == 503}) >= 2
        for reply in unavailable:
            assert reply.headers["retry-after"] == "30"
            assert "Traceback" not in reply.text
            if reply.headers["content-type"].startswith("application/json"):
                assert reply.json() == {"detail": OUTAGE}
            else:
                assert OUTAGE in reply.text and 'class="site-header"' in reply.text
        # Recovery without a restart: the same gunicorn master and workers answer 200 again.
        late = [h.reply for h in hits if h.reply and h.at > restored_at + 2.0]
        assert late and all(r.status == 200 for r in late)
        assert [get(node.port, p).status for p in paths] == [200] * len(paths)
        assert node.alive()

        # Each 503 is one JSON log line carrying the id the client was given.
        logged = {
            line["request_id"]
            for line in node.json_log_lines()
            if line["logger"] == "disclosure_portal.request" and line.get("status") == 503
        }
        assert {r.headers["x-request-id"] for r in unavailable} <= logged
    proxy.close()


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_submission_leaves_no_half_written_application(
    tmp_path: Path, settings: Any
) -> None:
    organ = make_organ()
    marker = tmp_path / "stalled"
    media = tmp_path / "media"
    env = portal_env(
        database_url=database_url_for_processes(),
        media_root=media,
        extra={
            "DJANGO_SETTINGS_MODULE": "tests.ops.stalling_settings",
            "STALL_MARKER": str(marker),
            "STALL_SECONDS": "60",
        },
    )
    node = Node("portal", env, tmp_path / "portal.log", workers=1, timeout=120)
    with stopping(node):
        outcome: dict[str, Any] = {}

        def post() -> None:
            try:
                outcome["reply"] = submit(node.port, organ.code, files=2)
            except OSError as exc:
                outcome["error"] = exc

        thread = threading.Thread(target=post)
        thread.start()
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        # The worker has inserted the application and its event, written the first scan and
        # is writing the second, all inside one uncommitted transaction.
        worker = int(marker.read_text())
        assert worker in node.worker_pids()
        os.kill(worker, signal.SIGKILL)
        thread.join(30)
        assert "error" in outcome or outcome["reply"].status >= 500

        assert Application.objects.count() == 0
        assert Event.objects.count() == 0
        assert ApplicationAttachment.objects.count() == 0
        # The scan written before the kill has no row; the cleanup job removes it.
        left = [p for p in media.rglob("*") if p.is_file()]
        assert len(left) == 1
        settings.MEDIA_ROOT = media
        out = io.StringIO()
        call_command("clean_orphan_media", "--min-age-minutes", "0", stdout=out)
        assert str(left[0].relative_to(media)) in out.getvalue()
        assert not [p for p in media.rglob("*") if p.is_file()]

        # gunicorn replaces the worker; the same submission then goes through whole.
        node.wait_ready()
        reply = submit(node.port, organ.code, files=2)
        assert reply.status == 201, reply.text
        application = Application.objects.get()
        assert application.tracking_code == reply.json()["tracking_code"]
        assert application.attachments.count() == 2
        assert Event.objects.filter(application=application).count() == 1


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_redis_gone_the_portal_keeps_serving(tmp_path: Path, own_redis: RedisServer) -> None:
    item = make_item(make_organ())
    env = portal_env(
        database_url=database_url_for_processes(),
        media_root=tmp_path / "media",
        redis_url=own_redis.url,
    )
    node = Node("portal", env, tmp_path / "portal.log", workers=2)
    paths = [*public_paths(item), "/apply/", "/track/", "/reports/"]
    with stopping(node):
        assert get(node.port, "/healthz").json()["cache"] == "ok"
        assert [get(node.port, p).status for p in paths] == [200] * len(paths)

        own_redis.popen.send_signal(signal.SIGKILL)
        own_redis.popen.wait(5)

        started = time.monotonic()
        replies = {p: get(node.port, p) for p in paths}
        assert {p: r.status for p, r in replies.items()} == dict.fromkeys(paths, 200)
        # A gone Redis costs a refused connection, never a hang.
        assert time.monotonic() - started < 10
        reply = submit(node.port, item.organ.code)
        assert reply.status == 201, reply.text
        health = get(node.port, "/healthz")
        assert health.status == 503 and health.json()["cache"] == "down"
        assert health.json()["database"] == "ok"

        # Redis back on the same port: the same node uses it again, no restart.
        revived = RedisServer.on_port(tmp_path, own_redis.port)
        with stopping(revived):
            assert get(node.port, "/healthz").json()["cache"] == "ok"
