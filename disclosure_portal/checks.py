"""System checks for misconfiguration an operator should hear about.

The apps register their own checks (e.g. ``requests_app.checks``: next year's holiday schedule).
This module holds the project-wide ones.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Warning, register


@register()
def check_language(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from django.conf import settings

    # The portal speaks Chinese first (domain.md, "Public site").
    if settings.LANGUAGE_CODE != "zh-hans":
        return [Error("LANGUAGE_CODE 必须为 zh-hans。", id="portal.E001")]
    return []


@register()
def check_staff_2fa(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from django.conf import settings

    from disclosure_portal.auth import ALL, OFF, SUPERUSERS

    policy = getattr(settings, "STAFF_2FA", OFF)
    if policy not in (OFF, SUPERUSERS, ALL):
        return [
            Error(
                f"STAFF_2FA 的值 {policy!r} 无效。",
                hint="可选 off、superusers 或 all。",
                id="portal.E002",
            )
        ]
    return []


@register(deploy=True)
def check_staff_2fa_in_production(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    from django.conf import settings

    if getattr(settings, "STAFF_2FA", "off") == "off" and not settings.DEBUG:
        return [
            Warning(
                "STAFF_2FA=off：超级管理员登录不需要第二因素。",
                hint="生产环境请设为 superusers（默认）或 all。",
                id="portal.W002",
            )
        ]
    return []
