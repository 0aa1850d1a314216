"""Benchmarks of the answer deadlines on PostgreSQL (results: bench/deadlines.md).

(a) ``requests_app.services.recompute_due_dates()`` over 100,000 open applications after a
    calendar change (next year's holiday schedule entered and the year marked complete);
    target ≤ 10 s.
(b) The staff queue ``GET /api/v1/applications/?page_size=20`` (ordered by ``due_on``) as a
    staff member of the root organ, through Django's test Client; p50/p95 over 50 requests;
    target p95 ≤ 150 ms. The ORM query behind it is timed as well, and its plan printed.

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE portal_bench_req'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_req \\
        .venv/bin/python bench/deadlines_bench.py --applications 100000

Re-runnable: generation is skipped when the database already holds ``--applications``
applications (``--force`` empties the application tables and generates again). The script
refuses to write to a database whose name does not contain "bench".
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure_portal.settings")
os.environ.setdefault("HTTPS", "off")
os.environ.setdefault("THROTTLE_ANON", "100000000/min")
os.environ.setdefault("THROTTLE_USER", "100000000/min")

SEED = 20261215
# "Today" of the benchmark: mid-December, when open deadlines run into next January.
TODAY = dt.date(2026, 12, 15)
# Receipt dates of the open applications: the last ~40 working days, some overdue.
RECEIVED_FROM = dt.date(2026, 10, 12)
NEXT_YEAR = TODAY.year + 1
# A hypothetical 2027 schedule, for the benchmark only (the real notice decides): 元旦 on
# Friday 1 January, a Spring Festival break on weekdays with two adjusted Saturdays.
SCHEDULE_2027: list[tuple[dt.date, bool, str]] = [
    (dt.date(2027, 1, 1), False, "元旦"),
    *[(dt.date(2027, 2, d), False, "春节") for d in (8, 9, 10, 11, 12)],
    (dt.date(2027, 2, 6), True, "春节调休上班"),
    (dt.date(2027, 2, 20), True, "春节调休上班"),
]
ORGANS = 30  # departments under the root government
BATCH = 5_000
QUEUE_REQUESTS = 50
QUEUE_WARMUP = 5


def setup_django() -> None:
    import django

    django.setup()


def guard_database() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("deadlines_bench.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to fill database {name!r}: its name must contain 'bench'")
    return name


def migrate() -> float:
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    return time.perf_counter() - start


# --- Data ---------------------------------------------------------------------------------


def _credit_code(serial: int) -> str:
    from catalog.validators import credit_code_check_character

    first17 = f"11330100{serial:08d}X"[:17]
    return first17 + credit_code_check_character(first17)


def make_organs() -> list[Any]:
    from catalog.models import Organ

    root, _created = Organ.objects.get_or_create(
        code=_credit_code(90_000_000), defaults={"name": "基准市人民政府"}
    )
    children = list(Organ.objects.filter(parent=root).order_by("id"))
    for n in range(len(children), ORGANS):
        children.append(
            Organ.objects.create(
                code=_credit_code(90_000_001 + n), name=f"基准市第{n + 1}局", parent=root
            )
        )
    return [root, *children]


def make_staff(root: Any) -> Any:
    from django.contrib.auth import get_user_model

    from catalog.models import StaffProfile

    user, created = get_user_model().objects.get_or_create(username="bench-queue")
    if created:
        user.set_unusable_password()
        user.save()
        StaffProfile.objects.create(user=user, organ=root, roles=["handler", "approver"])
    return user


def _workdays(start: dt.date, end: dt.date) -> list[dt.date]:
    from requests_app.calendar import current_calendar

    cal = current_calendar()
    days, d = [], start
    while d <= end:
        if cal.is_workday(d):
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def _plan(rng: random.Random, received: dt.date, workdays: list[dt.date]) -> dict[str, Any]:
    """One open application's status, extension and clock events (type, date)."""
    later = [d for d in workdays if d > received] or [received]
    roll = rng.random()
    events: list[tuple[str, dt.date]] = [("received", received)]
    status, extension = "received", 0
    if roll < 0.05:
        status = "awaiting_correction"
        events.append(("request-correction", rng.choice(later[:7] or later)))
    elif roll < 0.15:
        status = "consulting"
        events.append(("start-consultation", rng.choice(later)))
    elif roll < 0.20:
        status = "awaiting_fee"
        events.append(("issue-fee-notice", rng.choice(later)))
    elif roll < 0.30:
        # A finished consultation: a closed pause.
        start = rng.randrange(len(later))
        end = min(len(later) - 1, start + rng.randint(1, 10))
        events += [("start-consultation", later[start]), ("end-consultation", later[end])]
    if status == "received" and rng.random() < 0.08:
        extension = rng.choice((5, 10, 15, 20))
        events.append(("extend", rng.choice(later)))
    events.sort(key=lambda e: e[1])
    return {"status": status, "extension": extension, "events": events}


def generate(total: int, organs: list[Any], seed: int) -> float:
    """Bulk-insert ``total`` open applications and their events (bulk_create, batches)."""
    from django.db import transaction

    from requests_app.models import Application, Event

    rng = random.Random(seed)
    workdays = _workdays(RECEIVED_FROM, TODAY)
    start = time.perf_counter()
    made = 0
    while made < total:
        size = min(BATCH, total - made)
        plans, applications = [], []
        for i in range(size):
            n = made + i
            received = rng.choice(workdays)
            plan = _plan(rng, received, workdays)
            plans.append(plan)
            person = rng.random() < 0.8
            applications.append(
                Application(
                    organ=organs[n % len(organs)],
                    tracking_code=f"BENCH{n:011d}",
                    channel="online",
                    applicant_type="natural_person" if person else "commercial",
                    name=f"申请人{n}" if person else "",
                    organization="" if person else f"基准企业{n}有限公司",
                    description="关于本市道路维修工程招标文件及评标报告的政府信息",
                    delivery_form="electronic",
                    delivery_method="email",
                    first_received_on=received,
                    received_on=received,
                    status=plan["status"],
                    extension_workdays=plan["extension"],
                    # Placeholder: the first recompute below stores the real fold.
                    due_on=None,
                )
            )
        with transaction.atomic():
            Application.objects.bulk_create(applications)
            Event.objects.bulk_create(
                [
                    Event(
                        application=a,
                        type=kind,
                        date=day,
                        data={"workdays": plan["extension"]} if kind == "extend" else {},
                    )
                    for a, plan in zip(applications, plans, strict=True)
                    for kind, day in plan["events"]
                ],
                batch_size=BATCH,
            )
        made += size
        print(f"  {made:>7} / {total}", end="\r", flush=True)
    print()
    return time.perf_counter() - start


def reset_applications() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE requests_app_event, requests_app_remindersent, requests_app_appeal, "
            "requests_app_applicationattachment, requests_app_application CASCADE"
        )


def application_count() -> int:
    from requests_app.models import Application

    return Application.objects.count()


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE requests_app_application")
        cursor.execute("VACUUM ANALYZE requests_app_event")


# --- (a) recompute after a calendar change -------------------------------------------------


def set_next_year(entered: bool) -> None:
    """Enter (or remove) next year's schedule and its completion mark, as the admin does."""
    from requests_app.calendar import invalidate
    from requests_app.models import CalendarOverride, CalendarYear

    days = [d for d, _w, _n in SCHEDULE_2027]
    CalendarOverride.objects.filter(date__in=days).delete()
    CalendarYear.objects.filter(year=NEXT_YEAR).delete()
    if entered:
        CalendarOverride.objects.bulk_create(
            [CalendarOverride(date=d, is_workday=w, note=n) for d, w, n in SCHEDULE_2027]
        )
        CalendarYear.objects.create(year=NEXT_YEAR)
    invalidate()


def timed_recompute() -> tuple[float, int]:
    from requests_app import services

    start = time.perf_counter()
    changed = services.recompute_due_dates(today=TODAY)
    return time.perf_counter() - start, changed


def bench_recompute(rounds: int) -> dict[str, Any]:
    results: dict[str, Any] = {"rounds": []}
    set_next_year(False)
    seconds, changed = timed_recompute()
    results["initial_fill"] = {"seconds": seconds, "changed": changed}
    print(f"  initial fill (2027 uncovered): {seconds:.2f} s, {changed} changed")
    for n in range(rounds):
        set_next_year(True)
        enter_s, enter_changed = timed_recompute()
        noop_s, noop_changed = timed_recompute()
        set_next_year(False)
        revert_s, revert_changed = timed_recompute()
        print(
            f"  round {n + 1}: enter 2027 {enter_s:.2f} s ({enter_changed} changed); "
            f"no-op {noop_s:.2f} s ({noop_changed}); revert {revert_s:.2f} s ({revert_changed})"
        )
        results["rounds"].append(
            {
                "enter": {"seconds": enter_s, "changed": enter_changed},
                "noop": {"seconds": noop_s, "changed": noop_changed},
                "revert": {"seconds": revert_s, "changed": revert_changed},
            }
        )
    set_next_year(True)
    timed_recompute()
    return results


# --- (b) the staff queue -------------------------------------------------------------------


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": q[94] * 1000,
        "max_ms": ordered[-1] * 1000,
        "min_ms": ordered[0] * 1000,
    }


def _time(fn: Callable[[], Any], n: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def bench_queue(user: Any, organs: list[Any]) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import F
    from django.test import Client

    from requests_app.models import OPEN_STATUSES, Application

    client = Client()
    client.force_login(user)
    url = "/api/v1/applications/?page_size=20"
    first = client.get(url)
    result: dict[str, Any] = {"url": url, "status": first.status_code}
    if first.status_code == 200:
        body = first.json()
        result["count"] = body.get("count")
        result["first_due_on"] = [r.get("due_on") for r in body.get("results", [])[:3]]

        def request() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        result["api"] = _percentiles(_time(request, QUEUE_REQUESTS, QUEUE_WARMUP))
    else:
        result["api"] = None
        print(f"  API answered {first.status_code}: measuring the ORM query only")

    # The staff desk's HTML queue (/staff/applications/: 50 rows a page, due date first).
    page_url = "/staff/applications/"
    page_status = client.get(page_url).status_code
    result["page_url"] = page_url
    if page_status == 200:

        def page() -> None:
            response = client.get(page_url)
            assert response.status_code == 200, response.status_code

        result["page"] = _percentiles(_time(page, QUEUE_REQUESTS, QUEUE_WARMUP))
    else:
        result["page"] = None
        print(f"  the queue page answered {page_status}")

    organ_ids = [o.pk for o in organs]

    def orm() -> None:
        qs = Application.objects.filter(
            organ_id__in=organ_ids, status__in=OPEN_STATUSES
        ).select_related("organ", "assigned_to")
        list(qs.order_by("due_on", "id")[:20])
        qs.count()

    result["orm_open_due_on"] = _percentiles(_time(orm, QUEUE_REQUESTS, QUEUE_WARMUP))
    queue = (
        Application.objects.filter(organ_id__in=organ_ids)
        .select_related("organ", "assigned_to")
        .order_by(F("due_on").asc(nulls_last=True), "id")[:20]
    )
    sql, params = queue.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        result["plan"] = [row[0] for row in cursor.fetchall()]
    return result


@contextlib.contextmanager
def temporary_due_index() -> Iterator[None]:
    """The index the queue's ORDER BY due_on, id could walk (not in the models: an
    experiment on the benchmark database only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_tmp_due_id ON requests_app_application (due_on, id)"
        )
        cursor.execute("ANALYZE requests_app_application")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS bench_tmp_due_id")


def _report_queue(result: dict[str, Any]) -> dict[str, Any]:
    for key in ("api", "page", "orm_open_due_on"):
        if result.get(key):
            q = result[key]
            print(f"  {key}: p50 {q['p50_ms']:.1f} ms, p95 {q['p95_ms']:.1f} ms")
    print("\n".join("    " + line for line in result["plan"]))
    return result


def machine() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "cpu": cpu,
        "cpus": str(os.cpu_count()),
        "postgresql": version.split(" on ")[0],
        # A shared machine: the load when the run started tells how noisy the numbers are.
        "loadavg_1_5_15": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--force", action="store_true", help="empty and generate again")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument(
        "--queue-only", action="store_true", help="skip (a), measure the staff queue only"
    )
    parser.add_argument(
        "--try-due-index",
        action="store_true",
        help="also measure the queue with a temporary index on (due_on, id), then drop it",
    )
    args = parser.parse_args()

    setup_django()
    name = guard_database()
    print(f"database {name}: migrating")
    migrate_s = migrate()
    organs = make_organs()
    user = make_staff(organs[0])
    generate_s = None
    if args.force or application_count() != args.applications:
        reset_applications()
        print(f"generating {args.applications} open applications")
        generate_s = generate(args.applications, organs, SEED)
        vacuum_analyze()
    from requests_app.models import Event

    results: dict[str, Any] = {
        "machine": machine(),
        "today": TODAY.isoformat(),
        "applications": application_count(),
        "events": Event.objects.count(),
        "migrate_seconds": migrate_s,
        "generate_seconds": generate_s,
    }
    if not args.queue_only:
        print("(a) recompute_due_dates after a calendar change")
        results["recompute"] = bench_recompute(args.rounds)
        vacuum_analyze()
    print("(b) staff queue")
    results["queue"] = _report_queue(bench_queue(user, organs))
    if args.try_due_index:
        print("(b') staff queue with a temporary index on (due_on, id)")
        with temporary_due_index():
            results["queue_due_index"] = _report_queue(bench_queue(user, organs))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
