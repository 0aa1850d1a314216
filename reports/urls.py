"""Public pages and downloads of the annual report (api.md, "Pages and downloads"),
mounted at the site root."""

from __future__ import annotations

from django.urls import path, re_path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/<str:code>/<int:year>/", views.report, name="report"),
    re_path(
        r"^reports/(?P<code>[^/]+)/(?P<year>[0-9]{4})\.(?P<ext>docx|xlsx|pdf)$",
        views.download,
        name="download",
    ),
]
