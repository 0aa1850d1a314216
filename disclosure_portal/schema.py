"""OpenAPI (drf-spectacular) descriptions of the portal's own authentication classes."""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):
    """The session cookie, as for Django's session authentication (a session that still owes
    its second factor is simply not authenticated)."""

    target_class = "disclosure_portal.auth.VerifiedSessionAuthentication"
