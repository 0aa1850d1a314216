"""The optional read replica: which reads go where (DATABASE_REPLICA_URL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from catalog.models import Item, Organ
from disclosure_portal.routers import ReplicaMiddleware, ReplicaRouter
from requests_app.models import Application

router = ReplicaRouter()


@pytest.fixture
def replica(monkeypatch: Any) -> None:
    # As if DATABASE_REPLICA_URL were set (tests/ops/test_settings_wiring.py checks that).
    monkeypatch.setattr("disclosure_portal.routers.replica_configured", lambda: True)


def route_of(request: HttpRequest, model: type[Any]) -> str | None:
    """The database the router picks for a read of ``model`` while ``request`` is served."""
    seen: dict[str, str | None] = {}

    def view(_request: HttpRequest) -> HttpResponse:
        seen["db"] = router.db_for_read(model)
        return HttpResponse()

    ReplicaMiddleware(view)(request)
    return seen["db"]


rf = RequestFactory()


@pytest.mark.parametrize("path", ["/", "/items/", "/items/1/", "/api/v1/items/", "/feeds/items/"])
def test_anonymous_public_reads_use_the_replica(replica: None, path: str) -> None:
    assert route_of(rf.get(path), Item) == "replica"
    assert route_of(rf.head(path), Organ) == "replica"


@pytest.mark.parametrize(
    "request_",
    [
        rf.post("/api/v1/applications/"),
        rf.get("/staff/items/"),
        rf.get("/admin/"),
        rf.get("/healthz"),
        rf.get("/apply/"),
        rf.get("/items/", HTTP_AUTHORIZATION="Token abc"),
    ],
    ids=["write", "staff", "admin", "healthz", "apply", "token"],
)
def test_everything_else_reads_the_primary(replica: None, request_: HttpRequest) -> None:
    assert route_of(request_, Item) == "default"


def test_a_session_cookie_reads_the_primary(replica: None) -> None:
    # Whoever just did something (submitted, signed in) reads his own writes.
    request = rf.get("/items/")
    request.COOKIES["sessionid"] = "abc"
    assert route_of(request, Application) == "default"


@pytest.mark.parametrize("model", [Session, DBTaskResult])
def test_shared_state_never_comes_from_the_replica(replica: None, model: type[Any]) -> None:
    assert route_of(rf.get("/items/"), model) == "default"


def test_without_a_replica_everything_reads_the_primary() -> None:
    assert route_of(rf.get("/items/"), Item) == "default"


def test_writes_and_migrations_go_to_the_primary_only() -> None:
    assert router.db_for_write(Item) == "default"
    assert router.allow_migrate("default", "catalog") is True
    assert router.allow_migrate("replica", "catalog") is False


def test_outside_a_request_reads_the_primary(replica: None) -> None:
    assert router.db_for_read(Item) == "default"
