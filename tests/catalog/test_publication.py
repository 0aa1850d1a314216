"""条例第二十六条: items published more than 20 working days after they were formed or changed."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.publication import timeliness
from tests.factories import make_item, make_organ

D = dt.date


@pytest.mark.django_db
class TestPublicationTimeliness:
    @pytest.mark.parametrize(
        ("formed_on", "published_on", "late"),
        [
            # 20 working days after Fri 2026-09-18, across 中秋 and 国庆 and two adjusted
            # working days (09-20, 10-10), end on Thu 2026-10-22 (regulation.md §3.5(c)).
            (D(2026, 9, 18), D(2026, 10, 22), False),
            (D(2026, 9, 18), D(2026, 10, 23), True),
            # Weekends only would have ended on 2026-10-16: the holidays are skipped.
            (D(2026, 9, 18), D(2026, 10, 19), False),
        ],
    )
    def test_deadline_counts_working_days_on_the_official_calendar(
        self, formed_on, published_on, late
    ):
        item = make_item(make_organ(), formed_on=formed_on, published_on=published_on)
        result = timeliness(item)
        assert result is not None
        assert result.deadline == D(2026, 10, 22)
        assert result.late is late

    def test_a_change_restarts_the_period(self):
        item = make_item(
            make_organ(),
            formed_on=D(2026, 1, 5),
            published_on=D(2026, 3, 2),
            changed_on=D(2026, 2, 27),
        )
        result = timeliness(item)
        assert result is not None and result.start == D(2026, 2, 27)
        assert result.late is False

    def test_item_page_and_api_flag_a_late_item(self, client):
        late = make_item(make_organ(), formed_on=D(2026, 1, 5), published_on=D(2026, 3, 2))
        on_time = make_item(make_organ(), formed_on=D(2026, 2, 27), published_on=D(2026, 3, 2))
        assert "第二十六条" in client.get(f"/items/{late.pk}/").content.decode()
        assert "第二十六条" not in client.get(f"/items/{on_time.pk}/").content.decode()
        assert client.get(f"/api/v1/items/{late.pk}/").json()["published_late"] is True
        assert client.get(f"/api/v1/items/{on_time.pk}/").json()["published_late"] is False
