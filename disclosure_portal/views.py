"""Site-wide pages that belong to no app."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

# Public pages are for everyone, crawlers included; the workspace, the admin, the API and the
# tracking pages (an applicant's case) are not.
DISALLOWED = ("/staff/", "/admin/", "/api/", "/track/")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    base = settings.PORTAL.get("BASE_URL") or request.build_absolute_uri("/").rstrip("/")
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "Allow: /",
        "",
        f"Sitemap: {base}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """The portal's icon (static/img/favicon.svg) for clients that ask for /favicon.ico."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
