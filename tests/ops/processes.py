"""Real processes for fault and multi-node tests: gunicorn nodes, a TCP proxy, redis-server.

Everything here is started by the test that uses it and stopped by it; nothing touches the
machine's shared PostgreSQL or Redis beyond connecting to them. Servers point at the test
database that pytest-django created, so what a test commits is what the nodes see.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url_for_processes() -> str:
    """The URL of the database pytest-django set up, for processes started by a test."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] or "postgres"
        if db.get("PASSWORD"):
            auth += f":{db['PASSWORD']}"
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def requires_postgresql(why: str) -> Any:
    """Skip on SQLite, saying why the test needs PostgreSQL."""
    import pytest

    return pytest.mark.skipif(connection.vendor != "postgresql", reason=f"needs PostgreSQL: {why}")


# --- HTTP --------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


def multipart(
    fields: Mapping[str, Any], files: list[tuple[str, str, bytes, str]]
) -> tuple[bytes, str]:
    """Encode a form with files: ``files`` is ``[(field, filename, content, type)]``."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(head.encode() + str(value).encode() + b"\r\n")
    for name, filename, content, ctype in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """A tiny cookie-keeping HTTP client (one per user), good for any node's port."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        port: int,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        form: Mapping[str, Any] | None = None,
        timeout: float = 20,
    ) -> Reply:
        send = dict(headers or {})
        if form is not None:
            body = urlencode(form).encode()
            send["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=send)
            response = conn.getresponse()
            data = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def get(self, port: int, path: str, **kwargs: Any) -> Reply:
        return self.request(port, "GET", path, **kwargs)


def get(port: int, path: str, **kwargs: Any) -> Reply:
    return Browser().get(port, path, **kwargs)


# --- Processes ---------------------------------------------------------------------------


def portal_env(
    *,
    database_url: str,
    media_root: Path,
    redis_url: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "REDIS_URL", "DATABASE_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "disclosure_portal.settings",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "HTTPS": "off",
            "DEBUG": "off",
            # Static files through the finders: no collectstatic in tests.
            "TESTING": "1",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "CONN_MAX_AGE": "60",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


class Process:
    """A child process with its output in a file; stopped by its own pid only."""

    def __init__(self, name: str, command: list[str], env: Mapping[str, str], log: Path) -> None:
        self.name = name
        self.log_path = log
        self._log = log.open("wb")
        self.popen = subprocess.Popen(
            command, cwd=ROOT, env=dict(env), stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self._log.close()


class Node(Process):
    """The portal under gunicorn on its own port."""

    def __init__(
        self,
        name: str,
        env: Mapping[str, str],
        log: Path,
        *,
        workers: int = 2,
        port: int | None = None,
        timeout: int = 30,
        wait: bool = True,
    ) -> None:
        self.port = port or free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "disclosure_portal.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            "2",
        ]
        super().__init__(name, command, env, log)
        if wait:
            self.wait_ready()

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited:\n{self.log()[-3000:]}")
            with contextlib.suppress(OSError):
                get(self.port, "/healthz", timeout=5)
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready:\n{self.log()[-3000:]}")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def json_log_lines(self) -> list[dict[str, Any]]:
        lines = []
        for line in self.log().splitlines():
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict) and "logger" in entry:
                    lines.append(entry)
        return lines


class RedisServer(Process):
    """A redis-server of the test's own on a free port, killed by the test to cut Redis."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        command = [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ]
        super().__init__("redis", command, os.environ, workdir / "redis.log")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock,
            ):
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server not ready:\n{self.log()}")

    @classmethod
    def on_port(cls, workdir: Path, port: int) -> RedisServer:
        return cls(workdir, port)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class TcpProxy:
    """A TCP proxy in threads: ``cut()`` drops every connection and refuses new ones,
    ``restore()`` accepts again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    close = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def stopping(*processes: Process) -> Iterator[None]:
    try:
        yield
    finally:
        for process in processes:
            process.stop()


class SmtpSink:
    """A minimal SMTP server in a thread that keeps every message it is given (RFC 5321's
    HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), for tests of mail across processes."""

    def __init__(self) -> None:
        import socketserver

        self.messages: list[dict[str, Any]] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                def reply(line: str) -> None:
                    self.wfile.write(line.encode() + b"\r\n")

                reply("220 sink ready")
                sender, recipients = "", []
                while raw := self.rfile.readline():
                    command = raw.decode("utf-8", "replace").strip()
                    verb = command[:4].upper()
                    if verb in ("HELO", "EHLO"):
                        reply("250 sink")
                    elif verb == "MAIL":
                        sender, recipients = command[10:].strip("<> "), []
                        reply("250 ok")
                    elif verb == "RCPT":
                        recipients.append(command[8:].strip("<> "))
                        reply("250 ok")
                    elif verb == "DATA":
                        reply("354 go on")
                        lines = []
                        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            lines.append(line)
                        sink.messages.append(
                            {"from": sender, "to": recipients, "data": b"".join(lines)}
                        )
                        reply("250 queued")
                    elif verb == "QUIT":
                        reply("221 bye")
                        return
                    else:
                        reply("250 ok")

        class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
