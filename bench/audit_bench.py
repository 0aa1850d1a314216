"""Benchmark of the audit log (results: bench/audit.md).

(a) Appending: ``audit.record`` from 1 and from 4 concurrent writers (threads, each its own
    connection), entries per second. Writers queue on the chain's head row, so this is the
    ceiling of audited changes per second for the whole deployment.
(b) ``manage.py verify_audit``'s walk (``audit.verify``) over everything written, rows/second.

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE portal_h5_bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_h5_bench \\
        .venv/bin/python bench/audit_bench.py --entries 20000

The audit tables are emptied first. The script refuses to write to a database whose name
does not contain "bench".
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure_portal.settings")
os.environ.setdefault("HTTPS", "off")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--changes", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("refusing to write to a database whose name does not contain 'bench'")
    call_command("migrate", verbosity=0)

    from disclosure_portal import audit
    from disclosure_portal.models import AuditEntry, AuditHead

    AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)
    AuditHead.objects.all().delete()
    payload = {"title": "关于进一步做好政府信息公开工作的通知", "status": "published"}

    from django.db import transaction

    quarter = args.entries // 4
    start = time.perf_counter()
    for i in range(quarter):
        audit.record("bench.single", object_type="catalog.item", object_id=i, after=payload)
    single = quarter / (time.perf_counter() - start)

    # As in the portal: the entry rides in the transaction of the change it records, so it
    # adds its statements but no commit of its own (here: 100 changes per transaction).
    start = time.perf_counter()
    for block in range(quarter // 100):
        with transaction.atomic():
            for i in range(100):
                audit.record("bench.in_tx", object_type="catalog.item", object_id=block * 100 + i)
    in_transaction = (quarter // 100) * 100 / (time.perf_counter() - start)
    half = 2 * quarter

    per_writer = (args.entries - half) // args.writers

    def writer() -> None:
        from django.db import connection as own

        for i in range(per_writer):
            audit.record("bench.concurrent", object_type="catalog.item", object_id=i, after=payload)
        own.close()

    threads = [threading.Thread(target=writer) for _ in range(args.writers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent = per_writer * args.writers / (time.perf_counter() - start)

    # What an audited change costs: the same guide update (a real service, one transaction)
    # with the audit hooks connected and disconnected.
    from django.db.models.signals import post_save, pre_save

    from catalog import services
    from catalog.models import Guide, Organ
    from disclosure_portal import audit_hooks

    organ = Organ.objects.filter(code="91330100MA2BENCH0X").first() or Organ.objects.create(
        code="91330100MA2BENCH0X", name="基准测试机关"
    )

    def guide_updates(n: int) -> float:
        start = time.perf_counter()
        for i in range(n):
            services.guide_update(actor=None, organ=organ, data={"phone": f"0571-{i:08d}"})
        return (time.perf_counter() - start) / n * 1000

    guide_updates(20)  # warm up
    with_audit = guide_updates(args.changes)
    pre_save.disconnect(sender=Guide, dispatch_uid="audit:catalog.guide")
    post_save.disconnect(sender=Guide, dispatch_uid="audit:catalog.guide")
    without_audit = guide_updates(args.changes)
    pre_save.connect(audit_hooks._before_save, sender=Guide, dispatch_uid="audit:catalog.guide")
    post_save.connect(audit_hooks._after_save, sender=Guide, dispatch_uid="audit:catalog.guide")

    start = time.perf_counter()
    result = audit.verify()
    verify_seconds = time.perf_counter() - start
    assert result.ok, result.problem

    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, {connection.vendor}")
    print(f"entries: {result.checked}")
    print(f"append, 1 writer, own transaction each: {single:,.0f} entries/s")
    print(f"append, 1 writer, inside the change's transaction: {in_transaction:,.0f} entries/s")
    print(
        f"append, {args.writers} writers, own transaction each: {concurrent:,.0f} entries/s "
        "(chain intact)"
    )
    print(
        f"guide update (service, one transaction): {without_audit:.2f} ms without audit, "
        f"{with_audit:.2f} ms with its entry (+{with_audit - without_audit:.2f} ms)"
    )
    print(
        f"verify: {verify_seconds:.2f} s, {result.checked / verify_seconds:,.0f} rows/s "
        f"(1,000,000 rows ≈ {1_000_000 / (result.checked / verify_seconds):.0f} s)"
    )


if __name__ == "__main__":
    main()
