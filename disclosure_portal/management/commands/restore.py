"""``manage.py restore ARCHIVE --yes``: replace the database and the media (backup.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from disclosure_portal.backup import BackupError, restore


class Command(BaseCommand):
    # Checks query the database; a backup or a restore must not depend on them.
    requires_system_checks: list[str] = []

    help = "用备份归档替换当前数据库和上传文件。请先停止所有应用节点和任务进程。"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("archive", type=Path, help="manage.py backup 生成的归档文件")
        parser.add_argument(
            "--yes", action="store_true", help="确认覆盖当前数据库和上传文件（不可撤销）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not options["yes"]:
            raise CommandError("恢复将覆盖当前数据库和上传文件；确认无误后请加 --yes 重新运行。")
        if not archive.is_file():
            raise CommandError(f"找不到归档文件：{archive}")
        try:
            manifest = restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已从 {archive} 恢复（备份时间 {manifest['created_at']}）。")
