"""Shared pytest fixtures: API clients and the browser launch settings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(autouse=True)
def _isolated_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2 is deliberately slow; tests create many accounts and prove nothing about it.
    # PBKDF2 stays second so hashes made before the fixture ran (demo data) still verify.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    from django.core.cache import cache

    from disclosure_portal import pagecache, versions

    cache.clear()
    pagecache.clear()
    # Each test's rows are rolled back, and the version stamps with them: drop what this
    # process cached under a stamp another test will reach again.
    versions.forget()


@pytest.fixture
def database_counters(settings: Any) -> None:
    """Throttles count in the database, as without REDIS_URL: query counts are pinned so."""
    settings.REDIS_URL = ""


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Browser tests need Debian's Chromium: skip them with a reason where it is missing,
    except where REQUIRE_BROWSER is set (CI), where a missing browser is a failure."""
    if shutil.which("chromium") or os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"REQUIRE_BROWSER is set but {CHROMIUM} is not installed")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed: apt-get install chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def screenshot(request: Any):  # type: ignore[no-untyped-def]
    """Save a full-page screenshot as a test artifact: ``screenshot(page, "step")``."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: Any, step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
