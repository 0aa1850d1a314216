"""Public pages of 依申请公开 (api.md "Public pages": ``/apply/``, ``/track/``)."""

from __future__ import annotations

from django.urls import path

from requests_app import views

app_name = "requests"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/done/<str:code>/", views.apply_done, name="apply_done"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/letter.docx", views.letter, {"ext": "docx"}, name="letter_docx"),
    path("track/<str:code>/letter.pdf", views.letter, {"ext": "pdf"}, name="letter_pdf"),
    path("track/files/<str:token>/", views.released_file, name="released_file"),
]
