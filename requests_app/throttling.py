"""Rate limits of the public HTML pages /apply/ and /track/, on the shared counters.

The REST API throttles with the same scopes; the HTML form must not be a way around them, so it
reads the same rates (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``: ``apply_ip``,
``apply_contact``, and ``track``) and counts in the same counters
(``disclosure_portal.counters``: Redis, or the database), so a client shares one budget between
the page and the API, on every worker.

Contact details (phone, e-mail, id number) are hashed before they become counter keys: neither
Redis nor the counter table is a place for personal data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from disclosure_portal import counters
from disclosure_portal.counters import Rate, parse_rate
from disclosure_portal.net import client_ip

__all__ = ["Rate", "client_ip", "parse_rate"]

APPLY_IP = "apply_ip"
APPLY_CONTACT = "apply_contact"
TRACK = "track"

# Used only when settings name no rate for the scope. Tracking codes carry ~59 bits
# (requests_app.tracking), so this limit is about load, and still leaves a citizen who mistypes
# the code a good number of tries.
FALLBACK_RATES = {APPLY_IP: "10/hour", APPLY_CONTACT: "5/hour", TRACK: "60/hour"}


def rate_for(scope: str) -> Rate | None:
    """The configured rate of ``scope``; None (no limit) when it is set to an empty value."""
    return counters.configured_rate(scope, FALLBACK_RATES.get(scope))


def is_throttled(scope: str, ident: str, *, now: float | None = None) -> bool:
    """Whether ``ident`` has used up its budget in ``scope`` (records nothing)."""
    rate = rate_for(scope)
    if rate is None or not ident:
        return False
    return counters.peek(scope, ident, rate, now=now).exhausted(rate)


def record(scope: str, ident: str, *, now: float | None = None) -> None:
    """Count one request of ``ident`` against ``scope``."""
    rate = rate_for(scope)
    if rate is not None and ident:
        counters.hit(scope, ident, rate, now=now)


def allow(scope: str, ident: str, *, now: float | None = None) -> bool:
    """Count the request and say whether it is within the budget: one atomic increment, so
    concurrent requests on several workers never share a last slot. Refused attempts count
    too (a client hammering the page stays refused)."""
    rate = rate_for(scope)
    if rate is None or not ident:
        return True
    return not counters.hit(scope, ident, rate, now=now).over(rate)


# --- Contact details ------------------------------------------------------------------------

_NOT_DIGITS = re.compile(r"\D+")
_SPACES = re.compile(r"\s+")


def contact_identities(phone: str = "", email: str = "", id_number: str = "") -> list[str]:
    """One hashed identity per contact detail given, normalised so that ``138 0000 0000`` and
    ``13800000000`` (or upper- and lower-case e-mail) count as the same applicant."""
    parts = [
        ("phone", _NOT_DIGITS.sub("", phone or "")),
        ("email", (email or "").strip().lower()),
        ("id", _SPACES.sub("", id_number or "").upper()),
    ]
    return [
        hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:40]
        for kind, value in parts
        if value
    ]


def any_throttled(scope: str, idents: Iterable[str]) -> bool:
    return any(is_throttled(scope, ident) for ident in idents)


def record_all(scope: str, idents: Iterable[str]) -> None:
    for ident in idents:
        record(scope, ident)
