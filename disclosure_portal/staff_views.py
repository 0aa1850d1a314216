"""Staff pages of account security and the audit log (/staff/account/, /staff/security/…).

- ``/staff/account/``: every staff member enrols a second factor (TOTP; the QR code is drawn
  on the server as inline SVG, so no script and no outside service sees the secret), gets
  one-time recovery codes, and changes the password.
- ``/staff/security/lockouts/``: superusers see the locked usernames and unlock them.
- ``/staff/audit/``: superusers browse the audit log by user, date and action and export it
  as CSV.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
from typing import Any

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from catalog.forms import ChineseLabelsMixin, DateInput
from catalog.staff_views import staff_context, staff_required
from disclosure_portal import audit, auth
from disclosure_portal.models import AuditEntry
from disclosure_portal.spreadsheets import csv_row

AUDIT_PER_PAGE = 50


def _superuser_only(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied(_("只有系统管理员可以访问此页面。"))


# --- Account: second factor and password -----------------------------------------------------


class CodeForm(ChineseLabelsMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("动态验证码"),
        max_length=20,
        help_text=gettext_lazy("验证器应用当前显示的6位数字。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": gettext_lazy("请填写动态验证码。")},
    )


class StaffPasswordChangeForm(ChineseLabelsMixin, PasswordChangeForm):
    pass


def _pending_device(user: Any) -> Any:
    """The authenticator being enrolled (unconfirmed until its first code is entered)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(data: str) -> str:
    """``data`` as a QR code in inline SVG: drawn here, no script, no image from elsewhere,
    and nothing but presentation attributes (the CSP allows no inline style)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg role="img" aria-label="二维码" class="qr-code" ', 1)


def _enrolment_context(user: Any) -> dict[str, Any]:
    device = _pending_device(user)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return {
        "qr": mark_safe(qr_svg(device.config_url)),  # noqa: S308  (SVG drawn by qrcode)
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


@staff_required()
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    enrolled = auth.has_second_factor(user)
    form = CodeForm(request.POST or None)
    recovery_codes: list[str] | None = None
    action = request.POST.get("action", "")
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if action == "enable" and not enrolled:
            device = _pending_device(user)
            if device.verify_token("".join(code.split())):
                device.confirmed = True
                device.save()
                recovery_codes = auth.new_recovery_codes(user)
                django_otp.login(request, device)
                audit.record("auth.2fa_enabled", obj=user)
                enrolled = True
                form = CodeForm()
                messages.success(request, _("两步验证已启用。请妥善保存下面的恢复码。"))
            else:
                form.add_error("code", _("动态验证码不正确，请核对手机时间后重试。"))
        elif action in {"recovery", "disable"} and enrolled:
            if auth.match_code(user, code) is None:
                form.add_error("code", _("动态验证码不正确或已使用。"))
            elif action == "recovery":
                recovery_codes = auth.new_recovery_codes(user)
                audit.record("auth.2fa_recovery_codes", obj=user)
                form = CodeForm()
                messages.success(request, _("已生成新的恢复码，原有恢复码全部作废。"))
            elif auth.two_factor_required(user):
                form.add_error(None, _("根据本平台的安全策略，您的账号必须启用两步验证。"))
            else:
                auth.disable_second_factor(user)
                messages.success(request, _("两步验证已停用。"))
                return redirect("staff_security:account")
    context = staff_context(
        request,
        enrolled=enrolled,
        required=auth.two_factor_required(user),
        form=form,
        recovery_codes=recovery_codes,
        remaining_codes=auth.remaining_recovery_codes(user) if enrolled else 0,
        token_ttl_hours=auth.token_ttl().total_seconds() // 3600,
    )
    if not enrolled:
        context.update(_enrolment_context(user))
    return render(request, "staff/account.html", context)


@staff_required()
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = StaffPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()  # the account's API tokens are revoked (disclosure_portal.auth)
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改；此前发放的API令牌已全部作废。"))
        return redirect("staff_security:account")
    return render(request, "staff/password_change.html", staff_context(request, form=form))


# --- Lockouts -------------------------------------------------------------------------------------


@staff_required()
@require_http_methods(["GET"])
def lockouts(request: HttpRequest) -> HttpResponse:
    _superuser_only(request)
    context = staff_context(
        request,
        locked=auth.locked_usernames(),
        failure_limit=auth.settings.AXES_FAILURE_LIMIT,
        minutes=auth.lockout_minutes(),
    )
    return render(request, "staff/lockouts.html", context)


@staff_required()
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    _superuser_only(request)
    username = request.POST.get("username", "").strip()[:150]
    if not username:
        messages.error(request, _("请填写要解锁的用户名。"))
    else:
        auth.unlock(username, actor=request.user, request=request)
        messages.success(request, _("已解除 %(name)s 的登录锁定。") % {"name": username})
    return redirect("staff_security:lockouts")


# --- The audit log --------------------------------------------------------------------------------


class AuditFilterForm(ChineseLabelsMixin, forms.Form):
    user = forms.CharField(label=gettext_lazy("用户名"), required=False, max_length=150)
    action = forms.CharField(
        label=gettext_lazy("操作"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("如 auth.login_failed；以 . 结尾表示一类，如 application."),
    )
    date_from = forms.DateField(label=gettext_lazy("起始日期"), required=False, widget=DateInput)
    date_to = forms.DateField(label=gettext_lazy("截止日期"), required=False, widget=DateInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        if data.get("user"):
            entries = entries.filter(actor_name=data["user"])
        action = data.get("action") or ""
        if action.endswith("."):
            entries = entries.filter(action__startswith=action)
        elif action:
            entries = entries.filter(action=action)
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            start = dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=zone)
            entries = entries.filter(created_at__gte=start)
        if data.get("date_to"):
            # Up to the end of that day (≤ 9999-12-31: the last day has no "next day").
            end = dt.datetime.combine(data["date_to"], dt.time.max, tzinfo=zone)
            entries = entries.filter(created_at__lte=end)
        return entries


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.order_by("-seq")
    if form.is_valid():
        entries = form.apply(entries)
    elif form.is_bound:
        entries = entries.none()
    return form, entries


@staff_required()
@require_http_methods(["GET"])
def audit_log(request: HttpRequest) -> HttpResponse:
    _superuser_only(request)
    form, entries = _filtered(request)
    page = Paginator(entries, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    context = staff_context(request, filters=form, page=page)
    return render(request, "staff/audit_log.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_HEADER = [
    gettext_lazy("序号"),
    gettext_lazy("时间"),
    gettext_lazy("用户"),
    gettext_lazy("用户编号"),
    gettext_lazy("来源地址"),
    gettext_lazy("操作"),
    gettext_lazy("对象类型"),
    gettext_lazy("对象编号"),
    gettext_lazy("对象"),
    gettext_lazy("变更前"),
    gettext_lazy("变更后"),
    gettext_lazy("哈希"),
]


@staff_required()
@require_http_methods(["GET"])
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as CSV (UTF-8 with BOM for Excel), streamed; every cell is guarded
    against formula injection (``disclosure_portal.spreadsheets``)."""
    _superuser_only(request)
    _form, entries = _filtered(request)
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield "\ufeff" + writer.writerow([str(label) for label in CSV_HEADER])
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(
                csv_row(
                    [
                        entry.seq,
                        timezone.localtime(entry.created_at).isoformat(),
                        entry.actor_name,
                        entry.actor_id if entry.actor_id is not None else "",
                        entry.ip,
                        entry.action,
                        entry.object_type,
                        entry.object_id,
                        entry.object_repr,
                        audit.canonical(entry.before),
                        audit.canonical(entry.after),
                        entry.hash,
                    ]
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
