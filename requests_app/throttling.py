"""Rate limits of the public HTML pages /apply/ and /track/, kept in Django's cache.

The REST API throttles with DRF's scopes; the HTML form must not be a way around them, so it
reads the same rates (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``: ``apply_ip``,
``apply_contact``, and ``track`` when configured) and, for the per-IP scopes, keeps its history
under DRF's cache key (``throttle_<scope>_<ident>``, newest timestamp first), so a client
shares one budget between the page and the API.

Contact details (phone, e-mail, id number) are hashed before they become cache keys: the
cache (possibly Redis) is no place for personal data.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from disclosure_portal.net import client_ip

__all__ = ["client_ip"]

APPLY_IP = "apply_ip"
APPLY_CONTACT = "apply_contact"
TRACK = "track"

# Used only when settings name no rate for the scope. Tracking codes carry ~59 bits
# (requests_app.tracking), so this limit is about load, and still leaves a citizen who mistypes
# the code a good number of tries.
FALLBACK_RATES = {APPLY_IP: "10/hour", APPLY_CONTACT: "5/hour", TRACK: "60/hour"}

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(rate: str) -> Rate:
    """``"10/hour"`` → ``Rate(10, 3600)``; the period's first letter counts, as in DRF."""
    count, _, period = rate.partition("/")
    period = period.strip().lower()
    if not count.strip().isdigit() or not period or period[0] not in _PERIODS:
        raise ValueError(f"invalid throttle rate: {rate!r}")
    return Rate(int(count), _PERIODS[period[0]])


def rate_for(scope: str) -> Rate | None:
    """The configured rate of ``scope``; None (no limit) when it is set to an empty value."""
    rates = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES", {})
    rate = rates.get(scope, FALLBACK_RATES.get(scope))
    return parse_rate(rate) if rate else None


def _key(scope: str, ident: str) -> str:
    return f"throttle_{scope}_{ident}"


def _history(key: str, rate: Rate, now: float) -> list[float]:
    history = [t for t in cache.get(key, []) if t > now - rate.seconds]
    return history


def is_throttled(scope: str, ident: str, *, now: float | None = None) -> bool:
    """Whether ``ident`` has used up its budget in ``scope`` (records nothing)."""
    rate = rate_for(scope)
    if rate is None or not ident:
        return False
    now = time.time() if now is None else now
    return len(_history(_key(scope, ident), rate, now)) >= rate.limit


def record(scope: str, ident: str, *, now: float | None = None) -> None:
    """Count one request of ``ident`` against ``scope``."""
    rate = rate_for(scope)
    if rate is None or not ident:
        return
    now = time.time() if now is None else now
    key = _key(scope, ident)
    history = _history(key, rate, now)
    history.insert(0, now)
    cache.set(key, history, rate.seconds)


def allow(scope: str, ident: str, *, now: float | None = None) -> bool:
    """Check and count in one step: False when the budget is used up (nothing counted)."""
    if is_throttled(scope, ident, now=now):
        return False
    record(scope, ident, now=now)
    return True


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
