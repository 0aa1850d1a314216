"""What the portal sends out: feeds, spreadsheets and response headers (issue 8, item 5)."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from disclosure_portal.spreadsheets import csv_row, csv_value, is_formula_like
from reports import exports
from tests.factories import make_item, make_organ, make_staff
from tests.reports.test_exports import report_dict
from tests.requests_app.factories import make_application

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_PORT = 8531


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)


@pytest.mark.django_db
class TestFeed:
    @pytest.mark.parametrize(
        "summary",
        [
            '<img src=x onerror="alert(1)">关于开展专项检查的通知',
            "&lt;img src=x onerror=alert(1)&gt;关于开展专项检查的通知",
            "<script>alert(1)</script>关于开展专项检查的通知",
        ],
    )
    def test_descriptions_are_inert_plain_text(self, summary: str) -> None:
        make_item(make_organ(), "关于开展专项检查的通知", summary=summary)

        response = Client().get("/feeds/items/")

        description = ET.fromstring(response.content).find("./channel/item/description").text  # noqa: S314
        # A reader renders the description as HTML: no element may come out of it.
        parser = TagCollector()
        parser.feed(description)
        assert parser.tags == []
        assert "关于开展专项检查的通知" in description

    def test_plain_text_survives_readably(self) -> None:
        make_item(make_organ(), "通知", summary="收费标准：A&B 两类，< 100元")

        response = Client().get("/feeds/items/")

        description = ET.fromstring(response.content).find("./channel/item/description").text  # noqa: S314
        assert description == "收费标准：A&amp;B 两类，&lt; 100元"


class TestSpreadsheets:
    @pytest.mark.parametrize(
        "value", ["=1+1", "+86 10 1234", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(x)"]
    )
    def test_formula_like_text_is_neutralised_in_csv(self, value: str) -> None:
        assert is_formula_like(value)
        assert csv_value(value) == "'" + value

    def test_other_values_are_left_alone(self) -> None:
        assert csv_row(["某市人民政府", -5, 3, None, ""]) == ["某市人民政府", -5, 3, None, ""]

    def test_an_organ_name_beginning_with_equals_is_text_in_the_report_xlsx(self) -> None:
        data = report_dict(organ_name='=HYPERLINK("http://evil.example","点击")')

        book = openpyxl.load_workbook(io.BytesIO(exports.report_xlsx(data)))

        cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        title = book.worksheets[0]["A1"]
        assert title.value.startswith('=HYPERLINK("http://evil.example"')
        assert title.data_type == "s"
        assert title.quotePrefix


@pytest.mark.django_db
class TestHeaders:
    def test_every_response_has_a_permissions_policy(self) -> None:
        client = Client()
        for path in ["/", "/items/", "/api/v1/organs/", "/no-such-page/", "/static/css/portal.css"]:
            response = client.get(path)
            assert "camera=()" in response["Permissions-Policy"], path
            assert "geolocation=()" in response["Permissions-Policy"], path

    def test_personal_data_is_not_stored_by_browsers_or_proxies(self, api: Any) -> None:
        organ = make_organ()
        handler = make_staff(organ, ["handler"])
        app = make_application(organ)
        staff = Client()
        staff.force_login(handler)
        api.force_authenticate(handler)

        responses = {
            "api detail": api.get(f"/api/v1/applications/{app.pk}/"),
            "api list": api.get("/api/v1/applications/"),
            "api track": Client().get(f"/api/v1/applications/track/{app.tracking_code}/"),
            "staff desk": staff.get("/staff/applications/"),
            "staff detail": staff.get(f"/staff/applications/{app.pk}/"),
            "tracking page": Client().get("/track/", {"code": app.tracking_code}),
            "token": Client().post("/api/v1/auth/token/", {"username": "x", "password": "y"}),
        }

        for name, response in responses.items():
            assert response.status_code < 500, name
            assert response["Cache-Control"] == "no-store", name

    def test_public_pages_may_be_cached(self) -> None:
        response = Client().get("/items/")

        assert "no-store" not in response.get("Cache-Control", "")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_gunicorn_does_not_announce_its_version() -> None:
    """A real gunicorn serving the portal: its ``Server`` header names no version (gunicorn
    ≥ 20 never sends it; the version in ``SERVER_SOFTWARE`` stays inside the process)."""
    assert _free(GUNICORN_PORT)
    env = {
        **os.environ,
        "TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "disclosure_portal.settings",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "disclosure_portal.wsgi",
            "--bind",
            f"127.0.0.1:{GUNICORN_PORT}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{GUNICORN_PORT}/static/css/portal.css", timeout=5
                ) as response:
                    headers = response.headers
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert not re.search(r"\d", headers.get("Server", ""))
    assert "camera=()" in headers["Permissions-Policy"]
