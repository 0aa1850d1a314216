"""行政复议 / 行政诉讼 records on an application (api.md, "Appeals"; table 四 of the report)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests_app.models import Appeal
from tests.factories import make_organ, make_staff
from tests.requests_app.factories import make_application

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def organ():
    return make_organ("测试市人民政府")


@pytest.fixture
def app(organ):
    return make_application(organ, received_on=dt.date(2026, 9, 18))


@pytest.fixture
def client(api, organ):
    api.force_authenticate(make_staff(organ, ["handler"]))
    return api


def appeals_url(app) -> str:
    return f"/api/v1/applications/{app.pk}/appeals/"


BODY = {"kind": "review", "filed_on": "2026-10-30", "result": "pending"}


def test_create_list_and_decide(client, app):
    response = client.post(appeals_url(app), BODY, format="json")
    assert response.status_code == 201, response.json()
    appeal = response.json()
    assert appeal["kind_display"] == "行政复议"
    assert appeal["decided_on"] is None
    assert [a["id"] for a in client.get(appeals_url(app)).json()] == [appeal["id"]]

    response = client.patch(
        f"/api/v1/appeals/{appeal['id']}/",
        {"result": "corrected", "decided_on": "2026-11-20"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["result"], response.json()["kind"]) == ("corrected", "review")
    assert Appeal.objects.get().decided_on == dt.date(2026, 11, 20)


def test_result_defaults_to_pending(client, app):
    response = client.post(
        appeals_url(app), {"kind": "litigation_direct", "filed_on": "2026-11-02"}, format="json"
    )
    assert response.json()["result"] == "pending"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "kind": "petition"}, "kind"),
        ({**BODY, "result": "won"}, "result"),
        ({**BODY, "filed_on": "2026-11-27"}, "filed_on"),
        ({**BODY, "filed_on": "2026-09-01"}, "filed_on"),
        ({**BODY, "decided_on": "2026-11-02"}, "decided_on"),
        ({**BODY, "result": "upheld", "decided_on": "2026-10-01"}, "decided_on"),
        ({"kind": "review"}, "filed_on"),
    ],
)
def test_invalid_appeal_is_a_400(client, app, body, field):
    response = client.post(appeals_url(app), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Appeal.objects.count() == 0


def test_patch_is_validated_against_the_stored_values(client, app):
    appeal_id = client.post(appeals_url(app), BODY, format="json").json()["id"]
    response = client.patch(
        f"/api/v1/appeals/{appeal_id}/", {"decided_on": "2026-11-20"}, format="json"
    )
    assert response.status_code == 400
    assert "decided_on" in response.json()


def test_staff_without_the_handler_or_approver_role_see_no_application(api, organ, app):
    # api.md: a user without handler or approver sees no applications (404 on a detail).
    for role in ("reporter", "publisher"):
        api.force_authenticate(make_staff(organ, [role]))
        assert api.post(appeals_url(app), BODY, format="json").status_code == 404
    api.force_authenticate(make_staff(organ, ["approver"]))
    assert api.post(appeals_url(app), BODY, format="json").status_code == 201


def test_other_organs_staff_get_404_and_anonymous_401(api, client, app):
    appeal_id = client.post(appeals_url(app), BODY, format="json").json()["id"]
    api.force_authenticate(None)
    assert api.post(appeals_url(app), BODY, format="json").status_code == 401
    assert (
        api.patch(f"/api/v1/appeals/{appeal_id}/", {"result": "upheld"}, format="json").status_code
        == 401
    )
    api.force_authenticate(make_staff(make_organ("邻市人民政府"), ["handler"]))
    assert api.post(appeals_url(app), BODY, format="json").status_code == 404
    assert api.get(f"/api/v1/appeals/{appeal_id}/").status_code == 404
    assert (
        api.patch(f"/api/v1/appeals/{appeal_id}/", {"result": "upheld"}, format="json").status_code
        == 404
    )
