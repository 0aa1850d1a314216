"""The staff shell and the handler's desk (issue 10, item 6), in Chromium.

A handler signs in at /staff/ and works in the staff layout of its own (not the public
header), with what waits in each workspace counted in the sidebar; finds an application by a
fragment from the middle of its tracking code and by the applicant's name; and, on a
1366×768 screen — the most common office laptop — reads the queue with the 经办人 column in
view and every date on one line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Organ
from requests_app import services
from requests_app.models import Application
from requests_app.tracking import display_tracking_code
from tests.browser.conftest import login
from tests.factories import make_organ, make_staff
from tests.requests_app.factories import application_data, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HANDLER_NAME = "欧阳建国"
CN_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Long, realistic descriptions: the summary column must take the squeeze, not the dates.
DESCRIPTIONS = (
    "请公开临江市2025年度城镇老旧小区改造项目的立项批复、资金安排文件、招标文件及中标结果，"
    "以及项目竣工验收报告（文号不详）。",
    "申请公开本人户籍所在地（临江市东城街道幸福村）2024年集体土地征收补偿安置方案及补偿标准。",
    "请提供临江市教育局2025年义务教育阶段学校招生划片方案及其合法性审查意见。",
)
APPLICANTS = ("司马相如", "张小明", "诸葛亮明")


def build_desk() -> tuple[Organ, Any, list[Application]]:
    city = make_organ("临江市人民政府")
    bureau = make_organ("临江市住房和城乡建设局", parent=city)
    handler = make_staff(bureau, ["handler"], username="jingbanren")
    handler.first_name = HANDLER_NAME
    handler.save(update_fields=["first_name"])
    today = services.local_today()
    applications = []
    for n, (name, description) in enumerate(zip(APPLICANTS, DESCRIPTIONS, strict=True)):
        # Letters received weeks apart, the first long enough ago to be overdue: the due
        # column then carries its flags too, as on a real desk.
        application = services.application_submit(
            actor=handler,
            organ=bureau,
            data=application_data(applicant=person(name=name), description=description),
            channel="letter",
            received_on=today - dt.timedelta(days=40 - 12 * n),
        )
        applications.append(
            services.application_assign(actor=handler, application=application, user=handler)
        )
    return bureau, handler, applications


def queue_rows(page: Page) -> Any:
    return page.locator("table.queue-table tbody tr")


def search_desk(page: Page, text: str) -> None:
    page.get_by_label("查询码、申请人或申请内容").fill(text)
    page.get_by_role("button", name="筛选").click()


def test_handler_finds_an_application_by_code_fragment_and_name_in_the_staff_shell(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    bureau, _handler, applications = build_desk()
    target = applications[1]
    code = display_tracking_code(target.tracking_code)

    login(page, live_server, "jingbanren")
    page.goto(live_server.url + "/staff/")
    # The staff shell of its own: the staff header naming the user in full, no public header.
    expect(page.locator("header.staff-header")).to_contain_text(HANDLER_NAME)
    expect(page.locator("header.staff-header")).to_contain_text(bureau.name)
    expect(page.locator("header.site-header")).to_have_count(0)
    nav = page.get_by_role("navigation", name="工作台导航")
    applications_link = nav.get_by_role("link", name=re.compile("^依申请公开"))
    # What waits is counted in the sidebar: the three open applications.
    expect(applications_link.locator(".staff-count")).to_have_text("3")
    expect(applications_link.locator(".staff-count")).to_have_attribute("aria-label", "3件待办")
    screenshot(page, "01-dashboard")

    applications_link.click()
    expect(page.get_by_role("heading", name="依申请公开办理", level=1)).to_be_visible()
    expect(queue_rows(page)).to_have_count(3)

    # A fragment from the middle of the code, across its dash, typed in lower case.
    raw = target.tracking_code
    fragment = code[3:8].lower()
    assert "-" in fragment and not raw.startswith(fragment.replace("-", "").upper())
    search_desk(page, fragment)
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page).get_by_role("rowheader")).to_have_text(code)
    expect(page.locator(".result-count")).to_have_text("共 1 件")
    screenshot(page, "02-found-by-code")

    # By the applicant's given name alone.
    search_desk(page, "小明")
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page)).to_contain_text("张小明")
    queue_rows(page).get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.get_by_role("region", name="申请人")).to_contain_text("张小明")
    screenshot(page, "03-application")


def line_count(page: Page, selector: str) -> list[int]:
    """How many lines each inline element matching ``selector`` is laid out on."""
    return page.locator(selector).evaluate_all("els => els.map(el => el.getClientRects().length)")


def test_queue_at_1366_shows_the_handler_column_and_keeps_dates_on_one_line(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    build_desk()
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "jingbanren")
    page.goto(live_server.url + "/staff/applications/")
    expect(queue_rows(page)).to_have_count(3)
    screenshot(page, "01-queue-1366")

    # The whole table fits: no horizontal scrolling, the 经办人 column within the screen.
    scroll = page.locator(".table-scroll").evaluate(
        "el => ({scroll: el.scrollWidth, client: el.clientWidth})"
    )
    assert scroll["scroll"] <= scroll["client"], scroll
    header = page.get_by_role("columnheader", name="经办人")
    expect(header).to_be_in_viewport()
    box = header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366
    # The header word itself is not broken over lines.
    assert header.evaluate("th => th.getClientRects()[0].height") < 2 * float(
        header.evaluate("th => parseFloat(getComputedStyle(th).lineHeight) || 24")
    )
    handler_cells = page.locator("table.queue-table tbody tr td:last-child")
    for n in range(3):
        expect(handler_cells.nth(n)).to_have_text(HANDLER_NAME)
        cell = handler_cells.nth(n).bounding_box()
        assert cell is not None and cell["x"] + cell["width"] <= 1366

    # Names are not broken either: 欧阳建国, not 欧阳建 / 国 (each name is the cell's first
    # text node; a range over it has one rectangle per line).
    names = page.locator("table.queue-table td.person").evaluate_all(
        """tds => tds.map(td => {
            const range = document.createRange();
            range.selectNodeContents(td.firstChild);
            return [td.firstChild.textContent.trim(), range.getClientRects().length];
        })"""
    )
    assert sorted(names) == sorted([[name, 1] for name in APPLICANTS] + [[HANDLER_NAME, 1]] * 3), (
        names
    )
    # The deadline flag (已逾期9个工作日) reads as one label.
    assert line_count(page, "table.queue-table .flag") == [1, 1]

    # Every date (收到日期, 答复期限) on one line, written the portal's way.
    dates = page.locator("table.queue-table time")
    expect(dates).to_have_count(6)
    assert line_count(page, "table.queue-table time") == [1] * 6
    for text in dates.all_inner_texts():
        assert CN_DATE.match(text), text
    assert all(
        page.locator("table.queue-table th").evaluate_all(
            "ths => ths.map(th => th.getClientRects().length === 1)"
        )
    )

    # English mode: the same dates, in ISO form, still on one line.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.reload()
    expect(page.get_by_role("columnheader").last).not_to_have_text("经办人")
    assert line_count(page, "table.queue-table time") == [1] * 6
    for text in page.locator("table.queue-table time").all_inner_texts():
        assert ISO_DATE.match(text), text
    screenshot(page, "02-queue-1366-en")
