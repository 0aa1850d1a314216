"""The supervising office's week (issue 11), in Chromium.

The 政务公开办 of a government opens one page and sees, for every department, what to chase:
a department's overdue application is flagged red and its figure opens the desk holding exactly
that application; its item published after the 条例第二十六条 period opens the list of late
items with the deadline it missed. Dates are relative to today, so the journey holds on any
day of the year.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from catalog.models import StaffRole
from requests_app import services
from requests_app.tracking import display_tracking_code
from tests.browser.conftest import login
from tests.factories import make_item, make_organ, make_staff
from tests.requests_app.factories import application_data, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUREAU = "临江市住房和城乡建设局"
LATE_TITLE = "临江市老旧小区改造年度计划"


def row_of(page: Page, organ_name: str) -> Any:
    return page.locator("table.supervision-table tbody tr").filter(
        has=page.get_by_role("rowheader", name=organ_name, exact=True)
    )


def cell(page: Page, organ_name: str, column: str) -> Any:
    """The cell of ``organ_name``'s row under the column headed ``column``."""
    headers = page.locator("table.supervision-table thead th").all_inner_texts()
    index = [text.strip() for text in headers].index(column)
    # The row's first cell is its <th>: data cells count from the second column.
    return row_of(page, organ_name).locator("td").nth(index - 1)


def test_supervisor_sees_what_to_chase_and_opens_the_records_behind_each_figure(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    today = services.local_today()
    city = make_organ("临江市人民政府")
    bureau = make_organ(BUREAU, parent=city)
    make_organ("临江市教育局", parent=city)
    handler = make_staff(bureau, [StaffRole.HANDLER])
    # A letter received 45 days ago and never answered: past its 20 working days.
    overdue = services.application_submit(
        actor=handler,
        organ=bureau,
        data=application_data(applicant=person(name="林小红"), description="请公开小区改造方案。"),
        channel="letter",
        received_on=today - dt.timedelta(days=45),
    )
    # Formed two months before publication: more than 20 working days late.
    make_item(bureau, LATE_TITLE, formed_on=today - dt.timedelta(days=60), published_on=today)
    make_item(bureau, "按期发布的通知", formed_on=today, published_on=today)
    make_staff(city, [StaffRole.REPORTER, StaffRole.HANDLER], username="duchayuan")

    login(page, live_server, "duchayuan")
    page.goto(f"{live_server.url}/staff/supervision/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("临江市人民政府政务公开监督")
    overdue_cell = cell(page, BUREAU, "已超期")
    expect(overdue_cell).to_have_text("1")
    expect(overdue_cell).to_have_class("red")
    expect(cell(page, "临江市教育局", "已超期")).to_have_text("0")
    expect(cell(page, BUREAU, "超期公开")).to_have_text("1")
    screenshot(page, "01-supervision")

    # The overdue figure opens the desk with exactly that application.
    overdue_cell.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/staff/applications/\?.*own=on"))
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(display_tracking_code(overdue.tracking_code))
    screenshot(page, "02-overdue-on-the-desk")

    # The late-publication figure opens the items that missed the period, with the deadline.
    page.go_back()
    cell(page, BUREAU, "超期公开").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("超期公开的信息")
    late_rows = page.locator("table.data-table tbody tr")
    expect(late_rows).to_have_count(1)
    expect(late_rows.first).to_contain_text(LATE_TITLE)
    screenshot(page, "03-late-items")
    late_rows.first.get_by_role("link", name=LATE_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LATE_TITLE)
