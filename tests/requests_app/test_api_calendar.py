"""The working-day calendar endpoints (api.md, "Working-day calendar"): counting, yearly
schedules with their source, administrators' overrides and completing a year, and open
applications' deadlines following a change."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests_app import services
from tests.factories import make_organ, make_staff, make_superuser
from tests.requests_app.factories import make_application

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADD = "/api/v1/calendar/add-workdays/"
OVERRIDES = "/api/v1/calendar/overrides/"


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def admin(api):
    user = make_superuser()
    api.force_authenticate(user)
    return user


class TestAddWorkdays:
    @pytest.mark.parametrize(
        ("start", "days", "expected"),
        [
            # regulation.md §6.5, computed with chinese-calendar 1.11.0.
            ("2026-01-05", 20, "2026-02-02"),
            ("2026-02-06", 20, "2026-03-12"),
            ("2026-02-13", 7, "2026-03-02"),
            ("2026-02-14", 20, "2026-03-20"),
            ("2026-09-18", 20, "2026-10-22"),
            ("2026-09-24", 40, "2026-11-26"),
            ("2026-04-30", 15, "2026-05-25"),
            ("2026-12-01", 20, "2026-12-29"),
            ("2026-09-18", 0, "2026-09-18"),
        ],
    )
    def test_nth_working_day_after_start(self, api, start, days, expected):
        response = api.get(ADD, {"start": start, "days": days})
        assert response.status_code == 200
        assert response.json()["date"] == expected
        assert response.json()["covered"] is True

    def test_count_into_an_uncovered_year_is_flagged(self, api):
        # No 2027 schedule yet: weekends and the statutory holidays, 2027-01-01 provisional.
        data = api.get(ADD, {"start": "2026-12-10", "days": 20}).json()
        assert data == {**data, "date": "2027-01-08", "covered": False}
        assert data["provisional_holidays"] == ["2027-01-01"]

    @pytest.mark.parametrize(
        "params",
        [
            {"start": "2026-02-30", "days": 5},
            {"start": "18/09/2026", "days": 5},
            {"start": "2026-09-18", "days": -1},
            {"start": "2026-09-18", "days": "abc"},
            {"start": "2026-09-18"},
            {"days": 3},
        ],
    )
    def test_malformed_query_is_a_400(self, api, params):
        response = api.get(ADD, params)
        assert response.status_code == 400
        assert set(response.json()) <= {"start", "days"}


class TestYear:
    def test_bundled_year_lists_weekday_holidays_and_weekend_workdays(self, api):
        data = api.get("/api/v1/calendar/2026/").json()
        assert (data["year"], data["covered"]) == (2026, True)
        holidays = [h["date"] for h in data["holidays"]]
        assert "2026-10-01" in holidays and "2026-09-25" in holidays
        assert "2026-10-03" not in holidays  # a Saturday is a day off anyway
        assert [w["date"] for w in data["workdays"]] == [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ]
        assert {h["source"] for h in data["holidays"]} == {"bundled"}

    def test_year_without_schedule_is_not_covered_and_shows_provisional_holidays(self, api):
        data = api.get("/api/v1/calendar/2027/").json()
        assert data == {**data, "year": 2027, "covered": False, "workdays": []}
        # 《全国年节及纪念日放假办法》第二条 on weekdays: 元旦, 除夕 and 初三 (初一、初二 fall on
        # the weekend), 清明, 劳动节 (5-1 is a Saturday), 端午, 中秋, 国庆 (10-2/3 weekend).
        assert data["holidays"] == [
            {"date": day, "source": "provisional"}
            for day in (
                "2027-01-01",
                "2027-02-05",
                "2027-02-08",
                "2027-04-05",
                "2027-06-09",
                "2027-09-15",
                "2027-10-01",
            )
        ]


class TestOverrides:
    BODY = {"date": "2027-01-01", "is_workday": False, "note": "元旦"}

    def test_only_superusers_may_enter_overrides(self, api):
        assert api.post(OVERRIDES, self.BODY, format="json").status_code == 401
        api.force_authenticate(make_staff(make_organ(), ["handler", "approver"]))
        assert api.post(OVERRIDES, self.BODY, format="json").status_code == 403
        assert api.post("/api/v1/calendar/2027/complete/", {}, format="json").status_code == 403

    def test_override_then_complete_covers_2027(self, api, admin):
        response = api.post(OVERRIDES, self.BODY, format="json")
        assert response.status_code == 201
        assert response.json() == {"date": "2027-01-01", "is_workday": False, "note": "元旦"}
        data = api.get("/api/v1/calendar/2027/").json()
        assert data["holidays"][0] == {"date": "2027-01-01", "source": "override"}
        assert data["covered"] is False  # a single override does not cover a year
        data = api.get(ADD, {"start": "2026-12-10", "days": 20}).json()
        assert (data["date"], data["covered"]) == ("2027-01-08", False)

        response = api.post("/api/v1/calendar/2027/complete/", {}, format="json")
        assert response.status_code == 200
        assert response.json()["covered"] is True
        # The official notice replaces the estimate: only the entered days remain.
        assert response.json()["holidays"] == [{"date": "2027-01-01", "source": "override"}]
        data = api.get(ADD, {"start": "2026-12-10", "days": 20}).json()
        assert (data["date"], data["covered"]) == ("2027-01-08", True)

    def test_completing_a_year_without_any_entry_is_a_400(self, api, admin):
        response = api.post("/api/v1/calendar/2028/complete/", {}, format="json")
        assert response.status_code == 400
        assert "year" in response.json()

    def test_override_wins_over_bundled_data(self, api, admin):
        body = {"date": "2026-10-10", "is_workday": False, "note": "更正"}
        assert api.post(OVERRIDES, body, format="json").status_code == 201
        workdays = [w["date"] for w in api.get("/api/v1/calendar/2026/").json()["workdays"]]
        assert "2026-10-10" not in workdays
        assert api.get(ADD, {"start": "2026-09-18", "days": 20}).json()["date"] == "2026-10-23"

    def test_invalid_override_is_a_400(self, api, admin):
        response = api.post(OVERRIDES, {"date": "2027-02-30", "is_workday": "maybe"}, format="json")
        assert response.status_code == 400
        assert {"date", "is_workday"} <= set(response.json())

    def test_override_moves_open_applications_deadlines(self, api, admin):
        organ = make_organ()
        app = make_application(organ, received_on=dt.date(2026, 9, 18))
        answered = make_application(organ, received_on=dt.date(2026, 9, 18))
        services.application_answer(
            actor=admin,
            application=answered,
            date=dt.date(2026, 10, 9),
            outcome="disclosed",
            reply="公开",
        )
        body = {"date": "2026-10-12", "is_workday": False, "note": "临时调整"}
        assert api.post(OVERRIDES, body, format="json").status_code == 201
        app.refresh_from_db()
        answered.refresh_from_db()
        assert app.due_on == dt.date(2026, 10, 23)
        assert answered.due_on == dt.date(2026, 10, 22)
        detail = api.get(f"/api/v1/applications/{app.pk}/").json()
        assert detail["due_on"] == detail["derivation"]["due_on"] == "2026-10-23"

    def test_override_can_be_changed(self, api, admin):
        api.post(OVERRIDES, {"date": "2027-01-04", "is_workday": False}, format="json")
        api.post(
            OVERRIDES, {"date": "2027-01-04", "is_workday": True, "note": "撤销"}, format="json"
        )
        data = api.get("/api/v1/calendar/2027/").json()
        assert "2027-01-04" not in {h["date"] for h in data["holidays"]}
        assert data["overrides"] == [
            {"date": "2027-01-04", "is_workday": True, "weekend": False, "note": "撤销"}
        ]
