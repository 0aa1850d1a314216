"""Public pages of the catalog (api.md「Public pages」), mounted at the site root."""

from __future__ import annotations

from django.urls import path

from catalog import views
from catalog.feeds import LatestItemsFeed
from catalog.site_map import site_map

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("items/", views.item_list, name="items"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path(
        "items/<int:item_id>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("organs/<str:code>/", views.organ_detail, name="organ"),
    path("organs/<str:code>/guide/", views.guide_detail, name="guide"),
    path("organs/<str:code>/rules/", views.rules, name="rules"),
    path("organs/<str:code>/mandatory/", views.mandatory, name="mandatory"),
    path("feeds/items/", views.public_page(LatestItemsFeed()), name="feed"),
    path("sitemap/", site_map, name="site-map"),
]
