"""The import page of the staff workspace (/staff/items/import/): upload an old system's
export, see the first rows, adjust the column mapping, read the validation report row by row,
then confirm — all rows or, when chosen, the valid ones (catalog.importing does the work).

Only a 发布员 (``publisher``) of the organ, or a superuser, imports into an organ; an import
of an organ outside the user's reach is a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
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

PUBLISHER = StaffRole.PUBLISHER


class UploadForm(forms.Form):
    organ = forms.TypedChoiceField(label=gettext_lazy("导入机关"), coerce=int)
    file = forms.FileField(
        label=gettext_lazy("目录文件"),
        help_text=gettext_lazy("旧系统导出的Excel（.xlsx）或CSV文件，不超过50 MB。"),
    )

    def __init__(self, *args: Any, organ_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organ"].choices = organ_choices(organ_ids)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_FILE_BYTES:
            raise ValidationError(
                _("文件超过%(limit)d MB，请拆分后分批导入。")
                % {"limit": importing.MAX_FILE_BYTES // 1048576}
            )
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
            batch = importing.open_batch(
                organ=organ, actor=request.user, name=upload.name, data=data
            )
            batch.source.save(f"{batch.pk}-{batch.sha256[:16]}", ContentFile(data))
            return redirect("staff:item_import", pk=batch.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "staff/item_import_upload.html",
        staff_context(request, form=form, recent=_recent(request)),
        status=status,
    )


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
    error = ""
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
    try:
        plan = importing.plan_import(table, batch.organ, mapping=mapping)
    except importing.ImportFileError as failure:
        plan, error = None, str(failure)
    if request.method == "POST" and plan is not None and request.POST.get("action") == "import":
        try:
            done = importing.apply_import(
                plan,
                actor=request.user,
                batch=batch,
                valid_only=request.POST.get("valid_only") == "on",
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
            [importing.cell_text(v) for v in row][: len(table.header)]
            for row in table.rows[: importing.PREVIEW_ROWS]
        ],
        header=table.header,
        report=[row for row in plan.rows if row.errors or row.warnings or row.findings]
        if plan
        else [],
    )
    return render(request, "staff/item_import_review.html", context, status=400 if error else 200)
