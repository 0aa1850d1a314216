from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def _invalidate_tree(**kwargs: Any) -> None:
    from catalog.organs import invalidate

    invalidate()


def _ensure_search_index(using: str = "default", **kwargs: Any) -> None:
    # A later migration that rebuilds catalog_item on SQLite drops its triggers; re-create
    # them after every migrate (notes/search.md).
    from catalog.search import ensure_search_structures

    ensure_search_structures(using)


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "政府信息公开目录"

    def ready(self) -> None:
        from catalog.models import Organ

        post_save.connect(_invalidate_tree, sender=Organ, dispatch_uid="organ-tree-save")
        post_delete.connect(_invalidate_tree, sender=Organ, dispatch_uid="organ-tree-delete")
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="search-index")
