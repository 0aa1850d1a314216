"""Settings of the disclosure portal, read from the environment.

Every deployment knob is an environment variable (api.md, "Settings come from the
environment"); the defaults are safe: DEBUG off, SQLite in the project folder, HTTPS
hardening on whenever DEBUG is off unless ``HTTPS=off``.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)
# Under pytest the portal serves plain HTTP and finds static files without collectstatic.
TESTING = env_bool("TESTING") or "pytest" in sys.modules
SECRET_KEY = env_str("SECRET_KEY") or (
    # Only a development fallback: `check --deploy` flags it, and production sets SECRET_KEY.
    "django-insecure-disclosure-portal-development-key-change-me"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- HTTPS hardening: on by default when DEBUG is off; HTTPS=off serves plain HTTP ---
HTTPS = env_bool("HTTPS", not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a trusted reverse proxy (nginx): its X-Forwarded-Proto and the X-Forwarded-For entry
# it appended count (disclosure_portal.net.client_ip); otherwise both headers are ignored.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# Load balancers probe nodes over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "disclosure_portal.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    # Django's admin with the portal's login rules (lockout, second factor).
    "disclosure_portal.admin_apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "captcha",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "disclosure_portal",
    "catalog",
    "requests_app",
    "reports",
]

MIDDLEWARE = [
    # Outermost: every response, even an error page, carries the request id.
    "disclosure_portal.observability.RequestIdMiddleware",
    # Then the security headers, on every response, static files included.
    "disclosure_portal.middleware.SecurityHeadersMiddleware",
    # Next: oversized bodies and NUL bytes are refused before anything reads them (issue 8).
    "disclosure_portal.request_guards.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # One reading of the cache version stamps per request (disclosure_portal.versions).
    "disclosure_portal.versions.VersionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "disclosure_portal.middleware.IdleSessionMiddleware",
    "disclosure_portal.audit.AuditContextMiddleware",
    "disclosure_portal.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # A lost database connection in a view → 503 page or JSON (urls.handler500 for the rest).
    "disclosure_portal.outage.DatabaseOutageMiddleware",
    # Last: turns a login refused by a lockout into its 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "disclosure_portal.urls"
WSGI_APPLICATION = "disclosure_portal.wsgi.application"
ASGI_APPLICATION = "disclosure_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "disclosure_portal.context_processors.site",
            ],
        },
    },
]

# --- Database: SQLite in the project folder unless DATABASE_URL names another ---
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database server must fail a request within seconds (a 503), not hang it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: wait for the lock instead of failing under a burst of writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: tests that publish from several threads and the live server
    # of browser tests need one database that every connection sees.
    # One file per test process, so concurrent test runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}
# Optional read replica for anonymous public reads (disclosure_portal.routers).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
    # Tests read the replica through the default connection: it is the same data.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["disclosure_portal.routers.ReplicaRouter"]
    MIDDLEWARE.insert(1, "disclosure_portal.routers.ReplicaMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set (shared throttle counters), local memory otherwise ---
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                # A Redis that stops answering costs a request at most this, never a hang.
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Passwords common in China (123456, woaini1314, qq123456, pinyin names…), which the
    # English-language list above mostly lacks.
    {
        "NAME": "django.contrib.auth.password_validation.CommonPasswordValidator",
        "OPTIONS": {
            "password_list_path": BASE_DIR / "disclosure_portal" / "common-passwords-zh.txt"
        },
    },
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"

# --- Staff accounts (api.md, "Staff accounts") ---
# Lockout: django-axes, per username (from any address, at any entry point), in the database
# that every process shares. 10 consecutive failures lock the name for 15 minutes; failures
# during the lock do not prolong it; a successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOCKOUT_FAILURES", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "disclosure_portal.net.client_ip"
AXES_LOCKOUT_CALLABLE = "disclosure_portal.auth.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successes and failures are in the audit log
AXES_VERBOSE = False
# axes.W006 asks to lock per address too. Not done on purpose: addresses are limited by the
# per-address throttles (THROTTLE_LOGIN), and an address lock would shut out a whole office
# behind one NAT address whenever one colleague mistypes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Second factor (TOTP + recovery codes): off | superusers | all. Off in development and
# tests (the demo logs in without prompts; tests of the second factor turn it on).
STAFF_2FA = env_str("STAFF_2FA", "off" if DEBUG or TESTING else "superusers").strip().lower()
OTP_TOTP_ISSUER = env_str("PORTAL_SITE_NAME", "政府信息公开平台")
# API tokens expire; logout, a password change and a lockout revoke them.
TOKEN_TTL_HOURS = env_int("TOKEN_TTL_HOURS", 720)
# Sessions end after 8 hours without a request: use pushes the expiry forward (at most every
# 5 minutes, disclosure_portal.middleware.IdleSessionMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_HOURS", 8) * 3600
# The audit log's hash chain is keyed (HMAC): set AUDIT_KEY before rotating SECRET_KEY, to the
# old SECRET_KEY, or the log written so far no longer verifies.
AUDIT_KEY = env_str("AUDIT_KEY")

# --- Language and time: Chinese first, English second; Beijing time ---
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
# LOCALE_DIR lets the translation test extract into a scratch copy of the catalogue.
LOCALE_PATHS = [Path(env_str("LOCALE_DIR") or BASE_DIR / "locale")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files: served by the portal itself (no CDN) ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Uploaded files: MEDIA_STORAGE=filesystem (MEDIA_ROOT, a shared mount on several machines) or
# s3 (any S3-compatible object store through django-storages; imported only when chosen).
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "filesystem").strip().lower()
if MEDIA_STORAGE == "s3":
    _media_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX", "media"),
            "addressing_style": env_str("S3_ADDRESSING_STYLE") or None,
            # Applicants' scans are private: no public ACL, and never overwrite a stored name.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE == "filesystem":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ValueError(f"MEDIA_STORAGE must be 'filesystem' or 's3', not {MEDIA_STORAGE!r}")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ITEM_ATTACHMENT_MAX_BYTES = env_int("ITEM_ATTACHMENT_MAX_BYTES", 50 * 1024 * 1024)
# The largest request body accepted at all (413 before it is read): room for one item
# attachment of the largest size, or five scans of an application, plus the form around them.
# deploy/nginx sets ``client_max_body_size`` to the same figure (64m).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 64 * 1024 * 1024)

# --- Content Security Policy: nothing is loaded from anywhere but the portal itself ---
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Mail: Django's mailers, configured from the classic EMAIL_* environment variables ---
# Development prints mail to the console; production sends it over SMTP unless told otherwise.
_email_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or TESTING
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mailer: dict[str, object] = {"BACKEND": _email_backend}
if _email_backend == "django.core.mail.backends.smtp.EmailBackend":
    _mailer["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "use_ssl": env_bool("EMAIL_USE_SSL"),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Durable mail (disclosure_portal.mail): every mail is an outbox row sent by the task worker.
# A failed attempt is retried after MAIL_RETRY_SECONDS, doubling up to MAIL_RETRY_MAX_SECONDS,
# until MAIL_MAX_ATTEMPTS attempts have failed (defaults: about 4 hours of outage); a mail
# claimed for longer than MAIL_CLAIM_TIMEOUT seconds is taken to have lost its worker.
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 10)
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 60)
MAIL_RETRY_MAX_SECONDS = env_int("MAIL_RETRY_MAX_SECONDS", 3600)
MAIL_CLAIM_TIMEOUT = env_int("MAIL_CLAIM_TIMEOUT", 900)

# --- Background work: django.tasks with the database backend (worker: manage.py db_worker) ---
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "disclosure_portal.auth.ExpiringTokenAuthentication",
        "disclosure_portal.auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [
        "disclosure_portal.api.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "disclosure_portal.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "disclosure_portal.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "disclosure_portal.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "600/min"),
        "user": env_str("THROTTLE_USER", "3000/min"),
        "apply_ip": env_str("THROTTLE_APPLY_IP", "10/hour"),
        "apply_contact": env_str("THROTTLE_APPLY_CONTACT", "5/hour"),
        "login": env_str("THROTTLE_LOGIN", "10/min"),
        "track": env_str("THROTTLE_TRACK", "60/hour"),
    },
    "DATE_FORMAT": "%Y-%m-%d",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "政府信息公开平台 API",
    "DESCRIPTION": "政府信息公开目录、依申请公开与年度报告的公开接口。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "disclosure_portal.schema.optional_output_fields",
    ],
    "ENUM_NAME_OVERRIDES": {
        # Items and reports share the draft/published choice set.
        "PublicationStatusEnum": "catalog.models.Item.Status",
        "ApplicationStatusEnum": "requests_app.models.Status",
        "ApplicationChannelEnum": "requests_app.models.Channel",
        "ConsultationChannelEnum": "reports.models.Consultation.Channel",
    },
}

# --- The portal's own settings: shown on every page only when set (政府网站发展指引) ---
PORTAL = {
    "SITE_NAME": env_str("PORTAL_SITE_NAME", "政府信息公开平台"),
    # The public address, for full links in letters and mails (e.g. https://xxgk.example.gov.cn).
    "BASE_URL": env_str("PORTAL_BASE_URL").rstrip("/"),
    "SPONSOR": env_str("PORTAL_SPONSOR"),  # 主办单位
    "CONTACT": env_str("PORTAL_CONTACT"),  # 联系方式
    "SITE_CODE": env_str("PORTAL_SITE_CODE"),  # 网站标识码
    "ICP": env_str("PORTAL_ICP"),  # ICP备案编号
    "PSB": env_str("PORTAL_PSB"),  # 公安机关备案号
    "CAPTCHA": env_bool("PORTAL_CAPTCHA", False),  # 申请表单的图片验证码（离线）
}

# Logs go to stderr (gunicorn and systemd collect them). LOG_FORMAT=json writes one JSON object
# per line; every record carries the request id (disclosure_portal.observability).
LOG_FORMAT = env_str("LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "disclosure_portal.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "disclosure_portal.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own loggers propagate to root (one handler, one format).
        "django": {"handlers": [], "level": env_str("LOG_LEVEL", "WARNING"), "propagate": True},
    },
}
