"""Staff authentication (api.md, "Staff accounts"): lockout, second factor, tokens, sessions."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from disclosure_portal.models import AuditEntry
from tests.factories import make_organ, make_staff, make_superuser

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
TOKEN_URL = "/api/v1/auth/token/"
ROOT = Path(__file__).resolve().parents[2]


def fail_on_pages(username: str, times: int, path: str, address: str) -> None:
    client = Client(REMOTE_ADDR=address)
    for _ in range(times):
        client.post(path, {"username": username, "password": "wrong-guess"})


def fail_on_api(username: str, times: int, address: str) -> list[int]:
    api = APIClient(REMOTE_ADDR=address)
    return [
        api.post(TOKEN_URL, {"username": username, "password": "wrong-guess"}).status_code
        for _ in range(times)
    ]


def token_status(username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return APIClient(REMOTE_ADDR="198.51.100.1").post(
        TOKEN_URL, {"username": username, "password": password, **extra}, format="json"
    )


def page_login(username: str, password: str = PASSWORD, path: str = "/staff/login/", **extra):
    client = Client(REMOTE_ADDR="198.51.100.2")
    response = client.post(path, {"username": username, "password": password, **extra})
    return client, response


@pytest.fixture(autouse=True)
def _no_login_throttle(settings: Any) -> None:
    # The per-address throttle of the token endpoint is not what these tests are about.
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], login=None)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


class TestLockout:
    def test_ten_failures_from_many_addresses_and_entry_points_lock_the_username(self) -> None:
        user = make_superuser("root")
        make_superuser("other")
        fail_on_pages("root", 4, "/staff/login/", "192.0.2.1")
        fail_on_pages("root", 3, "/admin/login/", "192.0.2.2")
        statuses = fail_on_api("root", 3, "192.0.2.3")
        assert statuses == [400, 400, 400]  # the failure that sets off the lock is a failure

        api = token_status("root")
        client, page = page_login("root")
        _admin_client, admin_page = page_login("root", path="/admin/login/?next=/admin/")

        assert api.status_code == 429
        assert "锁定" in api.json()["detail"]
        assert page.status_code == 429
        assert "已被锁定15分钟" in page.content.decode()
        assert "_auth_user_id" not in client.session
        assert admin_page.status_code == 429
        assert "已被锁定" in admin_page.content.decode()
        # Another name is not affected.
        assert token_status("other").status_code == 200
        assert AuditEntry.objects.filter(action="auth.lockout", actor_name="root").count() == 1
        assert not Token.objects.filter(user=user).exists()

    @pytest.mark.parametrize("path", ["/staff/login/", "/admin/login/?next=/admin/"])
    def test_many_wrong_passwords_then_the_right_one_does_not_log_in(self, path: str) -> None:
        # The probe of issue 8: wrong passwords, then the right one, used to log in.
        make_superuser("root")
        fail_on_pages("root", 12, path, "192.0.2.1")

        client, response = page_login("root", path=path)

        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_rotating_x_forwarded_for_does_not_dodge_the_lock(self) -> None:
        make_superuser("root")
        api = APIClient(REMOTE_ADDR="192.0.2.1")
        for n in range(10):
            api.post(
                TOKEN_URL,
                {"username": "root", "password": "wrong"},
                HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
            )

        response = api.post(
            TOKEN_URL, {"username": "root", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.9.9.9"
        )

        assert response.status_code == 429

    def test_a_success_clears_the_count(self) -> None:
        make_superuser("root")
        fail_on_api("root", 9, "192.0.2.1")
        assert token_status("root").status_code == 200

        fail_on_api("root", 9, "192.0.2.1")

        assert token_status("root").status_code == 200

    def test_the_lock_ends_after_fifteen_minutes(self) -> None:
        make_superuser("root")
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            fail_on_api("root", 10, "192.0.2.1")
            assert token_status("root").status_code == 429
        with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
            # Failing during the lock does not prolong it.
            fail_on_api("root", 1, "192.0.2.1")
            assert token_status("root").status_code == 429
        with time_machine.travel(start + dt.timedelta(minutes=15, seconds=5), tick=False):
            assert token_status("root").status_code == 200

    def test_superuser_unlocks_through_the_api(self, api: Any) -> None:
        make_superuser("root")
        make_staff(make_organ(), ["handler"], username="li")
        fail_on_api("li", 10, "192.0.2.1")
        assert token_status("li").status_code == 429

        api.force_authenticate(get_user_model().objects.get(username="root"))
        response = api.post("/api/v1/auth/unlock/", {"username": "li"}, format="json")

        assert response.status_code == 200
        assert response.json()["cleared_attempts"] >= 1
        assert token_status("li").status_code == 200
        entry = AuditEntry.objects.get(action="auth.unlock")
        assert (entry.actor_name, entry.object_repr) == ("root", "li")

    def test_staff_may_not_unlock(self, api: Any) -> None:
        organ = make_organ()
        api.force_authenticate(make_staff(organ, ["handler", "approver", "publisher"]))

        response = api.post("/api/v1/auth/unlock/", {"username": "x"}, format="json")

        assert response.status_code == 403

    def test_superuser_sees_and_unlocks_on_the_staff_page(self) -> None:
        make_staff(make_organ(), ["handler"], username="li")
        fail_on_pages("li", 10, "/staff/login/", "192.0.2.1")
        client = Client()
        client.force_login(make_superuser("root"))

        listing = client.get("/staff/security/lockouts/")
        assert listing.status_code == 200
        assert [row["username"] for row in listing.context["locked"]] == ["li"]

        client.post("/staff/security/unlock/", {"username": "li"})

        assert client.get("/staff/security/lockouts/").context["locked"] == []
        assert token_status("li").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_failures_counted_in_other_processes_lock_the_username() -> None:
    """Another Python process fails 5 times on the token endpoint while this one fails 5
    times, against the same database: together they lock the name for both."""
    make_superuser("root")
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        )
    script = (
        "import django, os; django.setup()\n"
        "from rest_framework.test import APIClient\n"
        "api = APIClient(REMOTE_ADDR=os.environ['ADDR'])\n"
        "for _ in range(5):\n"
        "    r = api.post('/api/v1/auth/token/', {'username': 'root', 'password': 'x'})\n"
        "    assert r.status_code in (400, 429), r.status_code\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "disclosure_portal.settings",
        "DATABASE_URL": url,
        "TESTING": "1",
        "THROTTLE_LOGIN": "1000/min",
        "PYTHONPATH": str(ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", script], env={**env, "ADDR": "203.0.113.1"}, cwd=ROOT
    )
    fail_on_api("root", 5, "203.0.113.2")
    assert worker.wait(timeout=120) == 0

    assert token_status("root").status_code == 429


class TestSecondFactor:
    @pytest.fixture(autouse=True)
    def _superusers_need_it(self, settings: Any) -> None:
        settings.STAFF_2FA = "superusers"

    def enrol(self, client: Client) -> tuple[TOTPDevice, list[str]]:
        page = client.get("/staff/account/")
        assert page.status_code == 200
        html = page.content.decode()
        assert '<svg role="img"' in html
        assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
        device = TOTPDevice.objects.get(confirmed=False)
        response = client.post(
            "/staff/account/", {"action": "enable", "code": f"{totp(device.bin_key):06d}"}
        )
        assert response.status_code == 200
        device.refresh_from_db()
        assert device.confirmed
        return device, response.context["recovery_codes"]

    def test_superuser_without_a_device_must_enrol_before_using_the_workspace(self) -> None:
        make_superuser("root")
        client, response = page_login("root")
        assert response.status_code == 302

        assert client.get("/staff/").url == "/staff/account/"
        assert client.get("/admin/").url == "/staff/account/"

        _device, codes = self.enrol(client)

        assert len(codes) == 10
        assert client.get("/staff/").status_code == 200
        assert AuditEntry.objects.filter(action="auth.2fa_enabled", actor_name="root").exists()

    def test_login_needs_the_code_once_enrolled(self) -> None:
        make_superuser("root")
        client, _response = page_login("root")
        device, _codes = self.enrol(client)

        _client, without = page_login("root")
        _client, wrong = page_login("root", otp=f"{(totp(device.bin_key) + 1) % 10**6:06d}")
        # A code is good once: the next one comes 30 seconds after the enrolment's.
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=60)):
            right_client, right = page_login("root", otp=f"{totp(device.bin_key):06d}")

        assert without.status_code == 200
        assert "请填写动态验证码" in without.content.decode()
        assert "动态验证码不正确" in wrong.content.decode()
        assert right.status_code == 302
        assert right_client.get("/staff/").status_code == 200
        assert right_client.get("/admin/").status_code == 200
        failed = AuditEntry.objects.filter(action="auth.login_failed", actor_name="root")
        assert failed.count() == 1  # the wrong code, not the missing one

    def test_a_recovery_code_works_once(self) -> None:
        make_superuser("root")
        client, _response = page_login("root")
        _device, codes = self.enrol(client)

        first_client, first = page_login("root", otp=codes[0])
        _client, again = page_login("root", otp=codes[0])

        assert first.status_code == 302
        assert first_client.get("/staff/").status_code == 200
        assert "动态验证码不正确或已使用" in again.content.decode()

    def test_the_token_endpoint_needs_the_code(self) -> None:
        make_superuser("root")
        assert token_status("root").status_code == 403  # not enrolled yet
        client, _response = page_login("root")
        device, _codes = self.enrol(client)

        missing = token_status("root")
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=60)):
            granted = token_status("root", otp=f"{totp(device.bin_key):06d}")

        assert missing.status_code == 400
        assert "otp" in missing.json()
        assert granted.status_code == 200

    def test_staff_without_superuser_rights_are_not_asked(self) -> None:
        make_staff(make_organ(), ["publisher"], username="li")

        client, response = page_login("li")

        assert response.status_code == 302
        assert client.get("/staff/").status_code == 200
        assert token_status("li").status_code == 200

    def test_all_means_every_staff_member(self, settings: Any) -> None:
        settings.STAFF_2FA = "all"
        make_staff(make_organ(), ["publisher"], username="li")

        client, _response = page_login("li")

        assert client.get("/staff/items/").url == "/staff/account/"

    def test_a_session_without_the_code_does_not_reach_the_api(self) -> None:
        user = make_superuser("root")
        client = APIClient()
        client.force_login(user)  # a session that never gave the second factor

        response = client.post(
            "/api/v1/organs/", {"code": "x", "name": "y"}, format="json", REMOTE_ADDR="10.0.0.1"
        )

        assert response.status_code in (401, 403)


def test_with_2fa_off_the_demo_logs_in_with_a_password(settings: Any) -> None:
    settings.STAFF_2FA = "off"
    make_superuser("root")

    client, response = page_login("root")

    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert client.get("/admin/").status_code == 200


class TestTokens:
    def test_a_token_expires_after_the_ttl(self, settings: Any) -> None:
        settings.TOKEN_TTL_HOURS = 720
        make_superuser("root")
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            token = token_status("root").json()["token"]
        api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")

        with time_machine.travel(start + dt.timedelta(hours=719), tick=False):
            assert api.post("/api/v1/auth/logout/").status_code != 401
        with time_machine.travel(start + dt.timedelta(hours=721), tick=False):
            token = token_status("root").json()["token"]
            api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
        with time_machine.travel(start + dt.timedelta(hours=721 + 720), tick=False):
            expired = api.get("/api/v1/applications/")
        assert expired.status_code == 401
        assert "过期" in expired.json()["detail"]

    def test_logout_revokes_the_token(self) -> None:
        make_superuser("root")
        token = token_status("root").json()["token"]
        api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")

        assert api.post("/api/v1/auth/logout/").status_code == 204

        assert api.get("/api/v1/applications/").status_code == 401
        assert token_status("root").json()["token"] != token

    def test_a_password_change_revokes_the_token(self) -> None:
        user = make_superuser("root")
        token = token_status("root").json()["token"]

        user.set_password("a-new-long-passphrase")
        user.save()

        api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
        assert api.get("/api/v1/applications/").status_code == 401

    def test_password_change_page_revokes_tokens_and_keeps_the_session(self) -> None:
        user = make_staff(make_organ(), ["publisher"], username="li")
        Token.objects.create(user=user)
        client = Client()
        client.force_login(user)

        response = client.post(
            "/staff/account/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "Lin-Jiang-2026-xxgk",
                "new_password2": "Lin-Jiang-2026-xxgk",
            },
        )

        assert response.status_code == 302
        assert not Token.objects.filter(user=user).exists()
        assert client.get("/staff/").status_code == 200


def test_staff_sessions_end_after_eight_idle_hours() -> None:
    user = make_staff(make_organ(), ["publisher"])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        client.force_login(user)
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=7, minutes=50), tick=False):
        assert client.get("/staff/").status_code == 200  # used: the 8 hours start again
    with time_machine.travel(start + dt.timedelta(hours=15, minutes=40), tick=False):
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=23, minutes=50), tick=False):
        response = client.get("/staff/")
    assert response.status_code == 302
    assert response.url.startswith("/staff/login/")


@pytest.mark.parametrize(
    "password", ["woaini1314", "qq123456", "a123456789", "zhangwei123", "5201314520"]
)
def test_passwords_common_in_china_are_refused(password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(error.code == "password_too_common" for error in refused.value.error_list)


def test_the_chinese_list_is_large_and_keeps_djangos_validators(settings: Any) -> None:
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    words = (ROOT / "disclosure_portal" / "common-passwords-zh.txt").read_text().split()

    assert len(words) >= 500
    assert {"123456", "a123456", "woaini1314", "qq123456"} <= set(words)
    assert names.count("CommonPasswordValidator") == 2
    assert {"MinimumLengthValidator", "NumericPasswordValidator"} <= set(names)
    validate_password("Lin-Jiang-2026-xxgk")  # a reasonable password still passes
