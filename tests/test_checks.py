"""The system check against settings under which workers would disagree (portal.E010–E013)."""

from __future__ import annotations

from typing import Any

from disclosure_portal.checks import check_shared_state, in_memory_sqlite

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def ids(settings: Any) -> list[str]:
    return [error.id for error in check_shared_state()]


def test_the_default_production_settings_pass(settings: Any) -> None:
    settings.DEBUG = False
    # A local-memory cache is fine: the portal's caches follow database version stamps.
    settings.CACHES = LOCMEM
    assert ids(settings) == []


def test_sessions_in_a_local_memory_cache_are_an_error(settings: Any) -> None:
    settings.DEBUG = False
    settings.CACHES = LOCMEM
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    assert ids(settings) == ["portal.E010"]


def test_sessions_in_redis_pass(settings: Any) -> None:
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert ids(settings) == []


def test_an_in_process_tasks_backend_is_an_error(settings: Any) -> None:
    settings.DEBUG = False
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert ids(settings) == ["portal.E011"]


def test_drf_cache_throttles_on_a_local_cache_are_an_error(settings: Any) -> None:
    settings.DEBUG = False
    settings.CACHES = LOCMEM
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    }
    assert ids(settings) == ["portal.E012"]


def test_an_in_memory_database_is_recognised() -> None:
    # (DATABASES cannot be overridden safely in a running test: the helper is tested alone.)
    sqlite = "django.db.backends.sqlite3"
    assert in_memory_sqlite({"ENGINE": sqlite, "NAME": ":memory:"})
    assert in_memory_sqlite({"ENGINE": sqlite, "NAME": "file:x?mode=memory&cache=shared"})
    assert not in_memory_sqlite({"ENGINE": sqlite, "NAME": "/srv/portal/db.sqlite3"})
    assert not in_memory_sqlite({"ENGINE": "django.db.backends.postgresql", "NAME": "portal"})


def test_development_is_not_checked(settings: Any) -> None:
    settings.DEBUG = True
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    assert ids(settings) == []
