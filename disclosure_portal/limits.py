"""The largest request body the portal accepts, enforced before anything reads it.

``REQUEST_MAX_BYTES`` (default 64 MiB: five 10 MB scans with an application, or one 50 MB
attachment of an item, with room for the form) is the one number that nginx's
``client_max_body_size`` in deploy/nginx.conf repeats; a test keeps them equal. Django itself
limits only the non-file part of a form (``DATA_UPLOAD_MAX_MEMORY_SIZE``); files stream to disk,
so without this check a node would accept a body of any size when reached directly.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_MAX_BYTES
        if length > limit:
            message = _("提交的内容超过%(mb)dMB的上限，请减少或压缩附件后重试。") % {
                "mb": limit // (1024 * 1024)
            }
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
