"""Journeys of 依申请公开 (issue 3), in Chromium: a citizen applies online and tracks the
application; a handler requests a correction, receives it, extends the deadline with the
approver's consent and answers; the citizen then downloads the 答复书.

No time travel: Playwright's event loop and the live server's thread share the clock, so the
journeys run on today's date (the action forms default to today).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalog.models import Organ
from requests_app import services
from requests_app.calendar import current_calendar
from requests_app.models import Application, Status
from requests_app.tracking import display_tracking_code
from requests_app.workdays import next_workday
from tests.browser.conftest import login
from tests.factories import make_organ, make_staff
from tests.requests_app.factories import application_data, person, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = "张小明"
DESCRIPTION = "请公开临江市2025年老旧小区改造项目的资金安排文件（文号不详）。"


def build_organs() -> tuple[Organ, Organ]:
    city = make_organ("临江市人民政府")
    return city, make_organ("临江市住房和城乡建设局", parent=city)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def field(page: Page, role: Any, label: str) -> Any:
    """A form control by the start of its label: required labels end in （必填）."""
    return page.get_by_role(role, name=re.compile(f"^{re.escape(label)}"))


def test_citizen_applies_online_and_tracks_the_application(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    _city, bureau = build_organs()

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="提交政府信息公开申请").click()
    expect(page.get_by_role("heading", name="政府信息公开申请", level=1)).to_be_visible()

    # The options are indented by depth with ideographic spaces; the value is the credit code.
    field(page, "combobox", "受理机关").select_option(value=bureau.code)
    page.get_by_role("radio", name="自然人").check()
    field(page, "textbox", "姓名").fill(APPLICANT)
    field(page, "combobox", "证件类型").select_option(label="居民身份证")
    field(page, "textbox", "证件号码").fill(resident_id())
    field(page, "textbox", "联系电话").fill("13800001234")
    field(page, "textbox", "电子邮箱").fill("zhangxm@example.cn")
    field(page, "textbox", "所需政府信息的名称").fill(DESCRIPTION)
    page.get_by_role("radio", name="电子", exact=True).check()
    page.get_by_role("radio", name="电子邮件").check()
    screenshot(page, "01-form")
    page.get_by_role("button", name="提交申请").click()

    # The receipt: the tracking code and the dates (条例第三十一条: an online application sent
    # on a day off is received on the next working day).
    expect(page.get_by_role("heading", name="申请已提交", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/apply/done/[^/]+/$"))
    application = Application.objects.get()
    code = display_tracking_code(application.tracking_code)
    expect(page.locator(".tracking-code")).to_have_text(code)
    received = next_workday(current_calendar(), services.local_today())
    expect(page.locator(".facts")).to_contain_text(cn_date(received))
    expect(page.locator(".facts")).to_contain_text("临江市住房和城乡建设局")
    screenshot(page, "02-receipt")

    # Tracking, typed in lower case as a citizen might.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="申请查询").click()
    expect(page.get_by_role("heading", name="申请查询", level=1)).to_be_visible()
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="申请办理进度", level=1)).to_be_visible()
    facts = page.locator(".facts")
    expect(facts.locator(".status")).to_have_text("办理中")
    expect(facts).to_contain_text("张**")
    # No personal data beyond the masked name (api.md).
    expect(page.locator("main")).not_to_contain_text(APPLICANT)
    expect(page.locator("main")).not_to_contain_text("13800001234")
    expect(page.get_by_role("heading", name="答复书下载")).to_have_count(0)
    screenshot(page, "03-track")


def _last_workday_moment() -> dt.datetime:
    """Now on a working day, else 10:00 Beijing time on the latest working day: an online
    application sent then is received that day, so every step of the journey can be dated
    today (one sent on a day off is received on the next working day, 条例第三十一条)."""
    cal = current_calendar()
    today = services.local_today()
    if cal.is_workday(today):
        return timezone.now()
    day = today
    while not cal.is_workday(day):
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)), services.SHANGHAI)


def _open_action(page: Page, action: str) -> Any:
    panel = page.locator(f"#action-{action}")
    panel.locator("summary").click()
    return panel


def _status_line(page: Page) -> Any:
    return page.locator(".status-line .status")


def test_handler_answers_after_correction_and_extension_and_citizen_downloads_the_letter(
    page: Page, live_server: Any, screenshot: Any, tmp_path: Path
) -> None:
    _city, bureau = build_organs()
    handler = make_staff(bureau, ["handler", "approver"], username="jingbanren")
    application = services.application_submit(
        actor=None,
        organ=bureau,
        data=application_data(applicant=person(name=APPLICANT), description=DESCRIPTION),
        now=_last_workday_moment(),
    )
    code = display_tracking_code(application.tracking_code)

    login(page, live_server, handler.username)
    page.goto(live_server.url + "/staff/applications/")
    expect(page.get_by_role("heading", name="依申请公开办理", level=1)).to_be_visible()
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(_status_line(page)).to_contain_text("办理中")
    # Staff see the applicant's data in full.
    expect(page.get_by_role("region", name="申请人")).to_contain_text(APPLICANT)
    screenshot(page, "01-desk")

    # 条例第三十条: one notice of everything to correct; the clock stops.
    panel = _open_action(page, "request-correction")
    panel.get_by_label("需要补正的事项").fill("请写明所需文件的形成时间和制作机关。")
    panel.get_by_role("button", name="告知补正").click()
    expect(_status_line(page)).to_contain_text("待补正")
    expect(page.get_by_role("region", name="答复期限")).to_contain_text("收到补正后重新计算")
    screenshot(page, "02-awaiting-correction")

    panel = _open_action(page, "receive-correction")
    panel.get_by_role("button", name="登记收到补正").click()
    expect(_status_line(page)).to_contain_text("办理中")

    # 条例第三十三条第二款: the approver (this user is one) extends: his own consent.
    panel = _open_action(page, "extend")
    panel.get_by_label("延长的工作日数").fill("5")
    panel.get_by_label("延期理由").fill("需要调取档案，无法在20个工作日内答复。")
    panel.get_by_role("button", name="延长答复期限").click()
    expect(_status_line(page)).to_contain_text("办理中")
    facts = page.get_by_role("region", name="答复期限")
    expect(facts).to_contain_text("5个工作日")
    application.refresh_from_db()
    assert application.extension_workdays == 5
    screenshot(page, "03-extended")

    panel = _open_action(page, "answer")
    panel.get_by_label("办理结果").select_option(label="予以公开")
    panel.get_by_label("答复内容").fill("经审查，您申请的信息予以公开，详见附件。")
    panel.get_by_role("button", name="作出答复").click()
    expect(_status_line(page)).to_contain_text("已答复")
    expect(page.get_by_role("region", name="答复", exact=True)).to_contain_text("予以公开")
    screenshot(page, "04-answered")

    # The citizen, in a fresh session, tracks the application and downloads the 答复书.
    page.context.clear_cookies()
    page.goto(live_server.url + "/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".facts .status")).to_have_text("已答复")
    expect(page.locator(".facts")).to_contain_text("予以公开")
    expect(page.locator(".timeline")).to_contain_text("告知补正")
    expect(page.locator(".timeline")).to_contain_text("延长答复期限")
    letters = page.get_by_role("region", name="答复书下载")
    expect(letters.get_by_role("link")).to_have_count(2)
    screenshot(page, "05-track-answered")

    for label, extension, magic in (("DOCX", ".docx", b"PK"), ("PDF", ".pdf", b"%PDF")):
        with page.expect_download() as info:
            letters.get_by_role("link", name=re.compile(label)).click()
        download = info.value
        assert download.suggested_filename.endswith(extension)
        assert code in download.suggested_filename
        saved = tmp_path / f"letter{extension}"
        download.save_as(saved)
        assert saved.read_bytes().startswith(magic)

    application.refresh_from_db()
    assert application.status == Status.ANSWERED
