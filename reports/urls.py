"""Public pages and downloads of the annual report (api.md, "Pages and downloads"),
mounted at the site root."""

from __future__ import annotations

from django.urls import path, re_path

from reports import shelf_views, views

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    # The built report, or the archived one of the same organ and year (reports.shelf).
    path("reports/<str:code>/<int:year>/", shelf_views.report, name="report"),
    path(
        "reports/<str:code>/<int:year>/archive/",
        shelf_views.archived_report,
        name="archived",
    ),
    path(
        "reports/<str:code>/<int:year>/archive/file/",
        shelf_views.archived_file,
        name="archived_file",
    ),
    re_path(
        r"^reports/(?P<code>[^/]+)/(?P<year>[0-9]{4})\.(?P<ext>docx|xlsx|pdf)$",
        views.download,
        name="download",
    ),
]
