"""The portal's own pages where Django would show its own (issue 10, item 6), in Chromium:
error pages in Chinese in the portal's layout, the footer's 网站地图, and English mode on the
application form and the tracking page (item 7).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from requests_app.models import Application
from requests_app.tracking import display_tracking_code
from tests.factories import make_organ
from tests.requests_app.factories import resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DESCRIPTION = "请公开2025年本市中小学校舍安全检查报告。"
CN_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def expect_portal_layout(page: Page) -> None:
    """The public site's header (site name, main navigation) and footer are around the page."""
    expect(page.locator("header.site-header")).to_be_visible()
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    expect(page.locator("footer").get_by_role("link", name="网站地图")).to_be_visible()


def test_unknown_address_shows_the_chinese_404_page_in_the_portal_layout(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    make_organ("临江市人民政府")
    response = page.goto(live_server.url + "/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="页面不存在", level=1)).to_be_visible()
    expect(page).to_have_title(re.compile("^页面不存在"))
    expect_portal_layout(page)
    expect(page.locator("main")).to_contain_text("错误代码：404")
    assert "Not Found" not in page.content()
    screenshot(page, "404")

    # The page's own links lead on: back to the directory.
    page.locator(".error-links").get_by_role("link", name="政府信息公开目录").click()
    expect(page).to_have_url(re.compile(r"/items/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("政府信息公开目录")


def test_form_posted_with_a_bad_or_missing_csrf_token_shows_the_chinese_expired_page(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    make_organ("临江市人民政府")
    # The footer's language switch is a POST form with a CSRF token, on every public page.
    page.goto(live_server.url + "/items/")
    page.locator("form.lang-switch input[name=csrfmiddlewaretoken]").evaluate(
        "input => { input.value = 'x'.repeat(64); }"
    )
    with page.expect_response(re.compile(r"/i18n/setlang/$")) as posted:
        page.locator("form.lang-switch").get_by_role("button", name="切换").click()
    assert posted.value.status == 403
    expect(page.get_by_role("heading", name="页面已过期", level=1)).to_be_visible()
    expect_portal_layout(page)
    expect(page.locator("main")).to_contain_text("请返回上一页，刷新后重新提交")
    body = page.content()
    assert "CSRF" not in body and "Forbidden" not in body
    screenshot(page, "bad-token")

    # Without the CSRF cookie at all (a session that expired in another tab): the same page.
    page.goto(live_server.url + "/items/")
    page.context.clear_cookies()
    with page.expect_response(re.compile(r"/i18n/setlang/$")) as posted:
        page.locator("form.lang-switch").get_by_role("button", name="切换").click()
    assert posted.value.status == 403
    expect(page.get_by_role("heading", name="页面已过期", level=1)).to_be_visible()
    expect_portal_layout(page)
    screenshot(page, "missing-cookie")


def test_server_error_shows_the_static_chinese_page_with_the_request_id(
    page: Page, live_server: Any, screenshot: Any, settings: Any
) -> None:
    # The portal's URLs plus a view that raises (tests/disclosure_portal/boom_urls.py).
    settings.ROOT_URLCONF = "tests.disclosure_portal.boom_urls"
    response = page.goto(live_server.url + "/boom/")
    assert response is not None and response.status == 500
    request_id = response.headers["x-request-id"]
    assert request_id
    expect(page.get_by_role("heading", name="服务暂时不可用", level=1)).to_be_visible()
    expect(page.locator(".error-code")).to_have_text(f"错误代码：500　错误编号：{request_id}")
    # The static page is styled by the portal's own sheet and carries the site name.
    expect(page.locator("header.site-header .site-name")).to_have_text("政府信息公开平台")
    background = page.locator("header.site-header").evaluate(
        "header => getComputedStyle(header).backgroundColor"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "portal.css did not load"
    body = page.content()
    assert "Traceback" not in body and "RuntimeError" not in body and "{%" not in body
    screenshot(page, "500")


def test_footer_site_map_link_opens_the_html_site_map_whose_links_lead_to_real_pages(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    city = make_organ("临江市人民政府")
    bureau = make_organ("临江市教育局", parent=city)
    page.goto(live_server.url + "/")
    page.locator("footer").get_by_role("link", name="网站地图").click()
    expect(page).to_have_url(re.compile(r"/sitemap/$"))
    expect(page.get_by_role("heading", name="网站地图", level=1)).to_be_visible()
    # An HTML page in the portal's layout, not the raw sitemap.xml.
    assert "<urlset" not in page.content()
    expect_portal_layout(page)
    organs = page.locator("table.site-map-organs tbody tr")
    expect(organs).to_have_count(2)
    expect(organs.nth(0).get_by_role("rowheader")).to_have_text("临江市人民政府")
    expect(organs.nth(1).get_by_role("rowheader")).to_have_text("临江市教育局")
    screenshot(page, "01-site-map")

    # The bureau's guide, from its row.
    organs.nth(1).get_by_role("link", name="指南").click()
    expect(page).to_have_url(re.compile(f"/organs/{bureau.code}/guide/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("临江市教育局")
    expect(page.get_by_role("heading", level=1)).to_contain_text("政府信息公开指南")
    screenshot(page, "02-guide")

    # And a section link: the application form.
    page.go_back()
    page.locator(".site-map-sections").get_by_role("link", name="依申请公开").click()
    expect(page.get_by_role("heading", name="政府信息公开申请", level=1)).to_be_visible()


def field(page: Page, role: Any, label: str) -> Any:
    """A form control by the start of its label: required labels end in (required)."""
    return page.get_by_role(role, name=re.compile(f"^{re.escape(label)}"))


def test_english_mode_shows_the_application_form_and_tracking_page_in_english(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    bureau = make_organ("临江市教育局")
    page.goto(live_server.url + "/apply/")
    expect(page.get_by_role("heading", name="政府信息公开申请", level=1)).to_be_visible()

    # The footer's switch, as a reader would use it; the page comes back in English.
    page.get_by_label("语言").select_option(value="en")
    page.locator("form.lang-switch").get_by_role("button", name="切换").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Government information disclosure request"
    )
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Submit request")).to_be_visible()
    expect(page.get_by_label("Language")).to_have_value("en")
    screenshot(page, "01-form-en")

    field(page, "combobox", "Receiving body").select_option(value=bureau.code)
    page.get_by_role("radio", name="Natural person").check()
    field(page, "textbox", "Name").fill("李华")
    field(page, "combobox", "Identity document type").select_option(label="Resident identity card")
    field(page, "textbox", "Identity document number").fill(resident_id())
    field(page, "textbox", "Telephone").fill("13800001234")
    field(page, "textbox", "Email").fill("lihua@example.cn")
    field(page, "textbox", "Title, document number").fill(DESCRIPTION)
    page.get_by_role("radio", name="Electronic", exact=True).check()
    page.get_by_role("radio", name="Email", exact=True).check()
    page.get_by_role("button", name="Submit request").click()

    expect(page.get_by_role("heading", name="Request submitted", level=1)).to_be_visible()
    application = Application.objects.get()
    code = display_tracking_code(application.tracking_code)
    expect(page.locator(".tracking-code")).to_have_text(code)
    facts = page.locator(".facts")
    expect(facts).to_contain_text("Date received")
    # Dates follow the language too: ISO in English, never 2026年…日.
    expect(facts).to_contain_text(ISO_DATE)
    assert not CN_DATE.search(facts.inner_text())
    screenshot(page, "02-receipt-en")

    page.get_by_role("navigation").get_by_role("link", name="Track a request").first.click()
    expect(page.get_by_role("heading", name="Track a request", level=1)).to_be_visible()
    page.get_by_label("Tracking code").fill(code)
    page.locator("main").get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="Request progress", level=1)).to_be_visible()
    facts = page.locator(".facts")
    expect(facts.locator(".status")).to_have_text("In progress")
    expect(facts).to_contain_text("Reply deadline")
    expect(facts).to_contain_text(ISO_DATE)
    main_text = page.locator("main").inner_text()
    assert not CN_DATE.search(main_text)
    # The portal's own words are English; what remains in Chinese is data (the organ's name,
    # the masked applicant).
    for chinese in ("办理中", "答复期限", "收到申请日期", "申请办理进度"):
        assert chinese not in main_text
    screenshot(page, "03-track-en")
