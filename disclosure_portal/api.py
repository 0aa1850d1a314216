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
from rest_framework.throttling import BaseThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from disclosure_portal import counters
from disclosure_portal.net import client_ip


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


# --- Throttles: shared, atomic counters (disclosure_portal.counters) --------------------------


class CounterThrottle(BaseThrottle):
    """A DRF throttle counting in the shared counters: one increment per request, the same
    budget on every worker and node. Subclasses name the scope and the identity."""

    scope = ""

    def __init__(self) -> None:
        self._wait: float | None = None

    def identity(self, request: Any) -> tuple[str, str] | None:
        """(scope, identity) to count this request under; None: not limited."""
        return self.scope, client_ip(request)

    def allow_request(self, request: Any, view: Any) -> bool:
        identity = self.identity(request)
        if identity is None or not identity[1]:
            return True
        scope, ident = identity
        rate = counters.configured_rate(scope)
        if rate is None:
            return True
        usage = counters.hit(scope, ident, rate)
        if usage.over(rate):
            self._wait = usage.window_ends_in
            return False
        return True

    def wait(self) -> float | None:
        return self._wait


class PublicRateThrottle(CounterThrottle):
    """The public API: an anonymous client counts once, by address (``anon``); a signed-in one
    by account (``user``)."""

    def identity(self, request: Any) -> tuple[str, str] | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return "user", str(user.pk)
        return "anon", client_ip(request)


class LoginRateThrottle(CounterThrottle):
    """Password attempts per address (``login``)."""

    scope = "login"


PUBLIC_THROTTLES: list[type[BaseThrottle]] = [PublicRateThrottle]
