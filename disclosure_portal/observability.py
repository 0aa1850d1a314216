"""Request ids and JSON log lines (api.md "Running on several processes and machines").

Every request gets an id: the ``X-Request-ID`` the reverse proxy sent when it looks like one
(nginx's ``$request_id``, a UUID), otherwise a fresh one. The id is returned in the response's
``X-Request-ID`` header and stamped on every log record written while the request runs, so
that one line in nginx's log, the portal's log of any node and a user's report ("错误编号")
lead to each other. With ``LOG_FORMAT=json`` each record is one JSON object per line.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and a few separators, 8 to 128 characters: enough for UUIDs and nginx's
# 32 hex digits, too little to smuggle a second log line or markup into the logs.
_SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
access_logger = logging.getLogger("disclosure_portal.request")


def current_request_id() -> str | None:
    return _request_id.get()


def sane_request_id(value: str | None) -> str | None:
    """The incoming id if it is sane, else ``None`` (the caller makes a new one)."""
    if value and _SANE_ID.match(value):
        return value
    return None


class RequestIdMiddleware:
    """Outermost middleware: sets the request id, returns it, logs one line per request.

    The access line names the URL pattern rather than the path, so tracking codes and other
    values in URLs never reach the logs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = sane_request_id(request.headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            access_logger.info(
                "%s %s %s",
                request.method,
                match.route if match is not None else "-",
                response.status_code,
                extra={
                    "method": request.method,
                    "route": match.route if match is not None else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``None`` outside a request: commands, workers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            # django.request logs a 4xx/5xx after the middleware chain has returned: the id
            # is then found on the request it passes along.
            request = getattr(record, "request", None)
            record.request_id = current_request_id() or getattr(request, "request_id", None)
        return True


# Attributes every LogRecord has; anything else was passed in ``extra`` and is written out.
# Django's own ``request`` extra is left out: its text carries the query string (tracking codes).
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
