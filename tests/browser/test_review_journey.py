"""The publisher's Word file goes out only after review (issue 10), in Chromium.

A publisher uploads a .docx (a 低保 list that still shows an ID number in full), corrects the
draft in the rich-text editor (pasting a line from Word), and submits it; the item waits for
review. A reviewer sees the ID-number finding, masked, masks it in the body and approves; the
public then finds the item, with the number masked.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from playwright.sync_api import Page, expect

from catalog import pii
from catalog.models import Item
from tests.browser.conftest import header_value, login
from tests.factories import make_organ, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID = "33010219560314021" + pii.id_check_character("33010219560314021")
MASKED_ID = f"{ID[:4]}**********{ID[-4:]}"
TITLE = "江北区2026年第二批城乡最低生活保障对象名单公示"
DOC_NUMBER = "江民发〔2026〕8号"
# What Word puts on the clipboard: Office namespaces, a style sheet, classes, inline styles,
# <o:p> and fragment comments around the text.
WORD_CLIPBOARD = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>'
    "p.MsoNormal{margin:0;font-family:仿宋_GB2312}</style></head><body><!--StartFragment-->"
    "<p class=MsoNormal style='text-indent:2em'><span style='font-family:仿宋_GB2312;"
    "color:red'>公示期间如有异议，请向区民政局反映。<o:p></o:p></span></p>"
    # A picture in the Word document: on the clipboard it is a file on the user's disk.
    "<p class=MsoNormal><img width=200 src='file:///C:/Users/fby/AppData/Local/Temp/"
    "msohtmlclip1/01/clip_image002.png'></p><!--EndFragment-->"
    "</body></html>"
)


def word_file(folder: Path) -> Path:
    document = docx.Document()
    for text in ("江北区民政局文件", "江民发[2026]8号", TITLE):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("各街道办事处：")
    document.add_heading("一、公示对象", level=1)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("姓名", "身份证号", "保障人数"), strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("王某某", ID, "2"), strict=True):
        cell.text = text
    document.add_paragraph("江北区民政局")
    document.add_paragraph("2026年6月1日")
    path = folder / "低保名单公示.docx"
    out = io.BytesIO()
    document.save(out)
    path.write_bytes(out.getvalue())
    return path


def paste(page: Page, html: str) -> None:
    """Paste ``html`` as Word would, where the editor's caret is."""
    page.evaluate(
        """(html) => {
            const content = document.querySelector('[data-editor=body]');
            const data = new DataTransfer();
            data.setData('text/html', html);
            data.setData('text/plain', 'plain');
            content.dispatchEvent(new ClipboardEvent(
                'paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        html,
    )


def test_word_file_is_reviewed_masked_and_then_found_by_the_public(
    page: Page, live_server: Any, screenshot: Any, tmp_path: Path
) -> None:
    district = make_organ("江北区民政局", publication_review=True)
    make_staff(district, ["publisher"], username="fabuyuan")
    make_staff(district, ["reviewer"], username="shenheyuan")
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(f"{page.url} {message.text[:60]}")
            if "Content Security Policy" in message.text
            else None
        ),
    )

    # --- The publisher imports the Word file --------------------------------------------------
    login(page, live_server, "fabuyuan")
    page.goto(live_server.url + "/staff/items/")
    page.get_by_role("link", name="从 Word 导入").first.click()
    page.get_by_label("发布机构").select_option(label="江北区民政局")
    page.get_by_label("Word 文件（.docx）").set_input_files(str(word_file(tmp_path)))
    screenshot(page, "01-import")
    page.get_by_role("button", name="上传并导入").click()

    expect(page.get_by_role("heading", name="编辑目录信息", level=1)).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("已从 Word 导入")
    expect(page.get_by_label("标题", exact=True)).to_have_value(TITLE)
    expect(page.get_by_label("文号", exact=True)).to_have_value(DOC_NUMBER)
    expect(page.get_by_label("成文日期")).to_have_value("2026-06-01")
    editor = page.get_by_role("textbox", name="正文")
    expect(editor.locator("h2")).to_have_text("一、公示对象")
    expect(editor.locator("table td").nth(4)).to_have_text(ID)
    # The publisher is warned before submitting, without the number in clear.
    expect(page.locator(".findings")).to_contain_text("居民身份证号码")
    expect(page.locator(".findings")).to_contain_text(MASKED_ID)
    screenshot(page, "02-imported-draft")

    # A correction pasted from Word, as a paragraph of its own, keeps its text and loses
    # Word's styles.
    editor.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    paste(page, WORD_CLIPBOARD)
    expect(editor).to_contain_text("公示期间如有异议，请向区民政局反映。")
    # The picture cannot come along; the publisher is told so, and what to do instead.
    expect(editor.locator("img")).to_have_count(0)
    expect(page.locator(".editor-note")).to_contain_text("1 张图片未能粘贴")
    expect(page.locator(".editor-note")).to_contain_text("从 Word 导入")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".messages")).to_contain_text("待审核员审核通过后发布")
    expect(page.locator(".item-state .status")).to_have_text("待审核")
    item = Item.objects.get(title=TITLE)
    assert item.status == "pending_review" and item.index_no is None
    assert "<p>公示期间如有异议，请向区民政局反映。</p>" in item.body
    assert "style=" not in item.body and "Mso" not in item.body and "o:p" not in item.body
    screenshot(page, "03-submitted")

    # --- The reviewer finds it in the queue, masks the ID number and approves ---------------
    page.context.clear_cookies()
    login(page, live_server, "shenheyuan")
    page.goto(live_server.url + "/staff/")
    expect(page.locator(".card", has_text="发布审核")).to_contain_text("待审核 1 条")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="发布审核").click()
    page.get_by_role("link", name=TITLE, exact=True).click()
    findings = page.locator(".findings")
    expect(findings).to_contain_text("检出 1 处疑似个人信息")
    expect(findings).to_contain_text("居民身份证号码")
    expect(findings).to_contain_text(f"王某某 {MASKED_ID}")
    assert ID not in findings.inner_text()
    screenshot(page, "04-review-finding")

    page.get_by_role("button", name="遮盖标题和正文中的号码").click()
    expect(page.locator(".messages")).to_contain_text("已遮盖正文和标题中的 1 处号码")
    expect(page.locator(".findings")).to_have_count(0)
    expect(page.locator(".review-preview")).to_contain_text(MASKED_ID)
    page.get_by_label("通过，予以发布").check()
    page.get_by_label("审核意见").fill("已遮盖身份证号码，同意发布。")
    screenshot(page, "05-review-masked")
    page.get_by_role("button", name="提交审核结论").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过并发布")
    item.refresh_from_db()
    assert item.status == "published" and item.reviewed_by.username == "shenheyuan"

    # --- The public finds it, with the number masked -----------------------------------------
    page.context.clear_cookies()
    page.goto(live_server.url + "/items/")
    page.get_by_label("关键词").fill("最低生活保障")
    page.get_by_role("button", name="查询").click()
    result = page.locator(".results-list .result")
    expect(result).to_have_count(1)
    result.get_by_role("link").click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    assert header_value(page, "发文字号") == DOC_NUMBER
    assert header_value(page, "成文日期") == "2026年6月1日"
    assert re.fullmatch(r".+/\d{4}-00001", header_value(page, "索引号"))
    body = page.locator("main").inner_text()
    assert MASKED_ID in body and ID not in body
    assert "shenheyuan" not in page.content()
    screenshot(page, "06-public-item")
    assert csp_errors == []
