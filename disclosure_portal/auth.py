"""Staff authentication (api.md, "Staff accounts"): lockout, second factor, tokens.

- **Lockout** is django-axes with its database handler, keyed on the username alone
  (``AXES_LOCKOUT_PARAMETERS = ["username"]``): failures from any address and at any entry
  point (``/staff/login/``, ``/admin/login/``, ``POST /api/v1/auth/token/``) count together, in
  the database every process shares. A wrong second-factor code counts as a failure too.
- **Second factor**: TOTP (RFC 6238) and one-time recovery codes from django-otp. Whom it
  applies to is ``STAFF_2FA``: ``off`` | ``superusers`` | ``all``.
- **Tokens** expire after ``TOKEN_TTL_HOURS`` and are revoked by logout, by a password change
  and by a lockout.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token

from disclosure_portal import audit

OFF, SUPERUSERS, ALL = "off", "superusers", "all"
RECOVERY_CODES = 10
LOCKED_MESSAGE = _(
    "该账号连续登录失败次数过多，已被锁定%(minutes)d分钟，请稍后再试或联系系统管理员解锁。"
)


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_message() -> str:
    return str(LOCKED_MESSAGE) % {"minutes": lockout_minutes()}


# --- Second factor ---------------------------------------------------------------------------


def two_factor_required(user: Any) -> bool:
    """Whether ``user`` must give a second factor (``STAFF_2FA``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    policy = getattr(settings, "STAFF_2FA", OFF)
    if policy == ALL:
        return True
    if policy == SUPERUSERS:
        return bool(user.is_superuser)
    return False


def has_second_factor(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def match_code(user: Any, code: str) -> Any:
    """The device that accepts ``code`` (the authenticator's 6 digits or an unused recovery
    code, which is used up), or None."""
    import django_otp
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code = "".join((code or "").split()).lower()
    if not code:
        return None
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    for device in devices:
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def is_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", lambda: False)())


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODES`` fresh ones (shown once)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def remaining_recovery_codes(user: Any) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def disable_second_factor(user: Any) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record("auth.2fa_disabled", obj=user, actor_name=None)


class SecondFactorLoginMixin(forms.Form):
    """Adds the code field to a login form and checks it after the password.

    A wrong code is a failed login (it counts towards the lockout and is audited); the device
    that accepted the code is attached to the user, and django-otp keeps it in the session at
    login, which is what ``user.is_verified()`` reads afterwards.
    """

    otp = forms.CharField(
        label=_("动态验证码"),
        required=False,
        max_length=20,
        help_text=_("已启用两步验证的账号：填写验证器应用显示的6位数字，或一个恢复码。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(settings, "STAFF_2FA", OFF) == OFF:
            del self.fields["otp"]  # nobody is asked: the field would only confuse

    def get_invalid_login_error(self) -> ValidationError:
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(locked_message(), code="locked")
        return super().get_invalid_login_error()  # type: ignore[misc]

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)  # type: ignore[misc]
        if not (two_factor_required(user) and has_second_factor(user)):
            return
        code = self.cleaned_data.get("otp", "")
        if not code:
            raise ValidationError({"otp": _("该账号已启用两步验证，请填写动态验证码。")})
        device = match_code(user, code)
        if device is None:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
            )
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(locked_message(), code="locked")
            raise ValidationError({"otp": _("动态验证码不正确或已使用。")})
        user.otp_device = device


# --- Lockout ------------------------------------------------------------------------------------


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """axes' response to a login refused or ended by a lockout.

    The API's token view answers for itself (429 while locked; the failure that triggers the
    lock is still a plain 400 "wrong password"). On the pages the login form says why
    (``get_invalid_login_error``) and is served with 429.
    """
    if request.path.startswith("/api/"):
        if original_response is not None:
            return original_response
        return JsonResponse({"detail": locked_message()}, status=429)
    if original_response is not None and original_response.status_code == 200:
        original_response.status_code = 429
        return original_response
    return render(request, "staff/locked.html", {"message": locked_message()}, status=429)


def already_locked(request: HttpRequest) -> bool:
    """Whether the login just refused was refused because the name was locked before it
    (axes counts nothing then), as opposed to the failure that set off the lock."""
    return bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is None
    )


def locked_usernames() -> list[dict[str, Any]]:
    """Usernames locked now, with their failure count and when the lock ends."""
    from axes.models import AccessAttempt

    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=threshold)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    )
    return [
        {
            "username": row["username"],
            "failures": row["failures"],
            "until": row["last"] + settings.AXES_COOLOFF_TIME,
        }
        for row in rows
    ]


def unlock(username: str, *, actor: Any, request: HttpRequest | None = None) -> int:
    """Clear the failures of ``username`` (superusers only; the caller checks)."""
    from axes.utils import reset

    with transaction.atomic():
        count = reset(username=username)
        audit.record(
            "auth.unlock",
            actor=actor,
            request=request,
            object_type="auth.user",
            object_repr=username,
            after={"cleared_attempts": count},
        )
    return count


def _on_locked_out(sender: Any, request: Any, username: str, ip_address: str, **kw: Any) -> None:
    if getattr(request, "axes_failures_since_start", None) is None:
        return  # an attempt while already locked: its failure is audited, the lock was before
    # A locked account's API tokens stop working too: whoever guessed at the password may
    # also hold a token taken elsewhere.
    revoke_tokens(username=username)
    audit.record(
        "auth.lockout",
        actor_name=username or "",
        request=request,
        object_type="auth.user",
        object_repr=username or "",
        after={"failures": getattr(request, "axes_failures_since_start", None)},
    )


def _connect_axes() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_locked_out, dispatch_uid="portal:locked_out")


_connect_axes()


# --- Tokens ---------------------------------------------------------------------------------------


def token_ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.TOKEN_TTL_HOURS)


def token_expired(token: Token, *, now: dt.datetime | None = None) -> bool:
    return token.created <= (now or timezone.now()) - token_ttl()


def issue_token(user: Any) -> Token:
    """The user's token, a fresh one when the old one has expired."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and token_expired(token):
            token.delete()
            token = None
        if token is None:
            token = Token.objects.create(user=user)
    return token


def revoke_tokens(*, user: Any = None, username: str | None = None) -> int:
    tokens = Token.objects.all()
    if user is not None:
        tokens = tokens.filter(user=user)
    elif username:
        tokens = tokens.filter(user__username=username)
    else:
        return 0
    count, _rows = tokens.delete()
    return count


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a token older than ``TOKEN_TTL_HOURS`` is refused."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise drf_exceptions.AuthenticationFailed(_("令牌已过期，请重新获取。"))
        return user, token


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication that ignores a session still owing its second factor."""

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        if two_factor_required(result[0]) and not is_verified(request._request):
            return None
        return result


@receiver(post_save, sender=get_user_model(), dispatch_uid="portal:password_changed")
def _password_changed(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # ``set_password`` leaves the raw password on the instance until ``save`` has sent
    # post_save: its presence means this save changed the password.
    if not created and getattr(instance, "_password", None) is not None:
        revoke_tokens(user=instance)
