"""``manage.py import_report_archive FOLDER [--organ CODE]``: put a folder of past annual
reports on the report shelf in one go (reports.shelf.import_folder).

Each PDF, DOCX, HTML or TXT file is one report; its year comes from the file name
(``2015.pdf``, ``某局2016年政府信息公开工作年度报告.docx``). Its organ is ``--organ``, or, for a
folder of several organs, the 统一社会信用代码 naming the sub-folder the file is in. Importing
again replaces the report of the same organ and year.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.models import Organ
from reports import shelf


class Command(BaseCommand):
    help = "把一个文件夹中的往年政府信息公开工作年度报告一次导入报告存档。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="报告文件所在的文件夹")
        parser.add_argument("--organ", help="所属机关的统一社会信用代码（不指定则按子文件夹名）")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"找不到文件夹：{folder}")
        organ = None
        if options["organ"]:
            organ = Organ.objects.filter(code=options["organ"]).first()
            if organ is None:
                raise CommandError(f"找不到统一社会信用代码为{options['organ']}的行政机关。")
        result = shelf.import_folder(folder, organ=organ)
        for line in result.errors:
            self.stderr.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入{len(result.saved)}份报告，{len(result.errors)}个文件未导入。"
            )
        )
