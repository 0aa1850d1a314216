"""Bad input from issue 8's probe of a fresh deployment: each case ended in a 500.

Every case now gets a 4xx with a clear message naming the field, and nothing is saved.
"""

from __future__ import annotations

import pytest
from django.test import Client

from requests_app.models import Application
from tests.factories import make_item, make_organ

pytestmark = pytest.mark.django_db

NUL = "%00"


@pytest.fixture
def organ():
    organ = make_organ("测试市人民政府")
    make_item(organ)
    return organ


@pytest.mark.parametrize(
    "path",
    [
        "/organs/{code}/",
        "/organs/{code}/guide/",
        "/organs/{code}/rules/",
        "/organs/{code}/mandatory/",
        "/items/?organ={code}",
        "/feeds/items/?organ={code}",
        "/reports/{code}/2025/",
        "/reports/{code}/2025.xlsx",
        "/reports/{code}/2025.docx",
        "/api/v1/reports/{code}/2025/",
        "/api/v1/organs/{code}/",
        "/api/v1/organs/{code}/guide/",
        "/api/v1/items/?organ={code}",
        "/api/v1/applications/track/{code}/",
    ],
)
def test_a_nul_byte_in_an_organ_code_is_a_400_naming_the_parameter(organ, path):
    client = Client()
    for code in (NUL, organ.code + NUL, NUL + organ.code, "A" * 3000 + NUL):
        response = client.get(path.format(code=code))
        assert response.status_code == 400, (path, code, response.status_code)
        if "?organ=" in path:
            assert "organ" in response.content.decode()
        assert "空字符" in response.content.decode()
    # Without the NUL byte, an overlong code is not found (or refused by a filter).
    assert client.get(path.format(code="A" * 3000)).status_code in (200, 400, 404)


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"text"', "42", "null", "true", "1e999"])
def test_a_json_body_that_is_not_an_object_is_a_400(organ, api, body):
    response = api.post("/api/v1/applications/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["请求体应为JSON对象（{…}），各字段以名称给出。"]
    }
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("start", "days"),
    [("9999-12-31", "1"), ("9999-12-20", "1000"), ("9998-01-01", "1000"), ("0001-01-01", "0")],
)
def test_add_workdays_near_the_end_of_the_calendar_is_a_400_naming_the_field(api, start, days):
    response = api.get(f"/api/v1/calendar/add-workdays/?start={start}&days={days}")
    if start.startswith("0001"):
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert list(response.json()) == ["start"]
    assert "9999年12月31日" in response.json()["start"][0]
