"""A real gunicorn with three workers on the test database, shared by a test module.

pytest-django's ``live_server`` is one thread of this process, which proves nothing about
several processes; here gunicorn runs as a child process on the same database (SQLite file or
PostgreSQL) and the same ``REDIS_URL`` (if any) as the tests.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3


@dataclass
class Answer:
    status: int
    worker: str
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    url: str
    seen_workers: set[str] = field(default_factory=set)

    def request(
        self, path: str, *, data: dict[str, Any] | None = None, token: str | None = None
    ) -> Answer:
        """One request on a new connection (so the kernel may hand it to any worker)."""
        headers = {"Connection": "close", "Accept-Language": "zh-hans"}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Token {token}"
        req = urllib.request.Request(self.url + path, data=body, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 (loopback)
                answer = Answer(response.status, response.headers["X-Worker-Pid"], "")
                answer.body = response.read().decode()
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, error.headers["X-Worker-Pid"], error.read().decode())
        self.seen_workers.add(answer.worker)
        return answer

    def on_every_worker(
        self, path: str, check: Callable[[Answer], bool], *, times: int = 3, **kwargs: Any
    ) -> int:
        """Send ``path`` until each worker answered ``times`` times; every answer must pass
        ``check``. Returns the number of requests sent."""
        answered: dict[str, int] = {}
        for sent in range(1, 400):
            answer = self.request(path, **kwargs)
            assert check(answer), f"worker {answer.worker}: {answer.status} {answer.body[:300]}"
            answered[answer.worker] = answered.get(answer.worker, 0) + 1
            if len(answered) == WORKERS and min(answered.values()) >= times:
                return sent
        raise AssertionError(f"not every worker answered: {answered}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(settings_dict: dict[str, Any]) -> str:
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="module")
def server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Server]:
    from django.db import connection

    with django_db_blocker.unblock():
        url = _database_url(connection.settings_dict)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TESTING": "1",
        "DEBUG": "0",
        "CONN_MAX_AGE": "0",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.multiprocess.worker_wsgi:application",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            "--graceful-timeout=2",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    running = Server(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                running.request("/robots.txt")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
