"""REST endpoints of staff authentication: logout (revokes the token) and unlock."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disclosure_portal import audit, auth


class IsSuperuser(BasePermission):
    message = _("只有系统管理员可以执行此操作。")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_superuser)


class LogoutView(APIView):
    """Revoke the caller's API token (and end the session, when called with one)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="退出登录并吊销令牌")
    def post(self, request: Request) -> Response:
        user = request.user
        revoked = auth.revoke_tokens(user=user)
        audit.record("auth.token_revoked", actor=user, obj=user, after={"tokens": revoked})
        if request.auth is None:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UnlockInputSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)


class UnlockOutputSerializer(serializers.Serializer):
    username = serializers.CharField()
    cleared_attempts = serializers.IntegerField()


class UnlockView(APIView):
    """Lift the lockout of a username (superusers only)."""

    permission_classes = [IsSuperuser]

    @extend_schema(
        request=UnlockInputSerializer,
        responses={200: UnlockOutputSerializer, 400: OpenApiResponse(description="输入有误")},
        summary="解除账号锁定",
    )
    def post(self, request: Request) -> Response:
        serializer = UnlockInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        count = auth.unlock(username, actor=request.user, request=request._request)
        return Response({"username": username, "cleared_attempts": count})
