"""``manage.py build_annual_report --organ CODE --year 2026 [--tree]``.

Prints tables 二、三、四 of an organ's annual report as they stand now (computed from the
catalog and the applications, with the reporter's figures of the draft) and the result of every
balance check (regulation.md §2.6). Exits non-zero when a check of error severity fails — the
report could not be published — so that a cron job or CI can alert on it. Nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.models import Organ
from reports.checks import ERROR, has_errors
from reports.models import AnnualReport, Scope
from reports.services import report_checks, validate_year
from reports.statistics import compute_figures
from reports.text import render_text

SEVERITY_LABELS = {"error": "错误", "warning": "提示"}


class Command(BaseCommand):
    help = "输出某机关某年度政府信息公开工作年度报告的统计表及校验结果；校验出错时以非零状态退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organ", required=True, help="机关的统一社会信用代码")
        parser.add_argument("--year", required=True, type=int, help="报告年度，如 2026")
        parser.add_argument(
            "--tree", action="store_true", help="汇总本机关及所属机关（默认仅本机关）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organ = Organ.objects.filter(code=options["organ"]).first()
        if organ is None:
            raise CommandError(f"未找到统一社会信用代码为 {options['organ']} 的行政机关。")
        try:
            year = validate_year(options["year"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.message_dict["year"])) from None
        scope = Scope.TREE.value if options["tree"] else Scope.ORGAN.value

        report = AnnualReport.objects.filter(organ=organ, year=year, scope=scope).first()
        if report is None:  # nothing entered yet: the reporter's figures are all zero
            report = AnnualReport(organ=organ, year=year, scope=scope)
        figures = compute_figures(organ, year, scope=scope, manual=report.manual)
        self.stdout.write(render_text(figures, organ_name=organ.name, year=year, scope=scope))

        failures = report_checks(report, figures=figures)
        self.stdout.write("校验结果：")
        if not failures:
            self.stdout.write(self.style.SUCCESS("全部校验通过。"))
        for failure in failures:
            line = (
                f"[{SEVERITY_LABELS.get(failure.severity, failure.severity)}] "
                f"{failure.rule} {failure.cell}：{failure.message}"
            )
            style = self.style.ERROR if failure.severity == ERROR else self.style.WARNING
            self.stdout.write(style(line))
        if has_errors(failures):
            errors = sum(1 for f in failures if f.severity == ERROR)
            raise CommandError(f"{errors}项校验未通过，该年度报告不能发布。")
        if failures:
            self.stdout.write(self.style.SUCCESS("没有阻止发布的错误。"))
