"""Benchmark of the catalog import (results: bench/import.md).

Issue 11: 10,000 rows of an old system's export imported in ≤ 60 s on this machine. The file
is an XLSX with a merged title row, the usual columns (标题、索引号、文号、发布机构、成文日期、
发布日期、主题分类、体裁、有效性、正文), half the rows with an old 索引号, dates as text and as
Excel serials, and bodies of 300–1,500 characters cut from the sample annual reports in
/work/shared/seeds (or generated text when they are absent).

Measured: reading the file, validating every row (the plan), writing (``apply_import``),
and the whole ``manage.py import_items`` command; then the same file again (every row an
update). Runs on whatever database ``DATABASE_URL`` names (SQLite by default, in a temporary
file); a PostgreSQL database's name must contain "bench".

    .venv/bin/python bench/import_bench.py                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_h8 \\
        .venv/bin/python bench/import_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure_portal.settings")
SEEDS = Path("/work/shared/seeds")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def setup() -> str:
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/import_bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql" and "bench" not in connection.settings_dict["NAME"]:
        sys.exit("refusing to write to a PostgreSQL database whose name lacks 'bench'")
    call_command("migrate", verbosity=0)
    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def corpus() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    text = "".join(texts) or "政府信息公开工作年度报告" * 2000
    return text.replace("\n", "")


def workbook(rows: int, seed: int = 11) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(seed)
    text = corpus()
    book = Workbook()
    sheet = book.active
    header = ["标题", "索引号", "文号", "发布机构", "成文日期", "发布日期", "主题分类"]
    header += ["体裁", "有效性", "正文"]
    sheet.append(["导入基准局政府信息公开目录"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for n in range(rows):
        year = 2012 + n % 14
        start = rng.randrange(0, max(len(text) - 1600, 1))
        body = text[start : start + rng.randint(300, 1500)]
        formed_on = dt.date(year, 1 + n % 12, 1 + n % 27)
        formed = formed_on.isoformat()
        # Every other row: published as an Excel serial, ten days after it was formed.
        published = (formed_on - EXCEL_EPOCH).days + 10 if n % 2 else formed
        sheet.append(
            [
                f"关于{body[:12]}的通知（{n}）",
                f"OLD{year}-{n:06d}" if n % 2 == 0 else "",
                f"导基〔{year}〕{n}号",
                "导入基准局",
                formed,
                published,
                "",
                "",
                "有效",
                body,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    database = setup()

    from django.core.management import call_command

    from catalog import importing
    from catalog.models import Item, Organ

    organ, _created = Organ.objects.get_or_create(
        code="11330100MB0000001A",
        defaults={"name": "导入基准局"},
    )
    Item.objects.filter(organ=organ).delete()
    started = time.perf_counter()
    data = workbook(args.rows)
    print(
        f"database {database}; {args.rows} rows, {len(data) / 1e6:.1f} MB built in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )

    timings: dict[str, float] = {}
    start = time.perf_counter()
    table = importing.read_table(data, "bench.xlsx")
    timings["read"] = time.perf_counter() - start
    start = time.perf_counter()
    plan = importing.plan_import(table, organ)
    timings["plan"] = time.perf_counter() - start
    start = time.perf_counter()
    batch = importing.open_batch(organ=organ, actor=None, name="bench.xlsx", data=data)
    errors = [(r.number, r.errors) for r in plan.errors][:5]
    if errors:
        sys.exit(f"the generated file has errors: {errors}")
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        result = profile.runcall(importing.apply_import, plan, actor=None, batch=batch)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    else:
        result = importing.apply_import(plan, actor=None, batch=batch)
    timings["apply"] = time.perf_counter() - start
    print(f"first import: {result}", flush=True)

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        file.write(data)
        file.flush()
        start = time.perf_counter()
        call_command("import_items", file.name, organ=organ.code, stdout=io.StringIO())
        timings["re-import of the same file (command; every row found, none changed)"] = (
            time.perf_counter() - start
        )
    imported = Item.objects.filter(organ=organ).count()
    print("\n| step | seconds |\n|---|---:|")
    for step, seconds in timings.items():
        print(f"| {step} | {seconds:.1f} |")
    print(f"| first import, read + plan + apply | {sum(list(timings.values())[:3]):.1f} |")
    print(f"\nitems of the organ after both imports: {imported}; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
