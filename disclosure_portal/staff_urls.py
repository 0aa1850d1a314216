"""The staff workspace (/staff/): each app contributes its own pages."""

from __future__ import annotations

from django.urls import include, path

from disclosure_portal import staff_views

security = [
    path("account/", staff_views.account, name="account"),
    path("account/password/", staff_views.password_change, name="password_change"),
    path("security/lockouts/", staff_views.lockouts, name="lockouts"),
    path("security/unlock/", staff_views.unlock, name="unlock"),
    path("audit/", staff_views.audit_log, name="audit_log"),
    path("audit/export.csv", staff_views.audit_export, name="audit_export"),
]

urlpatterns = [
    path("", include("catalog.staff_urls")),
    path("", include((security, "staff_security"))),
    path("", include("requests_app.staff_urls")),
    path("", include("reports.staff_urls")),
]
