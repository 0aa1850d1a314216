"""Django admin for the report shelf (data fixes; uploads go through /staff/reports/archive/)."""

from __future__ import annotations

from django.contrib import admin

from reports.shelf_models import ArchivedReport


@admin.register(ArchivedReport)
class ArchivedReportAdmin(admin.ModelAdmin):
    list_display = ["title", "organ", "year", "format", "file_name", "published_on"]
    list_filter = ["format", "year"]
    search_fields = ["title", "organ__name"]
    readonly_fields = ["file", "file_name", "content_type", "extension", "created_by", "created_at"]
