"""When the database cannot be reached: a Chinese 503 page or JSON, never a traceback.

A lost database connection surfaces as ``OperationalError`` / ``InterfaceError`` wherever the
first query happens: in a view, in a template, in the session middleware. Views' exceptions
reach ``DatabaseOutageMiddleware.process_exception``; everything else reaches Django's 500
handler (``handler500`` in urls.py), which asks the same question. The answer needs no
database: the page is rendered without the context processors (they read the organ tree and
the user). ``Retry-After`` tells clients and crawlers to come back; the next request after the
database returns opens a new connection (``CONN_HEALTH_CHECKS``), so no restart is needed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from disclosure_portal.observability import current_request_id

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 for a page or an API call while the database is away."""
    message = _("系统暂时无法访问数据库，请稍后再试。")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        html = render_to_string(
            "503.html",
            {
                "portal": settings.PORTAL,
                "message": message,
                "retry_minutes": 1,
                "request_id": current_request_id(),
            },
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        logger.error("数据库不可用：%s", exception.__class__.__name__, exc_info=exception)
        return unavailable(request)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: the database outage answer when that is what failed, else the portal's
    static 500 page (disclosure_portal.errors: it needs neither templates nor the database)."""
    if is_database_outage(sys.exc_info()[1]):
        return unavailable(request)
    from disclosure_portal.errors import server_error as static_server_error

    return static_server_error(request)
