"""WSGI entry point (gunicorn disclosure_portal.wsgi)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure_portal.settings")
# Chunked bodies are capped at REQUEST_MAX_BYTES before Django sees them (request_guards).
from disclosure_portal.request_guards import BodyCapMiddleware

application = BodyCapMiddleware(get_wsgi_application())
