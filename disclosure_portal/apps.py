from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "disclosure_portal"
    verbose_name = "政府信息公开平台"

    def ready(self) -> None:
        from disclosure_portal import checks  # noqa: F401  (registers the system checks)
