"""Cost per request of knowing whether cached data is still right (results: bench/versions.md).

Compares, on this machine, what a worker could do on each request to stay right at once:

- read the version stamps from the database (the design chosen: one query per request),
  on PostgreSQL (``--database-url``) and on SQLite (a temporary file, with and without
  opening the connection, which Django does per request on SQLite);
- ask Redis for one small key (a stamp kept in Redis instead);
- fetch the organ tree itself from a shared cache on every request (Redis, pickled);
- the process-memory lookup that follows a stamp read.

    .venv/bin/python bench/versions_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench \\
        --redis-url redis://127.0.0.1:6379/1
"""

from __future__ import annotations

import argparse
import os
import pickle
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    """Median and p99 in microseconds."""
    for _ in range(min(200, n)):
        fn()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL with the portal")
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("-n", type=int, default=5000)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure_portal.settings")
    import django

    django.setup()
    import redis
    from django.db import connection

    from catalog.organs import _load as load_tree
    from disclosure_portal import versions

    rows: list[tuple[str, float, float]] = []

    def pg_stamps() -> object:
        return versions._read_all("default")

    rows.append(
        ("PostgreSQL: SELECT the stamps (persistent connection)", *timed(pg_stamps, args.n))
    )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stamps.sqlite3"
        setup = sqlite3.connect(path)
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (namespace varchar(40) PRIMARY KEY, version bigint)")
        setup.executemany("INSERT INTO t VALUES (?, ?)", [(n, 1) for n in versions.NAMESPACES])
        setup.commit()
        setup.close()
        kept = sqlite3.connect(path)

        def sqlite_query() -> object:
            return kept.execute("SELECT namespace, version FROM t").fetchall()

        def sqlite_open_and_query() -> object:
            # Django opens a SQLite connection per request (CONN_MAX_AGE 0 in settings).
            fresh = sqlite3.connect(path)
            try:
                return fresh.execute("SELECT namespace, version FROM t").fetchall()
            finally:
                fresh.close()

        rows.append(("SQLite: SELECT the stamps (open connection)", *timed(sqlite_query, args.n)))
        rows.append(("SQLite: connect + SELECT the stamps", *timed(sqlite_open_and_query, args.n)))
        kept.close()

    client = redis.Redis.from_url(args.redis_url)
    client.set("bench:stamp", "12345")
    rows.append(("Redis: GET one stamp", *timed(lambda: client.get("bench:stamp"), args.n)))
    tree = load_tree()
    blob = pickle.dumps(tree)
    client.set("bench:tree", blob)
    rows.append(
        (
            f"Redis: GET + unpickle the organ tree ({len(tree.nodes)} organs, {len(blob):,} B)",
            *timed(lambda: pickle.loads(client.get("bench:tree")), args.n),  # noqa: S301
        )
    )
    client.delete("bench:stamp", "bench:tree")
    versions.cached(versions.ORGANS, "tree", load_tree)
    with versions.scope():
        versions.current(versions.ORGANS)
        rows.append(
            (
                "process memory: the cached tree once the stamps are read",
                *timed(lambda: versions.cached(versions.ORGANS, "tree", load_tree), args.n),
            )
        )
    connection.close()

    print(f"| per request (n = {args.n:,}) | median µs | p99 µs |")
    print("| --- | ---: | ---: |")
    for name, median, p99 in rows:
        print(f"| {name} | {median:.0f} | {p99:.0f} |")


if __name__ == "__main__":
    main()
