"""Records of catalog imports from old systems (issue 11): one row per import run, and one per
item that came from a file, so that importing the same file again updates instead of
duplicating, and so that a 索引号 taken over from the old system stays marked as legacy.

Imported by ``catalog.models`` (Django registers models from the app's models module).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ItemImport(models.Model):
    """One import run: what was read, what was decided per row, and whether it was applied."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        APPLIED = "applied", _("已导入")
        REFUSED = "refused", _("未导入")

    organ = models.ForeignKey(
        "catalog.Organ", verbose_name=_("导入机关"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    # The uploaded file, kept between the preview and the confirmation of the staff page.
    source = models.FileField(_("文件"), upload_to="imports/", max_length=300, blank=True)
    # The ZIP of attachments uploaded with it (optional), kept likewise until the import is
    # applied, then deleted: the attachments are stored with their items by then.
    attachments_zip = models.FileField(
        _("附件压缩包"), upload_to="imports/", max_length=300, blank=True
    )
    mapping = models.JSONField(_("列对应关系"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("导入时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("目录导入")
        verbose_name_plural = _("目录导入")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["preview", "applied", "refused"]),
                name="item_import_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class ImportedItem(models.Model):
    """An item that came from an old system, found again by its key on a later import."""

    item = models.OneToOneField(
        "catalog.Item", on_delete=models.CASCADE, related_name="imported_from"
    )
    organ = models.ForeignKey("catalog.Organ", on_delete=models.CASCADE, related_name="+")
    # The old system's 索引号, or a digest of title, 文号 and 成文日期 when it had none.
    source_key = models.CharField(max_length=80)
    # The 索引号 was taken over from the old system (not issued by this portal).
    legacy_index = models.BooleanField(_("沿用原索引号"), default=False)
    batch = models.ForeignKey(ItemImport, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("导入的目录条目")
        verbose_name_plural = _("导入的目录条目")
        constraints = [
            models.UniqueConstraint(fields=["organ", "source_key"], name="imported_item_key"),
        ]

    def __str__(self) -> str:
        return self.source_key
