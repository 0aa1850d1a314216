"""Request ids in the X-Request-ID header and in every log line; JSON lines with LOG_FORMAT."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client

from disclosure_portal.observability import JsonFormatter, RequestIdFilter, sane_request_id
from tests.ops.processes import ROOT

pytestmark = pytest.mark.django_db


def test_every_response_has_a_fresh_request_id(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/no-such-page/")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_sane_incoming_id_is_kept(client: Client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-4f3a2b1c9d8e7f60"})
    assert response["X-Request-ID"] == "nginx-4f3a2b1c9d8e7f60"


@pytest.mark.parametrize(
    "incoming",
    ["short", "x" * 200, "abc def ghi", "line\nbreak-injection", "<script>alert(1)</script>"],
)
def test_an_insane_incoming_id_is_replaced(client: Client, incoming: str) -> None:
    assert sane_request_id(incoming) is None
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.fixture
def log_lines() -> Any:
    """JSON lines written by the root logger while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_log_lines_are_json_with_the_request_id(client: Client, log_lines: Any) -> None:
    response = client.get("/items/?q=张三&code=secret-code")
    rid = response["X-Request-ID"]
    lines = log_lines()
    access = [line for line in lines if line["logger"] == "disclosure_portal.request"]
    assert access == [
        {
            "time": access[0]["time"],
            "level": "INFO",
            "logger": "disclosure_portal.request",
            "message": "GET items/ 200",
            "request_id": rid,
            "method": "GET",
            "route": "items/",
            "status": 200,
            "duration_ms": access[0]["duration_ms"],
        }
    ]
    # The query string (search terms, tracking codes) never reaches the logs.
    assert "secret-code" not in json.dumps(lines, ensure_ascii=False)


def test_djangos_error_lines_carry_the_request_id_too(client: Client, log_lines: Any) -> None:
    response = client.get("/no-such-page/?code=secret-code")
    warnings = [line for line in log_lines() if line["logger"] == "django.request"]
    assert warnings and warnings[0]["request_id"] == response["X-Request-ID"]
    assert warnings[0]["status_code"] == 404
    assert "secret-code" not in json.dumps(warnings, ensure_ascii=False)


def test_log_format_json_configures_json_lines_outside_requests() -> None:
    # A fresh process, as gunicorn or a cron job starts: settings read LOG_FORMAT.
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('portal.test').warning('备份完成 %s', 3)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "disclosure_portal.settings",
            "LOG_FORMAT": "json",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "备份完成 3"
    assert line["level"] == "WARNING" and line["request_id"] is None
