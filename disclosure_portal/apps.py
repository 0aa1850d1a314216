from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "disclosure_portal"
    verbose_name = "政府信息公开平台"

    def ready(self) -> None:
        from disclosure_portal import (
            audit_hooks,
            auth,  # noqa: F401  (token revocation, lockout signals)
            checks,  # noqa: F401  (registers the system checks)
            schema,  # noqa: F401  (registers the OpenAPI extension)
        )

        audit_hooks.connect()
        self._register_staff_sections()

    @staticmethod
    def _register_staff_sections() -> None:
        from django.utils.translation import gettext_lazy as _

        from catalog.models import StaffRole
        from catalog.staff_views import StaffSection, register_section

        register_section(
            StaffSection(
                key="account",
                title=_("账号安全"),
                url="staff_security:account",
                roles=frozenset(StaffRole.values),
                description=_("两步验证、恢复码和密码。"),
                position=90,
            )
        )
        # Sections without roles show to superusers only.
        register_section(
            StaffSection(
                key="audit",
                title=_("审计日志"),
                url="staff_security:audit_log",
                roles=frozenset(),
                description=_("登录和每一项变更的防篡改记录，可筛选和导出。"),
                position=95,
            )
        )
        register_section(
            StaffSection(
                key="lockouts",
                title=_("登录锁定"),
                url="staff_security:lockouts",
                roles=frozenset(),
                description=_("查看因连续登录失败被锁定的用户名并解锁。"),
                position=96,
            )
        )
