"""One truth on every process (api.md, "Running on several processes and machines"): a change
made through one worker of a three-worker gunicorn is in force on every worker at its next
request, and a throttle counts across all of them; with and without ``REDIS_URL``.

The server (``conftest.server``) serves the test database; rows written here are committed
(``transaction=True``), as another process's would be.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token

from catalog.models import StaffProfile
from tests.factories import credit_code, make_organ, make_staff, make_superuser
from tests.multiprocess.conftest import Answer, Server

pytestmark = pytest.mark.django_db(transaction=True)


def token_of(user: Any) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def draft(organ_code: str) -> dict[str, Any]:
    return {
        "organ": organ_code,
        "title": "关于印发政务公开工作要点的通知",
        "doc_type": "normative",
        "formed_on": "2026-03-01",
    }


def test_an_organ_created_on_one_worker_is_in_force_on_every_worker(server: Server) -> None:
    city = make_organ("临江市人民政府", code=credit_code(7001))
    root = token_of(make_superuser())
    # Every worker caches the organ tree as it is now.
    server.on_every_worker("/items/", lambda a: a.status == 200 and "临江市人民政府" in a.body)

    created = server.request(
        "/api/v1/organs/",
        data={"code": credit_code(7002), "name": "临江市统计局", "parent": city.code},
        token=root,
    )
    assert created.status == 201, created.body
    code = created.json()["code"]

    # The directory's organ filter lists it on every worker …
    server.on_every_worker("/items/", lambda a: a.status == 200 and "临江市统计局" in a.body)
    # … and a publisher of the new organ may publish for it on every worker (a stale tree
    # answered 403 您不是该机关或其上级机关的发布员).
    staff = server.request(
        "/api/v1/staff/",
        data={
            "username": "tongji",
            "password": "Xk3-correct-horse",
            "organ": code,
            "roles": ["publisher"],
        },
        token=root,
    )
    assert staff.status == 201, staff.body
    publisher = token_of(StaffProfile.objects.get(user__username="tongji").user)
    server.on_every_worker(
        "/api/v1/items/",
        lambda a: a.status == 201,
        data=draft(code),
        token=publisher,
        times=2,
    )


def test_a_role_granted_is_in_force_on_every_worker(server: Server) -> None:
    organ = make_organ("临江市民政局", code=credit_code(7101))
    user = make_staff(organ, ["handler"], username="minzheng")
    token = token_of(user)
    forbidden = server.request("/api/v1/items/", data=draft(organ.code), token=token)
    assert forbidden.status == 403

    profile = StaffProfile.objects.get(user=user)
    profile.roles = ["handler", "publisher"]
    profile.save()

    server.on_every_worker(
        "/api/v1/items/", lambda a: a.status == 201, data=draft(organ.code), token=token, times=2
    )


def test_a_calendar_override_is_in_force_on_every_worker(server: Server) -> None:
    root = token_of(make_superuser("calendar-admin"))
    # 1 October 2026 is 国庆节: one working day after 30 September falls after the holiday
    # until the override makes 1 October a working day.
    path = "/api/v1/calendar/add-workdays/?start=2026-09-30&days=1"
    before = server.request(path).json()["date"]
    server.on_every_worker(path, lambda a: a.status == 200 and a.json()["date"] == before)

    made = server.request(
        "/api/v1/calendar/overrides/",
        data={"date": "2026-10-01", "is_workday": True, "note": "测试：改为工作日"},
        token=root,
    )
    assert made.status == 201, made.body

    server.on_every_worker(path, lambda a: a.status == 200 and a.json()["date"] == "2026-10-01")
    assert before != "2026-10-01"


def test_the_tracking_throttle_counts_across_workers(server: Server) -> None:
    # THROTTLE_TRACK: 60 lookups an hour from one address, whichever worker serves them.
    answers: list[Answer] = [server.request("/track/?code=ABCD-EFGH-JKMN") for _ in range(60)]
    assert [a.status for a in answers] == [404] * 60  # no such application, but counted
    # The budget was spent on more than one worker (which ones serve a client's sequential
    # requests is the kernel's choice, so not always all three).
    assert len({a.worker for a in answers}) >= 2
    refused = [server.request("/track/?code=ABCD-EFGH-JKMN") for _ in range(6)]
    assert [a.status for a in refused] == [429] * 6
    # The API's lookup shares the page's budget.
    assert server.request("/api/v1/applications/track/ABCD-EFGH-JKMN/").status == 429
