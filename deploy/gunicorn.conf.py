"""gunicorn settings for one app node (README "Running on several machines").

Used by deploy/systemd/portal.service: ``gunicorn -c deploy/gunicorn.conf.py``. Each knob can
be overridden from the environment file (GUNICORN_*), so one file serves every node.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "disclosure_portal.wsgi:application"
# Behind nginx on the private network; nginx adds X-Forwarded-For/Proto (BEHIND_PROXY=on).
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: the portal's requests are short and database-bound. Two per core by default.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# A request longer than this is killed and answered 502 by nginx; the worker is replaced and
# the request's transaction rolls back (tests/ops/test_faults.py kills one mid-submission).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The portal logs to stderr itself (LOG_FORMAT=json, with request ids); gunicorn's access log
# would only repeat nginx's.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")
# Only nginx talks to the nodes; it is the one proxy whose X-Forwarded-* count.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# With LOG_FORMAT=json gunicorn's own messages (worker timeouts, restarts) are JSON lines too,
# in the portal's format, so one log pipeline reads everything a node writes.
if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "disclosure_portal.observability.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}
        },
    }
