"""The anonymous page cache (disclosure_portal.pagecache): right at once after a change, never
shared nonces or tokens, never a signed-in page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import make_item, make_organ, make_staff

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'<script nonce="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_published_item_is_on_the_cached_home_page_at_once(client: Client) -> None:
    organ = make_organ()
    make_item(organ, "第一份通知")
    assert "第一份通知" in client.get("/").content.decode()

    make_item(organ, "第二份通知")  # its save bumps the catalog's version stamp

    assert "第二份通知" in client.get("/").content.decode()


def test_each_visitor_gets_a_fresh_nonce_and_csrf_token(client: Client) -> None:
    make_organ()
    first, second = client.get("/"), Client().get("/")

    nonces = [NONCE.search(r.content.decode()).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    tokens = [CSRF.search(r.content.decode()).group(1) for r in (first, second)]
    assert tokens[0] != tokens[1]


def test_the_language_is_part_of_the_key(client: Client) -> None:
    make_organ()
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="zh-CN">' in chinese
    assert '<html lang="en">' in english


def test_signed_in_staff_never_get_a_cached_page(client: Client) -> None:
    organ = make_organ()
    draft = make_item(organ, "尚未发布的草稿", publish=False)
    staff = make_staff(organ, ["publisher"])
    client.force_login(staff)
    assert client.get(f"/items/{draft.pk}/").status_code == 200

    assert Client().get(f"/items/{draft.pk}/").status_code == 404


def test_the_navigation_marks_the_current_organ_only(client: Client) -> None:
    city = make_organ("临江市人民政府")
    bureau = make_organ("临江市教育局", parent=city)

    page = client.get(f"/organs/{bureau.code}/").content.decode()
    home = client.get("/").content.decode()

    marked = re.compile(r'<a href="/organs/([^"/]+)/" aria-current="page">')
    assert marked.findall(page) == [bureau.code]
    assert marked.findall(home) == []
    # A new organ is in the navigation at once.
    make_organ("临江市统计局", parent=city)
    assert "临江市统计局" in client.get("/").content.decode()
