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


# --- One truth on every process (api.md, "Running on several processes and machines") --------

# Cache backends whose contents live in one process only (or nowhere).
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
# Task backends that keep their queue in the process (Dummy) or run the task inside the
# request that enqueued it (Immediate): no worker of another process ever sees the task.
PROCESS_LOCAL_TASKS = {
    "django.tasks.backends.dummy.DummyBackend",
    "django.tasks.backends.immediate.ImmediateBackend",
}
CACHE_SESSION_ENGINES = {
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.cached_db",
}


def in_memory_sqlite(database: dict[str, Any]) -> bool:
    name = str(database.get("NAME", ""))
    return database.get("ENGINE") == "django.db.backends.sqlite3" and (
        name == ":memory:" or "mode=memory" in name
    )


def _cache_backend(alias: str) -> str:
    from django.conf import settings

    return str(settings.CACHES.get(alias, {}).get("BACKEND", ""))


@register()
def check_shared_state(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """In production (DEBUG off), settings under which two workers would disagree are errors.

    The portal's own caches need nothing shared (they follow database version stamps,
    ``disclosure_portal.versions``) and its throttles count in Redis or the database
    (``disclosure_portal.counters``), so a local-memory default cache is fine; what is checked
    here is state that Django or DRF would keep in one process only.
    """
    from django.conf import settings

    if settings.DEBUG:
        return []
    errors: list[Error] = []
    engine = getattr(settings, "SESSION_ENGINE", "")
    if engine in CACHE_SESSION_ENGINES:
        alias = getattr(settings, "SESSION_CACHE_ALIAS", "default")
        if _cache_backend(alias) in PROCESS_LOCAL_CACHES:
            errors.append(
                Error(
                    f"SESSION_ENGINE={engine} 将会话保存在进程内缓存（{_cache_backend(alias)}）中，"
                    "其他工作进程看不到登录状态。",
                    hint="使用数据库会话（默认），或为会话缓存配置 Redis（REDIS_URL）。",
                    id="portal.E010",
                )
            )
    for alias, config in getattr(settings, "TASKS", {}).items():
        backend = str(config.get("BACKEND", ""))
        if backend in PROCESS_LOCAL_TASKS:
            errors.append(
                Error(
                    f"TASKS['{alias}'] 使用 {backend}：任务只存在于提交它的进程中，"
                    "邮件不会由任务进程（manage.py db_worker）可靠发送。",
                    hint="使用 django_tasks_db.DatabaseBackend（默认）并运行 manage.py db_worker。",
                    id="portal.E011",
                )
            )
    drf = getattr(settings, "REST_FRAMEWORK", {})
    cache_throttles = [
        name
        for name in drf.get("DEFAULT_THROTTLE_CLASSES", [])
        if name.startswith("rest_framework.throttling.")
    ]
    if cache_throttles and _cache_backend("default") in PROCESS_LOCAL_CACHES:
        errors.append(
            Error(
                "REST_FRAMEWORK['DEFAULT_THROTTLE_CLASSES'] 中的 DRF 限流类"
                f"把计数保存在进程内缓存中，每个工作进程各自计数：{', '.join(cache_throttles)}。",
                hint="使用 disclosure_portal.api.PublicRateThrottle（共享计数）。",
                id="portal.E012",
            )
        )
    if in_memory_sqlite(settings.DATABASES.get("default", {})):
        errors.append(
            Error(
                "数据库为内存中的 SQLite：每个进程各有一个数据库。",
                hint="设置 DATABASE_URL 指向 PostgreSQL 或 SQLite 文件。",
                id="portal.E013",
            )
        )
    return errors
