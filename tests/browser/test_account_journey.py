"""A superuser enrols a second factor in Chromium and logs in with it (issue 8).

The QR code must show under the strict CSP (inline SVG, no inline style, no script), and the
login form must take the code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, login
from tests.factories import make_superuser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_superuser_enrols_a_second_factor_and_logs_in_with_it(
    page: Page, live_server: Any, screenshot: Any, settings: Any
) -> None:
    settings.STAFF_2FA = "superusers"
    make_superuser("root")
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )

    login(page, live_server, "root")
    # Not enrolled yet: the workspace sends the superuser to enrol first.
    page.goto(live_server.url + "/staff/")
    expect(page).to_have_url(re.compile(r"/staff/account/$"))
    qr = page.get_by_role("img", name="二维码")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] > 100
    screenshot(page, "01-enrol")

    device = TOTPDevice.objects.get(user__username="root", confirmed=False)
    page.get_by_label("动态验证码").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="启用两步验证").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot(page, "02-recovery-codes")
    page.get_by_role("button", name="退出登录").click()

    # The next login asks for the code (a later one: each code is good once).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=60)):
        page.goto(f"{live_server.url}/staff/login/")
        page.locator("input[name=username]").fill("root")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[name=otp]").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="工作人员工作台", level=1)).to_be_visible()

    assert violations == []
