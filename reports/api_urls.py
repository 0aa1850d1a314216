"""URLs of the annual report's REST API, mounted under ``/api/v1/`` (api.md)."""

from __future__ import annotations

from django.urls import path

from reports import api, supervision_views

urlpatterns = [
    path(
        "supervision/<str:organ_code>/",
        supervision_views.SupervisionView.as_view(),
        name="api-supervision",
    ),
    path("reports/", api.ReportListView.as_view(), name="api-report-list"),
    path("reports/<str:organ_code>/<str:year>/", api.ReportDetailView.as_view(), name="api-report"),
    path(
        "reports/<str:organ_code>/<str:year>/publish/",
        api.ReportPublishView.as_view(),
        name="api-report-publish",
    ),
    path(
        "reports/<str:organ_code>/<str:year>/reopen/",
        api.ReportReopenView.as_view(),
        name="api-report-reopen",
    ),
]
