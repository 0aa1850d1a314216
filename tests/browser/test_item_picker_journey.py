"""The answer form's item picker (issue 10, item 6), in Chromium.

A handler answering 予以公开 because the information is already published links the catalog
item by typing words of its title — or part of its 索引号 — and choosing from the list that
appears, instead of typing the item's number. The link reaches the applicant's tracking page.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from requests_app import services
from requests_app.models import Application
from requests_app.tracking import display_tracking_code
from tests.browser.conftest import login
from tests.browser.test_application_journey import _last_workday_moment
from tests.factories import make_item, make_organ, make_staff
from tests.requests_app.factories import application_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WANTED = "临江市2025年老旧小区改造项目资金安排的通知"
OLDER = "临江市2024年老旧小区改造实施方案"
OTHER = "关于印发临江市住房保障办法的通知"


def open_answer(page: Page, live_server: Any, application: Application) -> Any:
    page.goto(f"{live_server.url}/staff/applications/{application.pk}/")
    panel = page.locator("#action-answer")
    panel.locator("summary").click()
    return panel


def test_handler_links_an_item_by_title_words_or_index_fragment_chosen_from_the_results(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    bureau = make_organ("临江市住房和城乡建设局")
    handler = make_staff(bureau, ["handler"], username="jingbanren")
    older = make_item(bureau, OLDER, published_on=dt.date(2024, 5, 6))
    wanted = make_item(bureau, WANTED, published_on=dt.date(2025, 3, 2))
    other = make_item(bureau, OTHER, published_on=dt.date(2025, 4, 1))
    make_item(bureau, "临江市老旧小区改造工作要点（征求意见稿）", publish=False)  # a draft
    moment = _last_workday_moment()
    first, second = (
        services.application_submit(actor=None, organ=bureau, data=application_data(), now=moment)
        for _ in range(2)
    )

    login(page, live_server, handler.username)
    panel = open_answer(page, live_server, first)
    picker = panel.get_by_role("combobox", name=re.compile("^已主动公开的信息"))
    picker.press_sequentially("老旧小区", delay=30)
    options = panel.locator(".item-picker-list").get_by_role("option")
    # Both published items whose title has the words, newest first; never the draft.
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text(WANTED)
    expect(options.nth(0)).to_contain_text(wanted.index_no)
    expect(options.nth(1)).to_contain_text(OLDER)
    expect(picker).to_have_attribute("aria-expanded", "true")
    expect(panel.get_by_role("status")).to_contain_text("找到2条已发布信息")
    screenshot(page, "01-title-results")

    options.filter(has_text=WANTED).click()
    expect(picker).to_have_value(wanted.index_no)
    expect(options).to_have_count(0)
    panel.get_by_label("办理结果").select_option(label="予以公开")
    panel.get_by_label("答复内容").fill("您申请的信息本机关已主动公开，请按以下途径获取。")
    panel.get_by_role("button", name="作出答复").click()
    expect(page.locator(".status-line .status")).to_contain_text("已答复")
    linked = page.get_by_role("link", name=WANTED)
    expect(linked).to_have_attribute("href", f"/items/{wanted.pk}/")
    first.refresh_from_db()
    assert first.linked_item_id == wanted.pk
    screenshot(page, "02-answered")

    # Part of a 索引号 (its serial), chosen with the keyboard.
    panel = open_answer(page, live_server, second)
    picker = panel.get_by_role("combobox", name=re.compile("^已主动公开的信息"))
    fragment = other.index_no.rsplit("/", 1)[1]  # e.g. 2025-00003
    assert fragment not in older.index_no and fragment not in wanted.index_no
    picker.press_sequentially(fragment, delay=30)
    options = panel.locator(".item-picker-list").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text(OTHER)
    picker.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    picker.press("Enter")  # chooses; does not submit the answer
    expect(picker).to_have_value(other.index_no)
    assert Application.objects.get(pk=second.pk).status == "received"
    screenshot(page, "03-index-fragment")
    panel.get_by_label("办理结果").select_option(label="予以公开")
    panel.get_by_label("答复内容").fill("您申请的信息本机关已主动公开。")
    panel.get_by_role("button", name="作出答复").click()
    expect(page.get_by_role("link", name=OTHER)).to_be_visible()

    # The applicant is pointed to the published item from the tracking page.
    page.context.clear_cookies()
    page.goto(live_server.url + "/track/")
    page.get_by_label("查询码").fill(display_tracking_code(first.tracking_code))
    page.locator("main").get_by_role("button", name="查询").click()
    expect(page.get_by_role("link", name=WANTED)).to_have_attribute("href", f"/items/{wanted.pk}/")
    screenshot(page, "04-track")
