"""The staff desk of 依申请公开, mounted at /staff/ (disclosure_portal/staff_urls.py)."""

from __future__ import annotations

from django.urls import path

from requests_app import staff_views

app_name = "staff_requests"

urlpatterns = [
    path("applications/", staff_views.application_list, name="application_list"),
    path("applications/new/", staff_views.application_register, name="application_register"),
    path("applications/<int:pk>/", staff_views.application_detail, name="application"),
    path("applications/items/", staff_views.item_lookup, name="item_lookup"),
    path(
        "applications/<int:pk>/act/<str:action>/",
        staff_views.application_act,
        name="application_act",
    ),
    path(
        "applications/<int:pk>/delivery/<str:document>/",
        staff_views.application_delivery,
        name="application_delivery",
    ),
    path(
        "applications/<int:pk>/assign/",
        staff_views.application_assign,
        name="application_assign",
    ),
    path(
        "applications/<int:pk>/mails/<int:mail_id>/resend/",
        staff_views.mail_resend,
        name="mail_resend",
    ),
    path("applications/<int:pk>/appeals/", staff_views.appeal_create, name="appeal_create"),
    path(
        "applications/<int:pk>/appeals/<int:appeal_id>/",
        staff_views.appeal_update,
        name="appeal_update",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/",
        staff_views.attachment_download,
        name="attachment",
    ),
    path(
        "applications/<int:pk>/released-files/",
        staff_views.released_file_add,
        name="released_file_add",
    ),
    path(
        "applications/<int:pk>/released-files/<int:file_id>/",
        staff_views.released_file_download,
        name="released_file",
    ),
    path(
        "applications/<int:pk>/released-files/<int:file_id>/delete/",
        staff_views.released_file_remove,
        name="released_file_remove",
    ),
    path(
        "applications/<int:pk>/letter.docx",
        staff_views.letter_download,
        {"ext": "docx"},
        name="letter_docx",
    ),
    path(
        "applications/<int:pk>/letter.pdf",
        staff_views.letter_download,
        {"ext": "pdf"},
        name="letter_pdf",
    ),
    path("calendar/", staff_views.calendar_index, name="calendar_index"),
    path("calendar/<int:year>/", staff_views.calendar_year, name="calendar"),
    path(
        "calendar/<int:year>/overrides/",
        staff_views.calendar_override,
        name="calendar_override",
    ),
    path(
        "calendar/<int:year>/complete/",
        staff_views.calendar_complete,
        name="calendar_complete",
    ),
]
