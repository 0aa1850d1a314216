"""Public pages and downloads of the 政府信息公开工作年度报告 (条例第四十九、五十条; api.md
"Annual report", "Pages and downloads").

- ``/reports/``: every organ (tree order) with its published reports, newest year first —
  the 政府信息公开年报 sub-column of 国办公开办函〔2019〕61号; ``?organ=CODE`` narrows it to an
  organ and its subordinates;
- ``/reports/<code>/<year>/``: one report (``?scope=tree`` consolidated, ``?version=n`` an
  earlier, superseded version);
- ``/reports/<code>/<year>.docx|.xlsx|.pdf``: the same report as a download.

Every view gets the report from :func:`reports.services.report_data`, which also decides who
sees what: anyone the published text, staff of the organ the draft. What a visitor may not see
is a 404, exactly like what does not exist (api.md: never leak existence).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from catalog.models import Organ
from catalog.organs import OrganNode, OrganTree, fresh_tree, organ_tree
from disclosure_portal import versions
from disclosure_portal.pagecache import cache_public_page
from reports import exports, permissions, services, shelf
from reports.format import statistical_period
from reports.models import AnnualReport, Scope
from reports.shelf_models import ArchivedReport

EXPORTS: dict[str, tuple[Callable[[Mapping[str, Any]], bytes], str]] = {
    "docx": (exports.report_docx, exports.DOCX_CONTENT_TYPE),
    "xlsx": (exports.report_xlsx, exports.XLSX_CONTENT_TYPE),
    "pdf": (exports.report_pdf, exports.PDF_CONTENT_TYPE),
}
DOWNLOAD_LABELS: tuple[tuple[str, Any], ...] = (
    ("docx", gettext_lazy("Word文档（DOCX）")),
    ("xlsx", gettext_lazy("Excel表格（XLSX）")),
    ("pdf", gettext_lazy("PDF文件")),
)


# --- Index ------------------------------------------------------------------------------------


@dataclass
class YearLinks:
    year: int
    organ_url: str = ""  # the organ's own report
    tree_url: str = ""  # the consolidated report of the organ and its subordinates
    archive_url: str = ""  # a report of the years before the portal (reports.shelf)


@dataclass
class OrganReports:
    node: OrganNode
    depth: int
    years: list[YearLinks] = field(default_factory=list)


def _tree_with(organ_id: int | None) -> OrganTree:
    tree = organ_tree()
    if organ_id is not None and organ_id not in tree.nodes:
        tree = fresh_tree()  # committed after this request read the version stamp
    return tree


def _walk(nodes: list[OrganNode], depth: int = 0) -> list[tuple[OrganNode, int]]:
    """Depth-first, in the tree's order (the cached nodes are shared: nothing is written)."""
    out: list[tuple[OrganNode, int]] = []
    for node in nodes:
        out.append((node, depth))
        out += _walk(node.children, depth + 1)
    return out


def report_url(code: str, year: int, scope: str = Scope.ORGAN, version: int | None = None) -> str:
    return reverse("reports:report", args=[code, year]) + _query(scope, version)


def _query(scope: str, version: int | None = None) -> str:
    params: dict[str, Any] = {}
    if scope == Scope.TREE:
        params["scope"] = scope
    if version is not None:
        params["version"] = version
    return "?" + urlencode(params) if params else ""


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Published reports by organ in tree order, newest year first (one query + the tree)."""
    organ: Organ | None = None
    code = request.GET.get("organ")
    if code:
        organ = get_object_or_404(Organ, code=code)
    tree = _tree_with(organ.pk if organ else None)
    nodes = _walk([tree.nodes[organ.pk]] if organ else tree.roots)

    published: dict[int, dict[int, YearLinks]] = {}
    versions = permissions.current_versions().filter(
        report__organ_id__in=[node.id for node, _depth in nodes]
    )
    for organ_id, organ_code, year, scope in versions.values_list(
        "report__organ_id", "report__organ__code", "report__year", "report__scope"
    ):
        links = published.setdefault(organ_id, {}).setdefault(year, YearLinks(year))
        if scope == Scope.TREE:
            links.tree_url = report_url(organ_code, year, Scope.TREE)
        else:
            links.organ_url = report_url(organ_code, year)

    # The shelf: reports of the years before the portal, where no built report exists.
    archived = ArchivedReport.objects.filter(
        organ_id__in=[node.id for node, _depth in nodes]
    ).values_list("organ_id", "organ__code", "year")
    for organ_id, organ_code, year in archived:
        links = published.setdefault(organ_id, {}).setdefault(year, YearLinks(year))
        links.archive_url = reverse("reports:archived", args=[organ_code, year])

    entries = [
        OrganReports(node, depth, sorted(published.get(node.id, {}).values(), key=_newest))
        for node, depth in nodes
        # The chosen organ is listed even without a report, so its column is never a blank page.
        if node.id in published or (organ is not None and node.id == organ.pk)
    ]
    context: dict[str, Any] = {"entries": entries, "organ": organ}
    if words := (request.GET.get("q") or "").strip()[:100]:
        ids = {node.id for node, _depth in nodes}
        found = shelf.search(words, ids)[:50]
        context |= {
            "q": words,
            "found": [(r, shelf.excerpt(r.text, words)) for r in found],
        }
    if organ is not None:
        context |= {"ancestors": tree.ancestors(organ.pk), "current_organ_code": organ.code}
    return render(request, "reports/index.html", context)


def _newest(links: YearLinks) -> int:
    return -links.year


# --- One report -------------------------------------------------------------------------------


def _resolve(request: HttpRequest, code: str, year: int) -> tuple[Organ, str, int | None]:
    """The organ, scope and requested version of a report URL; anything malformed is a 404."""
    organ = get_object_or_404(Organ, code=code)
    try:
        services.validate_year(year)
    except ValidationError:
        raise Http404(_("未找到该年度报告。")) from None
    scope = request.GET.get("scope") or Scope.ORGAN.value
    if scope not in Scope.values:
        raise Http404(_("未找到该年度报告。"))
    raw = request.GET.get("version")
    version: int | None = None
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise Http404(_("未找到该年度报告。"))
        version = int(raw)
    return organ, scope, version


def _report_data(
    request: HttpRequest, organ: Organ, year: int, scope: str, version: int | None
) -> dict[str, Any]:
    report = AnnualReport.objects.filter(organ=organ, year=year, scope=scope).first()
    data = services.report_data(report, organ, year, scope, user=request.user, version=version)
    if data is None:  # a draft the visitor may not see is exactly like no report at all
        raise Http404(_("未找到该年度报告。"))
    return data


def _private(response: HttpResponse, data: Mapping[str, Any]) -> HttpResponse:
    """Drafts never enter a shared cache; a page differs by who is signed in."""
    patch_vary_headers(response, ["Cookie"])
    if data.get("status") == AnnualReport.Status.DRAFT:
        add_never_cache_headers(response)
        response["Cache-Control"] += ", private"
    return response


@dataclass(frozen=True)
class VersionLink:
    version: int
    url: str
    published_at: str
    superseded_at: str


def _version_links(
    organ: Organ, year: int, scope: str, data: Mapping[str, Any]
) -> list[VersionLink]:
    """The superseded versions other than the one shown, newest first."""
    return [
        VersionLink(
            v["version"],
            report_url(organ.code, year, scope, v["version"]),
            v["published_at"],
            v["superseded_at"],
        )
        for v in sorted(data.get("versions") or [], key=lambda v: -v["version"])
        if v.get("superseded_at") and v["version"] != data.get("version")
    ]


@require_safe
@cache_public_page(versions.REPORTS, versions.ORGANS)
def report(request: HttpRequest, code: str, year: int) -> HttpResponse:
    organ, scope, version = _resolve(request, code, year)
    data = _report_data(request, organ, year, scope, version)
    tree = _tree_with(organ.pk)
    earlier = _version_links(organ, year, scope, data)
    is_current = data.get("status") == AnnualReport.Status.PUBLISHED and not data.get(
        "superseded_at"
    )
    query = _query(scope, version)
    context = {
        "report": data,
        "organ": organ,
        "title": exports.document_title(data),
        "period": statistical_period(year),
        "ancestors": tree.ancestors(organ.pk),
        "current_organ_code": organ.code,
        "index_url": reverse("reports:index") + "?" + urlencode({"organ": organ.code}),
        "current_url": report_url(organ.code, year, scope),
        "other_scope_url": (
            report_url(organ.code, year, Scope.ORGAN if scope == Scope.TREE else Scope.TREE)
            if permissions.is_public(
                organ, year, Scope.ORGAN if scope == Scope.TREE else Scope.TREE
            )
            else ""
        ),
        "downloads": [
            (reverse("reports:download", args=[organ.code, year, ext]) + query, label)
            for ext, label in DOWNLOAD_LABELS
        ],
        "earlier_versions": earlier,
        # 更正: the current version replaced an earlier one (which stays readable).
        "corrected": is_current and bool(earlier),
    }
    return _private(render(request, "reports/report.html", context), data)


# --- Downloads --------------------------------------------------------------------------------


def download_filename(data: Mapping[str, Any], ext: str) -> str:
    """``<机关><年度>年政府信息公开工作年度报告.<ext>``; a consolidated report, a superseded
    version or a draft says so in the name, so that downloads are never confused."""
    name = exports.document_title(data)
    if data.get("status") == AnnualReport.Status.DRAFT:
        name += "（草稿）"
    elif data.get("superseded_at"):
        name += f"（第{data.get('version')}版，已被更正）"
    return f"{name}.{ext}"


def attachment_header(filename: str) -> str:
    # RFC 6266 / 5987: the charset name is case-insensitive; "UTF-8" is how it is usually
    # written and what the contract (api.md) shows.
    return content_disposition_header(as_attachment=True, filename=filename).replace(
        "filename*=utf-8''", "filename*=UTF-8''"
    )


@require_safe
def download(request: HttpRequest, code: str, year: str, ext: str) -> HttpResponse:
    if ext not in EXPORTS:
        raise Http404(_("不支持该下载格式。"))
    number = int(year)
    organ, scope, version = _resolve(request, code, number)
    data = _report_data(request, organ, number, scope, version)
    build, content_type = EXPORTS[ext]
    response = HttpResponse(build(data), content_type=content_type)
    response["Content-Disposition"] = attachment_header(download_filename(data, ext))
    return _private(response, data)
