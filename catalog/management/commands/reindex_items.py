"""Recompute ``Item.search_tokens`` for every item, then rebuild the search index.

``QuerySet.update()``, ``bulk_create()``, raw SQL and data imports bypass
``catalog.services``, which is where the tokens are normally computed
(notes/search.md); a change of the tokenizer also needs every row redone. On
PostgreSQL the stored ``search_vector`` column and its GIN index follow the tokens
by themselves; on SQLite the FTS5 table is rebuilt at the end, which also repairs it
if its triggers were ever missing.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, transaction

from catalog.models import Item
from catalog.search import ensure_search_structures, rebuild_search_index
from catalog.services import item_search_tokens

# Fields that feed the tokens (catalog.services.item_search_tokens), and the tokens.
FIELDS = ("id", "title", "doc_number", "subject_terms", "index_no", "summary", "body")


class Command(BaseCommand):
    help = "重新计算全部目录条目的检索词，并重建全文检索索引。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="每批处理的条目数（默认1000）。",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="数据库别名（默认default）。",
        )

    def handle(self, *args: Any, batch_size: int, database: str, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size 必须是正整数。")
        ensure_search_structures(database)
        items = Item.objects.using(database)
        total = items.count()
        started = time.monotonic()
        done = changed = 0
        last_id = 0
        while True:
            # Keyset pagination: stable and cheap however many rows there are.
            batch = list(
                items.filter(pk__gt=last_id)
                .order_by("pk")
                .only(*FIELDS, "search_tokens")[:batch_size]
            )
            if not batch:
                break
            changed += self._reindex(batch, database)
            done += len(batch)
            last_id = batch[-1].pk
            self.stdout.write(f"已处理 {done}/{total} 条（{time.monotonic() - started:.1f} 秒）")
        rebuild_search_index(database)
        self.stdout.write(
            self.style.SUCCESS(f"完成：共 {done} 条，其中 {changed} 条的检索词已更新，索引已重建。")
        )

    @staticmethod
    def _reindex(batch: list[Item], database: str) -> int:
        """Write the tokens that changed; an unchanged row is not rewritten (on PostgreSQL
        every update also rewrites the stored vector and its index entries)."""
        stale = []
        for item in batch:
            tokens = item_search_tokens(item)
            if tokens != item.search_tokens:
                item.search_tokens = tokens
                stale.append(item)
        if stale:
            with transaction.atomic(using=database):
                Item.objects.using(database).bulk_update(stale, ["search_tokens"])
        return len(stale)
