from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def _ensure_search_index(using: str = "default", **kwargs: Any) -> None:
    # A later migration that rebuilds catalog_item on SQLite drops its triggers; re-create
    # them after every migrate (notes/search.md).
    from catalog.search import ensure_search_structures

    ensure_search_structures(using)


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "政府信息公开目录"

    def ready(self) -> None:
        from catalog.models import Attachment, Guide, Item, Organ, Term, Topic
        from disclosure_portal import versions

        # Every write through the ORM (services, admin, shell) bumps the version stamps in its
        # own transaction, so every worker sees it at its next request. ``QuerySet.update()``
        # and ``bulk_create`` send no signal: their callers bump themselves.
        organs = versions.bump_on_save(versions.ORGANS)
        catalog = versions.bump_on_save(versions.CATALOG)
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(organs, sender=Organ, weak=False, dispatch_uid=f"organs-{name}")
            for model in (Organ, Item, Attachment, Guide, Topic, Term):
                uid = f"catalog-{model.__name__}-{name}"
                signal.connect(catalog, sender=model, weak=False, dispatch_uid=uid)
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="search-index")
