"""Journeys through the 政府信息公开 column and the directory (issue 2), in Chromium.

A reader goes from the home page to an organ's column (the four sub-columns of
国办公开办函〔2019〕61号), searches the directory, opens an item with its metadata header and
reads the organ's guide; a publisher publishes an item that the public then finds; a keyboard
user skips to the content and enlarges the text (适老化, GB/T 37668-2019).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalog import services
from catalog.models import Organ
from tests.browser.conftest import header_value, login
from tests.factories import make_item, make_organ, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUB_COLUMNS = ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报")
ITEM_TITLE = "关于进一步做好政府信息公开工作的通知"
ITEM_DOC_NUMBER = "临政办发〔2026〕7号"


def build_city() -> dict[str, Any]:
    """A city government with two departments, a guide and a few published items."""
    city = make_organ("临江市人民政府")
    education = make_organ("临江市教育局", parent=city)
    finance = make_organ("临江市财政局", parent=city)
    services.guide_update(
        actor=None,
        organ=city,
        data={
            "office_name": "临江市人民政府办公室",
            "address": "临江市人民路1号",
            "office_hours": "工作日 9:00—17:00",
            "phone": "0571-12345678",
        },
    )
    item = make_item(
        city,
        ITEM_TITLE,
        doc_number=ITEM_DOC_NUMBER,
        published_on=dt.date(2026, 3, 2),
        formed_on=dt.date(2026, 2, 27),
        body="<p>各区县人民政府，市政府各部门：现就做好政府信息公开工作通知如下。</p>",
    )
    make_item(education, "临江市2026年义务教育招生入学政策", published_on=dt.date(2026, 3, 5))
    make_item(finance, "临江市2025年财政预算执行情况报告", published_on=dt.date(2026, 2, 10))
    return {"city": city, "education": education, "finance": finance, "item": item}


def test_reader_finds_an_item_through_the_column_and_the_directory(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    data = build_city()
    city: Organ = data["city"]

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="政府信息公开", level=1)).to_be_visible()
    screenshot(page, "01-home")

    # The city's 政府信息公开 column: its heading links to the organ's own column page.
    page.get_by_role("heading", name="临江市人民政府", level=2).get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"/organs/{city.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("临江市人民政府")
    for title in SUB_COLUMNS:
        expect(page.get_by_role("heading", name=title, level=2)).to_be_visible()
    subordinates = page.get_by_role("region", name="下级机关")
    expect(subordinates.get_by_role("link", name="临江市教育局")).to_be_visible()
    expect(subordinates.get_by_role("link", name="临江市财政局")).to_be_visible()
    screenshot(page, "02-organ-column")

    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="政府信息公开目录"
    ).click()
    expect(page).to_have_url(re.compile(r"/items/$"))
    expect(page.get_by_role("heading", name="政府信息公开目录", level=1)).to_be_visible()
    expect(page.locator(".result-count")).to_have_text(re.compile(r"共\s*3\s*条"))

    # A two-character query: substrings of Chinese text are found (domain.md「Catalog」).
    page.get_by_label("关键词").fill("公开")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"/items/\?.*q=%E5%85%AC%E5%BC%80"))
    expect(page.get_by_role("heading", name="检索结果")).to_be_visible()
    expect(page.locator(".result-count")).to_have_text(re.compile(r"共\s*1\s*条"))
    result = page.locator(".results-list .result").first
    expect(result.locator("mark").first).to_have_text("公开")
    expect(result.locator(".result-meta")).to_contain_text(ITEM_DOC_NUMBER)
    screenshot(page, "03-search-results")

    result.get_by_role("link").click()
    expect(page.get_by_role("heading", name=ITEM_TITLE, level=1)).to_be_visible()
    item = data["item"]
    assert header_value(page, "索引号") == item.index_no
    assert header_value(page, "发布机构") == "临江市人民政府"
    assert header_value(page, "成文日期") == "2026年2月27日"
    assert header_value(page, "发布日期") == "2026年3月2日"
    assert header_value(page, "发文字号") == ITEM_DOC_NUMBER
    screenshot(page, "04-item")

    page.goto(f"{live_server.url}/organs/{city.code}/")
    page.get_by_role("heading", name="政府信息公开指南", level=2).get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"/organs/{city.code}/guide/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("临江市人民政府政府信息公开指南")
    expect(page.get_by_text("最后更新")).to_be_visible()
    expect(page.locator(".guide-fields")).to_contain_text("临江市人民路1号")
    screenshot(page, "05-guide")


def test_item_published_by_a_publisher_is_found_by_the_public(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    city = make_organ("临江市人民政府")
    publisher = make_staff(city, ["publisher"], username="fabuyuan")
    title = "临江市关于开展老旧小区改造试点的实施意见"

    login(page, live_server, publisher.username)
    page.goto(live_server.url + "/staff/items/new/")
    expect(page.get_by_role("heading", name="新建目录信息", level=1)).to_be_visible()
    page.get_by_label("发布机构").select_option(label="临江市人民政府")
    page.get_by_label("标题", exact=True).fill(title)
    page.get_by_label("文号", exact=True).fill("临政发〔2026〕3号")
    page.get_by_label("成文日期").fill(timezone.localdate().isoformat())
    screenshot(page, "01-new-item")
    page.get_by_role("button", name="发布", exact=True).click()

    expect(page.get_by_role("heading", name="编辑目录信息", level=1)).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("已发布")
    index_no = page.locator(".item-state dd").nth(1).inner_text().strip()
    assert re.fullmatch(rf"{city.code[8:17]}/{timezone.localdate().year}-00001", index_no)
    screenshot(page, "02-published")

    # The public, in a fresh session, searches the directory for part of the title.
    page.context.clear_cookies()
    page.goto(live_server.url + "/items/")
    page.get_by_label("关键词").fill("老旧小区")
    page.get_by_role("button", name="查询").click()
    result = page.locator(".results-list .result")
    expect(result).to_have_count(1)
    expect(result.locator("mark").first).to_have_text("老旧小区")
    screenshot(page, "03-found")

    result.get_by_role("link").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.locator(".draft-banner")).to_have_count(0)
    assert header_value(page, "索引号") == index_no
    screenshot(page, "04-public-item")


def test_keyboard_user_skips_to_content_and_keeps_a_larger_font(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    build_city()
    page.goto(live_server.url + "/")

    # The first Tab stop is the skip link (GB/T 37668-2019); Enter moves focus to <main>.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    screenshot(page, "01-skip-link")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    page.get_by_role("button", name="A+ 大字号", exact=True).click()
    assert page.evaluate("document.documentElement.dataset.fontSize") == "large"
    expect(page.get_by_role("button", name="A+ 大字号", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    large_size = page.evaluate("getComputedStyle(document.body).fontSize")

    page.reload()
    # The inline script re-applies the stored choice before the first paint.
    assert page.evaluate("document.documentElement.dataset.fontSize") == "large"
    assert page.evaluate("localStorage.getItem('portal-font-size')") == "large"
    expect(page.get_by_role("button", name="A+ 大字号", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    screenshot(page, "02-large-font")

    page.get_by_role("button", name="标准字号").click()
    assert page.evaluate("document.documentElement.dataset.fontSize") is None
    page.reload()
    assert page.evaluate("document.documentElement.dataset.fontSize") is None
    normal_size = page.evaluate("getComputedStyle(document.body).fontSize")
    assert float(large_size.removesuffix("px")) > float(normal_size.removesuffix("px"))
