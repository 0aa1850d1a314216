"""Fault: the mail server is down, then up — the applicant's receipt is delivered exactly once.

Everything here is real: the portal serves the submission over HTTP (pytest-django's live
server), the worker is ``manage.py db_worker`` in its own process on the test database (the
database task backend), and the mail server is an aiosmtpd SMTP server that this test starts on
a free loopback port — never the machine's own.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django_tasks_db.models import DBTaskResult

from disclosure_portal.mail import deliver_mail
from disclosure_portal.models import OutboxMail
from requests_app.models import Application
from tests.factories import make_organ
from tests.requests_app.factories import application_data

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent


class Inbox:
    """The SMTP server's handler: keeps every message it accepted."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    """The test database, as the worker process must reach it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def smtp_port(settings: Any) -> int:
    """A free port for the test's own SMTP server; the portal's SMTP mailer points to it."""
    port = _free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    return port


@pytest.fixture
def worker(smtp_port: int, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``manage.py db_worker`` on the test database, mailing through the test's SMTP port,
    retrying after 1 s, 2 s, 4 s …"""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "2",
        "MAIL_RETRY_SECONDS": "1",
        "MAIL_MAX_ATTEMPTS": "10",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL", None)  # the worker needs no cache; keep other helpers' Redis alone
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_mail_server_down_then_up_delivers_the_receipt_exactly_once(
    live_server: Any, smtp_port: int, worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    organ = make_organ("杭州市测试局")
    payload = {"organ": organ.code, **application_data()}

    # 1. The mail server is down; the citizen submits over HTTP.
    request = urllib.request.Request(  # noqa: S310 - the live server's own http URL
        live_server.url + "/api/v1/applications/",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 201
        created = json.load(response)
    elapsed = time.monotonic() - started
    application = Application.objects.get(pk=created["id"])
    (receipt,) = OutboxMail.objects.filter(application=application)
    assert receipt.to == ["zhangsan@example.cn"]
    # The request never talked to the mail server (the worker may have tried since).
    assert elapsed < 2, f"the submission took {elapsed:.1f} s"

    # 2. The worker tries, fails, and retries with backoff.
    def attempts() -> int:
        receipt.refresh_from_db()
        return receipt.attempts

    _wait_for(lambda: attempts() >= 2, "two failed attempts")
    receipt.refresh_from_db()
    assert receipt.status in ("queued", "sending")
    assert receipt.sent_at is None
    assert "Connection refused" in receipt.last_error or "111" in receipt.last_error

    # 3. The mail server comes up: the next retry delivers the receipt, once.
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:

        def sent() -> bool:
            receipt.refresh_from_db()
            return receipt.status == "sent"

        _wait_for(sent, "the receipt to be sent")
        assert len(inbox.messages) == 1
        message = email.message_from_bytes(inbox.messages[0], policy=email.policy.default)
        assert message["Message-ID"] == receipt.message_id
        assert message["To"] == "zhangsan@example.cn"
        assert application.tracking_code[:4] in message["Subject"]
        assert receipt.attempts >= 3
        event = application.events.get(type="received")
        assert event.notice_id == receipt.pk

        # 4. A retried (duplicated) task of the sent row sends nothing.
        duplicate = deliver_mail.enqueue(receipt.pk)
        _wait_for(
            lambda: DBTaskResult.objects.get(pk=duplicate.id).status == "SUCCESSFUL",
            "the duplicated task to run",
        )
        assert DBTaskResult.objects.get(pk=duplicate.id).return_value == "skipped"
        time.sleep(0.5)
        assert len(inbox.messages) == 1
    finally:
        controller.stop()
    assert worker.poll() is None, (tmp_path / "worker.log").read_text()
