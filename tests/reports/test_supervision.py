"""政务公开监督 (api.md "Supervision"): figures, agreement with the annual report, access,
the page, the XLSX export and the statutory report dates (条例第四十九条)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from catalog import organs as catalog_organs
from catalog.models import StaffRole
from reports import statutory
from reports.drafting import _late_items
from reports.models import AnnualReport, PublishedReport, Scope
from reports.statistics import compute_annexes, compute_figures
from reports.supervision import Period, lateness_thresholds, supervise, workday_ordinals
from requests_app.calendar import current_calendar
from requests_app.models import Appeal, AppealKind, AppealResult
from requests_app.workdays import WorkCalendar, add_workdays, workdays_between
from tests.factories import make_item, make_organ, make_staff
from tests.reports.test_statistics import COMPILED_AT, D, build_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _january_2027() -> Any:
    with time_machine.travel(COMPILED_AT, tick=False):
        yield


# --- 条例第四十九条: the statutory dates (pure) -------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "is_top", "name", "due"),
    [
        ("", True, "某市人民政府", D(2027, 3, 31)),  # 第二款: the government at the top
        ("", False, "某区人民政府", D(2027, 3, 31)),  # a district government too
        ("", False, "某市教育局", D(2027, 1, 31)),  # 第一款: a department
        ("", False, "某街道办事处", D(2027, 1, 31)),
        ("jan31", True, "某市人民政府", D(2027, 1, 31)),  # the organ's own setting wins
        ("mar31", False, "某市教育局", D(2027, 3, 31)),
    ],
)
def test_report_due_date_follows_the_level_unless_set(
    setting: str, is_top: bool, name: str, due: dt.date
) -> None:
    kind = statutory.due_kind(setting, is_top=is_top, name=name)
    assert statutory.report_due_on(2026, kind) == due


def test_lateness_threshold_matches_the_twenty_workday_rule() -> None:
    cal = WorkCalendar()  # weekends only
    for day, threshold in lateness_thresholds(cal, D(2026, 3, 1), D(2026, 4, 30)):
        # The threshold start is on time; the day before it is late.
        assert add_workdays(cal, threshold, 20).date >= day
        assert add_workdays(cal, threshold - dt.timedelta(days=1), 20).date < day


def test_workday_ordinals_give_workdays_between() -> None:
    cal = current_calendar()
    ordinals = dict(workday_ordinals(cal, D(2025, 12, 1), D(2026, 3, 31)))
    for a, b in [(D(2025, 12, 1), D(2026, 1, 5)), (D(2026, 1, 20), D(2026, 3, 2))]:
        assert ordinals[b] - ordinals[a] == workdays_between(cal, a, b)


# --- Figures --------------------------------------------------------------------------------


def _table(organ: Any, year: int, month: int | None = None) -> Any:
    return supervise(organ, Period(year, month), today=D(2027, 1, 20), calendar=current_calendar())


@pytest.mark.parametrize("year", [2025, 2026])
def test_figures_agree_with_the_annual_report_built_from_the_same_data(year: int) -> None:
    s = build_scenario()
    table = _table(s.city, year)
    by_code = {row.organ: row for row in table.rows}
    for organ in (s.city, s.bureau):
        figures = compute_figures(organ, year, scope=Scope.ORGAN)
        annexes = compute_annexes(organ, year, scope=Scope.ORGAN)
        rows = figures["applications"]["rows"]
        row = by_code[organ.code]
        assert row.received == rows["new"]["total"]
        assert row.answered == rows["results_total"]["total"]
        assert row.open == rows["carried_forward"]["total"]
        assert row.answered_on_time == annexes["on_time"]["on_time"]
        assert row.median_workdays == annexes["answer_workdays"]["median"]
        assert row.appeals_total == figures["appeals"]["review"]["total"] + sum(
            figures["appeals"][kind]["total"]
            for kind in ("litigation_direct", "litigation_after_review")
        )
    tree = compute_figures(s.city, year, scope=Scope.TREE)
    tree_annexes = compute_annexes(s.city, year, scope=Scope.TREE)
    assert table.total.received == tree["applications"]["rows"]["new"]["total"]
    assert table.total.answered == tree["applications"]["rows"]["results_total"]["total"]
    assert table.total.median_workdays == tree_annexes["answer_workdays"]["median"]


def test_appeals_corrected_and_previous_year_are_counted() -> None:
    s = build_scenario()
    city = {row.organ: row for row in _table(s.city, 2026).rows}[s.city.code]
    # A3's review was corrected (纠错); four appeals on the city's applications in 2026.
    assert (city.appeals_total, city.appeals_corrected) == (4, 1)
    assert city.previous_received == 4  # A1–A4 arrived in 2025
    assert city.flags["appeals"] == "amber"


def test_a_month_counts_only_that_month() -> None:
    s = build_scenario()
    march = {row.organ: row for row in _table(s.city, 2026, 3).rows}[s.city.code]
    assert march.received == 1  # A5
    assert march.answered == 1  # A5 answered 16 March


def test_late_items_agree_with_the_report_text() -> None:
    city = make_organ("某市人民政府")
    catalog_organs.invalidate()
    # Formed 2 March 2026: 20 working days end on 30 March.
    make_item(city, "按期", formed_on=D(2026, 3, 2), published_on=D(2026, 3, 20))
    make_item(city, "超期一", formed_on=D(2026, 3, 2), published_on=D(2026, 4, 20))
    make_item(city, "超期二", formed_on=D(2026, 1, 5), published_on=D(2026, 6, 1))
    make_item(city, "上年", formed_on=D(2025, 5, 5), published_on=D(2025, 5, 6))
    row = _table(city, 2026).rows[0]
    from catalog.models import Item

    in_year = Item.objects.filter(
        organ=city, status="published", published_on__range=(D(2026, 1, 1), D(2026, 12, 31))
    ).order_by()
    assert (row.items_published, row.items_late) == (3, _late_items(in_year)) == (3, 2)
    assert row.previous_items == 1


def test_report_status_against_its_statutory_date() -> None:
    city = make_organ("某市人民政府")
    bureau = make_organ("某市教育局", parent=city)
    office = make_organ("某市档案局", parent=city)
    catalog_organs.invalidate()
    report = AnnualReport.objects.create(organ=bureau, year=2025, status="published")
    PublishedReport.objects.create(
        report=report,
        version=1,
        sections={},
        figures={},
        published_at=dt.datetime(2026, 2, 3, 9, tzinfo=dt.UTC),
    )
    AnnualReport.objects.create(organ=office, year=2025)
    rows = {row.organ: row for row in _table(city, 2025).rows}
    assert rows[bureau.code].report_status == "published"
    assert rows[bureau.code].report_on_time is False  # after 31 January (第四十九条第一款)
    assert rows[bureau.code].flags["report"] == "red"
    assert rows[office.code].report_status == "draft"
    assert rows[office.code].report_on_time is False  # today 20 Jan 2027 > 31 Jan 2026
    assert rows[city.code].report_status == "none"
    assert rows[city.code].report_due_on == D(2026, 3, 31)
    # The 2026 report of the city is not due before 31 March 2027.
    assert {row.organ: row for row in _table(city, 2026).rows}[city.code].report_on_time is None


def _selects(context: CaptureQueriesContext) -> list[str]:
    # PostgreSQL adds a savepoint and ``SET LOCAL jit = off`` around them (not data reads);
    # outside a request the cache's version stamps are read at each use (once per request
    # inside one): they are the cache's cost, not the table's.
    return [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].lstrip().startswith("SELECT")
        and "disclosure_portal_cacheversion" not in q["sql"]
    ]


def test_the_table_takes_the_same_ten_queries_however_many_organs_and_rows() -> None:
    s = build_scenario()
    catalog_organs.organ_tree()  # the cached tree
    with CaptureQueriesContext(connection) as small:
        _table(s.city, 2026)
    for n in range(5):
        make_organ(f"某市第{n}局", parent=s.bureau)
    catalog_organs.invalidate()
    catalog_organs.organ_tree()
    with CaptureQueriesContext(connection) as large:
        _table(s.city, 2026)
    # Organs with settings and guides; items with lateness; items a year earlier;
    # applications; applications a year earlier; received per day; answered per day;
    # answer-time histogram; appeals; reports.
    assert len(_selects(small)) == len(_selects(large)) == 10


# --- API, page, export ------------------------------------------------------------------------


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_rows_follow_the_contract_and_access_is_limited_to_the_subtree() -> None:
    s = build_scenario()
    other = make_organ("另一市人民政府")
    catalog_organs.invalidate()
    city_staff = make_staff(s.city, [StaffRole.REPORTER])
    bureau_staff = make_staff(s.bureau, [StaffRole.HANDLER])
    outsider = make_staff(other, [StaffRole.REPORTER])

    response = _client(city_staff).get(f"/api/v1/supervision/{s.city.code}/?year=2026")
    assert response.status_code == 200
    body = response.json()
    assert [row["organ"] for row in body["rows"]] == [s.city.code, s.bureau.code]
    row = body["rows"][0]
    assert set(row) >= {"organ", "organ_name", "items_published", "items_late"}
    assert set(row) >= {"guide_updated_on", "applications", "appeals", "report"}
    assert set(row["applications"]) >= {"received", "open", "overdue", "due_soon"}
    assert set(row["applications"]) >= {"answered", "answered_on_time"}
    assert set(row["appeals"]) == {"total", "corrected"}
    assert set(row["report"]) >= {"status", "published_at", "on_time"}
    assert body["total"]["applications"]["received"] == sum(
        r["applications"]["received"] for r in body["rows"]
    )

    # Staff of the bureau see the bureau, not the city above it; an outsider sees neither.
    assert _client(bureau_staff).get(f"/api/v1/supervision/{s.bureau.code}/").status_code == 200
    assert _client(bureau_staff).get(f"/api/v1/supervision/{s.city.code}/").status_code == 404
    assert _client(outsider).get(f"/api/v1/supervision/{s.city.code}/").status_code == 404
    assert APIClient().get(f"/api/v1/supervision/{s.city.code}/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("query", "field"), [("year=1999", "year"), ("year=abc", "year"), ("month=13", "month")]
)
def test_api_bad_period_is_a_400_naming_the_field(query: str, field: str) -> None:
    city = make_organ("某市人民政府")
    catalog_organs.invalidate()
    user = make_staff(city, [StaffRole.REPORTER])
    response = _client(user).get(f"/api/v1/supervision/{city.code}/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_page_links_each_figure_to_its_list_and_flags_overdue(client: Any) -> None:
    s = build_scenario()
    user = make_staff(s.city, [StaffRole.REPORTER, StaffRole.HANDLER])
    client.force_login(user)
    response = client.get("/staff/supervision/?year=2026&sort=received&dir=desc")
    assert response.status_code == 200
    html = response.content.decode()
    assert "某市教育局" in html and "<svg" in html
    assert f"organ={s.bureau.pk}&amp;own=on&amp;received_before=2026-12-31&amp;overdue=on" in html
    assert f"/items/?organ={s.city.code}&amp;own=on&amp;published_after=2026-01-01" in html
    # B2 (received 2 November 2026) is past its due date on 20 January 2027.
    assert 'class="red"' in html
    assert client.get("/staff/supervision/?year=abc").status_code == 400
    # The organ column sorts both ways: the tree's order, then bottom up.
    names = [
        [entry["row"].organ_name for entry in client.get(url).context["rows"]]
        for url in (
            "/staff/supervision/?year=2026",
            "/staff/supervision/?year=2026&sort=organ&dir=desc",
        )
    ]
    assert names[0][0] == "某市人民政府" and names[1] == names[0][::-1]


def test_links_lead_only_where_the_user_may_go(client: Any) -> None:
    """A supervisor is never sent to a 403: the desk's lists only for those who may see
    applications, the report editor only for the 年报编制 (others: the published report)."""
    s, _unit = _links_scenario()
    AnnualReport.objects.create(organ=s.bureau, year=2026, status="published")
    users = {
        "reporter": make_staff(s.city, [StaffRole.REPORTER]),
        "handler": make_staff(s.city, [StaffRole.HANDLER]),
    }
    for name, user in users.items():
        client.force_login(user)
        page = client.get("/staff/supervision/?year=2026")
        entries = {entry["row"].organ: entry for entry in page.context["rows"]}
        for code in (s.city.code, s.bureau.code):
            links = entries[code]["links"]
            for key, url in links.items():
                assert client.get(url).status_code == 200, (name, key, url)
            desk = {"received", "open", "overdue", "due_soon", "answered", "answered_on_time"}
            assert (desk <= set(links)) is (name == "handler"), name
            assert {"items", "items_late", "appeals", "guide"} <= set(links)
        city_report = entries[s.city.code]["links"].get("report")
        bureau_report = entries[s.bureau.code]["links"].get("report")
        if name == "reporter":
            assert city_report == f"/staff/reports/{s.city.code}/2026/"
        else:
            assert city_report is None  # a draft: nothing a handler may open
            assert bureau_report == f"/reports/{s.bureau.code}/2026/"


def test_a_figure_the_user_may_not_open_is_shown_bare_not_as_a_link_to_nowhere(
    client: Any,
) -> None:
    """A 年报编制 may not open the desk: its figures are plain numbers, never ``href=""``
    (which reloads the supervision page itself and looks like a broken list)."""
    s, _unit = _links_scenario()
    for roles in ([StaffRole.REPORTER], [StaffRole.HANDLER]):
        client.force_login(make_staff(s.city, roles))
        html = client.get("/staff/supervision/?year=2026").content.decode()
        assert 'href=""' not in html, roles
        assert 'href="None"' not in html, roles


# Each linked list and the figure it stands behind (reports.supervision.Row).
LINKED_FIGURES = {
    "items": "items_published",
    "received": "received",
    "open": "open",
    "overdue": "overdue",
    "due_soon": "due_soon",
    "answered": "answered",
    "answered_on_time": "answered_on_time",
}


def _links_scenario() -> Any:
    """The report scenario, plus a unit under the bureau with data of its own, open
    applications overdue and due soon at each level, and items of every level."""
    from tests.reports.test_statistics import make_application

    s = build_scenario()
    unit = make_organ("某市教育局直属学校", parent=s.bureau)
    catalog_organs.invalidate()
    for organ in (s.city, s.bureau, unit):
        # Today is 20 January 2027: overdue, due within 3 working days, due later.
        make_application(organ, received=D(2026, 11, 16), due=D(2026, 12, 14))
        make_application(organ, received=D(2026, 12, 22), due=D(2027, 1, 21))
        make_application(organ, received=D(2027, 1, 4), due=D(2027, 1, 22))
        make_application(organ, received=D(2026, 12, 1), due=D(2026, 12, 29), closed=D(2027, 1, 5))
        answered = make_application(
            organ, received=D(2026, 3, 2), due=D(2026, 3, 30), closed=D(2026, 4, 20)
        )
        # 行政复议 in May (corrected) and a lawsuit in December on the March answer.
        Appeal.objects.create(
            application=answered,
            kind=AppealKind.REVIEW,
            filed_on=D(2026, 5, 6),
            result=AppealResult.CORRECTED,
            decided_on=D(2026, 7, 1),
        )
        Appeal.objects.create(
            application=answered, kind=AppealKind.LITIGATION_DIRECT, filed_on=D(2026, 12, 3)
        )
        make_item(organ, "按期发布的通知", formed_on=D(2026, 12, 1), published_on=D(2026, 12, 10))
        make_item(organ, "超期发布的通知", formed_on=D(2026, 1, 5), published_on=D(2026, 3, 20))
    make_item(unit, "上年发布的通知", published_on=D(2025, 12, 30))
    return s, unit


@pytest.mark.parametrize("period", ["year=2026", "year=2026&month=12", "year=2026&month=3"])
def test_every_figure_links_to_a_list_of_exactly_that_many_records(
    client: Any, period: str
) -> None:
    s, _unit = _links_scenario()
    client.force_login(make_staff(s.city, [StaffRole.REPORTER, StaffRole.HANDLER]))
    response = client.get(f"/staff/supervision/?{period}")
    assert response.status_code == 200
    html = response.content.decode()
    entries = {entry["row"].organ: entry for entry in response.context["rows"]}
    public = type(client)()  # the public directory, as a citizen sees it
    checked = 0
    # The government's own row and a department's row, each with subordinates holding data.
    for code in (s.city.code, s.bureau.code):
        row, links = entries[code]["row"], entries[code]["links"]
        for key, figure in LINKED_FIGURES.items():
            url = links[key]
            assert url.replace("&", "&amp;") in html, key
            listed = (public if key == "items" else client).get(url)
            assert listed.status_code == 200, url
            count = listed.context["page"].paginator.count
            assert count == getattr(row, figure), (code, key, url)
            checked += getattr(row, figure)
    assert checked  # the scenario has data in every period tried
    if period == "year=2026":
        city = entries[s.city.code]["row"]
        assert city.overdue and city.due_soon and city.open and city.answered_on_time
        # Without ``own`` the same lists would also hold the subordinates' records.
        everything = client.get(entries[s.city.code]["links"]["received"].replace("own=on&", ""))
        assert everything.context["page"].paginator.count > city.received


@pytest.mark.parametrize("period", ["year=2026", "year=2026&month=12", "year=2026&month=3"])
def test_late_items_and_appeals_link_to_lists_of_exactly_those_records(
    client: Any, period: str
) -> None:
    s, unit = _links_scenario()
    client.force_login(make_staff(s.city, [StaffRole.REPORTER]))
    entries = {
        entry["row"].organ: entry
        for entry in client.get(f"/staff/supervision/?{period}").context["rows"]
    }
    checked = 0
    for code in (s.city.code, s.bureau.code, unit.code):
        row, links = entries[code]["row"], entries[code]["links"]
        late = client.get(links["items_late"])
        assert late.status_code == 200
        titles = [record.item.title for record in late.context["records"]]
        assert len(titles) == row.items_late
        assert set(titles) <= {"超期发布的通知"}
        for record in late.context["records"]:
            # 条例第二十六条: published after the 20th working day from 成文.
            assert record.item.published_on > record.deadline >= record.start
        appeals = client.get(links["appeals"])
        assert appeals.status_code == 200
        records = appeals.context["records"]
        assert len(records) == row.appeals_total
        corrected = [r for r in records if r["appeal"].result == AppealResult.CORRECTED]
        assert len(corrected) == row.appeals_corrected
        # A reporter may not open applications: the code is shown without a link.
        assert not any(r["may_open"] for r in records)
        checked += row.items_late + row.appeals_total
    assert checked  # every period tried has late items or appeals


def test_appeals_list_links_applications_for_handlers_only_and_hides_other_subtrees(
    client: Any,
) -> None:
    s, unit = _links_scenario()
    handler = make_staff(s.bureau, [StaffRole.HANDLER])
    client.force_login(handler)
    url = f"/staff/supervision/{s.bureau.code}/2026/appeals/"
    records = client.get(url).context["records"]
    assert records and all(r["may_open"] for r in records)
    html = client.get(url).content.decode()
    assert f"/staff/applications/{records[0]['appeal'].application_id}/" in html
    # The bureau's staff may not look at the government above it.
    assert client.get(f"/staff/supervision/{s.city.code}/2026/appeals/").status_code == 404
    assert client.get(f"/staff/supervision/{s.city.code}/2026/late-items/").status_code == 404
    assert client.get(f"/staff/supervision/{unit.code}/2026/late-items/").status_code == 200
    assert client.get(f"{url}?month=13").status_code == 400


def test_xlsx_holds_one_row_per_organ_and_a_total(client: Any) -> None:
    s = build_scenario()
    client.force_login(make_staff(s.city, [StaffRole.HANDLER]))
    response = client.get(f"/staff/supervision/{s.city.code}/2026.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert names == ["某市人民政府", "某市教育局", "合计"]
    assert f"supervision-{s.city.code}-2026.xlsx" in response["Content-Disposition"]
    month = client.get(f"/staff/supervision/{s.city.code}/2026.xlsx?month=3")
    assert f"supervision-{s.city.code}-2026-03.xlsx" in month["Content-Disposition"]
    assert client.get(f"/staff/supervision/{s.city.code}/1999.xlsx").status_code == 400


# --- Weekly mail ------------------------------------------------------------------------------


def test_weekly_digest_and_report_reminders_are_queued_once_per_week(monkeypatch: Any) -> None:
    from django.core.management import call_command

    from reports import supervision_mail
    from reports.models import SupervisionMail
    from tests.reports.test_statistics import make_application

    city = make_organ("某市人民政府")
    bureau = make_organ("某市教育局", parent=city)
    catalog_organs.invalidate()
    office = make_staff(city, [StaffRole.REPORTER])
    office.email = "gongkai@example.cn"
    office.save()
    bureau_reporter = make_staff(bureau, [StaffRole.REPORTER, StaffRole.HANDLER])
    bureau_reporter.email = "jyj@example.cn"
    bureau_reporter.save()
    make_application(bureau, received=D(2026, 12, 1), due=D(2026, 12, 29))  # overdue

    sent: list[dict[str, Any]] = []
    real = supervision_mail.queue_mail

    def recording(**kwargs: Any) -> None:
        sent.append(kwargs)
        real(**kwargs)

    monkeypatch.setattr(supervision_mail, "queue_mail", recording)
    call_command("send_supervision_mail", date=D(2027, 1, 20), stdout=io.StringIO())

    by_kind = {mail["kind"]: mail for mail in sent}
    assert set(by_kind) == {"supervision_digest", "supervision_report_due"}
    digest = by_kind["supervision_digest"]
    assert digest["to"] == ["gongkai@example.cn"]
    assert "某市教育局：已超期申请1件" in digest["body"]
    # The bureau's 2026 report is due 31 January (第四十九条第一款); the city's on 31 March,
    # more than two weeks away, so only the bureau's reporter is reminded.
    reminder = by_kind["supervision_report_due"]
    assert reminder["to"] == ["jyj@example.cn"]
    assert "应于2027年1月31日前公布" in reminder["body"]

    out = io.StringIO()
    call_command("send_supervision_mail", date=D(2027, 1, 22), stdout=out)  # same ISO week
    assert len(sent) == 2 and "已发送而跳过2封" in out.getvalue()
    assert SupervisionMail.objects.count() == 2
    call_command("send_supervision_mail", date=D(2027, 2, 3), stdout=io.StringIO())
    # A week later: the digest again, and the bureau's reminder now says the date has passed.
    assert len(sent) == 4 and "法定公布期限2027年1月31日已过" in sent[-1]["body"]


def test_the_digest_tells_the_office_which_departments_reports_are_late_or_due(
    monkeypatch: Any,
) -> None:
    """条例第四十九条: the 政务公开办 chases a department that has not published last year's
    report by 31 January, even when that department has no 年报编制 with an e-mail address."""
    from django.core.management import call_command

    from reports import supervision_mail

    city = make_organ("某市人民政府")
    make_organ("某市教育局", parent=city)
    published = make_organ("某市财政局", parent=city)
    catalog_organs.invalidate()
    office = make_staff(city, [StaffRole.REPORTER])
    office.email = "gongkai@example.cn"
    office.save()
    report = AnnualReport.objects.create(organ=published, year=2026, status="published")
    PublishedReport.objects.create(
        report=report, version=1, sections={}, figures={}, published_at=COMPILED_AT
    )
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(supervision_mail, "queue_mail", lambda **kwargs: sent.append(kwargs))

    call_command("send_supervision_mail", date=D(2027, 1, 20), stdout=io.StringIO())
    body = next(m for m in sent if m["kind"] == "supervision_digest")["body"]
    assert "某市教育局：2026年度报告尚未发布（法定期限2027年1月31日）" in body
    assert "某市财政局" not in body  # published
    assert "某市人民政府：" not in body  # its own is due 31 March, more than two weeks away

    call_command("send_supervision_mail", date=D(2027, 2, 3), stdout=io.StringIO())
    body = [m for m in sent if m["kind"] == "supervision_digest"][-1]["body"]
    assert "某市教育局：2026年度报告逾期未发布（法定期限2027年1月31日）" in body


def test_the_reporters_page_shows_the_organs_statutory_date(client: Any) -> None:
    city = make_organ("某市人民政府")
    bureau = make_organ("某市教育局", parent=city)
    catalog_organs.invalidate()
    client.force_login(make_staff(city, [StaffRole.REPORTER]))
    bureau_page = client.get(f"/staff/reports/{bureau.code}/2026/").content.decode()
    assert "2027年1月31日" in bureau_page and "条例第四十九条第一款" in bureau_page
    assert "已过期限" not in bureau_page  # today is 20 January 2027
    city_page = client.get(f"/staff/reports/{city.code}/2026/").content.decode()
    assert "2027年3月31日" in city_page and "条例第四十九条第二款" in city_page
    late = client.get(f"/staff/reports/{bureau.code}/2025/").content.decode()
    assert "已过期限，尚未发布" in late
