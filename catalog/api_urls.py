"""URLs of the catalog's REST API, mounted under ``/api/v1/`` (api.md)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from catalog import api

router = SimpleRouter()
router.register("organs", api.OrganViewSet, basename="api-organ")
router.register("items", api.ItemViewSet, basename="api-item")

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("staff/", api.StaffView.as_view(), name="api-staff"),
    path("", include(router.urls)),
]
