"""Response headers every page needs, and the second-factor gate of the staff areas."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from disclosure_portal import auth

# The portal uses no camera, microphone, location, sensors or payment: no page (and no script
# that might one day be injected into one) may ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)

# Where responses carry an applicant's personal data (names, ID numbers, letters) or staff
# data: no browser or proxy may keep a copy (a shared office computer, a caching proxy).
PERSONAL_DATA_PREFIXES = (
    "/staff/",
    "/admin/",
    "/apply/",
    "/track/",
    "/api/v1/applications/",
    "/api/v1/appeals/",
    "/api/v1/auth/",
    "/api/v1/staff/",
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith(PERSONAL_DATA_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


class IdleSessionMiddleware:
    """Sessions end after ``SESSION_COOKIE_AGE`` (8 hours) without a request.

    The session store's expiry is moved forward on use, but at most every
    ``REFRESH_SECONDS``: writing the session on every request (``SESSION_SAVE_EVERY_REQUEST``)
    would cost a database write per page for a precision nobody needs.
    """

    REFRESH_SECONDS = 300
    KEY = "_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= self.REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


# Pages a staff member owing a second factor may still open: to log in, to enrol, to leave.
_OPEN_PATHS = (
    "/staff/login/",
    "/staff/logout/",
    "/staff/account/",
    "/admin/login/",
    "/admin/logout/",
)
_GUARDED_PREFIXES = ("/staff/", "/admin/")


class SecondFactorMiddleware:
    """``STAFF_2FA``: the workspace and the admin need a session verified by a second factor.

    A user who must use one but has not enrolled yet is sent to ``/staff/account/`` to do so;
    a session that was not verified although the user has a device (enrolled elsewhere) is
    ended and must log in again with the code. Runs after django-otp's ``OTPMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if (
            getattr(settings, "STAFF_2FA", auth.OFF) != auth.OFF
            and path.startswith(_GUARDED_PREFIXES)
            and not path.startswith(_OPEN_PATHS)
            and request.user.is_authenticated
            and auth.two_factor_required(request.user)
            and not auth.is_verified(request)
        ):
            if auth.has_second_factor(request.user):
                logout(request)
                return redirect_to_login(request.get_full_path())
            return redirect("staff_security:account")
        return self.get_response(request)
