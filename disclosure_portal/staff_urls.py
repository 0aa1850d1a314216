"""The staff workspace (/staff/): each app contributes its own pages."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("catalog.staff_urls")),
    path("", include("requests_app.staff_urls")),
    path("", include("reports.staff_urls")),
]
