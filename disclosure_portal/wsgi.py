"""WSGI entry point (gunicorn disclosure_portal.wsgi)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure_portal.settings")
# Chunked bodies are capped at REQUEST_MAX_BYTES before Django sees them (request_guards).
from disclosure_portal.request_guards import BodyCapMiddleware

application = BodyCapMiddleware(get_wsgi_application())


def _warm_up() -> None:
    """Import every view, load the translations, compile the public templates and load the
    shared structures (organ tree and navigation, the directory's counts) while the worker boots
    (gunicorn sends it no request before), so the first request after a restart is about as
    fast as the rest (bench/pages.md)."""
    from django.conf import settings
    from django.db import DatabaseError, connections
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("政府信息公开目录")

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and with it every view)
    for name in (
        "catalog/home.html",
        "catalog/item_list.html",
        "catalog/item_detail.html",
        "catalog/guide.html",
        "catalog/organ.html",
        "reports/report.html",
    ):
        get_template(name)
    try:
        from catalog.templatetags.portal import organ_navigation
        from catalog.views import warm_up

        organ_navigation({})
        warm_up()
    except DatabaseError:
        pass  # the database is not up yet: the first request loads them
    except RuntimeError:
        pass  # database access is not allowed here (a test importing the WSGI application)
    finally:
        connections.close_all()  # no connection is opened before the first request


_warm_up()
