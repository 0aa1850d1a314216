"""REST API conventions shared by every app (api.md, "Conventions").

Pagination is ``{"count", "next", "previous", "results"}`` with ``page`` and ``page_size``
(at most 100); errors are DRF-style ``{"field": ["message"]}`` in Chinese; a workflow action
the current state does not allow is a 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ObjectJSONParser(JSONParser):
    """JSON bodies must be objects: every write of the API takes named fields. An array, a
    string or a number is a 400 naming the body (``non_field_errors``), not a crash in a view
    or throttle that expects a mapping (issue 8)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise NotAnObject()
        return data


class NotAnObject(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = {"non_field_errors": [_("请求体应为JSON对象（{…}），各字段以名称给出。")]}
    default_code = "invalid"


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise InvalidPageSize() from None
        if size < 1:
            raise InvalidPageSize()
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound(_("页码超出范围。")) from None


class InvalidPageSize(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = {"page_size": [_("每页条数必须是1到100之间的整数。")]}
    default_code = "invalid"


class Conflict(APIException):
    """A workflow action that the current state does not allow (api.md: 409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("当前状态不允许此操作。")
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django ``ValidationError`` raised by services → 400 by field."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        else:
            data = {"non_field_errors": [str(m) for m in exc.messages]}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def api_not_found(request: Any, exception: Exception | None = None) -> Any:
    """404 for URLs that match no route: JSON under /api/ (api.md's error shape), the
    portal's page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": str(_("未找到。"))}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    return page_not_found(request, exception)
