"""Django's admin app with the portal's admin site (``admin_site.PortalAdminSite``).

Kept apart from ``admin_site``: an AppConfig module is imported before the models load."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "disclosure_portal.admin_site.PortalAdminSite"
