"""One truth on every process: version stamps in the database, one per kind of cached data.

A change calls :func:`bump` inside the transaction that makes it; the stamp's row
(``CacheVersion``) then commits or rolls back with the change. Every cached structure is keyed
by its namespace's stamp, so a worker that reads the stamps after the commit never uses what it
cached before it, whatever cache holds it (process memory, Redis, the database). Reading the
stamps is one indexed query per request (all namespaces at once, on first use; see
``bench/versions.md`` for its cost), made by :class:`VersionsMiddleware`'s scope. Outside a
request (commands, the task worker) every read asks the database: always fresh.

Why not ``cache.delete`` after commit: a reader that loaded the old rows just before the commit
can store them just after the delete, and a per-process cache cannot be deleted from another
process at all. A stamp read *before* loading makes that harmless: old data is stored under the
old stamp, which nobody asks for once the new one is committed.

A transaction that bumped a namespace and has not committed yet neither reads nor fills that
namespace's caches (it would see its own uncommitted rows and could store them under a number
that a later, different change will commit).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

ORGANS = "organs"  # the organ tree (catalog.organs)
CALENDAR = "calendar"  # working days: bundled data + overrides (requests_app.calendar)
CATALOG = "catalog"  # published items, vocabularies, guides: directory facets, public pages
REPORTS = "reports"  # annual reports and their published snapshots: the public report pages
NAMESPACES = (ORGANS, CALENDAR, CATALOG, REPORTS)


@dataclass
class _Scope:
    """What one request has read of the stamps (read once, on first use)."""

    stamps: dict[str, int] | None = None


_scope: ContextVar[_Scope | None] = ContextVar("portal_versions_scope", default=None)
# Values cached in this process: (namespace, key) → (stamp, value).
_memo: dict[tuple[str, str], tuple[int, Any]] = {}
_memo_lock = threading.Lock()


def _table() -> str:
    from disclosure_portal.models import CacheVersion

    return CacheVersion._meta.db_table


def _read_all(using: str) -> dict[str, int]:
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT namespace, version FROM {_table()}")  # noqa: S608 (a model's table)
        return dict(cursor.fetchall())


def _in_transaction(conn: Any) -> bool:
    """Inside a transaction that will commit or roll back (a test case's own wrapping block,
    which plays the part of autocommit, does not count, as for ``durable`` blocks)."""
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


def _dirty(using: str) -> set[str]:
    """Namespaces bumped by the connection's open transaction. Once it has ended (committed
    or rolled back) they are forgotten, and so is this request's reading of the stamps."""
    conn = connections[using]
    dirty: set[str] | None = getattr(conn, "_portal_dirty_versions", None)
    if dirty is None:
        dirty = set()
        conn._portal_dirty_versions = dirty  # type: ignore[attr-defined]
    if dirty and not _in_transaction(conn):
        dirty.clear()
        _forget_scope()
    return dirty


def current(namespace: str, *, using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The committed stamp of ``namespace``; None while the open transaction has bumped it
    (then nothing may be cached for it)."""
    if namespace in _dirty(using):
        return None
    scope = _scope.get()
    if scope is None:
        return _read_all(using).get(namespace, 0)
    if scope.stamps is None:
        scope.stamps = _read_all(using)
    return scope.stamps.get(namespace, 0)


def bump(*namespaces: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Invalidate ``namespaces`` everywhere, atomically with the caller's transaction.

    One upsert per namespace (``version = version + 1``); the row lock it takes also orders
    concurrent changes, so no two commits publish the same stamp. A missing row starts at a
    random number, not 1: after the table is emptied (a test's flush, a restore) the stamps do
    not repeat numbers that running processes cached other data under.
    """
    table = _table()
    with connections[using].cursor() as cursor:
        for namespace in namespaces:
            cursor.execute(
                f"INSERT INTO {table} (namespace, version) VALUES (%s, %s) "  # noqa: S608
                f"ON CONFLICT (namespace) DO UPDATE SET version = {table}.version + 1",
                [namespace, secrets.randbits(48)],
            )
    if _in_transaction(connections[using]):
        _dirty(using).update(namespaces)
    else:
        _forget_scope()


def bump_on_save(namespace: str) -> Callable[..., None]:
    """A ``post_save``/``post_delete`` receiver bumping ``namespace`` (for the admin's edits)."""

    def receiver(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
        bump(namespace, using=using)

    return receiver


def _forget_scope() -> None:
    scope = _scope.get()
    if scope is not None:
        scope.stamps = None  # this request sees its own committed change


def cached[T](namespace: str, key: str, load: Callable[[], T]) -> T:
    """``load()``, remembered in this process while ``namespace`` stays at its stamp."""
    stamp = current(namespace)
    if stamp is None:
        return load()
    memo_key = (namespace, key)
    hit = _memo.get(memo_key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    value = load()
    # One entry per key, the last stored wins: a hit needs the exact stamp, so an entry stored
    # by a thread that read an older stamp is only ever a miss, never a wrong answer.
    with _memo_lock:
        _memo[memo_key] = (stamp, value)
    return value


def persisted[T](namespace: str, key: str, load: Callable[[], T]) -> T:
    """Like :func:`cached`, and kept in the database (``CachedValue``) for every process, so a
    worker started later reads it instead of recomputing it. ``load()`` must return JSON."""
    from disclosure_portal.models import CachedValue

    def from_database() -> T:
        stamp = current(namespace)
        if stamp is None:
            return load()
        row = CachedValue.objects.filter(key=key, version=stamp).values_list("value").first()
        if row is not None:
            return row[0]
        value = load()
        # One upsert; last writer wins. A row of an older stamp is simply never matched again.
        CachedValue.objects.bulk_create(
            [CachedValue(key=key, version=stamp, value=value)],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["version", "value"],
        )
        return value

    return cached(namespace, key, from_database)


def forget() -> None:
    """Drop what this process cached (tests start each case from the database)."""
    with _memo_lock:
        _memo.clear()
    _forget_scope()


@contextmanager
def scope() -> Iterator[None]:
    """Read the stamps at most once inside the block (one request)."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


class VersionsMiddleware:
    """Gives each request one reading of the stamps, taken when first needed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with scope():
            return self.get_response(request)
