"""Accessibility in CI (issue 8): axe-core, injected into each page the citizens and staff use,
finds no serious or critical violation (WCAG 2.1 A/AA rules and axe's best practices).

axe-core is vendored under tests/browser/vendor/axe-core/ (MPL-2.0; never served by the
portal). The results of each page are written to test-artifacts/a11y.json for bench/a11y.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from reports.services import report_get_or_create, report_publish, report_update
from requests_app.tracking import display_tracking_code
from tests.browser.conftest import login
from tests.factories import make_item, make_organ, make_staff
from tests.requests_app.factories import make_application, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "a11y.json"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # The portal's CSP (rightly) refuses the injected axe script: the audit bypasses it.
    return {**browser_context_args, "bypass_csp": True}


def audit(page: Page, name: str, results: dict[str, Any]) -> None:
    """Run axe on the page as it is now; record every violation, fail on blocking ones."""
    page.add_script_tag(path=str(AXE))
    outcome = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return {
                passes: r.passes.length,
                violations: r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                    targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
                })),
            };
        }"""
    )
    results[name] = {"url": page.url, **outcome}


def field(page: Page, role: Any, label: str) -> Any:
    return page.get_by_role(role, name=re.compile(f"^{re.escape(label)}"))


def test_no_serious_or_critical_violations_on_the_main_pages(page: Page, live_server: Any) -> None:
    city = make_organ("临江市人民政府")
    bureau = make_organ("临江市住房和城乡建设局", parent=city)
    item = make_item(
        bureau, "关于印发临江市老旧小区改造实施方案的通知", doc_number="临建〔2026〕3号"
    )
    year = dt.date.today().year - 1
    report = report_get_or_create(organ=city, year=year, scope="organ")
    sections = {key: "本年度工作情况。" for key in ("overview", "problems", "other")}
    report_update(actor=None, report=report, sections=sections, manual={})
    report_publish(actor=None, report=report)
    handler = make_staff(bureau, ["handler", "approver"], username="a11y-handler")
    application = make_application(bureau)
    results: dict[str, Any] = {}
    base = live_server.url

    for name, path in (
        ("home", "/"),
        ("directory", "/items/"),
        ("search", "/items/?q=老旧小区"),
        ("item", f"/items/{item.pk}/"),
        ("guide", f"/organs/{bureau.code}/guide/"),
        ("report", f"/reports/{city.code}/{year}/"),
        ("track", f"/track/?code={application.tracking_code}"),
        ("staff_login", "/staff/login/"),
    ):
        page.goto(base + path)
        expect(page.locator("main, form").first).to_be_visible()
        audit(page, name, results)

    # The form, then the receipt it leads to (only the submitting session sees it).
    page.goto(base + "/apply/")
    audit(page, "apply", results)
    field(page, "combobox", "受理机关").select_option(value=bureau.code)
    page.get_by_role("radio", name="自然人").check()
    field(page, "textbox", "姓名").fill("张小明")
    field(page, "combobox", "证件类型").select_option(label="居民身份证")
    field(page, "textbox", "证件号码").fill(resident_id())
    field(page, "textbox", "联系电话").fill("13800001234")
    field(page, "textbox", "电子邮箱").fill("zhangxm@example.cn")
    field(page, "textbox", "所需政府信息的名称").fill("请公开老旧小区改造项目的资金安排文件。")
    page.get_by_role("radio", name="电子", exact=True).check()
    page.get_by_role("radio", name="电子邮件").check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", name="申请已提交", level=1)).to_be_visible()
    audit(page, "receipt", results)

    login(page, live_server, handler.username)
    page.goto(base + "/staff/applications/")
    audit(page, "desk_queue", results)
    page.get_by_role("link", name=display_tracking_code(application.tracking_code)).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    audit(page, "application_detail", results)

    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    blocking = [
        f"{name}: {v['id']} ({v['impact']}) {v['help']} — {v['targets']}"
        for name, result in results.items()
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
    assert blocking == []
