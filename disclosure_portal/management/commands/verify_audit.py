"""``manage.py verify_audit``: check the audit log's hash chain; non-zero exit on the first
edited, inserted or deleted row (for cron, monitoring and auditors)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from disclosure_portal import audit


class Command(BaseCommand):
    help = "校验审计日志的哈希链：发现被改动、插入或删除的记录时以非零状态退出。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"审计日志校验失败：{result.problem}（此前 {result.checked} 条完好）"
            )
        self.stdout.write(f"审计日志完整：{result.checked} 条记录，哈希链无断裂。")
