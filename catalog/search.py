"""Full-text search of the directory, the same behaviour on PostgreSQL and SQLite.

Design (measured in ``bench/search.md``, options in notes/search.md): ``catalog.search_text``
turns every item into a string of CJK bigrams and Latin words (``Item.search_tokens``); a
query becomes one phrase per term. PostgreSQL matches the phrases against a GIN index on
``to_tsvector('simple', search_tokens)``; SQLite against an FTS5 table kept in step with
``catalog_item`` by triggers. Phrase matching of bigrams reproduces substring semantics
(any 2+ character Chinese query finds every item containing it).

Ranking: items whose title contains every term come first, then by 发布日期 — cheap on
millions of rows, where ``ts_rank`` over tens of thousands of hits is not.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from catalog.search_text import normalize, parse_query, to_fts5_match, to_pg_tsquery

FTS_TABLE = "catalog_item_fts"
PG_INDEX = "catalog_item_search_gin"

SQLITE_STRUCTURES = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_tokens, content='catalog_item', content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER IF NOT EXISTS catalog_item_fts_ai AFTER INSERT ON catalog_item BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    f"CREATE TRIGGER IF NOT EXISTS catalog_item_fts_ad AFTER DELETE ON catalog_item BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_tokens) "
    f"VALUES ('delete', old.id, old.search_tokens); END",
    f"CREATE TRIGGER IF NOT EXISTS catalog_item_fts_au AFTER UPDATE OF search_tokens "
    f"ON catalog_item BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_tokens) "
    f"VALUES ('delete', old.id, old.search_tokens); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
]
PG_STRUCTURES = [
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON catalog_item "
    "USING gin (to_tsvector('simple'::regconfig, search_tokens))",
]


def ensure_search_structures(using: str = "default") -> None:
    """Create the vendor's search index (idempotent; run after every migrate)."""
    connection = connections[using]
    if "catalog_item" not in connection.introspection.table_names():
        return
    statements = {"sqlite": SQLITE_STRUCTURES, "postgresql": PG_STRUCTURES}.get(
        connection.vendor, []
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def rebuild_search_index(using: str = "default") -> None:
    """Re-fill the SQLite FTS table from ``search_tokens`` (after bulk loads)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def match_condition(phrases: list[list[str]], vendor: str) -> RawSQL:
    if vendor == "postgresql":
        return RawSQL(
            "to_tsvector('simple'::regconfig, catalog_item.search_tokens) @@ %s::tsquery",
            [to_pg_tsquery(phrases)],
            output_field=BooleanField(),
        )
    return RawSQL(
        f"catalog_item.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
        [to_fts5_match(phrases)],
        output_field=BooleanField(),
    )


def search_items(queryset: QuerySet, q: str) -> QuerySet:
    """Filter ``queryset`` to the items matching ``q`` and order them by relevance."""
    phrases = parse_query(q)
    if not phrases:
        return queryset
    vendor = connections[queryset.db].vendor
    terms = [term for term in q.split() if term]
    title_hit = Q()
    for term in terms:
        title_hit &= Q(title__icontains=term) | Q(title__icontains=normalize(term))
    return (
        queryset.filter(match_condition(phrases, vendor))
        .annotate(
            search_rank=Case(
                When(title_hit, then=Value(2)),
                When(Q(doc_number__icontains=q.strip()) | Q(index_no=q.strip()), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-search_rank", "-published_on", "-id")
    )
