"""The import page of the staff workspace (/staff/items/import/): upload an old system's
export, see the first rows, adjust the column mapping, read the validation report row by row,
then confirm — all rows or, when chosen, the valid ones (catalog.importing does the work).

Only a 发布员 (``publisher``) of the organ, or a superuser, imports into an organ; an import
of an organ outside the user's reach is a 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from catalog import importing
from catalog.forms import organ_choices
from catalog.import_models import ItemImport
from catalog.models import Organ, StaffRole
from catalog.permissions import can_act, organ_ids_for
from catalog.staff_views import staff_context, staff_required
from catalog.uploads import discard_unless_committed, store_upload

PUBLISHER = StaffRole.PUBLISHER


class UploadForm(forms.Form):
    organ = forms.TypedChoiceField(label=gettext_lazy("导入机关"), coerce=int)
    file = forms.FileField(
        label=gettext_lazy("目录文件"),
        help_text=gettext_lazy("旧系统导出的Excel（.xlsx）或CSV文件，不超过50 MB。"),
    )
    attachments = forms.FileField(
        label=gettext_lazy("附件压缩包（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def __init__(self, *args: Any, organ_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organ"].choices = organ_choices(organ_ids)
        self.fields["attachments"].help_text = _(
            "ZIP压缩包，内含表格“附件”列所列的文件（按文件名对应，可放在子文件夹中）；"
            "表格和压缩包合计不超过%(limit)d MB，附件更多时请分批导入。"
        ) % {"limit": settings.REQUEST_MAX_BYTES // 1048576}
        self.source: importing.AttachmentSource | None = None

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_FILE_BYTES:
            raise ValidationError(
                _("文件超过%(limit)d MB，请拆分后分批导入。")
                % {"limit": importing.MAX_FILE_BYTES // 1048576}
            )
        return upload

    def clean_attachments(self) -> Any:
        upload = self.cleaned_data.get("attachments")
        if not upload:
            return None
        # REQUEST_MAX_BYTES refuses a larger body before it is read (413); a body sent in
        # chunks is capped at the same size.
        if upload.size > settings.REQUEST_MAX_BYTES:
            raise ValidationError(
                _("附件压缩包超过%(limit)d MB，请分批导入。")
                % {"limit": settings.REQUEST_MAX_BYTES // 1048576}
            )
        try:
            # The same checks as ``manage.py import_items --attachments``: refused as a whole
            # when unsafe (too many entries, too large expanded, names climbing out).
            self.source = importing.AttachmentSource.from_file(upload)
        except importing.ImportFileError as error:
            raise ValidationError(str(error)) from error
        return upload


def _field_choices() -> list[tuple[str, str]]:
    return [(importing.IGNORE, _("（不导入）"))] + [
        (key, label) for key, label in importing.FIELD_LABELS.items()
    ]


@staff_required(PUBLISHER)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        organ_ids=organ_ids_for(request.user, PUBLISHER),
    )
    if request.method == "POST" and form.is_valid():
        organ = get_object_or_404(Organ, pk=form.cleaned_data["organ"])
        if not can_act(request.user, organ, PUBLISHER):
            raise Http404
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            importing.read_table(data, upload.name)
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            try:
                batch = _open_batch(request, organ, upload.name, data, form)
            except ValidationError as failure:
                form.add_error(None, failure)
            else:
                importing.discard_stale_attachments()
                return redirect("staff:item_import", pk=batch.pk)
            finally:
                if form.source is not None:
                    form.source.close()
    status = 400 if form.errors else 200
    return render(
        request,
        "staff/item_import_upload.html",
        staff_context(request, form=form, recent=_recent(request)),
        status=status,
    )


def _open_batch(
    request: HttpRequest, organ: Organ, name: str, data: bytes, form: UploadForm
) -> ItemImport:
    """The batch with its spreadsheet and ZIP of attachments kept in media storage between the
    preview and the confirmation (the ZIP is deleted once applied, or once stale); a storage
    failure leaves neither file nor batch behind."""
    zipped = form.cleaned_data.get("attachments")
    with discard_unless_committed() as written, transaction.atomic():
        batch = importing.open_batch(organ=organ, actor=request.user, name=name, data=data)
        stored = f"{batch.pk}-{batch.sha256[:16]}"
        store_upload(batch.source, stored, ContentFile(data), written)
        if zipped:
            zipped.seek(0)
            store_upload(batch.attachments_zip, f"{stored}-attachments.zip", zipped, written)
        batch.save(update_fields=["source", "attachments_zip"])
    return batch


def _recent(request: HttpRequest) -> Any:
    ids = organ_ids_for(request.user, PUBLISHER)
    batches = ItemImport.objects.select_related("organ")
    if ids is not None:
        batches = batches.filter(organ_id__in=ids)
    return batches[:10]


@staff_required(PUBLISHER)
@require_http_methods(["GET", "POST"])
def import_review(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ItemImport.objects.select_related("organ"), pk=pk)
    if not can_act(request.user, batch.organ_id, PUBLISHER):
        raise Http404
    if batch.status != ItemImport.Status.PREVIEW or not batch.source:
        return render(request, "staff/item_import_review.html", staff_context(request, batch=batch))
    with batch.source.open("rb") as file:
        data = file.read()
    with _attachments(batch) as (source, error):
        return _review(request, batch, data, source, error)


@contextmanager
def _attachments(batch: ItemImport) -> Iterator[tuple[importing.AttachmentSource | None, str]]:
    """The batch's ZIP of attachments, opened from media storage, closed after the request."""
    if not batch.attachments_zip:
        yield None, ""
        return
    with batch.attachments_zip.open("rb") as file:
        source, error = None, ""
        try:
            source = importing.AttachmentSource.from_file(file)
        except importing.ImportFileError as failure:
            error = str(failure)
        try:
            yield source, error
        finally:
            if source is not None:
                source.close()


def _review(
    request: HttpRequest,
    batch: ItemImport,
    data: bytes,
    source: importing.AttachmentSource | None,
    error: str,
) -> HttpResponse:
    table = importing.read_table(data, batch.file_name)
    mapping = batch.mapping or importing.guess_mapping(table.header)[0]
    if request.method == "POST":
        mapping = {
            name: request.POST.get(f"map-{index}", "")
            for index, name in enumerate(table.header)
            if name
        }
        batch.mapping = mapping
        batch.save(update_fields=["mapping"])
    plan = None
    if not error:
        try:
            plan = importing.plan_import(table, batch.organ, mapping=mapping, attachments=source)
        except importing.ImportFileError as failure:
            error = str(failure)
    if request.method == "POST" and plan is not None and request.POST.get("action") == "import":
        try:
            done = importing.apply_import(
                plan,
                actor=request.user,
                batch=batch,
                valid_only=request.POST.get("valid_only") == "on",
                attachments=source,
            )
        except ValidationError as failure:
            error = "；".join(failure.messages)
            batch.status = ItemImport.Status.PREVIEW  # still open for another try
            batch.save(update_fields=["status"])
        else:
            messages.success(
                request,
                _(
                    "导入完成：新增%(create)d条，更新%(update)d条，未变%(unchanged)d条，跳过%(skipped)d行。"
                )
                % done,
            )
            importing.discard_attachments_zip(batch)
            return redirect(reverse("staff:item_import", args=[batch.pk]))
    columns = [
        {
            "index": index,
            "name": name,
            "field": mapping.get(name, importing.IGNORE),
        }
        for index, name in enumerate(table.header)
        if name
    ]
    context = staff_context(
        request,
        batch=batch,
        plan=plan,
        counts=plan.counts() if plan else None,
        error=error,
        columns=columns,
        choices=_field_choices(),
        preview=[
            [
                importing.preview_text(value, mapping.get(name))
                for value, name in zip(row, table.header, strict=False)
            ]
            for row in table.rows[: importing.PREVIEW_ROWS]
        ],
        header=table.header,
        report=[
            row
            for row in plan.rows
            if row.errors or row.warnings or row.findings or row.attachment_checks
        ]
        if plan
        else [],
        has_attachments=bool(batch.attachments_zip),
    )
    return render(request, "staff/item_import_review.html", context, status=400 if error else 200)
