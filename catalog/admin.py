"""Django admin for the catalog's configuration data (README: /admin/ for configuration)."""

from __future__ import annotations

from django.contrib import admin

from catalog.import_models import ItemImport
from catalog.models import Organ


@admin.register(Organ)
class OrganAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "report_due", "publication_settings"]
    list_filter = ["report_due"]
    search_fields = ["name", "short_name", "code"]
    # The code and the tree are changed through the API's services (the cached tree).
    readonly_fields = ["code", "parent"]
    fields = [
        "code",
        "name",
        "short_name",
        "parent",
        "index_prefix",
        "position",
        "correction_period_workdays",
        "fee_pauses_clock",
        "answer_number_pattern",
        "report_due",
    ]

    @admin.display(description="补正期限／缴费暂停")
    def publication_settings(self, organ: Organ) -> str:
        return f"{organ.correction_period_workdays}日／{'是' if organ.fee_pauses_clock else '否'}"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ItemImport)
class ItemImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "organ", "status", "created_by", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ItemImport._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
