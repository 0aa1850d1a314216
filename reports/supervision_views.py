"""政务公开监督 pages and API (api.md, "Supervision"): thin views over reports.supervision.

- ``GET /api/v1/supervision/{organ_code}/?year=YYYY[&month=M]`` — JSON rows and a total;
- ``/staff/supervision/`` — the table for the user's organ (``?organ=CODE&year=&month=&sort=``);
- ``/staff/supervision/{organ_code}/{year}.xlsx`` — the same table as a spreadsheet.

Staff of the organ or of an organ above it, and superusers, may see it; an organ outside the
caller's reach is a 404 (never leak existence). Bad parameters are a 400 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Organ
from catalog.permissions import can_see, organ_ids_for_roles, profile_of
from catalog.staff_views import staff_context, staff_required
from reports import permissions as report_permissions
from reports.supervision import (
    Period,
    Row,
    Supervision,
    appeals_filed,
    late_items,
    supervise,
)
from reports.supervision_export import (
    XLSX_CONTENT_TYPE,
    report_status_label,
    supervision_xlsx,
    trend_svg,
)
from requests_app import permissions as application_permissions
from requests_app.calendar import current_calendar
from requests_app.permissions import visible_to
from requests_app.services import local_today
from requests_app.tracking import display_tracking_code

FIRST_YEAR = 2008
SORT_KEYS: dict[str, Any] = {
    "organ": None,
    "items_published": lambda r: r.items_published,
    "items_late": lambda r: r.items_late,
    "guide_updated_on": lambda r: r.guide_updated_on or dt.date.min,
    "received": lambda r: r.received,
    "open": lambda r: r.open,
    "overdue": lambda r: r.overdue,
    "due_soon": lambda r: r.due_soon,
    "answered": lambda r: r.answered,
    "answered_on_time": lambda r: r.answered_on_time,
    "median_workdays": lambda r: -1 if r.median_workdays is None else r.median_workdays,
    "appeals": lambda r: r.appeals_total,
    "corrected": lambda r: r.appeals_corrected,
    "report": lambda r: (r.report_on_time is not False, r.report_status),
}

# The page's columns in order (key as in SORT_KEYS).
COLUMN_LABELS: tuple[tuple[str, Any], ...] = (
    ("organ", gettext_lazy("行政机关")),
    ("items_published", gettext_lazy("主动公开（条）")),
    ("items_late", gettext_lazy("超期公开")),
    ("guide_updated_on", gettext_lazy("指南更新")),
    ("received", gettext_lazy("收到申请")),
    ("open", gettext_lazy("未办结")),
    ("overdue", gettext_lazy("已超期")),
    ("due_soon", gettext_lazy("3日内到期")),
    ("answered", gettext_lazy("已办结")),
    ("answered_on_time", gettext_lazy("按期办结")),
    ("median_workdays", gettext_lazy("用时中位数（工作日）")),
    ("appeals", gettext_lazy("复议诉讼／纠错")),
    ("report", gettext_lazy("年度报告")),
)


def parse_period(data: Any, today: dt.date) -> Period:
    """``year`` (default: this year) and optional ``month`` → a Period; errors name the field."""
    errors: dict[str, list[str]] = {}
    raw_year = (data.get("year") or "").strip()
    raw_month = (data.get("month") or "").strip()
    year = today.year
    month = None
    if raw_year:
        if not raw_year.isdigit() or not FIRST_YEAR <= int(raw_year) <= today.year:
            errors["year"] = [
                _("年度应为%(first)d年至%(last)d年之间的四位数字。")
                % {"first": FIRST_YEAR, "last": today.year}
            ]
        else:
            year = int(raw_year)
    if raw_month:
        if not raw_month.isdigit() or not 1 <= int(raw_month) <= 12:
            errors["month"] = [_("月份应为1至12之间的整数。")]
        else:
            month = int(raw_month)
    if errors:
        raise ValidationError(errors)
    return Period(year, month)


def build(organ: Organ, period: Period) -> Supervision:
    return supervise(organ, period, today=local_today(), calendar=current_calendar())


# --- API --------------------------------------------------------------------------------------


class _Applications(serializers.Serializer):
    received = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    answered = serializers.IntegerField()
    answered_on_time = serializers.IntegerField()
    median_workdays = serializers.FloatField(allow_null=True)


class _Appeals(serializers.Serializer):
    total = serializers.IntegerField()
    corrected = serializers.IntegerField()


class _Report(serializers.Serializer):
    status = serializers.ChoiceField(choices=["none", "draft", "published", ""])
    published_at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True)


class _Previous(serializers.Serializer):
    received = serializers.IntegerField()
    items_published = serializers.IntegerField()


class SupervisionRowSerializer(serializers.Serializer):
    """One organ (or the ``total`` row) of the supervision table (output only)."""

    organ = serializers.CharField()
    organ_name = serializers.CharField()
    items_published = serializers.IntegerField()
    items_late = serializers.IntegerField()
    guide_updated_on = serializers.DateField(allow_null=True)
    applications = _Applications()
    appeals = _Appeals()
    report = _Report()
    previous = _Previous(help_text="上年同期")
    flags = serializers.DictField(child=serializers.ChoiceField(choices=["red", "amber"]))


class SupervisionSerializer(serializers.Serializer):
    organ = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField(allow_null=True)
    rows = SupervisionRowSerializer(many=True)
    total = SupervisionRowSerializer()


class SupervisionView(APIView):
    """One row per organ of the subtree plus ``total`` (api.md, "Supervision")."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="年度（默认本年）"),
            OpenApiParameter("month", OpenApiTypes.INT, description="月份1–12（不填为全年）"),
        ],
        responses=SupervisionSerializer,
    )
    def get(self, request: Request, organ_code: str) -> Response:
        organ = Organ.objects.filter(code=organ_code).first()
        if organ is None or not can_see(request.user, organ):
            raise NotFound(_("未找到该行政机关。"))
        try:
            period = parse_period(request.query_params, local_today())
        except ValidationError as error:
            raise DRFValidationError(error.message_dict) from error
        table = build(organ, period)
        return Response(
            {
                "organ": organ.code,
                "year": period.year,
                "month": period.month,
                "rows": [row.as_json() for row in table.rows],
                "total": table.total.as_json(),
            }
        )


# --- Staff pages ------------------------------------------------------------------------------


def _organ_for(request: HttpRequest, code: str | None) -> Organ:
    if code:
        organ = Organ.objects.filter(code=code).first()
    elif (profile := profile_of(request.user)) is not None:
        organ = profile.organ
    else:  # a superuser without a profile: the top of the tree
        organ = Organ.objects.filter(parent__isnull=True).order_by("position", "id").first()
    if organ is None or not can_see(request.user, organ):
        raise Http404
    return organ


def _links(row: Row, period: Period) -> dict[str, str]:
    """The list behind each figure: the public directory and the staff desk, filtered so that
    each list holds exactly the records the figure counts (reports.supervision): the organ
    alone (``own``: a government's row counts its own records, its departments have rows of
    their own) and the same period."""
    if row.organ == "total":
        return {}
    start, end = period.start.isoformat(), period.end.isoformat()
    items = (
        reverse("catalog:items")
        + "?"
        + urlencode(
            {"organ": row.organ, "own": "on", "published_after": start, "published_before": end}
        )
    )
    desk = reverse("staff_requests:application_list")
    organ = {"organ": row.organ_id, "own": "on"}
    # Still open today and received by the end of the period.
    open_now = {**organ, "received_before": end}
    closed = {**organ, "status": "all", "closed_after": start, "closed_before": end}
    return {
        "items": items,
        "received": desk
        + "?"
        + urlencode({**organ, "status": "all", "received_after": start, "received_before": end}),
        # Open at the end of the period (table 三 结转下年度继续办理 for a year).
        "open": desk + "?" + urlencode({**organ, "status": "all", "open_on": end}),
        "overdue": desk + "?" + urlencode({**open_now, "overdue": "on"}),
        "due_soon": desk + "?" + urlencode({**open_now, "due_soon": "on"}),
        "answered": desk + "?" + urlencode(closed),
        "answered_on_time": desk + "?" + urlencode({**closed, "on_time": "on"}),
        "items_late": _detail_url("supervision_late_items", row.organ, period),
        "appeals": _detail_url("supervision_appeals", row.organ, period),
        "guide": reverse("catalog:guide", args=[row.organ]),
        "report": reverse("staff_reports:report_edit", args=[row.organ, period.year]),
    }


# Figures whose list is the application desk (handlers and approvers of the organ only).
DESK_LINKS = ("received", "open", "overdue", "due_soon", "answered", "answered_on_time")


def _reachable(
    links: dict[str, str],
    row: Row,
    period: Period,
    desk_ids: set[int] | None,
    report_ids: set[int] | None,
) -> dict[str, str]:
    """Only the links the user can follow (ids: the organs where the user may see
    applications / edit reports; None: all): the desk's lists for those who may see the
    organ's applications, the report editor for its 年报编制 — others get the published
    report, or the bare figure. A supervisor is never sent to a 403."""
    if not links:
        return links
    links = dict(links)
    if desk_ids is not None and row.organ_id not in desk_ids:
        for key in DESK_LINKS:
            links.pop(key, None)
    if report_ids is not None and row.organ_id not in report_ids:
        if row.report_status == "published":
            links["report"] = reverse("reports:report", args=[row.organ, period.year])
        else:
            links.pop("report", None)
    return links


def _detail_url(name: str, code: str, period: Period) -> str:
    url = reverse(f"staff_reports:{name}", args=[code, period.year])
    return url + (f"?month={period.month}" if period.month else "")


def _period_query(organ: Organ, period: Period) -> dict[str, Any]:
    """The table's own query for an organ and a period (``?organ=&year=[&month=]``)."""
    query: dict[str, Any] = {"organ": organ.code, "year": period.year}
    if period.month:
        query["month"] = period.month
    return query


def _detail_context(request: HttpRequest, code: str, year: int) -> tuple[Organ, Period]:
    """The organ in the path (the caller's own or below it, else 404) and the period of its
    year and ``?month=``; a bad month raises the ValidationError naming the field."""
    organ = _organ_for(request, code)
    period = parse_period({"year": str(year), "month": request.GET.get("month")}, local_today())
    return organ, period


def _detail_response(
    request: HttpRequest, template: str, code: str, year: int, rows: Any
) -> HttpResponse:
    try:
        organ, period = _detail_context(request, code, year)
    except ValidationError as error:
        context = staff_context(request, errors=error.message_dict)
        return render(request, template, context, status=400)
    records = rows(request, organ, period)
    back = reverse("staff_reports:supervision") + "?" + urlencode(_period_query(organ, period))
    context = staff_context(request, organ=organ, period=period, records=records, back=back)
    return render(request, template, context)


@staff_required()
@require_safe
def late_items_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The items behind a row's 超期公开 figure (条例第二十六条), with each one's deadline."""

    def rows(request: HttpRequest, organ: Organ, period: Period) -> list[Any]:
        return late_items(organ, period, current_calendar())

    return _detail_response(request, "staff/supervision_late_items.html", code, year, rows)


@staff_required()
@require_safe
def appeals_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The appeals behind a row's 复议诉讼／纠错 figures; each links to its application for a
    user who may see applications (the handlers and approvers of the organ)."""

    def rows(request: HttpRequest, organ: Organ, period: Period) -> list[dict[str, Any]]:
        appeals = appeals_filed(organ, period)
        visible = set(
            visible_to(request.user)
            .filter(pk__in={appeal.application_id for appeal in appeals})
            .values_list("pk", flat=True)
        )
        return [
            {
                "appeal": appeal,
                "code": display_tracking_code(appeal.application.tracking_code),
                "may_open": appeal.application_id in visible,
            }
            for appeal in appeals
        ]

    return _detail_response(request, "staff/supervision_appeals.html", code, year, rows)


@staff_required()
@require_safe
def supervision_page(request: HttpRequest) -> HttpResponse:
    today = local_today()
    organ = _organ_for(request, request.GET.get("organ"))
    try:
        period = parse_period(request.GET, today)
    except ValidationError as error:
        context = staff_context(request, organ=organ, errors=error.message_dict, today=today)
        return render(request, "staff/supervision.html", context, status=400)
    table = build(organ, period)
    sort = request.GET.get("sort") or "organ"
    descending = request.GET.get("dir") == "desc"
    rows = list(table.rows)
    if SORT_KEYS.get(sort) is not None:
        rows.sort(key=SORT_KEYS[sort], reverse=descending)
    elif sort == "organ" and descending:
        rows.reverse()  # the tree's order, from the bottom up
    query = _period_query(organ, period)

    def column(key: str, label: str) -> dict[str, str]:
        flip = "asc" if sort == key and descending else "desc"
        state = ("descending" if descending else "ascending") if sort == key else ""
        return {
            "label": label,
            "url": "?" + urlencode({**query, "sort": key, "dir": flip}),
            "sorted": state,
        }

    desk_ids = application_permissions.organ_ids(request.user, application_permissions.Action.VIEW)
    report_ids = organ_ids_for_roles(
        request.user, report_permissions.TABLE[report_permissions.Action.EDIT]
    )
    context = staff_context(
        request,
        organ=organ,
        period=period,
        today=today,
        rows=[
            {
                "row": row,
                "links": _reachable(_links(row, period), row, period, desk_ids, report_ids),
                "status_label": report_status_label(row),
            }
            for row in rows
        ],
        total=table.total,
        sort=sort,
        descending=descending,
        columns=[column(key, str(label)) for key, label in COLUMN_LABELS],
        years=list(range(today.year, FIRST_YEAR - 1, -1)),
        months=list(range(1, 13)),
        chart=(
            trend_svg(
                table.months, title=_("%(year)d年各月收到和办结的申请") % {"year": period.year}
            )
            if table.months
            else ""
        ),
        months_table=table.months,
        xlsx_url=reverse("staff_reports:supervision_xlsx", args=[organ.code, period.year]),
    )
    return render(request, "staff/supervision.html", context)


@staff_required()
@require_safe
def supervision_xlsx_view(request: HttpRequest, code: str, year: int) -> HttpResponse:
    try:
        organ, period = _detail_context(request, code, year)
    except ValidationError as error:
        return HttpResponse("；".join(error.messages), status=400)
    response = HttpResponse(supervision_xlsx(build(organ, period)), content_type=XLSX_CONTENT_TYPE)
    month = f"-{period.month:02d}" if period.month else ""
    response["Content-Disposition"] = (
        f'attachment; filename="supervision-{organ.code}-{year}{month}.xlsx"'
    )
    return response
