"""The catalog part of the staff workspace, mounted at /staff/ (api.md, Public pages)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from catalog import import_views, staff_views
from catalog.forms import StaffLoginForm

app_name = "staff"

urlpatterns = [
    path(
        "login/",
        # Not redirect_authenticated_user: someone logged in without staff rights must be able
        # to sign in as another user here.
        auth_views.LoginView.as_view(
            template_name="registration/login.html", authentication_form=StaffLoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", staff_views.dashboard, name="dashboard"),
    path("items/", staff_views.item_list, name="item_list"),
    path("items/new/", staff_views.item_create, name="item_create"),
    path("items/import/", import_views.import_upload, name="item_import_upload"),
    path("items/import/<int:pk>/", import_views.import_review, name="item_import"),
    path("items/<int:pk>/edit/", staff_views.item_edit, name="item_edit"),
    path("items/<int:pk>/publish/", staff_views.item_publish, name="item_publish"),
    path("items/<int:pk>/repeal/", staff_views.item_repeal, name="item_repeal"),
    path("items/word/", staff_views.item_import_word, name="item_import_word"),
    path("items/<int:pk>/review/", staff_views.item_review, name="item_review"),
    path("items/<int:pk>/mask/", staff_views.item_mask, name="item_mask"),
    path("reviews/", staff_views.review_queue_view, name="review_queue"),
    path("organs/<str:code>/guide/", staff_views.guide_edit, name="guide_edit"),
]
