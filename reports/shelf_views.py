"""Pages of the report shelf (reports.shelf): the public page of an archived report, its
original file, and the staff page that puts reports on the shelf.

``/reports/{code}/{year}/`` shows the report the portal built when there is a published one
(or a draft the visitor may see); otherwise the archived report of that organ and year. The
archived one is always at ``/reports/{code}/{year}/archive/`` too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from catalog.forms import organ_choices
from catalog.models import Organ, StaffRole
from catalog.organs import organ_tree
from catalog.permissions import can_act, organ_ids_for
from catalog.staff_views import staff_context, staff_required
from reports import shelf, views
from reports.shelf_models import ArchivedReport, ReportFormat
from reports.views import attachment_header

REPORTER = StaffRole.REPORTER


def _archived(code: str, year: int) -> ArchivedReport:
    return get_object_or_404(
        ArchivedReport.objects.select_related("organ"), organ__code=code, year=year
    )


@require_safe
def report(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The built report wins; without one, the archived report of the same organ and year."""
    try:
        return views.report(request, code, year)
    except Http404:
        if request.GET.get("scope") or request.GET.get("version"):
            raise
        archived = ArchivedReport.objects.select_related("organ").filter(
            organ__code=code, year=year
        )
        if not archived.exists():
            raise
        return _render(request, archived.get(), built_url="")


@require_safe
def archived_report(request: HttpRequest, code: str, year: int) -> HttpResponse:
    report = _archived(code, year)
    built = views.permissions.is_public(report.organ, year, "organ")
    return _render(request, report, built_url=views.report_url(code, year) if built else "")


def _render(request: HttpRequest, report: ArchivedReport, *, built_url: str) -> HttpResponse:
    tree = organ_tree()
    context = {
        "archived": report,
        "organ": report.organ,
        "paragraphs": [p for p in report.text.split("\n") if p.strip()],
        "built_url": built_url,
        "file_url": (
            reverse("reports:archived_file", args=[report.organ.code, report.year])
            if report.file
            else ""
        ),
        "ancestors": tree.ancestors(report.organ_id),
        "current_organ_code": report.organ.code,
        "index_url": reverse("reports:index") + f"?organ={report.organ.code}",
    }
    return render(request, "reports/archived.html", context)


@require_safe
def archived_file(request: HttpRequest, code: str, year: int) -> HttpResponse:
    report = _archived(code, year)
    if not report.file:
        raise Http404
    response = FileResponse(report.file.open("rb"), content_type=report.content_type)
    response["Content-Disposition"] = attachment_header(
        report.file_name or f"{report.title}{report.extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Staff -----------------------------------------------------------------------------------


class ArchiveForm(forms.Form):
    organ = forms.TypedChoiceField(label=gettext_lazy("行政机关"), coerce=int)
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=shelf.FIRST_YEAR)
    format = forms.ChoiceField(
        label=gettext_lazy("报告格式"),
        required=False,
        choices=[("", gettext_lazy("按年度自动判断")), *ReportFormat.choices],
    )
    title = forms.CharField(label=gettext_lazy("标题"), required=False, max_length=200)
    published_on = forms.DateField(label=gettext_lazy("原发布日期"), required=False)
    file = forms.FileField(
        label=gettext_lazy("报告文件"),
        required=False,
        help_text=gettext_lazy("PDF、Word（.docx）、HTML或文本文件，不超过50 MB。"),
    )
    text = forms.CharField(
        label=gettext_lazy("或粘贴报告全文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, organ_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organ"].choices = organ_choices(organ_ids)


@staff_required(REPORTER)
@require_http_methods(["GET", "POST"])
def archive_list(request: HttpRequest) -> HttpResponse:
    ids = organ_ids_for(request.user, REPORTER)
    form = ArchiveForm(request.POST or None, request.FILES or None, organ_ids=ids)
    if request.method == "POST" and form.is_valid():
        organ = get_object_or_404(Organ, pk=form.cleaned_data["organ"])
        if not can_act(request.user, organ, REPORTER):
            raise Http404
        upload = form.cleaned_data["file"]
        if upload is not None and upload.size > shelf.MAX_BYTES:
            form.add_error(
                "file", _("文件超过%(limit)d MB。") % {"limit": shelf.MAX_BYTES // 1048576}
            )
        else:
            try:
                saved = shelf.archive_save(
                    actor=request.user,
                    organ=organ,
                    year=form.cleaned_data["year"],
                    report_format=form.cleaned_data["format"],
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    file_name=upload.name if upload else "",
                    data=upload.read() if upload else None,
                    published_on=form.cleaned_data["published_on"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("已上架：%(title)s") % {"title": saved.title})
                return redirect("staff_reports:archive_list")
    reports = ArchivedReport.objects.select_related("organ").defer("text")
    if ids is not None:
        reports = reports.filter(organ_id__in=ids)
    context = staff_context(request, form=form, reports=reports.order_by("-year", "organ_id"))
    return render(
        request, "staff/reports/archive.html", context, status=400 if form.errors else 200
    )
