"""Request bodies over REQUEST_MAX_BYTES are refused with 413 before they are read (issue 8:
a 1 GiB body was read to the end before it was refused)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from disclosure_portal.request_guards import BodyCapMiddleware

ROOT = Path(__file__).resolve().parents[2]
GIB = 1024**3


def _free_port(first: int = 8611, last: int = 8639) -> int:
    """A free port of the range this project's tests use (two suites may run at once)."""
    for port in range(first, last + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


PORT = _free_port()


class ExplodingStream:
    """A request body that fails the test if anyone reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/applications/", "/apply/", "/api/v1/auth/token/"])
def test_a_declared_1_gib_body_is_a_413_without_reading_it(path: str) -> None:
    response = Client().generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(GIB),
        **{"wsgi.input": ExplodingStream()},
    )
    assert response.status_code == 413
    text = response.content.decode()
    assert "64 MB" in text
    if path.startswith("/api/"):
        assert list(response.json()) == ["non_field_errors"]


@pytest.mark.django_db
def test_a_body_within_the_limit_reaches_the_view(settings: Any) -> None:
    response = Client().post("/api/v1/auth/token/", {}, content_type="application/json")
    assert response.status_code == 400
    assert "username" in response.json()


def _wsgi_call(app: Any, environ: dict[str, Any]) -> tuple[str, bytes]:
    status: list[str] = []

    def start_response(line: str, headers: list[tuple[str, str]]) -> None:
        status.append(line)

    body = b"".join(app(environ, start_response))
    return status[0], body


class CountingStream:
    def __init__(self, size: int) -> None:
        self.left = size
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        self.read_bytes += n
        return b"x" * n


def test_a_chunked_body_is_read_only_up_to_the_limit(settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 1024 * 1024
    called: list[dict[str, Any]] = []
    app = BodyCapMiddleware(lambda environ, start: called.append(environ) or [b""])
    stream = CountingStream(GIB)
    status, body = _wsgi_call(
        app, {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": stream, "PATH_INFO": "/"}
    )
    assert status.startswith("413")
    assert stream.read_bytes <= settings.REQUEST_MAX_BYTES + 64 * 1024
    assert called == []
    assert "non_field_errors" in json.loads(body)


def test_a_small_chunked_body_is_handed_on_with_its_length(settings: Any) -> None:
    seen: dict[str, Any] = {}

    def inner(environ: dict[str, Any], start: Any) -> list[bytes]:
        seen["length"] = environ["CONTENT_LENGTH"]
        seen["body"] = environ["wsgi.input"].read()
        start("200 OK", [])
        return [b""]

    stream = CountingStream(1000)
    status, _body = _wsgi_call(
        BodyCapMiddleware(inner), {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": stream}
    )
    assert status.startswith("200")
    assert seen == {"length": "1000", "body": b"x" * 1000}


# --- A real server: gunicorn answers 413 while the client is still holding the body back -----


def _start_gunicorn(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "disclosure_portal.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _answers_as_gunicorn(process: subprocess.Popen[bytes]) -> bool:
    """Whether ``process`` is up on PORT (within 20 s) and the answer there is its own."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=2) as sock:
                sock.sendall(
                    b"HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                head = sock.recv(4096)
            return process.poll() is None and b"Server: gunicorn" in head
        except OSError:
            time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite3'}",
        "HTTPS": "off",
        "DEBUG": "",
        "REQUEST_MAX_BYTES": str(1024 * 1024),
        "REDIS_URL": "",
    }
    # The throttles count and the caches read their version stamps in the database: the
    # server needs its tables even for requests the guard refuses before the view.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    global PORT
    # The port is chosen just before gunicorn starts, and the server that answers on it must
    # be gunicorn: another suite's server may have taken a port free at import time.
    for _attempt in range(3):
        PORT = _free_port()
        process = _start_gunicorn(env)
        if _answers_as_gunicorn(process):
            break
        process.kill()
        process.wait(timeout=10)
    else:
        pytest.fail("gunicorn did not start")
    yield f"127.0.0.1:{PORT}"
    process.terminate()
    process.wait(timeout=10)


def _exchange(
    request: bytes, body_chunks: Iterator[bytes] | None = None, *, to_end: bool = False
) -> bytes:
    """Send ``request`` (then ``body_chunks`` until the server stops us); the reply's head,
    or the whole reply with ``to_end``."""
    with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
        sock.sendall(request)
        try:
            for chunk in body_chunks or ():
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection after refusing: what we expect
        data = b""
        while to_end or b"\r\n\r\n" not in data:
            part = sock.recv(65536)
            if not part:
                break
            data += part
        return data


def test_gunicorn_refuses_a_1_gib_upload_without_waiting_for_it(server: str) -> None:
    head = (
        b"POST /api/v1/applications/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\n"
        + f"Content-Length: {GIB}\r\n\r\n".encode()
    )
    started = time.monotonic()
    reply = _exchange(head)  # not a byte of the body is sent
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert time.monotonic() - started < 5


def test_gunicorn_refuses_an_endless_chunked_body_at_the_limit(server: str) -> None:
    head = (
        b"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"

    def endless() -> Iterator[bytes]:
        for _ in range(16 * 1024):  # up to 1 GiB, if nobody stopped us
            yield chunk

    reply = _exchange(head, endless())
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]


def test_gunicorn_hands_a_small_chunked_body_to_the_api(server: str) -> None:
    body = b'{"username": "nobody"}'
    head = (
        b"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    reply = _exchange(head + chunked, to_end=True)
    # The body arrived: the API names the missing password, not the missing username.
    assert reply.startswith(b"HTTP/1.1 400"), reply[:300]
    errors = json.loads(reply.split(b"\r\n\r\n", 1)[1])
    assert "password" in errors and "username" not in errors


def _through_wsgiref(app: Any, path: str, query: str = "", **environ: Any) -> bytes:
    """One request answered by wsgiref's handler, as ``runserver`` and ``make demo`` serve
    them: wsgiref turns a response with a hop-by-hop header into a plain-English 500."""
    import io
    from wsgiref.handlers import SimpleHandler
    from wsgiref.util import setup_testing_defaults

    env: dict[str, Any] = {"PATH_INFO": path, "QUERY_STRING": query, **environ}
    setup_testing_defaults(env)
    stdout, stderr = io.BytesIO(), io.StringIO()
    stdin = env.pop("wsgi.input", io.BytesIO())
    SimpleHandler(stdin, stdout, stderr, env).run(app)
    return stdout.getvalue()


@pytest.mark.django_db
def test_a_nul_byte_in_the_query_is_a_400_on_the_development_server() -> None:
    from django.core.wsgi import get_wsgi_application

    reply = _through_wsgiref(get_wsgi_application(), "/items/", "q=abc%00def")
    assert reply.startswith(b"HTTP/1.0 400"), reply[:200]
    assert "不能包含空字符".encode() in reply


def test_an_oversized_chunked_body_is_a_413_on_the_development_server(settings: Any) -> None:
    import io

    settings.REQUEST_MAX_BYTES = 1024
    app = BodyCapMiddleware(lambda environ, start_response: [])
    reply = _through_wsgiref(
        app,
        "/api/v1/auth/token/",
        REQUEST_METHOD="POST",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(b"x" * 4096)},
    )
    assert reply.startswith(b"HTTP/1.0 413"), reply[:200]
