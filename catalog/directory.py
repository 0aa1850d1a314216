"""Counts of the public directory that every process shares.

Grouping or counting every published item costs seconds at a million items, so the unfiltered
directory's facet counts (and with them the number of published items) are computed once per
catalog version and kept in the database for every worker (``versions.persisted``); any other
count stops at :data:`~catalog.search.COUNT_LIMIT`, as a search's does.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet

from catalog.models import Item
from catalog.search import COUNT_LIMIT, bounded_count
from disclosure_portal import versions

# What the public catalog shows: items and vocabularies, the organ tree, and timeliness computed
# on the working-day calendar. Anonymous pages and answers are cached under these stamps.
PUBLIC_DATA = (versions.CATALOG, versions.ORGANS, versions.CALENDAR)

FACET_FIELDS = ("organ_id", "topic_id", "genre_id", "article20")
FACETS_KEY = "catalog:directory-facets"


def grouped_counts(queryset: QuerySet[Item], field: str) -> dict[Any, int]:
    return dict(queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))


def _load_published_facets() -> dict[str, dict[Any, int]]:
    published = Item.objects.published()
    # Kept as JSON: (value, count) pairs, since JSON object keys are strings.
    stored = versions.persisted(
        versions.CATALOG,
        FACETS_KEY,
        lambda: {f: list(map(list, grouped_counts(published, f).items())) for f in FACET_FIELDS},
    )
    return {field: {value: n for value, n in stored[field]} for field in FACET_FIELDS}


def published_facets() -> dict[str, dict[Any, int]]:
    """Published items per organ, topic, 体裁 and 第二十条 category."""
    return versions.cached(versions.CATALOG, FACETS_KEY, _load_published_facets)


def published_total() -> int:
    """The number of published items (every item has an organ)."""
    return sum(published_facets()["organ_id"].values())


class CappedPaginator(Paginator):
    """A paginator whose count is ``total`` when known, and otherwise exact only up to
    COUNT_LIMIT (one ``LIMIT`` query; more count as COUNT_LIMIT), never an unbounded count."""

    def __init__(self, object_list: Any, per_page: int, *, total: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.total = total
        self.capped = False

    @property
    def count(self) -> int:  # type: ignore[override]
        if "_count" not in self.__dict__:
            if self.total is not None:
                self.__dict__["_count"] = self.total
            elif getattr(self.object_list, "_search", None) is not None:
                count = self.object_list.count()  # a search caps its own count
                self.capped = count >= COUNT_LIMIT
                self.__dict__["_count"] = count
            else:
                found = bounded_count(self.object_list, COUNT_LIMIT)
                self.capped = found > COUNT_LIMIT
                self.__dict__["_count"] = min(found, COUNT_LIMIT)
        return self.__dict__["_count"]
