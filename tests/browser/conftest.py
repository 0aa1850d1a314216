"""Helpers of the browser journeys (style.md: Playwright drives Debian's Chromium).

pytest-django's ``live_server`` runs Django in a thread while Playwright's sync API runs an
event loop in the test thread; Django refuses ORM calls from a thread with a running loop
unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set. It is set here, for the browser tests only.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"  # tests/factories.py gives every staff account this one

# Browser steps fail fast: a page that has not shown the expected text in 10 s is broken.
TIMEOUT_MS = 10_000


@pytest.fixture(autouse=True)
def _short_timeouts(request: Any) -> None:
    if "page" in request.fixturenames:
        page: Page = request.getfixturevalue("page")
        page.set_default_timeout(TIMEOUT_MS)
        page.set_default_navigation_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)


def login(page: Page, live_server: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through /staff/login/ and wait for the staff workspace."""
    page.goto(f"{live_server.url}/staff/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录").click()
    # The login view redirects away from the form once the credentials are accepted.
    expect(page).not_to_have_url(re.compile(r"/staff/login/"))


def header_value(page: Page, label: str) -> str:
    """The text of a metadata row (``<dt>label</dt><dd>value</dd>``) of the item page."""
    row = page.locator(".item-meta > div").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return row.locator("dd").inner_text().strip()
