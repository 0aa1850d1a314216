"""Full-text search of the directory, the same results on PostgreSQL and SQLite.

domain.md「Catalog」: search finds Chinese text by any substring of two or more
characters, 文号 typed with any brackets, 索引号 and English words, ranked by relevance.
Options and measurements: notes/search.md and ``bench/search.md`` (1,000,000 items).

Matching. ``catalog.search_text`` turns an item into a string of CJK bigrams and Latin
words (``Item.search_tokens``, written by ``catalog.services``) and a query into one
phrase per whitespace-separated term, ANDed; a phrase of bigrams reproduces substring
semantics. PostgreSQL keeps ``to_tsvector('simple', search_tokens)`` in a stored
generated column with a GIN index (the phrase recheck then reads the stored vector
instead of re-parsing the text, which costs ~60 µs a row); SQLite keeps an FTS5 table,
maintained by triggers. Neither column nor table is in the Django model: they are
vendor-specific, created by :func:`ensure_search_structures` (migration 0002 and after
every ``migrate``).

Only the first ``MAX_DOCUMENT_TOKENS`` (16,000) tokens of an item are indexed – about
8,000 characters of Chinese, title and metadata first – because PostgreSQL records
token positions only up to 16,383 and phrase matches beyond would be wrong. A term that
occurs only after the cap is not found, on both databases; a recheck against the body
would mean reading every body of every candidate, which does not scale.

Relevance. Three tiers, each in order of 发布日期 (newest first, then id):
1. every term is in the title;
2. the query is the item's 文号 (in any bracket form) or its 索引号;
3. the other matches.
``ts_rank`` is not used: it reads every hit's vector (190 ms for one common word on
200,000 items). A page of a big result is cut tier by tier – one query per tier, each
ordered by date so PostgreSQL can walk the ``(status, published_on, id)`` index and stop
after a page – instead of sorting every hit.

Count. Counting every hit of a common word reads every hit; :meth:`count` therefore stops
at :data:`COUNT_LIMIT` (10,000): the API's ``count`` is the exact number of hits up to
10,000 and 10,000 for more ("10,000+"), so a search shows at most 500 pages of 20.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Self

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.query import ModelIterable

from catalog.search_text import (
    FIELD_BREAK,
    PREFIX_MARK,
    normalize,
    parse_query,
    to_fts5_match,
    to_pg_tsquery,
)

FTS_TABLE = "catalog_item_fts"
PG_VECTOR = "search_vector"
PG_INDEX = "catalog_item_search_vector"
PG_TITLE_INDEX = "catalog_item_search_title"
DOC_NUMBER_INDEX = "catalog_item_search_doc_number"
# The first version indexed the expression instead of a stored column.
PG_LEGACY_INDEX = "catalog_item_search_gin"

#: Hits counted exactly; a bigger result reports this number ("10,000+").
COUNT_LIMIT = 10_000
#: Above this many hits a page is cut tier by tier along the date index; below, all hits
#: are ranked in one query (cheaper than walking the index past many non-matching rows).
WALK_THRESHOLD = 5_000

SEARCH_ORDER = ("-search_rank", "-published_on", "-id")
DATE_ORDER = ("-published_on", "-id")

_SEPARATOR = f" {FIELD_BREAK} "
# The title's tokens: everything before the first field break (document_tokens puts the
# title first, and FIELD_BREAK never occurs as a token of text).
_PG_TITLE_TOKENS = f"split_part(catalog_item.search_tokens, '{_SEPARATOR}', 1)"
_PG_TITLE_VECTOR = f"to_tsvector('simple'::regconfig, {_PG_TITLE_TOKENS})"
_SQLITE_TITLE_TOKENS = (
    "(' ' || substr(catalog_item.search_tokens, 1, "
    f"instr(catalog_item.search_tokens || '{_SEPARATOR}', '{_SEPARATOR}') - 1) || ' ')"
)

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
    f"CREATE INDEX IF NOT EXISTS {DOC_NUMBER_INDEX} ON catalog_item (doc_number)",
]
# (name, statement) in order; a statement runs only when its structure is missing, since
# even ``ADD COLUMN IF NOT EXISTS`` takes an exclusive lock on the table, and fails inside a
# transaction with deferred foreign-key checks pending.
PG_STRUCTURES = [
    (
        PG_VECTOR,
        f"ALTER TABLE catalog_item ADD COLUMN {PG_VECTOR} tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_tokens)) STORED",
    ),
    (PG_INDEX, f"CREATE INDEX {PG_INDEX} ON catalog_item USING gin ({PG_VECTOR})"),
    # Tier 1 of a common word is found through the titles' own (small) index.
    (
        PG_TITLE_INDEX,
        f"CREATE INDEX {PG_TITLE_INDEX} ON catalog_item USING gin "
        f"((to_tsvector('simple'::regconfig, split_part(search_tokens, '{_SEPARATOR}', 1))))",
    ),
    (DOC_NUMBER_INDEX, f"CREATE INDEX {DOC_NUMBER_INDEX} ON catalog_item (doc_number)"),
]


def _pg_missing(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute "
        "WHERE attrelid = 'catalog_item'::regclass AND NOT attisdropped "
        "UNION ALL SELECT indexname FROM pg_indexes WHERE tablename = 'catalog_item'"
    )
    present = {row[0] for row in cursor.fetchall()}
    statements = [statement for name, statement in PG_STRUCTURES if name not in present]
    if PG_LEGACY_INDEX in present:
        statements.append(f"DROP INDEX {PG_LEGACY_INDEX}")
    return statements


def ensure_search_structures(using: str = "default") -> None:
    """Create the vendor's search structures (idempotent; run after every migrate).

    A migration that rebuilds ``catalog_item`` on SQLite drops its triggers, hence the
    re-run from ``post_migrate`` (catalog.apps). Adding the stored column to a big
    PostgreSQL table rewrites it: do it in a maintenance window.
    """
    connection = connections[using]
    if "catalog_item" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statements = _pg_missing(cursor)
        elif connection.vendor == "sqlite":
            statements = SQLITE_STRUCTURES
        else:
            statements = []
        for statement in statements:
            cursor.execute(statement)


def rebuild_search_index(using: str = "default") -> None:
    """Re-fill the SQLite FTS table from ``search_tokens`` (after bulk loads).

    Nothing to do on PostgreSQL: the stored vector follows ``search_tokens``.
    """
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


# --- Conditions ----------------------------------------------------------------------------


class _Condition(Expression):
    """A boolean SQL condition on ``catalog_item`` rendered per vendor.

    ``walk`` marks the match of a big result: written as a function call that no index
    serves, so that PostgreSQL walks the date index and checks each row, rather than
    collecting every hit through the GIN index (its estimate for phrases of common
    bigrams can be 50 times too low).
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, kind: str, search: Search) -> None:
        super().__init__()
        self.kind = kind
        self.search = search

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        walk = getattr(compiler.query, "search_walk", False)
        if connection.vendor == "postgresql":
            return self._postgresql(walk)
        return self._sqlite()

    def _postgresql(self, walk: bool) -> tuple[str, list[Any]]:
        tsquery = to_pg_tsquery(self.search.phrases)
        if self.kind == "title":
            return f"{_PG_TITLE_VECTOR} @@ %s::tsquery", [tsquery]
        if walk:
            return f"ts_match_vq(catalog_item.{PG_VECTOR}, %s::tsquery)", [tsquery]
        return f"catalog_item.{PG_VECTOR} @@ %s::tsquery", [tsquery]

    def _sqlite(self) -> tuple[str, list[Any]]:
        if self.kind == "title":
            parts = [f"instr({_SQLITE_TITLE_TOKENS}, %s) > 0"] * len(self.search.phrases)
            return "(" + " AND ".join(parts) + ")", self.search.title_patterns()
        return (
            f"catalog_item.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [to_fts5_match(self.search.phrases)],
        )

    def get_group_by_cols(self) -> list[Any]:
        return [self]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Condition)
            and other.kind == self.kind
            and other.search.phrases == self.search.phrases
        )

    def __hash__(self) -> int:
        return hash((self.kind, str(self.search.phrases)))


_IDENTIFIER = re.compile(r"\d")
_BRACKET_FORMS = ("〔〕", "[]", "()", "（）", "【】", "［］", "﹝﹞")


@dataclass(frozen=True)
class Search:
    """One parsed query and the SQL conditions made from it."""

    q: str
    phrases: list[list[str]]

    def match(self) -> _Condition:
        return _Condition("match", self)

    def in_title(self) -> _Condition:
        return _Condition("title", self)

    def title_patterns(self) -> list[str]:
        """Substrings of the title's space-padded tokens, one per phrase (SQLite)."""
        patterns = []
        for phrase in self.phrases:
            if phrase[-1].endswith(PREFIX_MARK):  # a one-ideograph term: a token starting so
                patterns.append(" " + phrase[-1][: -len(PREFIX_MARK)])
            else:
                patterns.append(" " + " ".join(phrase) + " ")
        return patterns

    def is_identifier(self) -> Q:
        """The query is the item's 文号 (any bracket form) or 索引号 (domain.md「Catalog」)."""
        term = self.q.strip()
        if not term or any(c.isspace() for c in term) or not _IDENTIFIER.search(term):
            return Q(pk__in=[])
        normalized = normalize(term).upper()
        forms = {term, normalized}
        for pair in _BRACKET_FORMS:
            forms.add(normalized.replace("〔", pair[0]).replace("〕", pair[1]))
        return Q(doc_number__in=sorted(forms)) | Q(index_no__in=sorted({term, normalized}))

    def rank(self) -> Case:
        return Case(
            When(self.in_title(), then=Value(2)),
            When(self.is_identifier(), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )

    def tiers(self) -> list[Q | _Condition]:
        """The conditions of the rank tiers, best first; each excludes the ones before."""
        title, identifier = self.in_title(), self.is_identifier()
        return [
            Q(title),
            Q(identifier) & ~Q(title),
            ~Q(title) & ~identifier,
        ]


# --- The queryset ---------------------------------------------------------------------------


class SearchQuerySetMixin:
    """Capped :meth:`count` and tier-by-tier pages for a search ordered by relevance."""

    _search: Search | None = None
    _search_hits: int | None = None

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._search = self._search
        return clone

    def count(self) -> int:
        """Hits up to :data:`COUNT_LIMIT`; more hits count as :data:`COUNT_LIMIT`."""
        if self._search is None or self._result_cache is not None or self.query.is_sliced:  # type: ignore[attr-defined]
            return super().count()  # type: ignore[misc]
        if self._search_hits is None:
            self._search_hits = self._capped_hits()
        return min(self._search_hits, COUNT_LIMIT)

    def __getitem__(self, k: int | slice) -> Any:
        result = super().__getitem__(k)  # type: ignore[misc]
        if isinstance(result, SearchQuerySetMixin) and result is not self:
            result._search_hits = self._search_hits  # same rows: Paginator counts, then slices
        return result

    def _fetch_all(self) -> None:
        if self._result_cache is None and self._tiered():
            self._result_cache = self._fetch_tiers()  # type: ignore[attr-defined]
        super()._fetch_all()  # type: ignore[misc]

    # -- internals --

    def _plain(self) -> QuerySet:
        clone = self._chain()  # type: ignore[attr-defined]
        clone._search = None
        return clone

    def _capped_hits(self) -> int:
        """Hits up to COUNT_LIMIT + 1: ``SELECT count(*) FROM (SELECT id … LIMIT n)``,
        without the rank (``values``), which would cost a title parse per row."""
        probe = self._plain()
        probe.query.clear_limits()
        return probe.order_by().values("pk")[: COUNT_LIMIT + 1].count()

    def _tiered(self) -> bool:
        """Whether this is one page of a big search in relevance order."""
        query = self.query  # type: ignore[attr-defined]
        if (
            self._search is None
            or not query.is_sliced
            or tuple(query.order_by) != SEARCH_ORDER
            or self._iterable_class is not ModelIterable  # type: ignore[attr-defined]
        ):
            return False
        if self._search_hits is None:
            self._search_hits = self._capped_hits()
        return self._search_hits > WALK_THRESHOLD

    def _fetch_tiers(self) -> list[Any]:
        """The slice ``[low, high)`` of tier 1 + tier 2 + tier 3, each by date."""
        low, high = self.query.low_mark, self.query.high_mark  # type: ignore[attr-defined]
        base = self._plain()
        base.query.clear_limits()
        base.query.search_walk = True
        base = base.order_by(*DATE_ORDER)
        rows: list[Any] = []
        offset = low
        for condition in self._search.tiers():  # type: ignore[union-attr]
            if high is not None and len(rows) >= high - low:
                break
            tier = base.filter(condition)
            stop = None if high is None else offset + (high - low - len(rows))
            found = list(tier[offset:stop])
            if found:
                offset = 0
            elif offset:
                offset = max(0, offset - tier.count())
            rows.extend(found)
        return rows


_CLASSES: dict[type, type] = {}


def _search_class(cls: type) -> type:
    """``cls`` with :class:`SearchQuerySetMixin` (keeps custom queryset methods)."""
    if issubclass(cls, SearchQuerySetMixin):
        return cls
    if cls not in _CLASSES:
        _CLASSES[cls] = type(f"Search{cls.__name__}", (SearchQuerySetMixin, cls), {})
    return _CLASSES[cls]


def search_items(queryset: QuerySet, q: str) -> QuerySet:
    """Filter ``queryset`` to the items matching ``q`` and order them by relevance.

    A query without letters, digits or ideographs returns ``queryset`` unchanged. The
    result can be filtered further; ordering it differently (``order_by``) turns off the
    tiers and sorts plainly.
    """
    phrases = parse_query(q)
    if not phrases:
        return queryset
    search = Search(q=q, phrases=phrases)
    filtered = queryset.filter(search.match()).annotate(search_rank=search.rank())
    result = filtered.order_by(*SEARCH_ORDER)
    result.__class__ = _search_class(type(result))
    result._search = search
    return result
