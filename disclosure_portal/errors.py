"""Error pages in Chinese, in the portal's layout (issue 10: no English "Not Found" page).

400, 403, 404 and the CSRF failure render templates with the portal's context. The 500 page
is a static file read once at import time and returned without the template engine, the
database or any context processor, so it still answers when those are what failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _

_DEFAULT_SITE_NAME = "政府信息公开平台"
# Read and filled in once, when the URLconf is first imported: nothing is rendered later.
_STATIC_500 = (
    (Path(__file__).resolve().parent.parent / "templates" / "errors" / "500.html")
    .read_text(encoding="utf-8")
    .replace(_DEFAULT_SITE_NAME, escape(settings.PORTAL.get("SITE_NAME") or _DEFAULT_SITE_NAME))
    .encode("utf-8")
)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page(
    request: HttpRequest, status: int, title: str, message: str, **extra: Any
) -> HttpResponse:
    if _wants_json(request):
        # API clients get DRF's shape: {"detail": …}, the title being the short message.
        return JsonResponse({"detail": title}, status=status)
    context = {"status": status, "title": title, "message": message, **extra}
    return render(request, "errors/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, _("请求有误"), _("无法处理这个请求，请检查网址或填写的内容后重试。"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return _page(
            request,
            403,
            _("无权访问"),
            _("您没有访问这个页面的权限。工作人员请先登录。"),
            login_link=True,
        )
    # A signed-in user: the views' PermissionDenied carry the reason in Chinese (e.g.
    # 起草人不能审核自己起草的信息); say it, and lead staff back to their workspace.
    from catalog.permissions import is_staff_member

    reason = str(exception or "").strip()
    return _page(
        request,
        403,
        _("无权访问"),
        reason or _("您没有访问这个页面的权限。"),
        staff_link=is_staff_member(user),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("您要找的页面不存在或已被移除，请检查网址，或从首页重新查找。")
    return _page(request, 404, _("页面不存在"), message)


def csrf_failure(request: HttpRequest, reason: str = "", **kwargs: Any) -> HttpResponse:
    return _page(
        request,
        403,
        _("页面已过期"),
        _("为保护您的信息安全，表单需要在打开后的同一会话中提交。请返回上一页，刷新后重新提交。"),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    from disclosure_portal.observability import current_request_id

    request_id = current_request_id() or ""
    if _wants_json(request):
        body = {"detail": "服务器内部错误，请稍后重试。"}
        if request_id:
            body["request_id"] = request_id
        return JsonResponse(body, status=500)
    # The request id lets the reader quote the error to the office (it is in the logs too).
    if request_id:
        page = _STATIC_500.replace(b"__REQUEST_ID__", escape(request_id).encode("utf-8"))
    else:
        page = _STATIC_500.replace("　错误编号：__REQUEST_ID__".encode(), b"")
    return HttpResponse(page, status=500, content_type="text/html; charset=utf-8")
