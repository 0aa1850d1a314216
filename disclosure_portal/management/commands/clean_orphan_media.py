"""``manage.py clean_orphan_media``: delete stored files that no row refers to.

A process killed between writing an upload and committing its row (a worker killed by the
gunicorn timeout or the OOM killer, a machine losing power) leaves the file behind with no
row; an applicant's ID scan must not stay in storage unreferenced. Every ``FileField`` of
every model is consulted, so the command knows nothing about particular apps. Only files
older than ``--min-age-minutes`` (default 60) are considered, so uploads in flight on other
nodes are never touched; deleting is idempotent, so the command is safe on every node at once
(deploy/systemd/portal-clean-media.timer).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone


def referenced_names() -> set[str]:
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.storage is default_storage:
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                    .iterator(chunk_size=5000)
                )
    return names


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing uploaded yet
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


def orphans(min_age: dt.timedelta) -> list[str]:
    # Listed before the rows are read: a file whose row commits meanwhile is then referenced.
    cutoff = timezone.now() - min_age
    candidates = [
        name
        for name in stored_names(default_storage)
        if default_storage.get_modified_time(name) < cutoff
    ]
    referenced = referenced_names()
    return [name for name in candidates if name not in referenced]


class Command(BaseCommand):
    help = "删除没有任何记录引用的上传文件（例如进程在提交前被终止时遗留的文件）。"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--min-age-minutes", type=int, default=60, help="只处理早于此时间的文件"
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出，不删除")

    def handle(self, *args: Any, **options: Any) -> None:
        found = orphans(dt.timedelta(minutes=options["min_age_minutes"]))
        for name in found:
            if not options["dry_run"]:
                default_storage.delete(name)
            self.stdout.write(name)
        verb = "发现" if options["dry_run"] else "已删除"
        self.stdout.write(f"{verb}无引用的上传文件{len(found)}个。")
