"""Documents out (issue 10 item 4), in Chromium: a citizen applies online choosing 网上获取;
the handler uploads the released documents, sees the personal data found in one of them,
acknowledges it with a reason and answers; the citizen opens the tracking page with the code
and downloads the answer letter and the released file — the very bytes the handler uploaded.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from requests_app.models import Application, Status
from requests_app.tracking import display_tracking_code
from tests import files
from tests.browser.conftest import login
from tests.browser.test_application_journey import build_organs, field
from tests.factories import make_staff
from tests.requests_app.factories import resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = "王小红"
DESCRIPTION = "请公开临江市2025年老旧小区改造项目资金安排文件及项目清单。"
THIRD_PARTY_ID = resident_id(birth="19850312", region="330102", sequence=417)


def names_list(tmp_path: Path) -> Path:
    """A project list naming a contractor's contact with his ID number (a third party's)."""
    from docx import Document

    document = Document()
    document.add_paragraph("2025年老旧小区改造项目清单")
    document.add_paragraph(f"施工单位联系人：李四，身份证号码{THIRD_PARTY_ID}。")
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "项目清单.docx"
    path.write_bytes(buffer.getvalue())
    return path


def test_online_delivery_from_application_to_the_downloaded_documents(
    page: Page, live_server: Any, screenshot: Any, tmp_path: Path
) -> None:
    _city, bureau = build_organs()
    handler = make_staff(bureau, ["handler"], username="jingbanren")

    # 1. The citizen applies online and chooses 网上获取.
    page.goto(live_server.url + "/apply/")
    field(page, "combobox", "受理机关").select_option(value=bureau.code)
    page.get_by_role("radio", name="自然人").check()
    field(page, "textbox", "姓名").fill(APPLICANT)
    field(page, "combobox", "证件类型").select_option(label="居民身份证")
    field(page, "textbox", "证件号码").fill(resident_id())
    field(page, "textbox", "联系电话").fill("13800001234")
    field(page, "textbox", "所需政府信息的名称").fill(DESCRIPTION)
    page.get_by_role("radio", name="电子", exact=True).check()
    page.get_by_role("radio", name="网上获取").check()
    screenshot(page, "01-apply-online")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", name="申请已提交", level=1)).to_be_visible()
    application = Application.objects.get()
    assert application.delivery_method == "online"
    code = display_tracking_code(application.tracking_code)

    # 2. The handler sees 网上获取 on the desk and uploads the documents.
    page.context.clear_cookies()
    login(page, live_server, handler.username)
    page.goto(f"{live_server.url}/staff/applications/{application.pk}/")
    expect(page.get_by_role("region", name="申请内容")).to_contain_text("网上获取")
    released = page.get_by_role("region", name="拟公开文件", exact=True)
    expect(released).to_contain_text("尚未上传拟公开文件")

    funds = tmp_path / "资金安排.pdf"
    funds.write_bytes(files.pdf(pages=2))
    released.locator("input[name=file]").set_input_files(str(funds))
    released.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已上传“资金安排.pdf”")

    released = page.get_by_role("region", name="拟公开文件", exact=True)
    released.locator("input[name=file]").set_input_files(str(names_list(tmp_path)))
    released.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("检出1处疑似个人信息")

    # The finding, in context, with the number masked.
    released = page.get_by_role("region", name="拟公开文件", exact=True)
    row = released.locator("tr.released-file").filter(has_text="项目清单.docx")
    expect(row).to_contain_text("居民身份证号码")
    expect(row).to_contain_text(f"{THIRD_PARTY_ID[:4]}**********{THIRD_PARTY_ID[-4:]}")
    expect(page.locator("main")).not_to_contain_text(THIRD_PARTY_ID)
    screenshot(page, "02-released-files-with-findings")

    # 3. The answer: the form lists the files; the finding must be acknowledged with a reason.
    panel = page.locator("#action-answer")
    panel.locator("summary").click()
    expect(panel).to_contain_text("随答复提供 2 个文件")
    expect(panel).to_contain_text("资金安排.pdf")
    panel.get_by_label("办理结果").select_option(label="予以公开")
    panel.get_by_label("答复内容").fill("经审查，您申请的信息予以公开，详见附件。")
    panel.get_by_role("button", name="作出答复").click()
    panel = page.locator("#action-answer")
    expect(panel).to_contain_text("拟公开文件中检出1处疑似个人信息")
    panel.get_by_label(re.compile("^我已核对拟公开文件中检出的疑似个人信息")).check()
    panel.get_by_label(re.compile("^提供这些个人信息的理由")).fill(
        "联系人为施工单位公开的项目联系人，经其同意公开。"
    )
    screenshot(page, "03-answer-acknowledging")
    panel.get_by_role("button", name="作出答复").click()
    expect(page.locator(".status-line .status")).to_contain_text("已答复")
    expect(page.get_by_role("region", name="拟公开文件", exact=True)).to_contain_text("文件已冻结")
    screenshot(page, "04-answered")

    # 4. The citizen, in a fresh session, tracks the application with the code.
    page.context.clear_cookies()
    page.goto(live_server.url + "/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".facts .status")).to_have_text("已答复")
    documents = page.get_by_role("region", name="公开的政府信息")
    expect(documents.get_by_role("link")).to_have_count(2)
    screenshot(page, "05-track-documents")

    with page.expect_download() as info:
        documents.get_by_role("link", name="资金安排.pdf").click()
    download = info.value
    assert download.suggested_filename == "资金安排.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == funds.read_bytes()

    letters = page.get_by_role("region", name="答复书下载")
    with page.expect_download() as info:
        letters.get_by_role("link", name=re.compile("DOCX")).click()
    letter = tmp_path / "letter.docx"
    info.value.save_as(letter)
    from docx import Document

    text = [p.text for p in Document(str(letter)).paragraphs]
    assert "附件：1. 资金安排.pdf" in text
    assert "2. 项目清单.docx" in text
    assert any(code in p and "申请查询" in p for p in text)

    application.refresh_from_db()
    assert application.status == Status.ANSWERED
