"""Queries per public page (style.md: pinned, each named), in the two states a running worker
is in: a page rendered with the shared structures already loaded (the organ tree, the
directory's facet counts, the select boxes: once per version per process), and a page served
again from the anonymous page cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import Organ
from disclosure_portal import pagecache
from tests.factories import make_item, make_organ

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_counters")]


@pytest.fixture
def city() -> Organ:
    city = make_organ("临江市人民政府")
    bureau = make_organ("临江市教育局", parent=city)
    for n in range(3):
        make_item(bureau, f"关于政府信息公开工作的通知{n}", published_on=dt.date(2026, 3, n + 1))
    return city


def pages(city: Organ) -> dict[str, str]:
    from catalog.models import Item

    item = Item.objects.filter(status="published").first()
    return {
        "home": "/",
        "directory": "/items/",
        "search": "/items/?q=%E5%85%AC%E5%BC%80",
        "item": f"/items/{item.pk}/",
        "guide": f"/organs/{city.code}/guide/",
        "feed": "/feeds/items/",
        "items API": "/api/v1/items/",
    }


# Each page rendered for a URL not yet in the page cache, the shared structures loaded.
RENDERED = {
    # 1 version stamps, 2 the ten latest items joined with their organ
    "home": 2,
    # 1 version stamps, 2 the page of items joined with organ, topic, genre (the total and the
    # facet counts are the shared ones; the vocabularies and select boxes are cached)
    "directory": 2,
    # 1 version stamps, 2 hits counted up to the limit, 3–6 the hits per organ, topic, 体裁
    # and 第二十条 category, 7 the page of hits
    "search": 7,
    # 1 version stamps, 2 the item joined with organ, topics, genre, grouping, audience,
    # 3 its co-publishers, 4 its attachments
    "item": 4,
    # 1 version stamps, 2 the organ, 3 its guide
    "guide": 3,
    # 1 version stamps, 2 the latest items joined with their organ and topic
    "feed": 2,
}


def test_each_page_runs_its_pinned_queries(city: Organ, client: Client) -> None:
    for name, url in pages(city).items():
        if name not in RENDERED:
            continue
        client.get(url)  # the first request after a change loads the shared structures
        pagecache.clear()  # a URL not in the page cache
        with CaptureQueriesContext(connection) as rendered:
            assert client.get(url).status_code == 200
        assert len(rendered) == RENDERED[name], (name, [q["sql"] for q in rendered])


def test_a_cached_anonymous_page_costs_one_query(city: Organ, client: Client) -> None:
    for name, url in pages(city).items():
        if name == "items API":
            continue
        client.get(url)
        # The version stamps, to know the cached page still shows the committed data.
        with CaptureQueriesContext(connection) as cached:
            assert client.get(url).status_code == 200
        assert len(cached) == 1, name


def test_the_items_api_runs_three_queries(city: Organ, client: Client) -> None:
    client.get("/api/v1/items/")
    pagecache.clear()
    # 1 the throttle's counter (one upsert; in Redis instead when REDIS_URL is set), 2 version
    # stamps (the total is the shared count of published items), 3 the page of items
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/items/").status_code == 200
    assert len(captured) == 3
    # Kept for anonymous callers: the throttle still counts, the stamps are still read.
    with CaptureQueriesContext(connection) as kept:
        assert client.get("/api/v1/items/").status_code == 200
    assert len(kept) == 2


def test_the_first_directory_request_after_a_change_computes_the_counts_once(
    city: Organ, client: Client
) -> None:
    with CaptureQueriesContext(connection) as first:
        client.get("/items/")
    pagecache.clear()
    from disclosure_portal import versions

    versions.forget()  # another worker, or this one restarted: reads the stored counts
    with CaptureQueriesContext(connection) as restarted:
        client.get("/items/")

    grouped = [q for q in first.captured_queries if "COUNT(" in q["sql"]]
    assert len(grouped) == 4  # per organ, topic, 体裁, 第二十条 category
    assert not [q for q in restarted.captured_queries if "COUNT(" in q["sql"]]
