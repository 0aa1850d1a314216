"""URLs of the applications API, mounted under ``/api/v1/`` (api.md, "Applications",
"Working-day calendar")."""

from __future__ import annotations

from django.urls import path, re_path

from requests_app import api

urlpatterns = [
    path("applications/", api.ApplicationListCreateView.as_view(), name="api-applications"),
    path(
        "applications/track/<str:code>/",
        api.ApplicationTrackView.as_view(),
        name="api-application-track",
    ),
    path("applications/<int:pk>/", api.ApplicationDetailView.as_view(), name="api-application"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/",
        api.ApplicationAttachmentView.as_view(),
        name="api-application-attachment",
    ),
    path(
        "applications/<int:pk>/released-files/",
        api.ApplicationReleasedFilesView.as_view(),
        name="api-application-released-files",
    ),
    path(
        "applications/<int:pk>/released-files/<int:file_id>/",
        api.ApplicationReleasedFileView.as_view(),
        name="api-application-released-file",
    ),
    path(
        "applications/<int:pk>/appeals/",
        api.ApplicationAppealsView.as_view(),
        name="api-application-appeals",
    ),
    path(
        "applications/<int:pk>/mails/<int:mail_id>/resend/",
        api.ApplicationMailResendView.as_view(),
        name="api-application-mail-resend",
    ),
    # One URL per workflow action of workflow.TRANSITIONS, plus ``assign``.
    re_path(
        rf"^applications/(?P<pk>[0-9]+)/(?P<action>{api.ACTIONS_PATTERN})/$",
        api.ApplicationActionView.as_view(),
        name="api-application-action",
    ),
    path("appeals/<int:pk>/", api.AppealDetailView.as_view(), name="api-appeal"),
    path("calendar/add-workdays/", api.AddWorkdaysView.as_view(), name="api-calendar-add-workdays"),
    path("calendar/overrides/", api.CalendarOverrideView.as_view(), name="api-calendar-overrides"),
    path("calendar/<int:year>/", api.CalendarYearView.as_view(), name="api-calendar-year"),
    path(
        "calendar/<int:year>/complete/",
        api.CalendarYearCompleteView.as_view(),
        name="api-calendar-complete",
    ),
]
