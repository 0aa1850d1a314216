"""``manage.py backup ARCHIVE``: the database and the media in one archive (backup.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from disclosure_portal.backup import BackupError, backup


class Command(BaseCommand):
    # Checks query the database; a backup or a restore must not depend on them.
    requires_system_checks: list[str] = []

    help = "将数据库和上传文件备份到一个归档文件（.tar.gz）。"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "archive", type=Path, help="归档文件路径，例如 backup-2026-12-05.tar.gz"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        try:
            manifest = backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已备份 {manifest['vendor']} 数据库"
            + ("及上传文件" if manifest["media"] else "（上传文件在对象存储中，未包含）")
            + f"：{archive}"
        )
