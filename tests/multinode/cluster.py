"""A reusable two-node deployment for tests: the README's "Running on several machines" in
miniature, on one machine.

Two app nodes (gunicorn, two workers each, different ports), one ``manage.py db_worker``, the
same PostgreSQL test database, the same MEDIA_ROOT, the same Redis (or none), and an SMTP sink
for the mail they send. Start it once per test module with the ``cluster`` fixture (see
conftest.py); tests drive it over HTTP and read the database through ``cluster.db()``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.ops.processes import (
    Browser,
    Node,
    Process,
    SmtpSink,
    database_url_for_processes,
    get,
    portal_env,
)

PASSWORD = "Cluster-Pa55word-2026"
# Low enough that a test can reach it across both nodes in a few requests.
TRACK_LIMIT = 6


@dataclass
class Cluster:
    a: Node
    b: Node
    worker: Process
    smtp: SmtpSink
    media: Path
    redis_url: str | None
    env: dict[str, str]
    blocker: Any
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def nodes(self) -> tuple[Node, Node]:
        return self.a, self.b

    @contextlib.contextmanager
    def db(self) -> Iterator[None]:
        """Database access for the test process (the module fixture keeps it blocked)."""
        with self.blocker.unblock():
            yield

    def manage(self, *args: str, log: Path) -> Process:
        """A management command as a cron job on one node would run it."""
        return Process(
            f"manage {' '.join(args)}", [sys.executable, "manage.py", *args], self.env, log
        )

    def run_python(self, code: str, *, log: Path) -> None:
        """Run ``code`` in a Django process of its own: what it writes is committed, so
        every node sees it (the test's own connection is inside a transaction)."""
        process = self.manage("shell", "-c", code, log=log)
        assert process.popen.wait(60) == 0, process.log()

    def token(self, node: Node, username: str) -> str:
        reply = Browser().request(
            node.port,
            "POST",
            "/api/v1/auth/token/",
            body=f'{{"username": "{username}", "password": "{PASSWORD}"}}'.encode(),
            headers={"Content-Type": "application/json"},
        )
        assert reply.status == 200, reply.text
        return str(reply.json()["token"])

    def stop(self) -> None:
        for process in (self.worker, self.a, self.b):
            process.stop()
        self.smtp.stop()


def start_cluster(workdir: Path, *, redis_url: str | None, blocker: Any) -> Cluster:
    media = workdir / "media"
    media.mkdir(parents=True, exist_ok=True)
    smtp = SmtpSink()
    env = portal_env(
        database_url=database_url_for_processes(),
        media_root=media,
        redis_url=redis_url,
        extra={
            "THROTTLE_TRACK": f"{TRACK_LIMIT}/hour",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_TIMEOUT": "5",
            "PORTAL_BASE_URL": "http://portal.test",
        },
    )
    # Started side by side, then waited for: the two boots overlap.
    a = Node("node-a", env, workdir / "node-a.log", workers=2, wait=False)
    b = Node("node-b", env, workdir / "node-b.log", workers=2, wait=False)
    worker = Process(
        "db_worker",
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--worker-id",
            f"cluster-{os.getpid()}",
        ],
        env,
        workdir / "db_worker.log",
    )
    cluster = Cluster(a, b, worker, smtp, media, redis_url, env, blocker)
    for node in cluster.nodes:
        node.wait_ready()
        assert get(node.port, "/healthz").status == 200, node.log()[-2000:]
    time.sleep(0.2)
    assert worker.alive(), worker.log()
    return cluster
