"""``manage.py import_items FILE.(xlsx|csv) --organ CODE [--attachments DIR|ZIP] [--dry-run]``

Imports an old system's catalog into an organ's 目录 (catalog.importing): every row or none,
unless ``--valid-only``; ``--map 列名=字段`` maps columns the automatic mapping does not know
(字段: title, index_no, doc_number, formed_on, published_on, topic, genre, validity, body, …;
an empty 字段 ignores the column). Prints the validation report row by row, in Chinese.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog import importing
from catalog.models import Organ
from catalog.templatetags.review import finding_kind, finding_where


class Command(BaseCommand):
    help = "从旧系统导出的Excel（.xlsx）或CSV文件导入政府信息公开目录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的.xlsx或.csv文件")
        parser.add_argument("--organ", required=True, help="导入机关的统一社会信用代码")
        parser.add_argument("--attachments", help="附件所在的文件夹或ZIP压缩包")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument(
            "--valid-only", action="store_true", help="仅导入无误的行（默认有错误则全部不导入）"
        )
        parser.add_argument(
            "--map", action="append", default=[], metavar="列名=字段", help="指定列对应关系"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organ = Organ.objects.filter(code=options["organ"]).first()
        if organ is None:
            raise CommandError(f"找不到统一社会信用代码为{options['organ']}的行政机关。")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            data = importing.read_upload(path.open("rb"), path.name, path.stat().st_size)
            table = importing.read_table(data, path.name)
            mapping = self._mapping(table, options["map"])
            source = (
                importing.AttachmentSource(Path(options["attachments"]))
                if options["attachments"]
                else None
            )
            plan = importing.plan_import(table, organ, mapping=mapping, attachments=source)
        except importing.ImportFileError as error:
            raise CommandError(str(error)) from error
        self._report(plan)
        if options["dry_run"]:
            self.stdout.write("试运行：未写入任何数据。")
            return
        batch = importing.open_batch(organ=organ, actor=None, name=path.name, data=data)
        try:
            done = importing.apply_import(
                plan, actor=None, batch=batch, valid_only=options["valid_only"], attachments=source
            )
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增{done['create']}条，更新{done['update']}条，"
                f"未变{done['unchanged']}条，"
                f"跳过有错误的{done['skipped']}行。"
            )
        )

    def _mapping(self, table: importing.Table, pairs: list[str]) -> dict[str, str] | None:
        if not pairs:
            return None
        mapping, _unmapped = importing.guess_mapping(table.header)
        for pair in pairs:
            column, sep, field = pair.partition("=")
            if not sep or column.strip() not in table.header:
                raise CommandError(f"--map {pair}：表头中没有该列。")
            mapping[column.strip()] = field.strip()
        return mapping

    def _report(self, plan: importing.Plan) -> None:
        mapped = "，".join(f"{c}→{importing.FIELD_LABELS[f]}" for c, f in plan.mapping.items())
        self.stdout.write(f"列对应：{mapped}")
        if plan.unmapped:
            self.stdout.write(f"未使用的列：{'、'.join(plan.unmapped)}")
        labels = {"create": "新增", "update": "更新", "unchanged": "未变", "error": "错误"}
        for row in plan.rows:
            notes = row.errors + row.warnings
            notes += [
                f"疑似个人信息（{finding_kind(f['kind'])}，{finding_where(f['where'])}）：{f['excerpt']}"
                for f in row.findings
            ]
            if row.action == "error" or notes:
                self.stdout.write(
                    f"第{row.number}行 {labels[row.action]} {row.title}：{'；'.join(notes)}"
                )
        counts = plan.counts()
        self.stdout.write(
            f"共{counts['rows']}行：新增{counts['create']}，更新{counts['update']}，"
            f"未变{counts['unchanged']}，错误{counts['error']}，"
            f"疑似个人信息{counts['findings']}处。"
        )
