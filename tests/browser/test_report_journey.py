"""The published annual report (issue 4), in Chromium: the page shows the six sections of the
national format (国办公开办函〔2021〕30号) with table 三, and each download link gives a real
DOCX, XLSX and PDF file.

The report is last year's, built from a small dataset through the services; the year is taken
from today's date (no time travel with a live server in another thread).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalog.models import Item, Organ
from catalog.validators import credit_code_check_character
from reports.format import SECTIONS
from reports.services import report_get_or_create, report_publish, report_update
from requests_app import services as requests_services
from requests_app.models import Application
from tests.factories import make_item, make_organ, make_staff
from tests.requests_app.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGAN_NAME = "临江市人民政府"
COMPANY_CODE = "91330100MA2B3C4D5"  # 17 characters of a 企业 code; the check one is computed
SECTION_TEXT = {
    "overview": "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息。",
    "problems": "依申请公开答复的说理还不够充分，下一年度将加强培训。",
    "other": "本年度未收取信息处理费。",
}
MANUAL = {
    "licensing": {"decisions": 120},
    "penalty": {"decisions": 35},
    "coercion": {"decisions": 4},
    "fees": {"amount_10k_yuan": "0"},
}
# Table 三's columns: 自然人, the five kinds of 法人或其他组织, 总计.
NEW_ROW = ["2", "1", "0", "0", "0", "0", "3"]
CARRIED_FORWARD_ROW = ["1", "0", "0", "0", "0", "0", "1"]
DOWNLOADS = (
    ("Word文档（DOCX）", ".docx", b"PK"),
    ("Excel表格（XLSX）", ".xlsx", b"PK"),
    ("PDF文件", ".pdf", b"%PDF"),
)


def register(actor: Any, organ: Organ, applicant_type: str, received_on: dt.date) -> Application:
    """A letter registered by the organ's staff on the day it arrived (条例第三十一条第二项)."""
    if applicant_type == "natural_person":
        applicant = person()
    else:
        applicant = {
            "organization": "临江市某某建筑有限公司",
            "credit_code": COMPANY_CODE + credit_code_check_character(COMPANY_CODE),
            "legal_representative": "李建国",
            "contact_name": "王芳",
            "phone": "0571-87000001",
        }
    return requests_services.application_submit(
        actor=actor,
        organ=organ,
        data={
            "applicant_type": applicant_type,
            "applicant": applicant,
            "description": "请公开本机关的部门预算执行情况。",
            "delivery_form": "paper",
            "delivery_method": "pickup",
        },
        channel="letter",
        received_on=received_on,
    )


def build_report(year: int) -> Organ:
    """Items and applications of ``year`` and its published report."""
    city = make_organ(ORGAN_NAME)
    handler = make_staff(city, ["handler", "reporter"], username="nianbao")
    make_item(
        city, "临江市城市绿化管理办法", doc_type=Item.DocType.RULE, published_on=dt.date(year, 3, 2)
    )
    make_item(
        city,
        "临江市公共资源交易管理暂行规定",
        doc_type=Item.DocType.NORMATIVE,
        published_on=dt.date(year, 4, 7),
    )

    first = register(handler, city, "natural_person", dt.date(year, 3, 3))
    requests_services.application_answer(
        actor=handler,
        application=first,
        date=dt.date(year, 3, 20),
        outcome="disclosed",
        reply="经审查，予以公开。",
    )
    second = register(handler, city, "commercial", dt.date(year, 5, 6))
    requests_services.application_answer(
        actor=handler,
        application=second,
        date=dt.date(year, 5, 20),
        outcome="withheld_third_party",
        reply="涉及商业秘密，第三方不同意公开。",
    )
    requests_services.appeal_create(
        actor=handler,
        application=second,
        kind="review",
        filed_on=dt.date(year, 6, 1),
        result="upheld",
        decided_on=dt.date(year, 7, 15),
    )
    # Received in December and still open: carried forward to the next year.
    register(handler, city, "natural_person", dt.date(year, 12, 1))

    report = report_get_or_create(organ=city, year=year, scope="organ")
    report_update(actor=handler, report=report, sections=SECTION_TEXT, manual=MANUAL)
    report_publish(actor=handler, report=report)
    return city


def row_figures(page: Page, label: str) -> list[str]:
    row = page.locator(".report-table-applications tr").filter(
        has=page.get_by_role("rowheader", name=label, exact=True)
    )
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_published_report_shows_the_six_sections_and_downloads_in_three_formats(
    page: Page, live_server: Any, screenshot: Any, tmp_path: Path
) -> None:
    year = timezone.localdate().year - 1
    city = build_report(year)

    page.goto(f"{live_server.url}/reports/{city.code}/{year}/")
    title = f"{ORGAN_NAME}{year}年政府信息公开工作年度报告"
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.locator(".draft-banner")).to_have_count(0)
    for section in SECTIONS:
        expect(page.get_by_role("heading", name=section.heading, level=2)).to_be_visible()
    expect(page.locator(".report-section-overview")).to_contain_text(SECTION_TEXT["overview"])
    expect(page.locator(".report-section-problems")).to_contain_text(SECTION_TEXT["problems"])

    table3 = page.get_by_role("table", name=re.compile("收到和处理政府信息公开申请情况"))
    expect(table3).to_be_visible()
    assert row_figures(page, "一、本年新收政府信息公开申请数量") == NEW_ROW
    assert row_figures(page, "四、结转下年度继续办理") == CARRIED_FORWARD_ROW
    screenshot(page, "01-report")

    for label, extension, magic in DOWNLOADS:
        with page.expect_download() as info:
            page.get_by_role("link", name=f"下载{label}").click()
        download = info.value
        assert download.suggested_filename == f"{title}{extension}"
        saved = tmp_path / f"report{extension}"
        download.save_as(saved)
        content = saved.read_bytes()
        assert len(content) > 1000
        assert content.startswith(magic)
