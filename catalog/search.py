"""Full-text search of the directory, the same results on PostgreSQL and SQLite.

domain.md「Catalog」: search finds Chinese text by any substring of two or more
characters, 文号 typed with any brackets, 索引号 and English words, ranked by relevance.
Options: notes/search.md; measurements on 1,000,000 items: ``bench/search.md``.

Matching. ``catalog.search_text`` turns an item into a string of CJK bigrams and Latin
words (``Item.search_tokens``, written by ``catalog.services``; title first) and a query
into one phrase per whitespace-separated term, ANDed; a phrase of bigrams reproduces
substring semantics. PostgreSQL stores ``to_tsvector('simple', search_tokens)`` in a
generated column with a GIN index – a phrase recheck then reads the stored vector instead
of parsing the text again (~60 µs a row) – plus the vector of the title alone, small
enough to stay in the row. SQLite keeps an FTS5 table in step through triggers. Neither
column nor table is in the Django model (they are vendor-specific):
:func:`ensure_search_structures` creates them (migration 0002 and after every migrate).

Token cap. Only the first ``MAX_DOCUMENT_TOKENS`` (16,000) tokens of an item are indexed
– about 8,000 characters of Chinese, title and metadata first – because PostgreSQL keeps
token positions only up to 16,383. A term that occurs only after the cap is not found, on
either database: rechecking bodies would mean reading every body of every candidate.

Relevance. Three tiers, each newest first (发布日期, then id):
1. every term is in the title;
2. the query is the item's 文号 (in any bracket form) or its 索引号;
3. every other match.
``ts_rank`` is not used: it reads every hit's vector (190 ms for one common word over
200,000 items, notes/search.md).

Count. :meth:`SearchQuerySetMixin.count` stops at :data:`COUNT_LIMIT`: the API's
``count`` is the exact number of hits up to 1,000, and 1,000 for a bigger result (the
page shows "1,000+"; a search can be paged through its first 50 pages of 20). Counting
even that far reads a thousand vectors one by one, so on a big PostgreSQL table a result
estimated far above the limit (see :func:`phrase_frequency`) is not counted at all.

Big results. A page of a result with more than COUNT_LIMIT hits is cut tier by tier, each
tier ordered by date only, so that PostgreSQL walks the ``(status, published_on, id)``
index and stops after one page instead of collecting and sorting every hit (the walked
condition is written so that no index serves it: the planner underestimates phrases of
correlated bigrams a hundredfold and would otherwise sort them all). A title tier that is
small is read through its own GIN index instead. Smaller results are ranked in one query.
The pages equal one ``ORDER BY search_rank DESC, published_on DESC, id DESC`` (tested,
and verified on a million items by ``bench/search_bench.py --verify``).
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass
from typing import Any, Self

from django.db import connections
from django.db.models import BooleanField, Case, Expression, IntegerField, Q, QuerySet, Value, When
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
PG_TITLE_VECTOR = "search_title"
PG_INDEX = "catalog_item_search_vector_gin"
PG_TITLE_INDEX = "catalog_item_search_title_gin"
DOC_NUMBER_INDEX = "catalog_item_search_doc_number"
# Indexes of earlier versions of this module, dropped when found.
PG_LEGACY_INDEXES = (
    "catalog_item_search_gin",
    "catalog_item_search_vector",
    "catalog_item_search_title",
)

#: Hits counted exactly; a bigger result counts as this many ("1,000+").
COUNT_LIMIT = 1_000
#: A tier with at most this many hits (by the statistics' upper bound) is read through its
#: GIN index and sorted; a bigger one is read by walking the date index.
BITMAP_LIMIT = 4_000
#: A title tier with more hits than this is read by walking the date index.
TITLE_PROBE = 4_000
#: The estimate replaces the count of a one-term query when it is this many times
#: COUNT_LIMIT; for several terms (whose correlation the planner cannot know) 20 times.
TRUST_ONE_TERM = 5.0
TRUST_TERMS = 20.0
#: A title tier estimated at this many times TITLE_PROBE is walked without a probe.
TITLE_MARGIN = 4.0
#: Rows above which a table counts as big (estimates are used, see bounded_count).
BIG_TABLE = 100_000
#: Statistics target of the vectors: 10,000 most common lexemes instead of 1,000, so that
#: the upper bound of a rarer bigram is ~0.2 % of the items rather than ~4 %.
STATISTICS_TARGET = 1_000

SEARCH_ORDER = ("-search_rank", "-published_on", "-id")
DATE_ORDER = ("-published_on", "-id")

_SEPARATOR = f" {FIELD_BREAK} "
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

# (name, statement), in order. A statement runs only when its structure is missing: even
# ``ADD COLUMN IF NOT EXISTS`` locks the table exclusively, and fails inside a transaction
# with deferred foreign-key checks pending.
PG_STRUCTURES = [
    (
        PG_VECTOR,
        f"ALTER TABLE catalog_item ADD COLUMN {PG_VECTOR} tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple'::regconfig, search_tokens)) STORED",
    ),
    (
        PG_TITLE_VECTOR,
        f"ALTER TABLE catalog_item ADD COLUMN {PG_TITLE_VECTOR} tsvector GENERATED ALWAYS AS "
        f"(to_tsvector('simple'::regconfig, split_part(search_tokens, '{_SEPARATOR}', 1))) "
        "STORED",
    ),
    (PG_INDEX, f"CREATE INDEX {PG_INDEX} ON catalog_item USING gin ({PG_VECTOR})"),
    (
        PG_TITLE_INDEX,
        f"CREATE INDEX {PG_TITLE_INDEX} ON catalog_item USING gin ({PG_TITLE_VECTOR})",
    ),
    (DOC_NUMBER_INDEX, f"CREATE INDEX {DOC_NUMBER_INDEX} ON catalog_item (doc_number)"),
]


def _pg_missing(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT attname, attstattarget FROM pg_attribute "
        "WHERE attrelid = 'catalog_item'::regclass AND NOT attisdropped "
        "UNION ALL SELECT indexname, NULL FROM pg_indexes WHERE tablename = 'catalog_item'"
    )
    present = dict(cursor.fetchall())
    statements = [statement for name, statement in PG_STRUCTURES if name not in present]
    statements += [f"DROP INDEX {name}" for name in PG_LEGACY_INDEXES if name in present]
    for column in (PG_VECTOR, PG_TITLE_VECTOR):
        if present.get(column) != STATISTICS_TARGET:
            statements.append(
                f"ALTER TABLE catalog_item ALTER COLUMN {column} SET STATISTICS {STATISTICS_TARGET}"
            )
    return statements


def ensure_search_structures(using: str = "default") -> None:
    """Create the vendor's search structures (idempotent; run after every migrate).

    A migration that rebuilds ``catalog_item`` on SQLite drops its triggers, hence the
    re-run from ``post_migrate`` (catalog.apps). Adding the stored columns to a big
    PostgreSQL table rewrites it: plan a maintenance window for that first deployment.
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

    Nothing to do on PostgreSQL, where the stored vectors follow ``search_tokens``.
    """
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


# --- Column statistics (PostgreSQL) -------------------------------------------------------

# Planner statistics (ANALYZE's), not the portal's data: no commit changes them, and a stale
# copy only steers the choice of plan, never a result. So they stay per process, by age.
_STATS_TTL = 600.0
_stats_cache: dict[tuple[str, str], tuple[float, dict[str, float], float, float]] = {}
# Rows of catalog_item per database alias, as last read with the statistics (no query).
_table_rows: dict[str, float] = {}


def _lexeme_stats(using: str, column: str) -> tuple[dict[str, float], float, float] | None:
    """Frequencies of the column's most common lexemes, the smallest of them, and the
    number of rows (``ANALYZE``'s, cached for ten minutes)."""
    key = (using, column)
    cached = _stats_cache.get(key)
    if cached and time.monotonic() - cached[0] < _STATS_TTL:
        return cached[1], cached[2], cached[3]
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
            "FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
            "WHERE s.tablename = 'catalog_item' AND s.attname = %s "
            "AND s.schemaname = current_schema()",
            [column],
        )
        row = cursor.fetchone()
    if not row or not row[0] or not row[1] or row[2] <= 0:
        return None
    elems, freqs, rows = row
    _table_rows[using] = float(rows)
    # The frequencies are followed by their minimum and maximum.
    frequencies = dict(zip(elems, freqs[: len(elems)], strict=True))
    _stats_cache[key] = (time.monotonic(), frequencies, freqs[len(elems)], float(rows))
    return frequencies, freqs[len(elems)], float(rows)


def hits_upper_bound(using: str, column: str, phrases: list[list[str]]) -> float | None:
    """At most how many rows can match: rows × the frequency of the rarest token.

    A lexeme missing from the most-common list is rarer than all of them. None when the
    column has no statistics or the query is made of prefix tokens only.
    """
    stats = _lexeme_stats(using, column)
    if stats is None:
        return None
    frequencies, smallest, rows = stats
    bounds = [
        frequencies.get(token, smallest)
        for phrase in phrases
        for token in phrase
        if not token.endswith(PREFIX_MARK)
    ]
    return min(bounds) * rows if bounds else None


def _planner_rows(queryset: QuerySet) -> float | None:
    """PostgreSQL's estimate of the rows of ``queryset`` (one ``EXPLAIN``, ~1 ms).

    Only on a table known to be big: on a small one counting is cheap anyway, and a
    search stays at two queries (count and page).
    """
    using = queryset.db
    if connections[using].vendor != "postgresql" or _table_rows.get(using, 0) < BIG_TABLE:
        return None
    plan = json.loads(queryset.explain(format="json"))
    return float(plan[0]["Plan"]["Plan Rows"])


def phrase_frequency(using: str, column: str, phrases: list[list[str]]) -> float | None:
    """Estimated share of rows matching every phrase (statistics of ``column``).

    A phrase of Chinese bigrams is nearly as frequent as its rarest bigram – the bigrams
    of a word come together (信息公开: rarest bigram 22 %, phrase 15 %) – where PostgreSQL
    multiplies the frequencies as if they were independent (10⁻² here, and far less for
    longer phrases). A phrase with a lexeme missing from the most-common list is rarer
    than that list's least frequent lexeme: there the planner's product is kept, low on
    purpose, so that a rare query is counted rather than assumed big. Terms are taken as
    independent. None without statistics (never analysed). PostgreSQL only.
    """
    stats = _lexeme_stats(using, column)
    if stats is None:
        return None
    frequencies, smallest, _rows = stats
    missing = min(smallest / 2, 0.005)  # PostgreSQL's guess for an unlisted lexeme
    share = 1.0
    for phrase in phrases:
        tokens = [token for token in phrase if not token.endswith(PREFIX_MARK)]
        if not tokens:
            share *= smallest  # one ideograph: unknown – counted rather than guessed
        elif all(token in frequencies for token in tokens):
            share *= min(frequencies[token] for token in tokens)
        else:
            share *= math.prod(frequencies.get(token, missing) for token in tokens)
    return share


def bounded_count(
    queryset: QuerySet, limit: int, *, estimate: float | None = None, trust: float = TRUST_TERMS
) -> int:
    """``min(rows, limit + 1)`` of ``queryset``: counted with ``LIMIT limit + 1``, or taken
    as ``limit + 1`` without counting when ``estimate`` is ``trust`` times the limit.

    Counting reads up to ``limit`` rows one by one, each with its vector out of line
    (~15 µs a row on the reference machine, bench/search.md).
    """
    if estimate is not None and estimate >= trust * limit:
        return limit + 1
    return queryset.order_by().values("pk")[: limit + 1].count()


# --- Conditions -----------------------------------------------------------------------------


class _Condition(Expression):
    """A boolean condition on ``catalog_item``, rendered per vendor and per plan.

    On PostgreSQL a query may carry ``search_walk``: the match is then written as a
    sub-select that no index serves, so that the planner walks the date index and checks
    row after row, last (its estimate for a phrase of correlated bigrams can be a hundred
    times too low, which makes it collect and sort every hit instead). With
    ``search_match_implied`` (the title tier, where a title match implies it, and the
    estimate of the other filters) the match is rendered as ``TRUE``.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, kind: str, search: Search) -> None:
        super().__init__()
        self.kind = kind
        self.search = search

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if connection.vendor == "postgresql":
            query = compiler.query
            return self._postgresql(
                walk=getattr(query, "search_walk", False),
                match_implied=getattr(query, "search_match_implied", False),
            )
        return self._sqlite()

    def _postgresql(self, *, walk: bool, match_implied: bool) -> tuple[str, list[Any]]:
        tsquery = to_pg_tsquery(self.search.phrases)
        if self.kind == "match" and match_implied:
            return "TRUE", []
        column = PG_TITLE_VECTOR if self.kind == "title" else PG_VECTOR
        if walk:
            # A sub-select is evaluated after the row's other conditions (organ, dates…);
            # the operator would be evaluated first, reading the vector out of line.
            return f"(SELECT catalog_item.{column} @@ %s::tsquery)", [tsquery]
        return f"catalog_item.{column} @@ %s::tsquery", [tsquery]

    def _sqlite(self) -> tuple[str, list[Any]]:
        if self.kind == "title":
            patterns = self.search.title_patterns()
            sql = " AND ".join([f"instr({_SQLITE_TITLE_TOKENS}, %s) > 0"] * len(patterns))
            return f"({sql})", patterns
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


_DIGIT = re.compile(r"\d")
_BRACKET_PAIRS = ("〔〕", "[]", "()", "（）", "【】", "［］", "﹝﹞")


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
            if phrase[-1].endswith(PREFIX_MARK):  # one ideograph: a token starting with it
                patterns.append(" " + phrase[-1].removesuffix(PREFIX_MARK))
            else:
                patterns.append(" " + " ".join(phrase) + " ")
        return patterns

    def is_identifier(self) -> Q:
        """The query is the item's 文号 in any bracket form, or its 索引号.

        Only a single term with a digit can be one; the comparison is an equality, served
        by the doc_number index and the unique index of index_no.
        """
        term = self.q.strip()
        if not term or any(char.isspace() for char in term) or not _DIGIT.search(term):
            return Q(pk__in=[])
        normalized = normalize(term)
        forms = {term, normalized, normalized.upper()}
        for left, right in _BRACKET_PAIRS:
            forms.add(normalized.replace("〔", left).replace("〕", right))
        return Q(doc_number__in=sorted(forms)) | Q(index_no__in=sorted({term, normalized}))

    def rank(self) -> Case:
        return Case(
            When(self.in_title(), then=Value(2)),
            When(self.is_identifier(), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )


# --- The queryset ---------------------------------------------------------------------------


class SearchQuerySetMixin:
    """Capped :meth:`count`, and pages of a big result cut tier by tier."""

    _search: Search | None = None
    # What was learnt about this search (hits up to COUNT_LIMIT + 1, the planner's
    # estimate of the rows passing the other filters), shared with its slices.
    _search_hits: int | None = None
    _search_rows: float | None = None

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._search = self._search
        return clone

    def count(self) -> int:
        """The number of hits, exact up to :data:`COUNT_LIMIT`; more count as that many."""
        if self._search is None or self._result_cache is not None or self.query.is_sliced:  # type: ignore[attr-defined]
            return super().count()  # type: ignore[misc]
        return min(self._hits(), COUNT_LIMIT)

    def __getitem__(self, k: int | slice) -> Any:
        result = super().__getitem__(k)  # type: ignore[misc]
        if isinstance(result, SearchQuerySetMixin) and result is not self:
            # The same rows: Django's Paginator counts, then slices the same queryset.
            result._search_hits = self._search_hits
            result._search_rows = self._search_rows
        return result

    def _fetch_all(self) -> None:
        if self._result_cache is None and self._is_big_page():
            self._result_cache = self._fetch_by_tier()  # type: ignore[attr-defined]
        super()._fetch_all()  # type: ignore[misc]

    # -- internals --

    def _plain(self, *, walk: bool = False, match_implied: bool = False) -> QuerySet:
        """This queryset without limits, as a plain QuerySet rendered for the given plan."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._search = None
        clone.query.clear_limits()
        clone.query.search_walk = walk
        clone.query.search_match_implied = match_implied
        return clone

    def _estimate(self, column: str) -> float | None:
        """Estimated hits of the phrases in ``column`` among the rows passing the other
        filters (one EXPLAIN of those filters), on a PostgreSQL table known to be big.

        Known from the statistics, which are read once a result was too big to rank at
        once (cached ten minutes): a small result never costs more than two queries.
        """
        search = self._search
        assert search is not None
        if _table_rows.get(self.db, 0.0) < BIG_TABLE:  # type: ignore[attr-defined]
            return None
        share = phrase_frequency(self.db, column, search.phrases)  # type: ignore[attr-defined]
        if share is None:
            return None
        if self._search_rows is None:
            self._search_rows = _planner_rows(self._plain(match_implied=True).values("pk"))
        return None if self._search_rows is None else self._search_rows * share

    def _hits(self) -> int:
        """Hits up to COUNT_LIMIT + 1 (see bounded_count)."""
        if self._search_hits is None:
            phrases = self._search.phrases  # type: ignore[union-attr]
            self._search_hits = bounded_count(
                self._plain(),
                COUNT_LIMIT,
                estimate=self._estimate(PG_VECTOR),
                trust=TRUST_ONE_TERM if len(phrases) == 1 else TRUST_TERMS,
            )
        return self._search_hits

    def _is_big_page(self) -> bool:
        """A slice of a search in relevance order with more hits than are ranked at once."""
        query = self.query  # type: ignore[attr-defined]
        return (
            self._search is not None
            and query.is_sliced
            and tuple(query.order_by) == SEARCH_ORDER
            and self._iterable_class is ModelIterable  # type: ignore[attr-defined]
            and self._hits() > COUNT_LIMIT
            and not self._fits_bitmap()
        )

    def _fits_bitmap(self) -> bool:
        """Whether the statistics bound the text hits by BITMAP_LIMIT (PostgreSQL)."""
        if connections[self.db].vendor != "postgresql":  # type: ignore[attr-defined]
            return False
        bound = hits_upper_bound(self.db, PG_VECTOR, self._search.phrases)  # type: ignore[attr-defined,union-attr]
        return bound is not None and bound <= BITMAP_LIMIT

    def _walk_titles(self) -> bool:
        """Whether the title tier is read by walking the date index rather than through
        the title index.

        Walking visits ~20 × rows / (title hits passing the filters) rows; the index
        visits every title hit *before* the other filters (an organ's subtree is not in
        that index). Decided by the estimates when they are clear, else by counting the
        title hits, up to TITLE_PROBE.
        """
        search = self._search
        assert search is not None
        filtered = self._estimate(PG_TITLE_VECTOR)
        if filtered is None:
            return False  # SQLite, or a table too small to matter
        if filtered >= TITLE_MARGIN * TITLE_PROBE:
            return True  # dense: a page is found within a few thousand rows
        share = phrase_frequency(self.db, PG_TITLE_VECTOR, search.phrases)  # type: ignore[attr-defined]
        everywhere = (share or 0.0) * _table_rows.get(self.db, 0.0)  # type: ignore[attr-defined]
        if everywhere >= TITLE_MARGIN * TITLE_PROBE:
            return True  # the index would visit too many titles
        if everywhere <= TITLE_PROBE / TITLE_MARGIN:
            return False
        manager = self.model._default_manager.using(self.db)  # type: ignore[attr-defined]
        titles = manager.filter(search.in_title()).order_by().values("pk")
        return titles[: TITLE_PROBE + 1].count() > TITLE_PROBE

    def _tiers(self) -> list[tuple[QuerySet, QuerySet | None]]:
        """Per tier: the queryset to read a page with (rendered for the plan it needs) and
        the one to count it with (through the indexes); the last tier is never counted."""
        search = self._search
        assert search is not None
        title, identifier = search.in_title(), search.is_identifier()
        titles = self._plain(match_implied=True).filter(title)
        if self._walk_titles():
            titles_read = self._plain(walk=True, match_implied=True).filter(title)
        else:
            titles_read = titles
        numbered = self._plain().filter(identifier).exclude(title)
        rest = self._plain(walk=True).exclude(title).exclude(identifier)
        return [(titles_read, titles), (numbered, numbered), (rest, None)]

    def _fetch_by_tier(self) -> list[Any]:
        """Rows ``[low, high)`` of tier 1 + tier 2 + tier 3, each newest first."""
        low, high = self.query.low_mark, self.query.high_mark  # type: ignore[attr-defined]
        rows: list[Any] = []
        offset = low  # of the first wanted row, within the current tier
        for read, counted in self._tiers():
            wanted = None if high is None else high - low - len(rows)
            if wanted == 0:
                break
            page = read.order_by(*DATE_ORDER)[offset : None if wanted is None else offset + wanted]
            found = list(page)
            rows.extend(found)
            if found:
                offset = 0
            elif offset and counted is not None:
                # The tier ended before the wanted rows: skip its size in the next tiers.
                # It holds fewer than ``offset`` (< COUNT_LIMIT) rows.
                offset = max(0, offset - counted.count())
        return rows


_CLASSES: dict[type, type] = {}


def _search_class(cls: type) -> type:
    """``cls`` with :class:`SearchQuerySetMixin` (keeping its own methods)."""
    if issubclass(cls, SearchQuerySetMixin):
        return cls
    if cls not in _CLASSES:
        _CLASSES[cls] = type(f"Search{cls.__name__}", (SearchQuerySetMixin, cls), {})
    return _CLASSES[cls]


def search_items(queryset: QuerySet, q: str) -> QuerySet:
    """Filter ``queryset`` to the items matching ``q``, ordered by relevance.

    A query without letters, digits or ideographs returns ``queryset`` unchanged. The
    result can be filtered further; ``order_by`` replaces the relevance order (and the
    tiers); ``search_rank`` is 2 for a title match, 1 for the 文号/索引号, else 0.
    """
    phrases = parse_query(q)
    if not phrases:
        return queryset
    search = Search(q=q, phrases=phrases)
    result = (
        queryset.filter(search.match()).annotate(search_rank=search.rank()).order_by(*SEARCH_ORDER)
    )
    result.__class__ = _search_class(type(result))
    result._search = search
    return result
