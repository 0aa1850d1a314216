"""The public pages in English (issue 10: English is the portal's second language).

A reader who chose English — by the language switch in the footer (/i18n/setlang/), the
language cookie or the browser's Accept-Language — gets English headings, labels, buttons and
help texts; the data (organ names, item titles, the applicant's words, the report's text) stays
as it was written, in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from lxml import html as lxml_html

from catalog import organs as catalog_organs
from catalog import services as catalog_services
from catalog.models import Organ
from requests_app.models import Application
from tests import files
from tests.factories import credit_code, make_item, make_organ
from tests.reports.test_pages import SECTIONS_TEXT, known_annexes, publish_directly
from tests.requests_app.factories import make_application, person

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HAN = re.compile(r"[\u3400-\u9fff]")
# Chinese punctuation around English words ("（2.5 KB）", "Title：error") is Chinese text too.
FULL_WIDTH = re.compile(r"[（）：，；。、]")
ITEM_TITLE = "关于做好政府信息公开工作的通知"
DESCRIPTION = "请公开2025年本市老旧小区改造项目的资金安排文件（文号不详）。"
# Text a page may show in Chinese because it is data or a proper name, not the portal's words.
DATA = (
    "政府信息公开平台",  # settings.PORTAL["SITE_NAME"], the site's own name
    "简体中文",  # the language switch names each language in itself
    "某市人民政府办公室",  # the office named in the guide
    "某市人民政府",
    "某市教育局",
    ITEM_TITLE,
    DESCRIPTION,
    "张*",  # the applicant's masked name on the tracking page
    "国办发〔2024〕12号",  # an example of a document number, which is written in Chinese
    *(line for text in SECTIONS_TEXT.values() for line in text.split("\n") if line),
    # A published report's appendix keeps the labels frozen with its figures.
    *(group["label"] for group in known_annexes()["by_month"]["groups"]),
    *(row["status_label"] for row in known_annexes()["oldest_open"]),
    *(row["label"] for row in known_annexes()["year_on_year"]["rows"]),
)


@pytest.fixture(autouse=True)
def _january_2027() -> Any:
    with time_machine.travel(dt.datetime(2027, 1, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def city() -> Organ:
    city = make_organ("某市人民政府", code=credit_code(8101))
    make_organ("某市教育局", parent=city, code=credit_code(8102))
    catalog_organs.invalidate()  # organ_create invalidates on commit; tests never commit
    return city


@pytest.fixture
def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def chinese_ui_text(page: str) -> list[str]:
    """The Chinese a reader sees on ``page`` (text, and the attributes read aloud or shown)
    that is not data: what should have been English."""
    tree = lxml_html.fromstring(page)
    # Left out: what is not shown, and what the page itself declares to be Chinese (the annual
    # report's official text, lang="zh-CN").
    for hidden in tree.xpath("//script | //style | //textarea | //option | //body//*[@lang]"):
        hidden.drop_tree()
    texts = [text for text in tree.xpath("//body//text()")]
    for attribute in ("title", "placeholder", "aria-label", "alt", "data-text-left"):
        texts += tree.xpath(f"//body//@{attribute}")
    left = []
    for text in texts:
        for data in DATA:
            text = text.replace(data, "")
        if HAN.search(text) or FULL_WIDTH.search(text):
            left.append(text.strip())
    return left


def assert_english(client: Client, url: str, *headings: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = response.content.decode()
    assert re.search(r'<html lang="en"', page), url
    for heading in headings:
        assert heading in page, (url, heading)
    assert chinese_ui_text(page) == [], url
    return page


def test_chinese_is_the_default_and_html_lang_says_so(city: Organ) -> None:
    page = Client().get("/").content.decode()
    assert '<html lang="zh-CN">' in page
    assert "政府信息公开目录" in page
    assert "Disclosure catalogue" not in page


def test_setlang_switches_the_portal_to_english(city: Organ) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/items/"})
    assert response.status_code == 302
    assert response["Location"] == "/items/"
    page = assert_english(client, "/items/", "Disclosure catalogue", "Search")
    # …and back to Chinese.
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-CN">' in client.get("/").content.decode()
    assert "Skip to main content" in page


def test_accept_language_header_chooses_english(city: Organ) -> None:
    page = Client(headers={"accept-language": "en-GB,en;q=0.9"}).get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Skip to main content" in page


def test_home_directory_item_and_guide_pages_in_english(city: Organ, english: Client) -> None:
    item = make_item(city, ITEM_TITLE, published_on=dt.date(2026, 3, 2))
    catalog_services.attachment_add(
        actor=None, item=item, upload=SimpleUploadedFile("plan.pdf", files.pdf())
    )
    home = assert_english(english, "/", "Latest disclosures", "Submit a disclosure request")
    assert "某市人民政府" in home  # an organ's name is data
    assert_english(english, "/items/", "Filter", "Issuing body", "Publication date")
    detail = assert_english(english, f"/items/{item.pk}/", "Index number", "Publication date")
    assert ITEM_TITLE in detail
    assert "2026-03-02" in detail  # dates in ISO form, not 2026年3月2日
    assert "(PDF, " in detail  # the attachment's kind and size, in English brackets
    # A bad filter comes back as an English error naming the field.
    errors = assert_english(english, "/items/?published_after=2026-13-01", "Filter")
    assert "Published from: Enter a valid date" in errors
    assert_english(
        english, f"/organs/{city.code}/guide/", "Government information disclosure guide"
    )
    assert_english(english, f"/organs/{city.code}/", "Latest disclosures by")


def test_application_form_in_english(city: Organ, english: Client) -> None:
    page = assert_english(
        english,
        "/apply/",
        "Receiving body",
        "Type of applicant",
        "Natural person",
        "Identity document number",
        "Submit request",
        "(required)",
    )
    # Errors come back in English too, naming the field.
    response = english.post("/apply/", {"organ": city.pk})
    assert response.status_code == 200
    errors = response.content.decode()
    assert "There are problems with what you submitted" in errors
    assert "Choose the type of applicant." in errors
    assert chinese_ui_text(errors) == []
    assert "characters left" in page


def test_tracking_page_in_english(city: Organ, english: Client) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        application: Application = make_application(
            city, applicant=person(name="张三丰"), description=DESCRIPTION
        )
    assert_english(english, "/track/", "Track a request", "Tracking code", "Search")
    page = assert_english(
        english,
        f"/track/?code={application.tracking_code}",
        "Request progress",
        "Reply deadline",
        "Request received",
    )
    assert "2026-03-04" in page and "2026-04-01" in page  # received; 20 working days later
    assert "Request received: 2026-03-04" in page  # how the deadline was calculated


def test_report_pages_in_english(city: Organ, english: Client) -> None:
    publish_directly(city, 2026)
    assert_english(english, "/reports/", "Annual disclosure reports")
    page = assert_english(
        english,
        f"/reports/{city.code}/2026/",
        "Downloads and related links",
        "published in Chinese",
    )
    assert SECTIONS_TEXT["problems"] in page  # the report's own text is data
