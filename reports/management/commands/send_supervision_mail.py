"""``manage.py send_supervision_mail [--date YYYY-MM-DD]``: the weekly supervision digest to
each government's 政务公开办 and the statutory report-date reminders (reports.supervision_mail).
Run weekly by cron or a systemd timer on any number of nodes: each mail is claimed once."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from reports.supervision_mail import send_supervision_mail
from requests_app.services import local_today


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError("日期格式应为YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "每周发送政务公开监督摘要和年度报告法定期限提醒。"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--date", type=_date, default=None, help="按指定日期计算（测试用）")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = send_supervision_mail(options["date"] or local_today())
        self.stdout.write(
            f"监督摘要{summary.digests}封，年报期限提醒{summary.report_reminders}封，"
            f"本周已发送而跳过{summary.already_sent}封。"
        )
