"""What ``GET /healthz`` costs a node (results: bench/healthz.md).

Through Django's test client (full middleware stack), one client, warm connections:
p50/p99 of 500 requests and the queries per request, with the task table empty and with
``--tasks`` rows in it (mostly finished, some queued and failed: a table nobody prunes).
Each probe is timed alone as well.

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE portal_h3_bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_h3_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/healthz_bench.py --tasks 100000

Refuses to write to a database whose name does not contain "bench".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure_portal.settings")
os.environ.setdefault("HTTPS", "off")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="healthz-bench-media-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_tasks_db.models import DBTaskResult, get_date_max  # noqa: E402

from disclosure_portal import health  # noqa: E402

REQUESTS = 500


def timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def fill(tasks: int) -> None:
    DBTaskResult.objects.all().delete()
    rows = []
    for n in range(tasks):
        status = "READY" if n % 1000 == 0 else "FAILED" if n % 997 == 0 else "SUCCESSFUL"
        rows.append(
            DBTaskResult(
                id=uuid.uuid4(),
                status=status,
                task_path="disclosure_portal.mail.send",
                args_kwargs={"args": [], "kwargs": {}},
                queue_name="default",
                backend_name="default",
                priority=0,
                run_after=get_date_max(),
                return_value=None,
            )
        )
        if len(rows) == 5000:
            DBTaskResult.objects.bulk_create(rows)
            rows = []
    DBTaskResult.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {DBTaskResult._meta.db_table}")


def measure(label: str) -> None:
    client = Client()
    for _ in range(20):
        assert client.get("/healthz").status_code == 200
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get("/healthz")
    p50, p99 = timed(lambda: client.get("/healthz"), REQUESTS)
    print(f"| {label} | {p50:.2f} | {p99:.2f} | {len(queries)} |")
    for name, probe in [
        ("database", health.check_database),
        ("cache", health.check_cache),
        ("storage", health.check_storage),
        ("tasks", health.task_counts),
    ]:
        p50, p99 = timed(probe, REQUESTS)
        print(f"|   probe {name} | {p50:.3f} | {p99:.3f} | |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    args = parser.parse_args()
    if "bench" not in str(connection.settings_dict["NAME"]):
        sys.exit("refusing: the database name must contain 'bench'")
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}, cache: {os.environ.get('REDIS_URL') or 'locmem'}")
    print("| task table | p50 ms | p99 ms | queries |")
    print("| --- | --- | --- | --- |")
    fill(0)
    measure("empty")
    fill(args.tasks)
    measure(f"{args.tasks:,} rows")


if __name__ == "__main__":
    main()
