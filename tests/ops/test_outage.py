"""Database unreachable: a Chinese 503 page or JSON with Retry-After, never a traceback.

In-process, on both databases: every connection attempt and query raises the error psycopg2
or sqlite3 raise when the server is gone. tests/ops/test_faults.py cuts a real connection.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.factories import make_item, make_organ, make_superuser

pytestmark = pytest.mark.django_db


def database_gone() -> mock._patch:
    error = OperationalError("could not connect to server: Connection refused")
    return mock.patch.object(connection, "cursor", side_effect=error)


@pytest.fixture
def client() -> Client:
    # Django's test client re-raises what reached the 500 handler; the portal's own answer
    # is what is under test here.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/", "/items/", "/apply/", "/track/?code=X", "/reports/"])
def test_pages_answer_a_chinese_503_page(client: Client, path: str) -> None:
    make_item(make_organ())
    with database_gone():
        response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert "系统暂时无法访问" in html
    assert "系统暂时无法访问数据库，请稍后再试。" in html
    assert 'class="site-header"' in html  # the portal's look
    assert "Traceback" not in html and "OperationalError" not in html
    assert response["X-Request-ID"] in html  # the 错误编号 a citizen can quote


def test_api_answers_json_detail(client: Client) -> None:
    with database_gone():
        response = client.get("/api/v1/items/")
    assert response.status_code == 503
    assert response.json() == {"detail": "系统暂时无法访问数据库，请稍后再试。"}
    assert response["Retry-After"] == "30"


def test_signed_in_staff_get_the_503_too(client: Client) -> None:
    # The session and the user are read by middleware, outside any view.
    client.force_login(make_superuser())
    with database_gone():
        response = client.get("/staff/")
    assert response.status_code == 503
    assert "系统暂时无法访问" in response.content.decode()


def test_a_form_post_gets_the_503(client: Client) -> None:
    with database_gone():
        response = client.post("/apply/", {"organ": "x"})
    assert response.status_code == 503


def test_next_request_after_the_database_returns_is_served(client: Client) -> None:
    make_item(make_organ())
    with database_gone():
        assert client.get("/items/").status_code == 503
    assert client.get("/items/").status_code == 200


def test_other_errors_stay_500_in_the_portals_look_without_a_traceback(client: Client) -> None:
    with mock.patch(
        "disclosure_portal.health.check_database", side_effect=RuntimeError("secret detail")
    ):
        response = client.get("/healthz")
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务暂时不可用" in html and 'class="site-header"' in html
    assert "secret detail" not in html and "Traceback" not in html
