"""REST API of the catalog (api.md, "Authentication", "Organs", "Catalog items").

Thin views: they parse input with a serializer, check who may act (``catalog.permissions``)
and call one service per change (``catalog.services``), which validates and writes
atomically. Anything a caller may not see is a 404, never a hint that it exists.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import (
    APIException,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import services
from catalog.directory import PUBLIC_DATA, CappedPaginator, published_total
from catalog.filters import ItemFilter
from catalog.models import Guide, Item, Organ, StaffRole
from catalog.permissions import Action as CatalogAction
from catalog.permissions import can_act, can_review, can_see, may, profile_of
from catalog.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    GuideSerializer,
    ItemCreateSerializer,
    ItemDetailSerializer,
    ItemSerializer,
    ItemUpdateSerializer,
    MaskResultSerializer,
    OrganCreateSerializer,
    OrganSerializer,
    RepealSerializer,
    ReviewSerializer,
    StaffInputSerializer,
    StaffOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)
from disclosure_portal import auth
from disclosure_portal.api import PUBLIC_THROTTLES, Conflict, LoginRateThrottle, Pagination
from disclosure_portal.pagecache import public_data

PUBLISHER = StaffRole.PUBLISHER.value
REVIEWER = StaffRole.REVIEWER.value


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("上传的文件过大。")
    default_code = "too_large"


# --- Permissions ----------------------------------------------------------------------------


class IsSuperuser(BasePermission):
    message = _("只有系统管理员可以执行此操作。")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_superuser)


class IsPublisher(BasePermission):
    """A 发布员 of some organ (or a superuser); which organ is checked per object."""

    message = _("只有发布员可以执行此操作。")
    roles: tuple[str, ...] = (PUBLISHER,)

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        profile = profile_of(user)
        return bool(user.is_superuser or (profile and set(self.roles) & set(profile.roles)))


class IsReviewer(IsPublisher):
    message = _("只有审核员可以执行此操作。")
    roles = (REVIEWER,)


class IsPublisherOrReviewer(IsPublisher):
    message = _("只有发布员或审核员可以执行此操作。")
    roles = (PUBLISHER, REVIEWER)


def check_co_organs(user: Any, co_organs: list[Organ] | None) -> None:
    """Joint publishers (co_organs) may name only organs the caller may publish for (api.md,
    Catalog): naming another organ would put its name on a document it never issued."""
    foreign = [
        organ.code for organ in co_organs or () if not may(user, CatalogAction.NAME_CO_ORGAN, organ)
    ]
    if foreign:
        raise ValidationError(
            {
                "co_organs": [
                    _("只能将本人有发布权限的机关列为联合发布机构：%(codes)s不在其中。")
                    % {"codes": "、".join(foreign)}
                ]
            }
        )


def require_publisher_of(user: Any, organ: Organ) -> None:
    """403 unless ``user`` publishes for ``organ`` or an organ above it (or is a superuser)."""
    if not can_act(user, organ, PUBLISHER):
        raise PermissionDenied(_("您不是该机关或其上级机关的发布员。"))


# --- Authentication and staff -------------------------------------------------------------


class TokenView(APIView):
    """Exchange a username and password for an API token (``Authorization: Token …``)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        request=TokenInputSerializer,
        responses={
            200: TokenOutputSerializer,
            400: OpenApiResponse(description="用户名、密码或动态验证码错误"),
            403: OpenApiResponse(description="须先启用两步验证"),
            429: OpenApiResponse(description="账号已被锁定，或请求过于频繁"),
        },
        auth=[],
        summary="获取API令牌",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        user = authenticate(
            request._request,
            username=username,
            password=serializer.validated_data["password"],
        )
        if auth.already_locked(request._request):
            raise LockedOut(auth.locked_message())
        if user is None or not user.is_active:
            raise ValidationError({"non_field_errors": [_("用户名或密码错误。")]})
        if auth.two_factor_required(user):
            if not auth.has_second_factor(user):
                raise PermissionDenied(
                    _("该账号须先在工作台“账号安全”页面（/staff/account/）启用两步验证。")
                )
            code = serializer.validated_data.get("otp", "")
            if not code:
                raise ValidationError({"otp": [_("该账号已启用两步验证，请填写动态验证码。")]})
            if auth.match_code(user, code) is None:
                user_login_failed.send(
                    sender=__name__, credentials={"username": username}, request=request._request
                )
                raise ValidationError({"otp": [_("动态验证码不正确或已使用。")]})
        # The token endpoint is a login like the pages': it is audited and clears the
        # failure count (django-axes listens to this signal).
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token = auth.issue_token(user)
        return Response({"token": token.key})


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("该账号已被锁定。")
    default_code = "locked"


class StaffView(APIView):
    """Create a staff account for an organ (superusers only)."""

    permission_classes = [IsSuperuser]
    throttle_classes = PUBLIC_THROTTLES

    @extend_schema(
        request=StaffInputSerializer,
        responses={201: StaffOutputSerializer},
        summary="创建工作人员账号",
    )
    def post(self, request: Request) -> Response:
        serializer = StaffInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.staff_create(actor=request.user, **serializer.validated_data)
        return Response(StaffOutputSerializer(user).data, status=status.HTTP_201_CREATED)


# --- Organs and guides ----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="行政机关列表"),
    retrieve=extend_schema(summary="行政机关"),
    create=extend_schema(
        summary="新增行政机关",
        request=OrganCreateSerializer,
        responses={201: OrganSerializer},
    ),
)
class OrganViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Organ.objects.select_related("parent").order_by("position", "id")
    serializer_class = OrganSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filter_backends: list[Any] = []
    throttle_classes = PUBLIC_THROTTLES

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "create":
            return [IsSuperuser()]
        if self.action == "guide" and self.request.method == "PUT":
            return [IsAuthenticated()]
        return [AllowAny()]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = OrganCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organ = services.organ_create(actor=request.user, **serializer.validated_data)
        return Response(OrganSerializer(organ).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: GuideSerializer}, summary="政府信息公开指南")
    @extend_schema(
        methods=["PUT"],
        request=GuideSerializer,
        responses={200: GuideSerializer},
        summary="更新政府信息公开指南",
    )
    @action(detail=True, methods=["get", "put"], url_path="guide")
    def guide(self, request: Request, code: str | None = None) -> Response:
        organ = self.get_object()
        if request.method == "PUT":
            require_publisher_of(request.user, organ)  # 条例第十二条: the organ keeps its guide
            serializer = GuideSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            guide = services.guide_update(
                actor=request.user, organ=organ, data=serializer.validated_data
            )
        else:
            guide = Guide.objects.filter(organ=organ).first() or Guide(organ=organ)
        return Response(GuideSerializer(guide).data)


# --- Items ------------------------------------------------------------------------------------

_ERROR_RESPONSES = {
    400: OpenApiResponse(description="输入有误，按字段列出原因。"),
    401: OpenApiResponse(description="未登录。"),
    403: OpenApiResponse(description="不是该机关或其上级机关的发布员。"),
}
_DETAIL_RESPONSES = {
    200: ItemDetailSerializer,
    **_ERROR_RESPONSES,
    404: OpenApiResponse(description="条目不存在或不可见。"),
}


class ItemPagination(Pagination):
    """No unbounded count: the unfiltered list's total is the shared count of published items
    (computed once per catalog version); any filtered one stops at COUNT_LIMIT."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        filters = set(ItemFilter.base_filters) - {"ordering"}  # the order changes no count
        unfiltered = not any(request.query_params.get(name) for name in filters)
        total = published_total() if unfiltered else None
        self.django_paginator_class = functools.partial(CappedPaginator, total=total)  # type: ignore[assignment]
        return super().paginate_queryset(queryset, request, view)


@extend_schema_view(
    list=extend_schema(summary="政府信息公开目录"),
    retrieve=extend_schema(summary="目录条目", responses={200: ItemDetailSerializer}),
    create=extend_schema(
        summary="新增目录条目",
        request=ItemCreateSerializer,
        responses={201: ItemDetailSerializer, **_ERROR_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="修改或发布目录条目", request=ItemUpdateSerializer, responses=_DETAIL_RESPONSES
    ),
)
class ItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Item.objects.all()
    filterset_class = ItemFilter
    pagination_class = ItemPagination
    lookup_value_regex = "[0-9]+"
    throttle_classes = PUBLIC_THROTTLES

    def get_permissions(self) -> list[BasePermission]:
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        if self.action == "review":
            return [IsReviewer()]
        if self.action == "mask_findings":
            return [IsPublisherOrReviewer()]
        return [IsPublisher()]

    def get_queryset(self) -> QuerySet[Item]:
        if self.action == "list":
            queryset = (
                Item.objects.published()
                .select_related("organ", "topic", "genre")
                .defer("search_tokens")
                .order_by("-published_on", "-id")
            )
            # Bodies are long and only needed to cut a search snippet.
            return queryset if self.request.query_params.get("q") else queryset.defer("body")
        return Item.objects.select_related(
            "organ", "topic", "genre", "grouping", "audience"
        ).prefetch_related("co_organs", "attachments")

    def filter_queryset(self, queryset: QuerySet[Item]) -> QuerySet[Item]:
        # Filters apply to the public list only; detail lookups are by id.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The anonymous answer is kept while the catalog's version stamps are unchanged
        # (throttles and permissions have already run).
        data = public_data(
            request, PUBLIC_DATA, lambda: super(ItemViewSet, self).list(request).data
        )
        return Response(data)

    def get_serializer_class(self) -> type[ItemSerializer]:
        return ItemSerializer if self.action == "list" else ItemDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.action == "list":
            context["q"] = self.request.query_params.get("q", "").strip()
        return context

    def _serializer_for(self, item: Item) -> ItemDetailSerializer:
        context = self.get_serializer_context()
        # Review fields and findings are for the staff of the organ (api.md, Catalog).
        context["staff_view"] = can_see(self.request.user, item.organ_id)
        return ItemDetailSerializer(item, context=context)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._serializer_for(self.get_object()).data)

    def get_object(self) -> Item:
        item = super().get_object()
        user = self.request.user
        # A draft exists only for the staff of its organ and the organs above it.
        if not item.is_published and not can_see(user, item.organ):
            raise NotFound()
        if self.action == "review":
            if not can_review(user, item):
                raise PermissionDenied(
                    _("您不是该机关或其上级机关的审核员，或者该信息由您本人起草。")
                )
        elif self.action == "mask_findings":
            if not (can_act(user, item.organ, PUBLISHER) or can_review(user, item)):
                raise PermissionDenied(_("您不是该机关或其上级机关的发布员或审核员。"))
        elif self.action != "retrieve":
            require_publisher_of(user, item.organ)
        return item

    def _detail(self, item: Item, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(self._serializer_for(fresh).data, status=status_code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ItemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organ: Organ = data.pop("organ")
        require_publisher_of(request.user, organ)
        check_co_organs(request.user, data.get("co_organs"))
        item = services.item_create(
            actor=request.user,
            organ=organ,
            data=_item_fields(data),
            publish=data.get("status") == Item.Status.PUBLISHED,
            published_on=data.get("published_on"),
            co_organs=data.get("co_organs"),
        )
        return self._detail(item, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        serializer = ItemUpdateSerializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        check_co_organs(request.user, data.get("co_organs"))
        fields = _item_fields(data)
        # Editing and publishing in one request succeed or fail together.
        with transaction.atomic():
            if fields or "co_organs" in data:
                item = services.item_update(
                    actor=request.user, item=item, data=fields, co_organs=data.get("co_organs")
                )
            if data.get("status") == Item.Status.PUBLISHED and not item.is_published:
                item = services.item_publish(
                    actor=request.user, item=item, published_on=data.get("published_on")
                )
        return self._detail(item)

    @extend_schema(
        summary="废止或修改目录条目",
        request=RepealSerializer,
        responses={**_DETAIL_RESPONSES, 409: OpenApiResponse(description="草稿不能废止。")},
    )
    @action(detail=True, methods=["post"])
    def repeal(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        serializer = RepealSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not item.is_published:
            raise Conflict(_("草稿尚未发布，不能废止或修改。"))
        item = services.item_repeal(actor=request.user, item=item, **serializer.validated_data)
        return self._detail(item)

    @extend_schema(
        summary="审核目录条目（条例第十七条）",
        request=ReviewSerializer,
        responses={
            **_DETAIL_RESPONSES,
            403: OpenApiResponse(description="不是该机关或其上级机关的审核员，或为本人起草。"),
            409: OpenApiResponse(description="条目不在待审核状态。"),
        },
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            item = services.item_review(actor=request.user, item=item, **serializer.validated_data)
        except services.StateConflict as exc:
            raise Conflict(str(exc)) from None
        return self._detail(item)

    @extend_schema(
        summary="遮盖正文中的个人信息",
        request=None,
        responses={
            200: MaskResultSerializer,
            403: OpenApiResponse(description="不是该机关或其上级机关的发布员或审核员。"),
            409: OpenApiResponse(description="已发布的条目不能在此遮盖。"),
        },
    )
    @action(detail=True, methods=["post"], url_path="mask-findings")
    def mask_findings(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        try:
            count = services.item_mask_findings(actor=request.user, item=item)
        except services.StateConflict as exc:
            raise Conflict(str(exc)) from None
        return Response({"masked": count})

    @extend_schema(
        summary="上传附件",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer,
            400: OpenApiResponse(description="文件内容不是允许的格式。"),
            413: OpenApiResponse(description="文件超过大小上限。"),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            attachment = services.attachment_add(
                actor=request.user, item=item, upload=serializer.validated_data["file"]
            )
        except DjangoValidationError as exc:
            if any(getattr(e, "code", None) == "too_large" for e in exc.error_list):
                raise PayloadTooLarge(exc.messages[0]) from None
            raise ValidationError({"file": exc.messages}) from None
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


def _item_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The metadata the item services take (status, dates of publication and joint
    organs travel as their own arguments)."""
    return {field: data[field] for field in services.ITEM_FIELDS if field in data}
