"""Django's admin behind the same login rules as the workspace: lockout (django-axes counts
the admin's login form too) and the second factor of ``STAFF_2FA``."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest

from disclosure_portal import auth


class AdminLoginForm(auth.SecondFactorLoginMixin, AdminAuthenticationForm):
    pass


class PortalAdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not auth.two_factor_required(request.user) or auth.is_verified(request)
