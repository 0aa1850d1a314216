"""System checks for misconfiguration an operator should hear about.

The apps register their own checks (e.g. ``requests_app.checks``: next year's holiday schedule).
This module holds the project-wide ones.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register


@register()
def check_language(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from django.conf import settings

    # The portal speaks Chinese first (domain.md, "Public site").
    if settings.LANGUAGE_CODE != "zh-hans":
        return [Error("LANGUAGE_CODE 必须为 zh-hans。", id="portal.E001")]
    return []
