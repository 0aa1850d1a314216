"""The client's address, one function for every throttle, the login lockout and the audit log.

api.md ("Staff accounts"): the address is the socket's peer (``REMOTE_ADDR``). Only with
``BEHIND_PROXY`` on does ``X-Forwarded-For`` count, and then only the entry that the trusted
proxy appended: with ``TRUSTED_PROXY_COUNT`` = n proxies in front of the portal, the n-th entry
from the right. Everything to its left was written by the client and may be forged, so a
throttle or lockout keyed on it could be dodged by changing the header on every request.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not getattr(settings, "BEHIND_PROXY", False):
        return remote
    count = max(int(getattr(settings, "TRUSTED_PROXY_COUNT", 1)), 1)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") or ""
    entries = [part.strip() for part in forwarded.split(",") if part.strip()]
    if len(entries) < count:
        # The proxies did not append what they should: fall back to the peer, never to
        # whatever the client wrote.
        return remote
    return entries[-count]
