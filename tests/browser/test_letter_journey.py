"""The answer letter carries the organ's own 文号 (issue 10, item 5), in Chromium.

The education bureau numbers its answer letters 临教信复〔年份〕序号号. A handler answers an
application on the desk and downloads the 答复书 as PDF and DOCX from the browser; both carry
the next number of the year and quote the applicant's description cleanly (one line, inside
“…”, without the applicant's own closing 。), and the PDF embeds the Song face.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from playwright.sync_api import Page, expect

from requests_app import services
from requests_app.tracking import display_tracking_code
from tests.browser.conftest import login
from tests.browser.test_application_journey import _last_workday_moment
from tests.factories import make_organ, make_staff
from tests.requests_app.factories import application_data, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Typed in two lines, ending in 。, as applicants do.
DESCRIPTION = (
    "请公开临江市教育局2025年义务教育阶段学校招生划片方案。\n包括划片范围图和合法性审查意见。"
)
QUOTED = "“请公开临江市教育局2025年义务教育阶段学校招生划片方案。包括划片范围图和合法性审查意见”"


def squeeze(text: str) -> str:
    """Text without the line breaks and spaces a PDF or a line-wrapped layout adds."""
    return re.sub(r"\s+", "", text)


def test_handler_answers_and_the_downloaded_letter_carries_the_organs_number_and_the_request(
    page: Page, live_server: Any, screenshot: Any, tmp_path: Path
) -> None:
    city = make_organ("临江市人民政府")
    bureau = make_organ("临江市教育局", parent=city, short_name="临教")
    bureau.answer_number_pattern = "{short}信复〔{year}〕{n}号"
    bureau.save(update_fields=["answer_number_pattern"])
    handler = make_staff(bureau, ["handler"], username="jingbanren")
    moment = _last_workday_moment()
    year = services.local_today().year
    # An earlier answer this year took number 1.
    earlier = services.application_submit(
        actor=None, organ=bureau, data=application_data(), now=moment
    )
    earlier = services.application_answer(
        actor=handler, application=earlier, outcome="unavailable_not_held", reply="经检索，无。"
    )
    assert earlier.letter_number == f"临教信复〔{year}〕1号"
    application = services.application_submit(
        actor=None,
        organ=bureau,
        data=application_data(applicant=person(name="王晓燕"), description=DESCRIPTION),
        now=moment,
    )
    code = display_tracking_code(application.tracking_code)
    number = f"临教信复〔{year}〕2号"

    login(page, live_server, handler.username)
    page.goto(f"{live_server.url}/staff/applications/{application.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    panel = page.locator("#action-answer")
    panel.locator("summary").click()
    panel.get_by_label("办理结果").select_option(label="予以公开")
    panel.get_by_label("答复内容").fill("经审查，您申请的信息予以公开，详见附件。")
    panel.get_by_role("button", name="作出答复").click()
    expect(page.locator(".status-line .status")).to_contain_text("已答复")
    screenshot(page, "01-answered")

    # The PDF, as the browser downloads it.
    with page.expect_download() as info:
        page.get_by_role("link", name="下载答复书（PDF）").click()
    pdf = tmp_path / "letter.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = squeeze(text)
    assert number in flat
    assert "政府信息公开申请答复书" in flat
    assert f"您申请获取的政府信息为：{QUOTED}。" in flat
    assert "。”" not in flat  # the applicant's closing 。 is not doubled
    assert "王晓燕：" in flat
    assert code.replace("-", "") not in flat.replace("-", "")  # numbered by the organ, not the code
    # GB/T 9704-2012: a Song face, embedded.
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    # AR PL SungtiL GB calls itself BousungEG-Light-GB inside; AR PL UMing is the fallback.
    song = [line for line in fonts.splitlines() if "BousungEG" in line or "UMing" in line]
    assert song and all(" yes " in line for line in song), fonts
    assert "MicroHei" not in fonts  # not the 黑体-style face of the first letters

    # The DOCX, for the office to print on its letterhead.
    with page.expect_download() as info:
        page.get_by_role("link", name="下载答复书（DOCX）").click()
    saved = tmp_path / "letter.docx"
    info.value.save_as(saved)
    paragraphs = [p.text for p in docx.Document(str(saved)).paragraphs]
    assert number in paragraphs
    body = squeeze("".join(paragraphs))
    assert f"您申请获取的政府信息为：{QUOTED}。" in body

    # The applicant gets the same numbered letter from the tracking page.
    page.context.clear_cookies()
    page.goto(live_server.url + "/track/")
    page.get_by_label("查询码").fill(code)
    page.locator("main").get_by_role("button", name="查询").click()
    letters = page.get_by_role("region", name="答复书下载")
    with page.expect_download() as info:
        letters.get_by_role("link", name=re.compile("PDF")).click()
    public_pdf = tmp_path / "public.pdf"
    info.value.save_as(public_pdf)
    public_text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(public_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert number in squeeze(public_text)
    screenshot(page, "02-track")
