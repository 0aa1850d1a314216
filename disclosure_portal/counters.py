"""Shared, atomic rate counters for every throttle (API, /apply/, /track/, staff login).

Every process of every node counts in one place, in every configuration (api.md, "Running on
several processes and machines"):

- with ``REDIS_URL``: Redis, ``INCR`` + ``EXPIRE`` in one round trip;
- without it, or while Redis is unreachable: the database, one
  ``INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING`` per hit (SQLite ≥ 3.35 and
  PostgreSQL). An outage of Redis moves the counting to the database for a few seconds at a
  time; it never lets requests through uncounted.

An increment, not DRF's read-then-write list of timestamps, which loses hits when two workers
write the list at once.

**Sliding window (two fixed windows, weighted).** A hit counts in the window of
``period`` seconds it falls in; the estimate is ``current + previous × (share of the previous
window still inside the last period)``. Unlike one fixed window, a client cannot spend two
budgets across a window's edge; unlike a log of timestamps, it costs one counter per window.
During a client's first window the estimate is exact.

Identities are used as given: callers hash personal data first (``requests_app.throttling``).
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

KEY_PREFIX = "portal:counter:"
# After a Redis error, count in the database for this long before trying Redis again, so an
# outage costs one timeout every few seconds, not one per request.
REDIS_RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.25
# One database hit in this many also deletes the expired rows (an indexed range delete).
CLEANUP_ONE_IN = 200

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(rate: str) -> Rate:
    """``"10/hour"`` → ``Rate(10, 3600)``; the period's first letter counts, as in DRF."""
    count, _, period = rate.partition("/")
    period = period.strip().lower()
    if not count.strip().isdigit() or not period or period[0] not in _PERIODS:
        raise ValueError(f"invalid throttle rate: {rate!r}")
    return Rate(int(count), _PERIODS[period[0]])


def configured_rate(scope: str, fallback: str | None = None) -> Rate | None:
    """The rate of ``scope`` in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (the one table of
    rates for the API and the pages); None (no limit) when set to an empty value."""
    rates = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES", {})
    rate = rates.get(scope, fallback)
    return parse_rate(rate) if rate else None


@dataclass(frozen=True, slots=True)
class Usage:
    """The sliding-window estimate of the hits in the last period, and when it drops."""

    hits: float
    window_ends_in: float

    def over(self, rate: Rate) -> bool:
        """Whether the hits exceed the limit (a part of a hit from the previous window
        counts as a whole one: never more than the limit in any period)."""
        return self._whole() > rate.limit

    def exhausted(self, rate: Rate) -> bool:
        """Whether one more hit would exceed the limit."""
        return self._whole() >= rate.limit

    def _whole(self) -> int:
        return math.ceil(self.hits - 1e-9)


def _windows(scope: str, ident: str, rate: Rate, now: float) -> tuple[str, str, float, int]:
    index = int(now // rate.seconds)
    elapsed = now - index * rate.seconds
    base = f"{scope}:{ident}:"
    weight = (rate.seconds - elapsed) / rate.seconds
    return base + str(index), base + str(index - 1), weight, index


def hit(scope: str, ident: str, rate: Rate, *, now: float | None = None) -> Usage:
    """Count one hit of ``ident`` in ``scope`` and return the usage including it."""
    now = time.time() if now is None else now
    current, previous, weight, index = _windows(scope, ident, rate, now)
    # A window's counter is read during the next window too.
    expires_at = (index + 2) * rate.seconds
    counts = _redis_hit(current, previous, expires_at, now)
    if counts is None:
        counts = _database_hit(current, previous, expires_at, now)
    ends_in = (index + 1) * rate.seconds - now
    return Usage(counts[0] + counts[1] * weight, ends_in)


def peek(scope: str, ident: str, rate: Rate, *, now: float | None = None) -> Usage:
    """The usage of ``ident`` in ``scope``, counting nothing."""
    now = time.time() if now is None else now
    current, previous, weight, index = _windows(scope, ident, rate, now)
    counts = _redis_peek(current, previous)
    if counts is None:
        counts = _database_peek(current, previous, now)
    return Usage(counts[0] + counts[1] * weight, (index + 1) * rate.seconds - now)


# --- Redis ----------------------------------------------------------------------------------

_redis_lock = threading.Lock()
_redis_client: Any = None
_redis_url = ""
_redis_down_until = 0.0


def _redis() -> Any:
    """This process's client for ``REDIS_URL`` (None without it or during an outage)."""
    global _redis_client, _redis_url
    url = getattr(settings, "REDIS_URL", "")
    if not url or time.monotonic() < _redis_down_until:
        return None
    if _redis_client is None or url != _redis_url:
        import redis

        with _redis_lock:
            _redis_client = redis.Redis.from_url(
                url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            _redis_url = url
    return _redis_client


def _redis_failed(error: Exception) -> None:
    global _redis_down_until
    _redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
    logger.warning("Redis unreachable, throttles count in the database for now: %s", error)


def _redis_hit(current: str, previous: str, expires_at: int, now: float) -> tuple[int, int] | None:
    client = _redis()
    if client is None:
        return None
    import redis

    try:
        pipe = client.pipeline(transaction=False)
        pipe.incr(KEY_PREFIX + current)
        # A lifetime relative to ``now`` (not EXPIREAT): Redis's clock need not be ours.
        pipe.expire(KEY_PREFIX + current, max(1, expires_at - int(now)))
        pipe.get(KEY_PREFIX + previous)
        hits, _expiry, before = pipe.execute()
    except redis.RedisError as error:
        _redis_failed(error)
        return None
    return int(hits), int(before or 0)


def _redis_peek(current: str, previous: str) -> tuple[int, int] | None:
    client = _redis()
    if client is None:
        return None
    import redis

    try:
        hits, before = client.mget([KEY_PREFIX + current, KEY_PREFIX + previous])
    except redis.RedisError as error:
        _redis_failed(error)
        return None
    return int(hits or 0), int(before or 0)


# --- The database ---------------------------------------------------------------------------


def _table() -> str:
    from disclosure_portal.models import Counter

    return Counter._meta.db_table


def _database_hit(current: str, previous: str, expires_at: int, now: float) -> tuple[int, int]:
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("key", hits, expires_at) VALUES (%s, 1, %s) '  # noqa: S608
            f'ON CONFLICT ("key") DO UPDATE SET hits = {table}.hits + 1 '
            f"RETURNING hits, "
            f'(SELECT p.hits FROM {table} p WHERE p."key" = %s AND p.expires_at > %s)',
            [current, expires_at, previous, int(now)],
        )
        hits, before = cursor.fetchone()
        if random.random() < 1 / CLEANUP_ONE_IN:
            cursor.execute(f"DELETE FROM {table} WHERE expires_at <= %s", [int(now)])  # noqa: S608
    return int(hits), int(before or 0)


def _database_peek(current: str, previous: str, now: float) -> tuple[int, int]:
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "key", hits FROM {table} WHERE "key" IN (%s, %s) AND expires_at > %s',  # noqa: S608
            [current, previous, int(now)],
        )
        found = dict(cursor.fetchall())
    return int(found.get(current, 0)), int(found.get(previous, 0))


def delete_expired(*, now: float | None = None) -> int:
    """Delete the database counters of windows that no longer count; returns how many."""
    now = time.time() if now is None else now
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table()} WHERE expires_at <= %s", [int(now)])  # noqa: S608
        return cursor.rowcount
