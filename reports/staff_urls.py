"""The annual-report workspace and the consultation register, mounted at /staff/."""

from __future__ import annotations

from django.urls import path

from reports import shelf_views, staff_views, supervision_views

app_name = "staff_reports"

urlpatterns = [
    path("reports/", staff_views.report_list, name="report_list"),
    path("reports/<str:code>/<int:year>/", staff_views.report_edit, name="report_edit"),
    path("reports/<str:code>/<int:year>/draft/", staff_views.report_draft, name="report_draft"),
    path(
        "reports/<str:code>/<int:year>/preview/",
        staff_views.report_preview,
        name="report_preview",
    ),
    path("reports/<str:code>/<int:year>/reopen/", staff_views.report_reopen, name="report_reopen"),
    path("reports/archive/", shelf_views.archive_list, name="archive_list"),
    path("consultations/", staff_views.consultation_list, name="consultation_list"),
    path("supervision/", supervision_views.supervision_page, name="supervision"),
    path(
        "supervision/<str:code>/<int:year>.xlsx",
        supervision_views.supervision_xlsx_view,
        name="supervision_xlsx",
    ),
    path(
        "supervision/<str:code>/<int:year>/late-items/",
        supervision_views.late_items_page,
        name="supervision_late_items",
    ),
    path(
        "supervision/<str:code>/<int:year>/appeals/",
        supervision_views.appeals_page,
        name="supervision_appeals",
    ),
    path(
        "consultations/<int:pk>/delete/",
        staff_views.consultation_delete,
        name="consultation_delete",
    ),
]
