"""REST API of 依申请公开 and the working-day calendar (api.md, "Applications",
"Working-day calendar").

Thin views: parse with a serializer, check who may see and act (``requests_app.permissions``),
call one service per change (``requests_app.services``). A citizen's application is a 404 to
anyone but staff of its organ; a workflow action the state does not allow is a 409.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Prefetch, QuerySet
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import (
    APIException,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    Throttled,
    ValidationError,
)
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from catalog.organs import organ_tree
from catalog.permissions import is_staff_member
from catalog.uploads import served_name_for
from disclosure_portal.api import Conflict, ObjectJSONParser, Pagination
from disclosure_portal.mail import MailNotResendable, resend_mail
from disclosure_portal.models import OutboxMail
from requests_app import calendar as calendar_module
from requests_app import notifications, permissions, services, throttling
from requests_app.downloads import private_download
from requests_app.models import (
    OPEN_STATUSES,
    Appeal,
    Application,
    CalendarOverride,
    Event,
    ReleasedFile,
    Status,
)
from requests_app.serializers import (
    ACTION_SERIALIZERS,
    ActionSerializer,
    AddWorkdaysQuerySerializer,
    AddWorkdaysResultSerializer,
    AppealInputSerializer,
    AppealSerializer,
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationReceiptSerializer,
    ApplicationSummarySerializer,
    AssignSerializer,
    CalendarYearSerializer,
    MailSerializer,
    OverrideInputSerializer,
    RecordDeliverySerializer,
    ReleasedFileSerializer,
    ReleasedFileUploadSerializer,
    TrackSerializer,
    released_file_data,
)
from requests_app.tracking import is_well_formed, normalize_tracking_code
from requests_app.workdays import add_workdays, is_weekend
from requests_app.workflow import TRANSITIONS


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("上传的文件过大。")
    default_code = "too_large"


def _errors(exc: DjangoValidationError) -> dict[str, Any]:
    """A service's errors in DRF's shape; ``applicant.name`` becomes
    ``{"applicant": {"name": [...]}}``."""
    out: dict[str, Any] = {}
    for key, messages in exc.message_dict.items():
        head, _dot, tail = key.partition(".")
        if tail:
            nested = out.setdefault(head, {})
            if isinstance(nested, dict):
                nested[tail] = messages
            else:  # "applicant" itself had an error: keep both, the object's first
                out[head] = nested
        else:
            out[key] = messages
    return out


def _raise_service_errors(exc: DjangoValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        raise ValidationError({"non_field_errors": exc.messages}) from exc
    data = _errors(exc)
    too_large = any(e.code == "too_large" for e in exc.error_dict.get("attachments", []))
    if too_large:
        # api.md: 413 for oversized uploads, with the messages by field as for a 400.
        error = PayloadTooLarge()
        error.detail = data  # type: ignore[assignment]
        raise error from exc
    raise ValidationError(data) from exc


# --- Throttles (api.md: 429 when throttled) -----------------------------------------------
# They share their counters with the HTML form (requests_app.throttling), so neither is a
# way around the other. Staff registering paper applications are not throttled.


class _PublicThrottle(BaseThrottle):
    scope = ""

    def wait(self) -> float | None:
        rate = throttling.rate_for(self.scope)
        return float(rate.seconds) if rate else None


class ApplyIpThrottle(_PublicThrottle):
    """``apply_ip``: submissions per client address; every attempt counts."""

    scope = throttling.APPLY_IP

    def allow_request(self, request: Request, view: Any) -> bool:
        if is_staff_member(request.user):
            return True
        return throttling.allow(self.scope, throttling.client_ip(request))


def _contact_identities(request: Request) -> list[str]:
    applicant = request.data.get("applicant")
    if isinstance(applicant, str):
        try:
            applicant = json.loads(applicant)
        except ValueError:
            applicant = None
    if not isinstance(applicant, dict):
        return []
    return throttling.contact_identities(
        phone=str(applicant.get("phone") or ""),
        email=str(applicant.get("email") or ""),
        id_number=str(applicant.get("id_number") or ""),
    )


class ApplyContactThrottle(_PublicThrottle):
    """``apply_contact``: accepted applications per phone, e-mail or ID number.

    Only accepted applications count (``record``, called by the view), so that a citizen
    correcting mistakes in the form is never locked out.
    """

    scope = throttling.APPLY_CONTACT

    def allow_request(self, request: Request, view: Any) -> bool:
        if is_staff_member(request.user):
            return True
        return not throttling.any_throttled(self.scope, _contact_identities(request))

    @classmethod
    def record(cls, request: Request) -> None:
        if not is_staff_member(request.user):
            throttling.record_all(cls.scope, _contact_identities(request))


class TrackThrottle(_PublicThrottle):
    """Lookups of tracking codes per client address (codes are not enumerable anyway)."""

    scope = throttling.TRACK

    def allow_request(self, request: Request, view: Any) -> bool:
        if is_staff_member(request.user):
            return True
        return throttling.allow(self.scope, throttling.client_ip(request))


class _ThrottledInChinese:
    def throttled(self, request: Request, wait: float | None) -> None:
        raise Throttled(wait, detail=str(_("提交过于频繁，请稍后再试。")))


# --- Permissions ---------------------------------------------------------------------------


class IsSuperuser(BasePermission):
    message = _("只有系统管理员可以执行此操作。")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_superuser)


def _require_staff(request: Request) -> None:
    if not request.user or not request.user.is_authenticated:
        raise NotAuthenticated()
    if not permissions.may(request.user, permissions.Action.VIEW):
        # api.md: a user without the handler or approver role sees no applications.
        raise PermissionDenied(_("只有经办人和负责人可以查看申请。"))


def _visible_application(request: Request, pk: int, *, detail: bool = False) -> Application:
    """The application if the caller may see it: 401 anonymous, else 404 (never leak)."""
    if not request.user or not request.user.is_authenticated:
        raise NotAuthenticated()
    qs = permissions.visible_to(request.user).select_related("organ", "assigned_to")
    if detail:
        qs = qs.select_related("linked_item").prefetch_related(
            Prefetch("events", queryset=Event.objects.select_related("actor")),
            "attachments",
            "released_files",
            "appeals",
            Prefetch(
                "mails",
                queryset=OutboxMail.objects.select_related("created_by").order_by(
                    "created_at", "id"
                ),
            ),
        )
    application = qs.filter(pk=pk).first()
    if application is None:
        raise NotFound(_("申请不存在。"))
    return application


def _require_act(request: Request, application: Application) -> None:
    if not permissions.can_act(request.user, application):
        raise PermissionDenied(_("只有本机关的经办人或负责人可以办理申请。"))


def _detail_response(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    application = _visible_application(request, pk, detail=True)
    context = {
        "request": request,
        "today": services.local_today(),
        "calendar": calendar_module.current_calendar(),
        "notice_sent_at": notifications.notice_sent_times(application.events.all()),
    }
    return Response(ApplicationDetailSerializer(application, context=context).data, status=code)


# --- Applications --------------------------------------------------------------------------


class ApplicationFilter(filters.FilterSet):
    """api.md filters. ``received_*`` bound the original receipt date (``first_received_on``,
    the date that decides the report year); every bound is inclusive."""

    status = filters.ChoiceFilter(choices=Status.choices)
    overdue = filters.BooleanFilter(method="filter_overdue")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")
    organ = filters.CharFilter(method="filter_organ")
    received_after = filters.DateFilter(field_name="first_received_on", lookup_expr="gte")
    received_before = filters.DateFilter(field_name="first_received_on", lookup_expr="lte")

    class Meta:
        model = Application
        fields: list[str] = []

    def filter_overdue(self, qs: QuerySet[Application], name: str, value: bool | None) -> Any:
        if value is None:
            return qs
        overdue = {"status__in": OPEN_STATUSES, "due_on__lt": services.local_today()}
        return qs.filter(**overdue) if value else qs.exclude(**overdue)

    def filter_organ(self, qs: QuerySet[Application], name: str, value: str) -> Any:
        """An organ's code, with its subordinates (domain.md: government-level views)."""
        tree = organ_tree()
        node = tree.by_code.get(value.strip().upper())
        if node is None:
            return qs.none()
        return qs.filter(organ_id__in=tree.descendant_ids(node.id))


class ApplicationListCreateView(_ThrottledInChinese, GenericAPIView):
    """GET: the staff queue, scoped to the caller's organs. POST: anyone applies."""

    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]
    pagination_class = Pagination
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ApplicationFilter
    serializer_class = ApplicationSummarySerializer

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request.method == "POST":
            return [ApplyIpThrottle(), ApplyContactThrottle()]
        return []

    def get_queryset(self) -> QuerySet[Application]:
        return (
            permissions.visible_to(self.request.user)
            .select_related("organ", "assigned_to")
            .order_by(F("due_on").asc(nulls_last=True), "id")
        )

    @extend_schema(responses=ApplicationSummarySerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_staff(request)
        # Queries: COUNT for the paginator, then one SELECT of the page joined with organ and
        # assignee; the organ tree and the calendar come from the cache.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {
            "request": request,
            "today": services.local_today(),
            "calendar": calendar_module.current_calendar(),
        }
        data = ApplicationSummarySerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=ApplicationCreateSerializer,
        responses={
            201: ApplicationReceiptSerializer,
            400: OpenApiResponse(description="字段错误"),
            413: OpenApiResponse(description="附件过大"),
            429: OpenApiResponse(description="提交过于频繁"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        data = {
            key: values[key]
            for key in (
                "applicant_type",
                "applicant",
                "description",
                "delivery_form",
                "delivery_method",
            )
        }
        try:
            application = services.application_submit(
                actor=request.user,
                organ=values["organ"],
                data=data,
                attachments=request.FILES.getlist("attachments"),
                channel=values["channel"] or None,
                received_on=values["received_on"],
                confirm_published_year=values["confirm_published_year"],
            )
        except DjangoValidationError as exc:
            _raise_service_errors(exc)
            raise  # unreachable: for type checkers
        ApplyContactThrottle.record(request)
        return Response(
            ApplicationReceiptSerializer(application).data, status=status.HTTP_201_CREATED
        )


class ApplicationTrackView(_ThrottledInChinese, APIView):
    """Anyone holding the code: status and dates, masked name, public notes (api.md)."""

    throttle_classes = [TrackThrottle]

    @extend_schema(responses=TrackSerializer)
    def get(self, request: Request, code: str) -> Response:
        normalized = normalize_tracking_code(code)
        application = None
        if is_well_formed(normalized):
            application = (
                Application.objects.select_related("organ", "linked_item")
                .prefetch_related("events")
                .filter(tracking_code=normalized)
                .first()
            )
        if application is None:
            raise NotFound(_("查询码不存在，请核对后重新输入。"))
        return Response(TrackSerializer(application).data)


class ApplicationDetailView(APIView):
    @extend_schema(responses=ApplicationDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _detail_response(request, pk)


class ApplicationActionView(APIView):
    """``POST /applications/{id}/{action}/``: one workflow step (or ``assign``)."""

    @extend_schema(
        operation_id="v1_applications_action_create",
        request=ActionSerializer,
        responses={
            200: ApplicationDetailSerializer,
            400: OpenApiResponse(description="字段错误"),
            409: OpenApiResponse(description="当前状态不允许此操作"),
        },
        description=(
            "action 为办理流程表中的操作（及 assign、record-delivery）；各操作的附加字段见 api.md。"
        ),
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        application = _visible_application(request, pk)
        if action == "extend":
            # 条例第三十三条第二款: the 负责人 approves; anyone else is refused whatever the body.
            if not permissions.can_approve_extension(request.user, application):
                raise PermissionDenied(
                    _("只有本机关的政府信息公开工作机构负责人可以决定延长答复期限。")
                )
        else:
            _require_act(request, application)
        try:
            if action == "assign":
                serializer = AssignSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                services.application_assign(
                    actor=request.user,
                    application=application,
                    user=serializer.validated_data["user"],
                )
            elif action == "record-delivery":
                serializer = RecordDeliverySerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                services.application_record_delivery(
                    actor=request.user, application=application, **serializer.validated_data
                )
            else:
                # The state decides first: an action the state forbids is a 409 whatever
                # the body says.
                services.check_transition(action, application)
                serializer = ACTION_SERIALIZERS[action](data=request.data)
                serializer.is_valid(raise_exception=True)
                services.perform_action(
                    action, actor=request.user, application=application, **serializer.validated_data
                )
        except services.WorkflowConflict as exc:
            raise Conflict(str(exc)) from exc
        except DjangoValidationError as exc:
            _raise_service_errors(exc)
        return _detail_response(request, pk)


class ApplicationMailResendView(APIView):
    """``POST /applications/{id}/mails/{mail_id}/resend/``: queue a sent or failed mail again
    (a new outbox row; the old one stays as the record)."""

    @extend_schema(
        request=None,
        responses={
            201: MailSerializer,
            409: OpenApiResponse(description="邮件尚未发送完毕"),
        },
    )
    def post(self, request: Request, pk: int, mail_id: int) -> Response:
        application = _visible_application(request, pk)
        if not permissions.can_act(request.user, application):
            raise PermissionDenied(_("只有本机关的经办人或负责人可以重发邮件。"))
        mail = application.mails.filter(pk=mail_id).first()
        if mail is None:
            raise NotFound(_("邮件不存在。"))
        try:
            again = resend_mail(actor=request.user, mail=mail)
        except MailNotResendable as exc:
            raise Conflict(_("该邮件尚在发送中，无需重发。")) from exc
        return Response(MailSerializer(again).data, status=status.HTTP_201_CREATED)


class ApplicationAttachmentView(APIView):
    """An applicant's scan, for callers who may see the application (ID documents)."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="申请或附件不存在"),
        }
    )
    def get(self, request: Request, pk: int, attachment_id: int) -> FileResponse:
        application = _visible_application(request, pk)
        attachment = application.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise NotFound(_("附件不存在。"))
        return private_download(
            attachment.file,
            filename=served_name_for(attachment.name, attachment.content_type),
            content_type=attachment.content_type,
            missing=NotFound(_("附件不存在。")),
        )


# --- Released files (拟公开文件) ------------------------------------------------------------


def _released_file(application: Application, file_id: int) -> ReleasedFile:
    released = ReleasedFile.objects.filter(pk=file_id, application=application).first()
    if released is None:
        raise NotFound(_("文件不存在。"))
    return released


class ApplicationReleasedFilesView(APIView):
    """``GET``: the documents to be released with the answer, with the personal data found in
    them. ``POST`` (multipart ``file``): add one while the application is open (409 after the
    answer); the upload rules are the catalog's (checked by content, ≤ 20 files)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=ReleasedFileSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        application = _visible_application(request, pk)
        files = ReleasedFile.objects.filter(application=application).order_by("id")
        return Response([released_file_data(f) for f in files])

    @extend_schema(
        request={"multipart/form-data": ReleasedFileUploadSerializer},
        responses={
            201: ReleasedFileSerializer,
            400: OpenApiResponse(description="文件内容不是允许的格式，或文件过多"),
            409: OpenApiResponse(description="申请已办结，拟公开文件不能再更改"),
            413: OpenApiResponse(description="文件超过大小上限"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _visible_application(request, pk)
        _require_act(request, application)
        serializer = ReleasedFileUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            released = services.released_file_add(
                actor=request.user,
                application=application,
                upload=serializer.validated_data["file"],
            )
        except services.WorkflowConflict as exc:
            raise Conflict(str(exc)) from exc
        except DjangoValidationError as exc:
            errors = exc.error_dict.get("file", []) if hasattr(exc, "error_dict") else []
            if any(getattr(e, "code", None) == "too_large" for e in errors):
                error = PayloadTooLarge()
                error.detail = _errors(exc)  # type: ignore[assignment]
                raise error from exc
            _raise_service_errors(exc)
            raise
        return Response(released_file_data(released), status=status.HTTP_201_CREATED)


class ApplicationReleasedFileView(APIView):
    """``GET``: download a released file (staff who may see the application). ``DELETE``:
    take it off the answer while the application is open (409 after the answer)."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="申请或文件不存在"),
        }
    )
    def get(self, request: Request, pk: int, file_id: int) -> FileResponse:
        application = _visible_application(request, pk)
        released = _released_file(application, file_id)
        return private_download(
            released.file,
            filename=released.name,
            content_type=released.content_type,
            missing=NotFound(_("文件不存在。")),
        )

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="已删除"),
            404: OpenApiResponse(description="申请或文件不存在"),
            409: OpenApiResponse(description="申请已办结，拟公开文件不能再更改"),
        },
    )
    def delete(self, request: Request, pk: int, file_id: int) -> Response:
        application = _visible_application(request, pk)
        _require_act(request, application)
        released = _released_file(application, file_id)
        try:
            services.released_file_remove(
                actor=request.user, application=application, released=released
            )
        except services.WorkflowConflict as exc:
            raise Conflict(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Appeals ------------------------------------------------------------------------------


class ApplicationAppealsView(APIView):
    @extend_schema(responses=AppealSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        application = _visible_application(request, pk)
        appeals = Appeal.objects.filter(application=application)
        return Response(AppealSerializer(appeals, many=True).data)

    @extend_schema(request=AppealInputSerializer, responses={201: AppealSerializer})
    def post(self, request: Request, pk: int) -> Response:
        application = _visible_application(request, pk)
        if not permissions.can_record_appeal(request.user, application):
            raise PermissionDenied(_("只有本机关的工作人员可以登记行政复议或诉讼。"))
        serializer = AppealInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            appeal = services.appeal_create(
                actor=request.user, application=application, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            _raise_service_errors(exc)
            raise
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class AppealDetailView(APIView):
    def _appeal(self, request: Request, pk: int) -> Appeal:
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated()
        appeal = (
            Appeal.objects.select_related("application")
            .filter(pk=pk, application__in=permissions.visible_to(request.user))
            .first()
        )
        if appeal is None:
            raise NotFound(_("记录不存在。"))
        return appeal

    @extend_schema(responses=AppealSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(AppealSerializer(self._appeal(request, pk)).data)

    @extend_schema(request=AppealInputSerializer, responses=AppealSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        appeal = self._appeal(request, pk)
        if not permissions.can_record_appeal(request.user, appeal.application):
            raise PermissionDenied(_("只有本机关的工作人员可以修改行政复议或诉讼记录。"))
        serializer = AppealInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k in request.data}
        try:
            appeal = services.appeal_update(actor=request.user, appeal=appeal, **fields)
        except DjangoValidationError as exc:
            _raise_service_errors(exc)
            raise
        return Response(AppealSerializer(appeal).data)


# --- Working-day calendar ------------------------------------------------------------------


class AddWorkdaysView(APIView):
    """The n-th working day after ``start`` (start excluded: 民法典第二百零一条)."""

    @extend_schema(parameters=[AddWorkdaysQuerySerializer], responses=AddWorkdaysResultSerializer)
    def get(self, request: Request) -> Response:
        query = AddWorkdaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            count = add_workdays(
                calendar_module.current_calendar(),
                query.validated_data["start"],
                query.validated_data["days"],
            )
        except OverflowError:
            # The count would run past 9999-12-31, the last date Python (and the API) knows.
            raise ValidationError(
                {"start": [_("起算日期过晚：计算结果将超出9999年12月31日。")]}
            ) from None
        return Response(
            {
                "date": count.date.isoformat(),
                "covered": count.covered,
                "skipped_holidays": [d.isoformat() for d in count.skipped_holidays],
                "counted_adjusted_workdays": [
                    d.isoformat() for d in count.counted_adjusted_workdays
                ],
                # Holidays of a year without an official notice, estimated from the statute.
                "provisional_holidays": [d.isoformat() for d in count.provisional_holidays],
            }
        )


def _year_data(year: int) -> dict[str, Any]:
    cal = calendar_module.current_calendar()
    overrides = {
        o.date: o for o in CalendarOverride.objects.filter(date__year=year).order_by("date")
    }

    def entry(day: date) -> dict[str, str]:
        if day in overrides:
            source = "override"
        elif day in cal.provisional:
            # 《全国年节及纪念日放假办法》第二条, computed; replaced by the official notice.
            source = "provisional"
        else:
            source = "bundled"
        return {"date": day.isoformat(), "source": source}

    return {
        "year": year,
        "covered": cal.is_covered(year),
        # Days off on weekdays and adjusted working days on weekends (the rest is the plain
        # Monday–Friday week).
        "holidays": [entry(d) for d in sorted(cal.holidays) if d.year == year],
        "workdays": [entry(d) for d in sorted(cal.workdays) if d.year == year],
        "overrides": [
            {
                "date": day.isoformat(),
                "is_workday": o.is_workday,
                "weekend": is_weekend(day),
                "note": o.note,
            }
            for day, o in overrides.items()
        ],
    }


class CalendarYearView(APIView):
    @extend_schema(responses=CalendarYearSerializer)
    def get(self, request: Request, year: int) -> Response:
        if not 1900 <= year <= 2200:
            raise NotFound(_("年份超出范围。"))
        return Response(_year_data(year))


class CalendarOverrideView(APIView):
    permission_classes = [IsSuperuser]
    # JSON only: a form would turn a missing ``is_workday`` into "false" (HTML checkbox
    # semantics) and record a day off nobody asked for.
    parser_classes = [ObjectJSONParser]

    @extend_schema(request=OverrideInputSerializer, responses={201: OverrideInputSerializer})
    def post(self, request: Request) -> Response:
        serializer = OverrideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            override = services.calendar_override_set(
                actor=request.user, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            _raise_service_errors(exc)
            raise
        return Response(
            {
                "date": override.date.isoformat(),
                "is_workday": override.is_workday,
                "note": override.note,
            },
            status=status.HTTP_201_CREATED,
        )


class CalendarYearCompleteView(APIView):
    permission_classes = [IsSuperuser]

    @extend_schema(request=None, responses=CalendarYearSerializer)
    def post(self, request: Request, year: int) -> Response:
        try:
            services.calendar_year_complete(actor=request.user, year=year)
        except DjangoValidationError as exc:
            _raise_service_errors(exc)
        return Response(_year_data(year))


ACTIONS_PATTERN = "|".join([*TRANSITIONS, "assign", "record-delivery"])
