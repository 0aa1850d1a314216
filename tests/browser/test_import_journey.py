"""An organ moving from an old CMS (issue 11), in Chromium: a publisher uploads the old
catalog with a ZIP of its attachments, reads the validation report, confirms, and a citizen
finds the attachment on the item's public page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Item
from tests.browser.conftest import login
from tests.catalog.test_import_attachments import make_zip
from tests.catalog.test_importing import row, xlsx
from tests.factories import make_organ, make_staff
from tests.files import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于做好2019年春季开学工作的通知"


def test_publisher_imports_a_catalog_with_attachments_and_the_public_finds_them(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    organ = make_organ("某市教育局", index_prefix="000014349")
    publisher = make_staff(organ, ["publisher"], username="fabuyuan")
    sheet = xlsx([row(TITLE, 附件="开学工作方案.pdf")])
    archive = make_zip({"附件/开学工作方案.pdf": pdf()})

    login(page, live_server, publisher.username)
    page.goto(live_server.url + "/staff/items/import/")
    page.get_by_label("导入机关").select_option(label="某市教育局")
    page.get_by_label("目录文件").set_input_files(
        {"name": "目录.xlsx", "mimeType": "application/octet-stream", "buffer": sheet}
    )
    page.get_by_label("附件压缩包（可选）").set_input_files(
        {"name": "附件.zip", "mimeType": "application/zip", "buffer": archive}
    )
    screenshot(page, "01-upload")
    page.get_by_role("button", name="上传并校验").click()

    report = page.get_by_role("region", name="校验结果").first
    expect(report).to_contain_text("开学工作方案.pdf：已找到")
    expect(page.get_by_role("status").first).to_contain_text("附件：找到1个")
    screenshot(page, "02-report")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("导入完成：新增1条").first).to_be_visible()

    item = Item.objects.get(title=TITLE)
    page.goto(f"{live_server.url}/items/{item.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    link = page.get_by_role("link", name="开学工作方案.pdf")
    expect(link).to_be_visible()
    screenshot(page, "03-public-item")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
