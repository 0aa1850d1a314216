"""索引号 stay unique when many publishers publish at the same moment (domain.md, Catalog:
"unique under concurrent publishing").

Real threads with their own database connections, so these tests commit
(``transaction=True``) instead of running inside one rolled-back transaction.
"""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from catalog import services
from catalog.models import Item, Organ
from tests.factories import make_item, make_organ

PUBLISHED_ON = dt.date(2026, 3, 2)


def publish_concurrently(organ: Organ, drafts: int, threads: int) -> list[str]:
    """Create ``drafts`` drafts, publish them from ``threads`` threads released together,
    and return the issued 索引号."""
    ids = [make_item(organ, f"草稿{n}", publish=False).pk for n in range(drafts)]
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker(chunk: list[int]) -> None:
        try:
            start.wait()
            for pk in chunk:
                services.item_publish(
                    actor=None, item=Item.objects.get(pk=pk), published_on=PUBLISHED_ON
                )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()  # each thread's own connection

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(worker, [ids[n::threads] for n in range(threads)]))

    assert errors == []
    return list(
        Item.objects.filter(pk__in=ids, status=Item.Status.PUBLISHED).values_list(
            "index_no", flat=True
        )
    )


def assert_serials_are_one_to(count: int, organ: Organ, issued: list[str]) -> None:
    assert len(issued) == count
    assert len(set(issued)) == count
    prefix = f"{organ.effective_index_prefix}/2026-"
    assert all(no.startswith(prefix) for no in issued)
    assert sorted(int(no.removeprefix(prefix)) for no in issued) == list(range(1, count + 1))


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_publications_get_serials_one_to_forty_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is exercised on PostgreSQL (set DATABASE_URL)")
    organ = make_organ("某市人民政府")

    issued = publish_concurrently(organ, drafts=40, threads=8)

    assert_serials_are_one_to(40, organ, issued)


@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_on_sqlite_are_serialised_without_duplicates() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite variant")
    if connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite test database cannot lock across threads")
    organ = make_organ("某市人民政府")

    issued = publish_concurrently(organ, drafts=12, threads=4)

    assert_serials_are_one_to(12, organ, issued)
