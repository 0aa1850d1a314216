"""API tokens and staff accounts (api.md, "Authentication")."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from catalog.models import StaffProfile
from tests.factories import make_organ, make_staff, make_superuser

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
STAFF_URL = "/api/v1/staff/"
PASSWORD = "correct-horse-battery"


def login(api: Any, user: Any) -> None:
    token, _created = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")


class TestToken:
    def test_valid_credentials_return_a_token_that_authenticates(self, api: Any) -> None:
        make_superuser("root")

        response = api.post(TOKEN_URL, {"username": "root", "password": PASSWORD}, format="json")

        assert response.status_code == 200
        token = response.json()["token"]
        assert token == Token.objects.get(user__username="root").key
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        organ = make_organ()
        created = api.post(
            STAFF_URL,
            {"username": "li", "password": PASSWORD, "organ": organ.code, "roles": ["handler"]},
            format="json",
        )
        assert created.status_code == 201

    def test_same_user_gets_the_same_token_again(self, api: Any) -> None:
        make_superuser("root")
        body = {"username": "root", "password": PASSWORD}

        first = api.post(TOKEN_URL, body, format="json").json()["token"]
        second = api.post(TOKEN_URL, body, format="json").json()["token"]

        assert first == second

    @pytest.mark.parametrize(
        ("username", "password"), [("root", "wrong-password"), ("nobody", PASSWORD)]
    )
    def test_bad_credentials_are_a_400_in_chinese(
        self, api: Any, username: str, password: str
    ) -> None:
        make_superuser("root")

        response = api.post(TOKEN_URL, {"username": username, "password": password}, format="json")

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["用户名或密码错误。"]}

    def test_inactive_user_gets_no_token(self, api: Any) -> None:
        user = make_superuser("root")
        user.is_active = False
        user.save()

        response = api.post(TOKEN_URL, {"username": "root", "password": PASSWORD}, format="json")

        assert response.status_code == 400
        assert not Token.objects.filter(user=user).exists()

    def test_missing_fields_are_named(self, api: Any) -> None:
        response = api.post(TOKEN_URL, {}, format="json")

        assert response.status_code == 400
        assert response.json() == {
            "username": ["该字段是必填项。"],
            "password": ["该字段是必填项。"],
        }

    def test_login_attempts_are_throttled(self, api: Any) -> None:
        # THROTTLE_LOGIN defaults to 10/min.
        body = {"username": "root", "password": "guess"}
        statuses = [api.post(TOKEN_URL, body, format="json").status_code for _ in range(11)]

        assert statuses[:10] == [400] * 10
        assert statuses[10] == 429


class TestStaffCreate:
    def body(self, organ_code: str, **extra: Any) -> dict[str, Any]:
        return {
            "username": "wang",
            "password": PASSWORD,
            "organ": organ_code,
            "roles": ["publisher", "handler"],
            **extra,
        }

    def test_superuser_creates_a_staff_member_with_organ_and_roles(self, api: Any) -> None:
        organ = make_organ("某市财政局")
        login(api, make_superuser())

        response = api.post(STAFF_URL, self.body(organ.code), format="json")

        assert response.status_code == 201
        data = response.json()
        assert data["username"] == "wang"
        assert data["organ"] == organ.code
        assert data["roles"] == ["publisher", "handler"]
        profile = StaffProfile.objects.get(user__username="wang")
        assert profile.organ == organ
        assert profile.roles == ["publisher", "handler"]
        # The new account can log in.
        token = api.post(TOKEN_URL, {"username": "wang", "password": PASSWORD}, format="json")
        assert token.status_code == 200

    def test_anonymous_caller_gets_401(self, api: Any) -> None:
        organ = make_organ()

        response = api.post(STAFF_URL, self.body(organ.code), format="json")

        assert response.status_code == 401
        assert not get_user_model().objects.filter(username="wang").exists()

    def test_staff_who_is_not_superuser_gets_403(self, api: Any) -> None:
        organ = make_organ()
        login(api, make_staff(organ, ["publisher", "handler", "approver", "reporter"]))

        response = api.post(STAFF_URL, self.body(organ.code), format="json")

        assert response.status_code == 403
        assert not get_user_model().objects.filter(username="wang").exists()

    def test_unknown_organ_is_a_400_on_organ(self, api: Any) -> None:
        login(api, make_superuser())

        response = api.post(STAFF_URL, self.body("NOSUCHORGAN"), format="json")

        assert response.status_code == 400
        assert response.json() == {"organ": ["行政机关“NOSUCHORGAN”不存在。"]}

    def test_unknown_role_is_a_400_on_roles(self, api: Any) -> None:
        organ = make_organ()
        login(api, make_superuser())

        response = api.post(
            STAFF_URL, self.body(organ.code, roles=["publisher", "king"]), format="json"
        )

        assert response.status_code == 400
        assert response.json() == {"roles": ["未知角色：king"]}
        assert not get_user_model().objects.filter(username="wang").exists()

    def test_existing_username_is_a_400_on_username(self, api: Any) -> None:
        organ = make_organ()
        make_staff(organ, ["handler"], username="wang")
        login(api, make_superuser())

        response = api.post(STAFF_URL, self.body(organ.code), format="json")

        assert response.status_code == 400
        assert response.json() == {"username": ["用户名已存在。"]}

    def test_weak_password_is_a_400_on_password(self, api: Any) -> None:
        organ = make_organ()
        login(api, make_superuser())

        response = api.post(STAFF_URL, self.body(organ.code, password="123"), format="json")

        assert response.status_code == 400
        assert list(response.json()) == ["password"]
        assert not get_user_model().objects.filter(username="wang").exists()
