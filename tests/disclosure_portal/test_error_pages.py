"""Error pages speak Chinese in the portal's layout; the 500 page needs no template engine."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from disclosure_portal.errors import permission_denied
from tests.factories import make_organ, make_staff

pytestmark = pytest.mark.django_db


def test_unknown_page_is_a_chinese_404_in_the_portal_layout(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert 'href="/sitemap/"' in html  # the footer and the page's own links
    assert "Not Found" not in html


def test_unknown_api_url_answers_json_in_chinese(client: Client) -> None:
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": "页面不存在"}


def test_csrf_failure_is_explained_in_chinese() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/track/", {"code": "ABCD-EFGH-JK"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html
    assert "CSRF" not in html


def test_a_signed_in_staff_member_refused_a_page_is_told_why_and_led_back_to_the_workspace(
    client: Client,
) -> None:
    organ = make_organ("临江市审计局")
    client.force_login(make_staff(organ, ["reviewer"]))

    response = client.get("/staff/items/")  # 目录管理 needs the publisher role

    assert response.status_code == 403
    html = response.content.decode()
    assert "您没有该项工作的权限。" in html  # the reason the view gave
    assert "请先登录" not in html  # they are signed in
    assert 'href="/staff/"' in html


def test_an_anonymous_visitor_refused_a_page_is_asked_to_sign_in() -> None:
    # Staff pages send anonymous visitors to the login form; a view that refuses them
    # outright still offers it.
    request = RequestFactory().get("/staff/secret/")
    request.user = AnonymousUser()

    response = permission_denied(request, PermissionDenied())

    html = response.content.decode()
    assert response.status_code == 403
    assert "工作人员请先登录" in html
    assert 'href="/staff/login/?next=/staff/secret/"' in html


def test_server_error_page_is_static_chinese(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.disclosure_portal.boom_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务暂时不可用" in html
    assert f"错误编号：{response['X-Request-ID']}" in html
    assert "Traceback" not in html and "RuntimeError" not in html


def test_server_error_page_survives_a_broken_template_engine(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.disclosure_portal.boom_urls"
    # No template can be found any more: the 500 page must not need one.
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": False,
        }
    ]
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "服务暂时不可用" in response.content.decode()


def test_server_error_in_the_api_answers_json(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.disclosure_portal.boom_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500
    body = response.json()
    assert body["detail"] == "服务器内部错误，请稍后重试。"
    # The request id lets the caller quote the error; it is the response's own header.
    assert body["request_id"] == response["X-Request-ID"]


def test_html_site_map_lists_every_organ_with_its_columns(client: Client) -> None:
    city = make_organ("临江市人民政府")
    bureau = make_organ("临江市教育局", parent=city)
    response = client.get("/sitemap/")
    assert response.status_code == 200
    html = response.content.decode()
    for organ in (city, bureau):
        assert f'href="/organs/{organ.code}/guide/"' in html
        assert f'href="/organs/{organ.code}/mandatory/"' in html
    assert html.index("临江市人民政府") < html.index("临江市教育局")
