"""How long a handler waits when adding a released document, and whether the personal-data
scan finds every number in it, for realistic files: a letter-sized PDF with a 公示名单 of
residents (Song font embedded, text layer), the same as a Word table, and a 5,000-row Excel
名单 — the documents 依申请公开 answers most often release (低保、补贴、征收).

    DATABASE_URL=sqlite:////tmp/portal_bench_released.sqlite3 \\
        .venv/bin/python bench/released_files_bench.py [--repeat 3]

Each file goes through ``requests_app.services.released_file_add`` — the service behind the
staff page and ``POST /api/v1/applications/{id}/released-files/``: content check, text
extraction, the scan and the write to media storage (a temporary folder). Reported: the
median of the runs, the findings by kind against the numbers planted. Results:
bench/released_files.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure_portal.settings")

SONG = Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强红梅海燕"
STREETS = ("东城街道幸福村", "西湖街道和平社区", "江北镇红星村", "南山街道新华社区")


def resident_id(rng: random.Random) -> str:
    """An 18-digit resident ID with a valid check digit (GB 11643-1999)."""
    area = rng.choice(("330106", "330102", "110101", "440305"))
    birth = f"{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"{area}{birth}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(("138", "139", "150", "186", "177", "199"))
    return prefix + f"{rng.randint(0, 99999999):08d}"


def roster(rng: random.Random, rows: int) -> list[tuple[str, str, str, str, str]]:
    """A 公示名单: number, name, ID number, mobile, address."""
    return [
        (
            str(n),
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", rng.choice(GIVEN))),
            resident_id(rng),
            mobile(rng),
            rng.choice(STREETS),
        )
        for n in range(1, rows + 1)
    ]


def pdf_file(lines: list[tuple[str, ...]]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Song", str(SONG)))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("Song", 11)
    y = 790
    page.drawString(60, y, "临江市2026年城乡最低生活保障对象公示名单")
    for line in lines:
        y -= 18
        if y < 60:
            page.showPage()
            page.setFont("Song", 11)
            y = 790
        page.drawString(60, y, "  ".join(line))
    page.save()
    return out.getvalue()


def docx_file(lines: list[tuple[str, ...]]) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("临江市2026年城乡最低生活保障对象公示名单", level=1)
    table = document.add_table(rows=1, cols=5)
    header = ("序号", "姓名", "身份证号码", "联系电话", "住址")
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
    for line in lines:
        for cell, value in zip(table.add_row().cells, line, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_file(lines: list[tuple[str, ...]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "姓名", "身份证号码", "联系电话", "住址"])
    for line in lines:
        sheet.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "")
    if "bench" not in database:
        print("DATABASE_URL must name a database of its own (with 'bench' in its name).")
        return 2
    media = tempfile.mkdtemp(prefix="released-bench-")
    os.environ["MEDIA_ROOT"] = media

    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    settings.MEDIA_ROOT = media
    call_command("migrate", verbosity=0)

    from requests_app import services
    from requests_app.models import ReleasedFile
    from tests.factories import make_organ, make_staff
    from tests.requests_app.factories import make_application

    organ = make_organ("临江市民政局")
    handler = make_staff(organ, ["handler"])
    rng = random.Random(20261205)
    cases = [
        ("PDF, 3 pages (100 rows)", "名单.pdf", pdf_file, 100),
        ("PDF, 28 pages (1,200 rows)", "名单.pdf", pdf_file, 1200),
        ("Word table (1,000 rows)", "名单.docx", docx_file, 1000),
        ("Excel (5,000 rows)", "名单.xlsx", xlsx_file, 5000),
    ]
    print(
        f"| file | size | median of {args.repeat} | IDs found / planted | mobiles found / planted |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, name, build, rows in cases:
        lines = roster(rng, rows)
        data = build(lines)
        times = []
        found: Counter[str] = Counter()
        for _ in range(args.repeat):
            application = make_application(organ)
            upload = SimpleUploadedFile(name, data)
            started = time.perf_counter()
            released = services.released_file_add(
                actor=handler, application=application, upload=upload
            )
            times.append(time.perf_counter() - started)
            found = Counter(f["kind"] for f in released.pii_findings)
        planted_ids = planted_mobiles = rows  # one of each per row of the 名单
        print(
            f"| {label} | {len(data) / 1024:,.0f} KB | {statistics.median(times) * 1000:,.0f} ms "
            f"| {found['resident_id']:,} / {planted_ids:,} "
            f"| {found['mobile']:,} / {planted_mobiles:,} |"
        )
    ReleasedFile.objects.all().delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
