"""The page fuzzer (issue 8, 0 × 500): every URL pattern of the public site and the staff
workspace, walked from the URLconf, gets hostile values in each of its URL parameters, and
every page gets them in each query parameter its own forms and links use — NUL bytes, overlong
values, impossible dates, huge numbers, JSON of the wrong type, invalid UTF-8. Every response
must be below 500. Public pages are fetched anonymously, staff pages as a superuser (who
reaches every branch of every staff view).

bench/fuzz.md records the counts; test-artifacts/fuzz-pages.json lists every request.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.regex_helper import normalize

from tests.factories import make_item, make_organ, make_superuser
from tests.requests_app.factories import make_application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "fuzz-pages.json"
# Not pages: the API has its own fuzzer (test_api_fuzz), the admin is Django's own.
SKIPPED_PREFIXES = ("api/", "admin/", "i18n/", "static/", "media/")

# Raw (already URL-encoded) hostile values.
HOSTILE = {
    "nul": "%00",
    "nul_suffix": "1%00",
    "overlong": "A" * 4000,
    "bad_date": "2026-02-30",
    "zero_date": "0000-00-00",
    "far_date": "9999-12-31",
    "huge_number": "9" * 40,
    "negative": "-1",
    "float_overflow": "1e309",
    "json_array": quote("[]"),
    "json_object": quote('{"a":1}'),
    "json_null": "null",
    "invalid_utf8": "%ED%A0%80%FF",
    "markup": quote("<script>alert(1)</script>"),
    "sql": quote("' OR 1=1--"),
}


def url_templates() -> list[tuple[str, list[str]]]:
    """``("items/%(pk)s/", ["pk"])`` for every page pattern of the URLconf."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            pattern = entry.pattern
            regex = pattern.regex.pattern if not isinstance(pattern, RoutePattern) else None
            if regex is None:
                regex = pattern.regex.pattern
            piece = regex.lstrip("^").rstrip("$").removesuffix(r"\Z")
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + piece)
            elif isinstance(entry, URLPattern):
                for fmt, params in normalize(prefix + piece):
                    if not fmt.startswith(SKIPPED_PREFIXES):
                        found.append((fmt, list(params)))

    walk(get_resolver().url_patterns, "")
    return sorted(set((fmt, tuple(params)) for fmt, params in found))  # type: ignore[misc]


class _Links(HTMLParser):
    """Query parameter names a page itself uses: its GET forms' fields and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._get_form = (attributes.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._get_form and attributes.get("name"):
            self.names.add(str(attributes["name"]))
        elif tag == "a" and attributes.get("href"):
            query = urlsplit(str(attributes["href"])).query
            self.names.update(name for name, _value in parse_qsl(query))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._get_form = False


@pytest.fixture
def world() -> dict[str, str]:
    organ = make_organ("测试市人民政府")
    item = make_item(organ)
    application = make_application(organ)
    return {
        "code": organ.code,
        "pk": str(item.pk),
        "item_id": str(item.pk),
        "year": "2025",
        "ext": "pdf",
        "tracking": application.tracking_code,
        "application": str(application.pk),
    }


def baseline(param: str, fmt: str, world: dict[str, str]) -> str:
    """A value that makes the page exist, so the fuzzed parameter is the only bad one."""
    if param == "code" and fmt.startswith(("apply/", "track/")):
        return world["tracking"]
    if param == "pk" and "applications/" in fmt:
        return world["application"]
    return world.get(param, "1")


def test_no_page_answers_hostile_parameters_with_a_server_error(world: dict[str, str]) -> None:
    anonymous = Client(raise_request_exception=False)
    staff = Client(raise_request_exception=False)
    staff.force_login(make_superuser("fuzz-admin"))
    failures: list[str] = []
    sent = [0]

    def fetch(client: Client, path: str) -> Any:
        response = client.get(path)
        sent[0] += 1
        if response.status_code >= 500:
            failures.append(f"{response.status_code} GET {path[:300]}")
        return response

    templates = url_templates()
    assert len(templates) > 30, templates  # the walk found the site
    for fmt, params in templates:
        client = staff if fmt.startswith("staff/") else anonymous
        values = {p: baseline(p, fmt, world) for p in params}
        page = "/" + fmt % values
        response = fetch(client, page)
        for param in params:
            for hostile in HOSTILE.values():
                fetch(client, "/" + fmt % {**values, param: hostile})
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = _Links()
            parser.feed(response.content.decode(errors="replace"))
            names = {n for n in parser.names if re.fullmatch(r"[\w.-]+", n)}
            names.discard("csrfmiddlewaretoken")
            for name in sorted(names):
                for hostile in HOSTILE.values():
                    fetch(client, f"{page}?{name}={hostile}")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {"templates": len(templates), "requests": sent[0], "failures": failures},
            ensure_ascii=False,
            indent=1,
        )
    )
    assert failures == []
