"""Refuse hostile requests before any view reads them (issue 8).

- ``RequestGuardMiddleware``: a body whose ``Content-Length`` exceeds ``REQUEST_MAX_BYTES`` is
  refused with 413 before a byte of it is read; a NUL byte in the path or a query parameter is
  a 400 naming the parameter (PostgreSQL cannot store or compare such strings, and no code,
  date or search term of the portal contains one).
- ``BodyCapMiddleware`` (WSGI, wraps the Django application in ``wsgi.py``): a chunked body
  without ``Content-Length`` is read only up to the same limit — beyond it the request is refused
  with 413 without reading further; below it the body is handed to Django with its length.

The reverse proxy should refuse the same sizes first (nginx: ``client_max_body_size``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

NUL = "\x00"
_CHUNK = 64 * 1024


def _limit_mb() -> int:
    return settings.REQUEST_MAX_BYTES // (1024 * 1024)


def _too_large_message() -> str:
    return _("请求内容超过%(mb)d MB的上限，请减少或压缩附件后重试。") % {"mb": _limit_mb()}


def _refuse(request: HttpRequest, status: int, errors: dict[str, Any]) -> HttpResponse:
    """The API's error shape (api.md) under /api/, else a short Chinese page."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            errors, status=status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        messages = [
            m for value in errors.values() for m in ([value] if isinstance(value, str) else value)
        ]
        body = render_to_string("request_refused.html", {"messages": messages, "status": status})
        response = HttpResponse(body, status=status)
    # No ``Connection: close`` here: it is a hop-by-hop header, which a WSGI application must
    # not send (PEP 3333). wsgiref (runserver, ``make demo``) answers it with a bare English
    # 500 and gunicorn drops it; both servers themselves deal with the unread rest of the body.
    return response


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return _refuse(request, 413, {"non_field_errors": [_too_large_message()]})
        if NUL in request.path:
            return _refuse(request, 400, {"detail": _("网址中含有不允许的空字符。")})
        for key, values in request.GET.lists():
            if NUL in key or any(NUL in value for value in values):
                field = key.replace(NUL, "")
                message = _("参数“%(field)s”不能包含空字符。") % {"field": field}
                return _refuse(request, 400, {field: [message]})
        return self.get_response(request)


class BodyCapMiddleware:
    """WSGI middleware: cap chunked request bodies at ``REQUEST_MAX_BYTES``."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            limit = settings.REQUEST_MAX_BYTES
            # Small bodies stay in memory; larger ones go to a temporary file, as Django does
            # with uploads (FILE_UPLOAD_MAX_MEMORY_SIZE).
            spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
            stream = environ["wsgi.input"]
            size = 0
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    spool.close()
                    return self._too_large(start_response)
                spool.write(chunk)
            spool.seek(0)
            environ["wsgi.input"] = spool
            environ["CONTENT_LENGTH"] = str(size)
        return self.app(environ, start_response)

    @staticmethod
    def _too_large(start_response: Callable[..., Any]) -> list[bytes]:
        import json

        body = json.dumps({"non_field_errors": [_too_large_message()]}, ensure_ascii=False).encode()
        start_response(
            "413 Request Entity Too Large",
            [
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(body))),
            ],
        )
        return [body]
