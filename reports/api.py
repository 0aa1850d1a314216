"""REST API of the annual report (api.md, "Annual report"), mounted under ``/api/v1/``.

Thin views: they resolve the organ, year and scope, check who may act
(``reports.permissions``) and call one service per change (``reports.services``).

- ``GET reports/`` — the current published reports, paginated (an addition for /reports/);
- ``GET|PUT reports/{organ_code}/{year}/`` — ``?scope=tree`` for the consolidated report,
  ``?version=n`` (an addition) for an earlier, superseded version;
- ``POST …/publish/`` — 400 ``{"checks": [...]}`` while a balance check fails;
- ``POST …/reopen/`` (an addition) — a published report back to draft for correction.

A draft that the caller may not see is a 404, exactly as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Organ
from catalog.organs import subtree_ids
from disclosure_portal.api import PUBLIC_THROTTLES, Conflict
from reports import permissions, services
from reports.checks import ERROR
from reports.models import AnnualReport, PublishedReport, Scope
from reports.serializers import (
    ChecksFailedSerializer,
    PublishedReportListSerializer,
    ReportSerializer,
    ReportUpdateSerializer,
)

SCOPE_PARAMETER = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=list(Scope.values),
    description="organ：本机关（默认）；tree：本级及所属机关汇总",
)
VERSION_PARAMETER = OpenApiParameter(
    "version", OpenApiTypes.INT, description="已发布的版本号（含已被更正的版本）"
)


# --- Resolving the path -----------------------------------------------------------------------


def _organ_or_404(organ_code: str) -> Organ:
    organ = Organ.objects.filter(code=organ_code).first()
    if organ is None:
        raise NotFound(_("未找到该行政机关。"))
    return organ


def _year(raw: str) -> int:
    if not raw.isdigit():
        raise DRFValidationError({"year": [_("年度应为四位数字的年份。")]})
    return services.validate_year(int(raw))


def _scope(request: Request) -> str:
    return services.validate_scope(request.query_params.get("scope") or Scope.ORGAN.value)


def _version(request: Request) -> int | None:
    raw = request.query_params.get("version")
    if raw in (None, ""):
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise DRFValidationError({"version": [_("版本号应为正整数。")]})
    return int(raw)


def _resolve(request: Request, organ_code: str, year: str) -> tuple[Organ, int, str]:
    return _organ_or_404(organ_code), _year(year), _scope(request)


def _require_reporter(user: Any, organ: Organ, year: int, scope: str) -> None:
    """401 anonymous; 403 for whoever may see the report but is not its 年报编制; 404 else."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if permissions.can_edit(user, organ):
        return
    if permissions.can_view_draft(user, organ) or permissions.is_public(organ, year, scope):
        raise PermissionDenied(_("只有该机关的年报编制人员可以修改、发布或更正年度报告。"))
    raise NotFound(_("未找到该年度报告。"))


def _representation(
    request: Request, report: AnnualReport | None, organ: Organ, year: int, scope: str
) -> dict[str, Any]:
    data = services.report_data(report, organ, year, scope, user=request.user)
    if data is None:  # pragma: no cover - the caller is a reporter of the organ
        raise NotFound(_("未找到该年度报告。"))
    return data


# --- Views --------------------------------------------------------------------------------------


@extend_schema(
    summary="已发布的年度报告列表",
    parameters=[
        OpenApiParameter("organ", OpenApiTypes.STR, description="机关代码（含所属机关）"),
        OpenApiParameter("year", OpenApiTypes.INT, description="年度"),
    ],
)
class ReportListView(generics.ListAPIView):
    """The current version of every published report, newest year first."""

    serializer_class = PublishedReportListSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []
    throttle_classes = PUBLIC_THROTTLES

    def get_queryset(self) -> QuerySet[PublishedReport]:
        queryset = (
            permissions.current_versions()
            .select_related("report__organ")
            .order_by(
                "-report__year",
                "report__organ__position",
                "report__organ_id",
                "report__scope",  # organ before tree
            )
        )
        params = self.request.query_params
        if params.get("organ"):
            organ = Organ.objects.filter(code=params["organ"]).first()
            ids = subtree_ids(organ.pk) if organ is not None else set()
            queryset = queryset.filter(report__organ_id__in=ids)
        if params.get("year"):
            if not params["year"].isdigit():
                raise DRFValidationError({"year": [_("年度应为四位数字的年份。")]})
            queryset = queryset.filter(report__year=int(params["year"]))
        return queryset


class ReportDetailView(APIView):
    """One organ's report for one year: published for anyone, the draft for its staff."""

    permission_classes = [AllowAny]
    throttle_classes = PUBLIC_THROTTLES

    @extend_schema(
        summary="政府信息公开工作年度报告",
        parameters=[SCOPE_PARAMETER, VERSION_PARAMETER],
        responses={200: ReportSerializer},
    )
    def get(self, request: Request, organ_code: str, year: str) -> Response:
        organ, number, scope = _resolve(request, organ_code, year)
        version = _version(request)
        report = AnnualReport.objects.filter(organ=organ, year=number, scope=scope).first()
        data = services.report_data(
            report, organ, number, scope, user=request.user, version=version
        )
        if data is None:
            raise NotFound(_("未找到该年度报告。"))
        return Response(data)

    @extend_schema(
        summary="编辑年度报告草稿",
        parameters=[SCOPE_PARAMETER],
        request=ReportUpdateSerializer,
        responses={200: ReportSerializer},
    )
    def put(self, request: Request, organ_code: str, year: str) -> Response:
        organ, number, scope = _resolve(request, organ_code, year)
        _require_reporter(request.user, organ, number, scope)
        serializer = ReportUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_get_or_create(organ=organ, year=number, scope=scope)
        try:
            services.report_update(
                actor=request.user,
                report=report,
                sections=serializer.validated_data.get("sections"),
                manual=serializer.validated_data.get("proactive"),
            )
        except services.ReportConflict as exc:
            raise Conflict(str(exc)) from None
        return Response(_representation(request, report, organ, number, scope))


class ReportPublishView(APIView):
    """Freeze the report as published (条例第四十九条)."""

    permission_classes = [AllowAny]  # who may publish is checked per organ below

    @extend_schema(
        summary="发布年度报告",
        parameters=[SCOPE_PARAMETER],
        request=None,
        responses={200: ReportSerializer, 400: ChecksFailedSerializer},
    )
    def post(self, request: Request, organ_code: str, year: str) -> Response:
        organ, number, scope = _resolve(request, organ_code, year)
        _require_reporter(request.user, organ, number, scope)
        report = services.report_get_or_create(organ=organ, year=number, scope=scope)
        try:
            services.report_publish(actor=request.user, report=report)
        except services.ChecksFailed as exc:
            failures = [f for f in exc.failures if f.severity == ERROR]
            return Response(ChecksFailedSerializer({"checks": failures}).data, status=400)
        except services.ReportConflict as exc:
            raise Conflict(str(exc)) from None
        return Response(_representation(request, report, organ, number, scope))


class ReportReopenView(APIView):
    """Take a published report back to draft for a correction (an addition to api.md)."""

    permission_classes = [AllowAny]  # who may reopen is checked per organ below

    @extend_schema(
        summary="撤回年度报告以便更正",
        parameters=[SCOPE_PARAMETER],
        request=None,
        responses={200: ReportSerializer},
    )
    def post(self, request: Request, organ_code: str, year: str) -> Response:
        organ, number, scope = _resolve(request, organ_code, year)
        _require_reporter(request.user, organ, number, scope)
        report = AnnualReport.objects.filter(organ=organ, year=number, scope=scope).first()
        try:
            if report is None:
                raise services.ReportConflict(_("只有已发布的年度报告可以撤回更正。"))
            services.report_reopen(actor=request.user, report=report)
        except services.ReportConflict as exc:
            raise Conflict(str(exc)) from None
        return Response(_representation(request, report, organ, number, scope))
