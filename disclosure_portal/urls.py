"""URL map of the portal (api.md, "Public pages" and the REST API under /api/v1/)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from catalog.sitemaps import SITEMAPS
from disclosure_portal import auth_api
from disclosure_portal.health import healthz
from disclosure_portal.views import favicon, robots_txt

api_v1 = [
    path("auth/logout/", auth_api.LogoutView.as_view(), name="api-logout"),
    path("auth/unlock/", auth_api.UnlockView.as_view(), name="api-unlock"),
    path("", include("catalog.api_urls")),
    path("", include("requests_app.api_urls")),
    path("", include("reports.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("staff/", include("disclosure_portal.staff_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    # Clients that ask for /favicon.ico without reading the page's <link rel="icon">.
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    path("", include("requests_app.urls")),
    path("", include("reports.urls")),
    path("", include("catalog.urls")),
]

# Chinese error pages in the portal's layout; the 500 page is static (disclosure_portal.errors),
# except that a lost database connection anywhere outside a view answers 503 (outage.py).
handler400 = "disclosure_portal.errors.bad_request"
handler403 = "disclosure_portal.errors.permission_denied"
handler404 = "disclosure_portal.errors.page_not_found"
handler500 = "disclosure_portal.outage.server_error"
