"""The annual-report workspace (/staff/reports/) and the consultation register
(/staff/consultations/) of the staff workspace.

Reports (条例第四十九、五十条; 国办公开办函〔2021〕30号): the 年报编制 (``reporter``) of an
organ or of an organ above it, and superusers, edit the sections 一、五、六 and the figures of
table 二 that come from other systems, see the computed tables and the balance checks, preview
the page exactly as it will be published, publish (a frozen snapshot) and reopen for a
correction. Every change goes through ``reports.services``, the same services as the API. Like
the catalog's staff pages: a logged-in user who is not staff, or staff without the role, gets a
403; a report of an organ outside the user's reach is a 404 (never leak existence).

Consultations (咨询登记): the source of section 一's consultation figures. The office that
answers the public registers them, so the 经办人 (``handler``, who also registers paper
applications) and the 年报编制 (``reporter``, who compiles the tallies) may both add entries for
their organ and its subordinates; an entry is deleted only by whoever made it, and only during
the current year — earlier years feed published reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.models import Organ, StaffRole
from catalog.organs import OrganNode, organ_tree
from catalog.permissions import organ_ids_for, organ_ids_for_roles, profile_of
from catalog.staff_views import staff_context, staff_required
from catalog.templatetags.portal import format_cn_date
from reports import permissions, services, statutory
from reports import views as public_views
from reports.checks import ERROR, WARNING
from reports.drafting import TO_FILL, draft_sections, overview_facts
from reports.format import PROACTIVE_BLOCKS, SECTIONS_BY_KEY, report_title
from reports.models import AnnualReport, Consultation, Scope
from reports.staff_forms import (
    ConsultationFilterForm,
    ConsultationForm,
    ReportForm,
    ReportOpenForm,
    add_report_errors,
)

REPORTER = StaffRole.REPORTER.value
# The list shows the current year and the three before it.
YEARS_LISTED = 4
ORGANS_PER_PAGE = 25
CONSULTATIONS_PER_PAGE = 50
# The sections the generated draft fills (一 and 六).
DRAFTED_SECTIONS: tuple[str, ...] = ("overview", "other")
_MAIN_OPEN = re.compile(r"<main\b[^>]*>")


# --- Helpers ----------------------------------------------------------------------------------


def _scope_query(scope: str) -> str:
    return "?" + urlencode({"scope": scope}) if scope == Scope.TREE else ""


def edit_url(code: str, year: int, scope: str = Scope.ORGAN) -> str:
    return reverse("staff_reports:report_edit", args=[code, year]) + _scope_query(scope)


def _resolve(request: HttpRequest, code: str, year: int) -> tuple[Organ, int, str]:
    """The organ, year and scope of a report URL; a 404 unless the user reports for the organ."""
    organ = get_object_or_404(Organ, code=code)
    if not permissions.can_edit(request.user, organ):
        raise Http404(_("未找到该年度报告。"))
    try:
        services.validate_year(year)
    except ValidationError:
        raise Http404(_("未找到该年度报告。")) from None
    scope = request.GET.get("scope") or Scope.ORGAN.value
    if scope not in Scope.values:
        raise Http404(_("未找到该年度报告。"))
    return organ, year, scope


def _existing(organ: Organ, year: int, scope: str) -> AnnualReport | None:
    return (
        AnnualReport.objects.select_related("organ")
        .filter(organ=organ, year=year, scope=scope)
        .first()
    )


def _is_published(report: AnnualReport | None) -> bool:
    return report is not None and report.status == AnnualReport.Status.PUBLISHED


# --- The list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportCell:
    year: int
    url: str
    status: str  # none | draft | correcting | published | corrected
    label: str


@dataclass
class ReportRow:
    node: OrganNode
    depth: int
    scope: str
    scope_label: str
    cells: list[ReportCell] = field(default_factory=list)


def report_status(status: str | None, versions: int) -> tuple[str, str]:
    """草稿 / 已发布 / 已更正 (published again after a correction), plus 未编制 and 更正中
    (reopened: the earlier version stays public until the corrected one is published)."""
    if status is None:
        return "none", _("未编制")
    if status == AnnualReport.Status.PUBLISHED:
        return ("corrected", _("已更正")) if versions > 1 else ("published", _("已发布"))
    if versions:
        return "correcting", _("更正中")
    return "draft", _("草稿")


def _report_rows(nodes: list[OrganNode], years: list[int]) -> list[ReportRow]:
    """One row per organ (and one more for the consolidated report of an organ with
    subordinates), one cell per year; one query for every status on the page."""
    found = (
        AnnualReport.objects.filter(organ_id__in=[node.id for node in nodes], year__in=years)
        .order_by()
        .values("organ_id", "year", "scope", "status")
        .annotate(versions=Count("versions"))
    )
    states = {(r["organ_id"], r["year"], r["scope"]): (r["status"], r["versions"]) for r in found}
    rows: list[ReportRow] = []
    for node in nodes:
        scopes = [Scope.ORGAN, Scope.TREE] if node.children else [Scope.ORGAN]
        for scope in scopes:
            row = ReportRow(node, node.depth, scope.value, str(scope.label))
            for year in years:
                status, versions = states.get((node.id, year, scope.value), (None, 0))
                key, label = report_status(status, versions)
                row.cells.append(ReportCell(year, edit_url(node.code, year, scope), key, label))
            rows.append(row)
    return rows


@staff_required(REPORTER)
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    ids = organ_ids_for(request.user, REPORTER)
    today = timezone.localdate()
    if request.method == "POST":
        form = ReportOpenForm(request.POST, organ_ids=ids, today=today)
        if form.is_valid():
            organ, year, scope = (form.cleaned_data[k] for k in ("organ", "year", "scope"))
            try:
                services.report_get_or_create(organ=organ, year=year, scope=scope)
            except ValidationError as error:
                add_report_errors(form, error)
            else:
                return redirect(edit_url(organ.code, year, scope))
    else:
        profile = profile_of(request.user)
        initial = {"organ": profile.organ.code} if profile is not None else {}
        form = ReportOpenForm(organ_ids=ids, today=today, initial=initial)

    nodes = [node for node in organ_tree().flat() if ids is None or node.id in ids]
    page = Paginator(nodes, ORGANS_PER_PAGE).get_page(request.GET.get("page"))
    years = [today.year - offset for offset in range(YEARS_LISTED)]
    context = staff_context(
        request, form=form, page=page, years=years, rows=_report_rows(list(page), years)
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "staff/reports/list.html", context, status=status)


# --- Editing ----------------------------------------------------------------------------------


def _prompt_warnings(sections: dict[str, Any]) -> list[dict[str, str]]:
    """A generated draft leaves 【请补充：…】 where the portal cannot know the facts."""
    return [
        {
            "rule": "prompt",
            "cell": SECTIONS_BY_KEY[key].heading,
            "message": _("正文中仍有“%(mark)s…】”提示，请补充或删除后再发布。") % {"mark": TO_FILL},
            "severity": WARNING,
        }
        for key, text in (sections or {}).items()
        if key in SECTIONS_BY_KEY and TO_FILL in str(text or "")
    ]


def _version_rows(organ: Organ, year: int, scope: str, data: dict[str, Any]) -> list[dict]:
    return [
        {
            **version,
            "url": public_views.report_url(organ.code, year, scope, version["version"]),
        }
        for version in sorted(data.get("versions") or [], key=lambda v: -v["version"])
    ]


def _render_edit(
    request: HttpRequest,
    organ: Organ,
    year: int,
    scope: str,
    report: AnnualReport | None,
    form: ReportForm,
    *,
    status: int = 200,
    refused: list[Any] | None = None,
) -> HttpResponse:
    data = services.report_data(report, organ, year, scope, user=request.user)
    if data is None:  # pragma: no cover - a reporter of the organ always sees the draft
        raise Http404(_("未找到该年度报告。"))
    published = _is_published(report)
    checks = list(data.get("checks") or [])
    if not published:
        checks += _prompt_warnings(data.get("sections") or {})
    errors = [check for check in checks if check["severity"] == ERROR]
    warnings = [check for check in checks if check["severity"] != ERROR]
    year_open = year >= timezone.localdate().year
    query = _scope_query(scope)
    context = staff_context(
        request,
        organ=organ,
        year=year,
        scope=scope,
        scope_label=Scope(scope).label,
        report=data,
        saved=report,
        form=form,
        title=report_title(organ.name, year),
        # 条例第四十九条: the organ's statutory date (reports.statutory).
        due_on=statutory.report_due_on(year, statutory.organ_due_kind(organ)),
        due_clause=(
            _("条例第四十九条第二款")
            if statutory.organ_due_kind(organ) == statutory.MARCH
            else _("条例第四十九条第一款")
        ),
        due_passed=not published
        and timezone.localdate() > statutory.report_due_on(year, statutory.organ_due_kind(organ)),
        published=published,
        check_errors=errors,
        check_warnings=warnings,
        refused=refused or [],
        year_open=year_open,
        can_publish=not published and not errors and not year_open,
        manual_fieldsets=[
            (block.caption, [form[row.key] for row in block.rows])
            for block in PROACTIVE_BLOCKS
            if block.manual
        ],
        versions=_version_rows(organ, year, scope, data),
        needs_correction=services.needs_correction(report),
        public_url=public_views.report_url(organ.code, year, scope),
        draft_url=reverse("staff_reports:report_draft", args=[organ.code, year]) + query,
        preview_url=reverse("staff_reports:report_preview", args=[organ.code, year]) + query,
        reopen_url=reverse("staff_reports:report_reopen", args=[organ.code, year]) + query,
        edit_url=edit_url(organ.code, year, scope),
    )
    return render(request, "staff/reports/edit.html", context, status=status)


def _save(
    request: HttpRequest,
    form: ReportForm,
    organ: Organ,
    year: int,
    scope: str,
    sections: dict[str, str] | None = None,
) -> AnnualReport | None:
    """Create the report if need be and save the form, all or nothing; None on errors (added
    to the form)."""
    try:
        with transaction.atomic():
            report = services.report_get_or_create(organ=organ, year=year, scope=scope)
            services.report_update(
                actor=request.user,
                report=report,
                sections=sections if sections is not None else form.sections(),
                manual=form.manual(),
            )
    except ValidationError as error:
        add_report_errors(form, error)
        return None
    except services.ReportConflict as error:
        form.add_error(None, str(error))
        return None
    return report


def _published_refusal(request: HttpRequest, organ: Organ, year: int, scope: str) -> HttpResponse:
    messages.error(request, _("该年度报告已发布，不能直接修改；如需更正，请先点击“更正”。"))
    return redirect(edit_url(organ.code, year, scope))


@staff_required(REPORTER)
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    organ, year, scope = _resolve(request, code, year)
    report = _existing(organ, year, scope)
    if request.method != "POST":
        form = ReportForm(initial=ReportForm.initial_from(report))
        return _render_edit(request, organ, year, scope, report, form)

    if _is_published(report):
        return _published_refusal(request, organ, year, scope)
    action = request.POST.get("action") or "save"
    form = ReportForm.bound(request.POST, report)
    saved = _save(request, form, organ, year, scope) if form.is_valid() else None
    if saved is None:
        return _render_edit(request, organ, year, scope, report, form, status=400)
    if action == "publish":
        return _publish(request, saved, organ, year, scope)
    if action == "preview":
        return redirect(
            reverse("staff_reports:report_preview", args=[code, year]) + _scope_query(scope)
        )
    messages.success(request, _("已保存。"))
    return redirect(edit_url(organ.code, year, scope))


def _publish(
    request: HttpRequest, report: AnnualReport, organ: Organ, year: int, scope: str
) -> HttpResponse:
    try:
        version = services.report_publish(actor=request.user, report=report)
    except services.ChecksFailed as failed:
        messages.error(request, _("内容已保存，但数据校验未通过，未能发布。请核对下列单元格。"))
        form = ReportForm(initial=ReportForm.initial_from(report))
        refused = [f for f in failed.failures if f.severity == ERROR]
        return _render_edit(request, organ, year, scope, report, form, status=400, refused=refused)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except services.ReportConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "已发布第%(version)d版。发布后的内容和数据已固定，之后的数据变化不会改变已发布的报告。"
            )
            % {"version": version.version},
        )
    return redirect(edit_url(organ.code, year, scope))


@staff_required(REPORTER)
@require_POST
def report_draft(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """根据平台数据生成初稿: fill 一、总体情况 and 六 from the portal's figures.

    A field is replaced only when it is empty or the reporter ticked 覆盖现有内容; the other
    fields of the form are saved with it, so nothing typed is lost.
    """
    organ, year, scope = _resolve(request, code, year)
    report = _existing(organ, year, scope)
    if _is_published(report):
        return _published_refusal(request, organ, year, scope)
    form = ReportForm.bound(request.POST, report)
    if not form.is_valid():
        return _render_edit(request, organ, year, scope, report, form, status=400)
    sections = form.sections()
    overwrite = form.cleaned_data["overwrite"]
    replaced = [key for key in DRAFTED_SECTIONS if overwrite or not sections[key].strip()]
    if not replaced:
        form.add_error(
            "overwrite",
            _(
                "“一、总体情况”和“六、其他需要报告的事项”已有内容。如需用初稿替换，请勾选“覆盖现有内容”后再生成。"
            ),
        )
        return _render_edit(request, organ, year, scope, report, form, status=400)
    drafts = draft_sections(overview_facts(organ, year, scope=scope))
    for key in replaced:
        sections[key] = drafts[key]
    if _save(request, form, organ, year, scope, sections=sections) is None:
        return _render_edit(request, organ, year, scope, report, form, status=400)
    headings = "、".join(f"“{SECTIONS_BY_KEY[key].heading}”" for key in replaced)
    messages.success(
        request,
        _("已根据平台数据生成%(headings)s的初稿。请逐段核对，并补充“【请补充：…】”处的内容。")
        % {"headings": headings},
    )
    return redirect(edit_url(organ.code, year, scope))


@staff_required(REPORTER)
@require_POST
def report_reopen(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """更正: back to draft; the published version stays public until the corrected one is."""
    organ, year, scope = _resolve(request, code, year)
    report = _existing(organ, year, scope)
    if report is None:
        raise Http404(_("未找到该年度报告。"))
    try:
        services.report_reopen(actor=request.user, report=report)
    except services.ReportConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "已撤回为草稿，可以更正。重新发布前，已发布的版本仍然公开；重新发布后它将标为已被更正的版本。"
            ),
        )
    return redirect(edit_url(organ.code, year, scope))


@staff_required(REPORTER)
@require_safe
def report_preview(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The public page itself, as the reporter sees it (the draft), under a 预览 banner.

    The page is produced by the public view, so the preview shows exactly what publishing
    will show: same template, same partials, same data.
    """
    organ, year, scope = _resolve(request, code, year)
    response = public_views.report(request, code, year)
    banner = render_to_string(
        "staff/reports/_preview_banner.html",
        {"edit_url": edit_url(organ.code, year, scope)},
        request=request,
    )
    html = response.content.decode(response.charset)
    html, found = _MAIN_OPEN.subn(lambda match: match.group(0) + banner, html, count=1)
    if not found:  # pragma: no cover - base.html always has <main>
        html = banner + html
    response.content = html.encode(response.charset)
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response


# --- 咨询登记 ----------------------------------------------------------------------------------


def consultation_organ_ids(user: Any) -> set[int] | None:
    """The organs whose consultations the user registers (None: every organ)."""
    return organ_ids_for_roles(user, permissions.TABLE[permissions.Action.REGISTER_CONSULTATION])


def can_delete_consultation(user: Any, entry: Consultation, today: Any) -> bool:
    """Its author, during the year it was registered for (earlier years feed reports)."""
    return entry.created_by_id == user.pk and entry.date.year == today.year


def consultation_create(*, actor: Any, organ: Organ, data: dict[str, Any]) -> Consultation:
    return Consultation.objects.create(
        organ=organ,
        date=data["date"],
        channel=data["channel"],
        topic=data["topic"],
        count=data["count"],
        note=data.get("note", ""),
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _consultation_access(request: HttpRequest) -> set[int] | None:
    ids = consultation_organ_ids(request.user)
    if ids == set():
        raise PermissionDenied(_("只有经办人和年报编制人员可以登记咨询。"))
    return ids


@staff_required()
@require_http_methods(["GET", "POST"])
def consultation_list(request: HttpRequest) -> HttpResponse:
    ids = _consultation_access(request)
    today = timezone.localdate()
    if request.method == "POST":
        form = ConsultationForm(request.POST, organ_ids=ids, today=today)
        if form.is_valid():
            organ = get_object_or_404(Organ, pk=form.cleaned_data["organ"])
            entry = consultation_create(actor=request.user, organ=organ, data=form.cleaned_data)
            messages.success(
                request,
                _("已登记：%(date)s %(channel)s“%(topic)s”%(count)d人次。")
                % {
                    "date": format_cn_date(entry.date),
                    "channel": entry.get_channel_display(),
                    "topic": entry.topic,
                    "count": entry.count,
                },
            )
            return redirect(request.get_full_path())
    else:
        profile = profile_of(request.user)
        initial: dict[str, Any] = {"date": today, "count": 1}
        if profile is not None:
            initial["organ"] = profile.organ_id
        form = ConsultationForm(organ_ids=ids, today=today, initial=initial)

    filters = ConsultationFilterForm(request.GET or None, organ_ids=ids, today=today)
    entries = Consultation.objects.select_related("organ", "created_by")
    if ids is not None:
        entries = entries.filter(organ_id__in=ids)
    if filters.is_bound and filters.is_valid():
        entries = filters.apply(entries)
    by_channel = dict.fromkeys(Consultation.Channel.values, 0)
    for row in entries.order_by().values("channel").annotate(total=Sum("count")):
        by_channel[row["channel"]] = row["total"] or 0
    totals = [
        {"label": label, "count": by_channel[value]}
        for value, label in Consultation.Channel.choices
    ]
    page = Paginator(entries.order_by("-date", "-id"), CONSULTATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"entry": entry, "can_delete": can_delete_consultation(request.user, entry, today)}
        for entry in page
    ]
    context = staff_context(
        request,
        form=form,
        filters=filters,
        page=page,
        rows=rows,
        totals=totals,
        total=sum(by_channel.values()),
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "staff/reports/consultations.html", context, status=status)


@staff_required()
@require_POST
def consultation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ids = _consultation_access(request)
    entry = get_object_or_404(Consultation, pk=pk)
    if ids is not None and entry.organ_id not in ids:
        raise Http404
    if not can_delete_consultation(request.user, entry, timezone.localdate()):
        raise PermissionDenied(_("只能删除本人在本年度登记的咨询。"))
    entry.delete()
    messages.success(request, _("已删除该条咨询登记。"))
    return redirect("staff_reports:consultation_list")
