"""Shared, atomic throttle counters (disclosure_portal.counters): Redis when configured, the
database otherwise or while Redis is unreachable, never unlimited."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.test import Client

from disclosure_portal import counters
from disclosure_portal.counters import Rate, parse_rate
from disclosure_portal.models import Counter

pytestmark = pytest.mark.django_db

HOUR = Rate(3, 3600)
T0 = 1_800_000_000.0  # the start of a window of an hour (divisible by 3600)


def test_rates_read_like_drf() -> None:
    assert parse_rate("60/hour") == Rate(60, 3600)
    assert parse_rate("10/min") == Rate(10, 60)
    with pytest.raises(ValueError):
        parse_rate("ten/hour")


@pytest.fixture
def no_redis(settings: Any) -> None:
    settings.REDIS_URL = ""


@pytest.mark.usefixtures("no_redis")
class TestDatabaseCounter:
    def test_each_hit_is_one_atomic_increment_of_one_row(self) -> None:
        usages = [counters.hit("track", "10.0.0.1", HOUR, now=T0 + i) for i in range(4)]

        assert [u.hits for u in usages] == [1, 2, 3, 4]
        assert [u.over(HOUR) for u in usages] == [False, False, False, True]
        assert Counter.objects.get().hits == 4

    def test_identities_and_scopes_count_apart(self) -> None:
        counters.hit("track", "10.0.0.1", HOUR, now=T0)
        counters.hit("track", "10.0.0.2", HOUR, now=T0)
        counters.hit("apply_ip", "10.0.0.1", HOUR, now=T0)

        assert counters.peek("track", "10.0.0.1", HOUR, now=T0).hits == 1

    def test_the_previous_window_counts_for_the_part_still_inside_the_period(self) -> None:
        for i in range(3):
            counters.hit("track", "a", HOUR, now=T0 + i)
        # A quarter into the next window, three quarters of the previous one still count.
        usage = counters.peek("track", "a", HOUR, now=T0 + 3600 + 900)
        assert usage.hits == pytest.approx(2.25)
        assert usage.exhausted(HOUR)  # 2.25 hits count as 3: never more than 3 an hour
        # Two windows later nothing counts.
        assert counters.peek("track", "a", HOUR, now=T0 + 7200).hits == 0

    def test_expired_rows_are_deleted(self) -> None:
        counters.hit("track", "a", HOUR, now=T0)
        counters.hit("track", "b", HOUR, now=T0 + 3600)

        assert counters.delete_expired(now=T0 + 7200) == 1
        assert list(Counter.objects.values_list("key", flat=True)) == ["track:b:500001"]

    def test_peeking_counts_nothing(self) -> None:
        counters.peek("track", "a", HOUR, now=T0)
        assert not Counter.objects.exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_redis_falls_back_to_the_database(settings: Any, monkeypatch: Any) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    monkeypatch.setattr(counters, "_redis_down_until", 0.0)
    monkeypatch.setattr(counters, "_redis_client", None)

    usages = [counters.hit("track", "10.0.0.1", HOUR, now=T0 + i) for i in range(4)]

    assert usages[-1].over(HOUR)
    assert Counter.objects.get().hits == 4
    monkeypatch.setattr(counters, "_redis_down_until", 0.0)


@pytest.mark.skipif("not __import__('os').environ.get('REDIS_URL')", reason="needs REDIS_URL")
def test_with_redis_the_counter_lives_in_redis(settings: Any) -> None:
    # A clock far in the past (as under time_machine): the keys still live one window.
    past = 1_700_000_000.0
    usages = [counters.hit("track", "10.0.0.9", HOUR, now=past + i) for i in range(4)]

    assert [u.hits for u in usages] == [1, 2, 3, 4]
    assert usages[-1].over(HOUR)
    assert not Counter.objects.exists()


class TestApiThrottles:
    def test_the_anonymous_api_is_limited_once_by_address(self, settings: Any) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                "anon": "3/min",
                "user": "2/min",  # would refuse the third request if it applied as well
            },
        }
        client = Client()
        statuses = [client.get("/api/v1/items/").status_code for _ in range(4)]

        assert statuses == [200, 200, 200, 429]
        # Another address has its own budget.
        assert Client(REMOTE_ADDR="10.1.2.3").get("/api/v1/items/").status_code == 200

    def test_a_refusal_says_when_to_retry(self, settings: Any) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                "anon": "1/hour",
            },
        }
        client = Client()
        client.get("/api/v1/items/")
        response = client.get("/api/v1/items/")

        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 3600
