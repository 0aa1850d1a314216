"""robots.txt: public pages open to crawlers, the workspace, admin, API and tracking not."""

from __future__ import annotations

import pytest
from django.test import Client


def test_robots_txt_allows_public_pages_and_points_to_the_sitemap(client: Client) -> None:
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for path in ("/staff/", "/admin/", "/api/", "/track/"):
        assert f"Disallow: {path}" in lines
    assert "Allow: /" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_names_the_public_address_when_configured(client: Client, settings) -> None:
    settings.PORTAL = {**settings.PORTAL, "BASE_URL": "https://xxgk.example.gov.cn"}

    lines = client.get("/robots.txt").content.decode().splitlines()

    assert "Sitemap: https://xxgk.example.gov.cn/sitemap.xml" in lines


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_portal_icon_served_by_the_portal(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
    page = client.get("/").content.decode()
    assert f'<link rel="icon" href="{response["Location"]}"' in page
