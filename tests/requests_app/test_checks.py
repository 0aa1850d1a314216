"""The system check that warns when next year's holiday schedule has not been entered."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.checks import registry
from django.db import OperationalError

from disclosure_portal import versions
from requests_app import calendar as calendar_module
from requests_app.checks import check_calendar_coverage
from requests_app.models import CalendarYear

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(year: int, month: int, day: int, hour: int = 9) -> time_machine.travel:
    return time_machine.travel(dt.datetime(year, month, day, hour, tzinfo=SHANGHAI), tick=False)


def test_check_is_registered() -> None:
    assert check_calendar_coverage in registry.registry.get_checks()


@pytest.mark.django_db
def test_from_first_november_an_uncovered_next_year_is_warned() -> None:
    # 00:30 in Beijing is still 31 October in UTC: the Beijing date decides.
    with _at(2026, 11, 1, hour=0):
        messages = check_calendar_coverage()

    assert [m.id for m in messages] == ["requests_app.W001"]
    assert "2027年的法定节假日安排尚未录入" in messages[0].msg
    assert "/admin/" in messages[0].hint
    assert "POST /api/v1/calendar/2027/complete/" in messages[0].hint


@pytest.mark.django_db
def test_on_thirty_first_october_nothing_is_warned() -> None:
    with _at(2026, 10, 31, hour=23):
        assert check_calendar_coverage() == []


@pytest.mark.django_db
def test_completed_next_year_silences_the_warning() -> None:
    with _at(2026, 11, 1):
        assert check_calendar_coverage() != []
        CalendarYear.objects.create(year=2027)
        calendar_module.invalidate()

        assert check_calendar_coverage() == []


@pytest.mark.django_db
def test_a_year_begun_without_its_schedule_is_warned() -> None:
    with _at(2027, 3, 1):
        messages = check_calendar_coverage()

    assert len(messages) == 1
    assert "2027年" in messages[0].msg


def test_missing_tables_skip_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_tables(*args: object) -> None:
        raise OperationalError("no such table: requests_app_calendaroverride")

    # Before the first migrate neither the calendar nor the version stamps exist.
    monkeypatch.setattr(calendar_module, "_load", no_tables)
    monkeypatch.setattr(versions, "_read_all", no_tables)
    with _at(2026, 12, 1):
        assert check_calendar_coverage() == []


def test_other_apps_checks_do_not_run_it() -> None:
    from django.apps import apps

    assert check_calendar_coverage(app_configs=[apps.get_app_config("catalog")]) == []
