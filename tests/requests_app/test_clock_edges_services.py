"""The clock at its edges through the services, the API and the desk (domain.md "Clock edges
(second round)"): each refused step says in Chinese which rule refuses it, and nothing changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from reports.services import (
    needs_correction,
    report_data,
    report_get_or_create,
    report_publish,
    report_update,
)
from requests_app import services
from requests_app.models import Application, Event, Status
from tests.factories import make_organ, make_staff, make_superuser
from tests.requests_app.factories import application_data, make_application, person

pytestmark = pytest.mark.django_db

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
LAPSED = "期限届满后不得中止、重新计算或延长答复期限（条例第三十三条）"


@pytest.fixture(autouse=True)
def _today() -> object:
    """Thursday 2026-11-26, 10:00 in Beijing."""
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def organ():
    return make_organ("临江市测试局")


@pytest.fixture
def handler(organ):
    return make_staff(organ, ["handler", "approver"], username="clerk")


@pytest.fixture
def client(api, handler):
    api.force_authenticate(handler)
    return api


def act(action: str, app: Application, actor, **params) -> Application:
    return services.perform_action(action, actor=actor, application=app, **params)


def url(app: Application, action: str) -> str:
    return f"/api/v1/applications/{app.pk}/{action}/"


# --- A lapsed period cannot be revived -------------------------------------------------------

# Received Fri 2026-09-18: due Thu 2026-10-22.
LAPSING = [
    ("start-consultation", {"party": "某公司"}),
    ("request-correction", {"note": "请补充文号"}),
    ("issue-fee-notice", {"basis": "per_page", "quantity": 150}),
    ("extend", {"workdays": 5, "reason": "档案多", "approved_by": "clerk"}),
    ("request-reasons", {"note": "请说明理由"}),
]


@pytest.mark.parametrize(("action", "body"), LAPSING)
def test_step_after_due_on_is_refused_citing_the_article_and_changes_nothing(
    client, organ, action, body
):
    app = make_application(organ, received_on=D(2026, 9, 18))
    before = (app.status, app.due_on, app.events.count())
    response = client.post(url(app, action), {**body, "date": "2026-10-23"}, format="json")
    assert response.status_code == 400
    [message] = response.json()["date"]
    assert message.startswith("答复期限已于2026年10月22日届满")
    assert LAPSED in message
    app.refresh_from_db()
    assert (app.status, app.due_on, app.events.count()) == before


@pytest.mark.parametrize(("action", "body"), LAPSING)
def test_step_on_due_on_itself_is_accepted(client, organ, action, body):
    app = make_application(organ, received_on=D(2026, 9, 18))
    response = client.post(url(app, action), {**body, "date": "2026-10-22"}, format="json")
    assert response.status_code == 200, response.json()


# --- The 补正 restart ends the old extension ---------------------------------------------------


def test_extension_lapses_with_the_correction_restart(organ, handler):
    app = make_application(organ, received_on=D(2026, 9, 18))
    app = act("extend", app, handler, date=D(2026, 9, 21), workdays=10, reason="多")
    assert app.extension_workdays == 10
    app = act("request-correction", app, handler, date=D(2026, 9, 22), note="请补充")
    app = act("receive-correction", app, handler, date=D(2026, 10, 12))
    assert app.extension_workdays == 0
    # 20 working days after the corrected application, not 30.
    assert app.due_on == D(2026, 11, 9)
    event = app.events.get(type="receive-correction")
    assert event.data["lapsed_extension_workdays"] == 10
    # A new extension may be granted for the new period.
    app = act("extend", app, handler, date=D(2026, 10, 13), workdays=20, reason="多")
    assert app.extension_workdays == 20


# --- Delivery dates -------------------------------------------------------------------------


def posted(organ):
    """An application whose answers go by post: delivery dates are not known in advance."""
    return make_application(organ, received_on=D(2026, 9, 18), delivery_method="post")


def test_posted_fee_notice_has_a_provisional_payment_date_until_delivery_is_recorded(client, organ):
    app = posted(organ)
    data = client.post(
        url(app, "issue-fee-notice"),
        {"date": "2026-09-18", "basis": "per_page", "quantity": 150},
        format="json",
    ).json()
    assert data["fee"]["delivered_on"] is None
    assert data["fee"]["payment_due_provisional"] is True
    assert data["fee"]["payment_due_on"] == "2026-10-22"  # from the notice date meanwhile

    # Non-payment cannot be recorded while the delivery date is unknown.
    response = client.post(url(app, "lapse-fee"), {"date": "2026-11-20"}, format="json")
    assert response.status_code == 400
    assert "国办函〔2020〕109号" in response.json()["date"][0]

    # Received Tue 09-22: payment due 20 working days later, 10-27 (not 10-22).
    data = client.post(
        url(app, "record-delivery"),
        {"document": "fee_notice", "delivered_on": "2026-09-22"},
        format="json",
    ).json()
    assert data["fee"]["delivered_on"] == "2026-09-22"
    assert data["fee"]["payment_due_on"] == "2026-10-27"
    assert data["fee"]["payment_due_provisional"] is False
    assert (
        client.post(url(app, "lapse-fee"), {"date": "2026-10-27"}, format="json").status_code == 400
    )
    assert (
        client.post(url(app, "lapse-fee"), {"date": "2026-10-28"}, format="json").status_code == 200
    )


def test_delivery_date_before_the_notice_is_refused(client, organ):
    app = posted(organ)
    client.post(
        url(app, "issue-fee-notice"),
        {"date": "2026-09-21", "basis": "per_page", "quantity": 150},
        format="json",
    )
    response = client.post(
        url(app, "record-delivery"),
        {"document": "fee_notice", "delivered_on": "2026-09-20"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"delivered_on": ["送达日期不能早于发出日期。"]}
    assert not Event.objects.filter(application=app, type="record-delivery").exists()


def test_delivery_of_a_document_not_running_is_a_409(client, organ):
    app = posted(organ)
    response = client.post(
        url(app, "record-delivery"),
        {"document": "consultation", "delivered_on": "2026-09-22"},
        format="json",
    )
    assert response.status_code == 409


def test_consultation_pause_is_capped_by_the_reply_period_and_shows_overdue(client, organ):
    app = make_application(organ, received_on=D(2026, 10, 26))
    client.post(
        url(app, "start-consultation"), {"date": "2026-10-30", "party": "某公司"}, format="json"
    )
    detail = client.get(f"/api/v1/applications/{app.pk}/").json()
    assert detail["consultation"]["reply_due_on"] is None
    # Received by the company on Mon 11-02: reply due Mon 11-23.
    detail = client.post(
        url(app, "record-delivery"),
        {"document": "consultation", "delivered_on": "2026-11-02"},
        format="json",
    ).json()
    assert detail["consultation"] == {
        "party": "某公司",
        "delivered_on": "2026-11-02",
        "reply_due_on": "2026-11-23",
        "overdue": True,  # today is 11-26
    }
    pause = detail["derivation"]["pauses"][0]
    assert (pause["end"], pause["capped"]) == ("2026-11-23", True)
    # The clock resumed by itself on 11-24: the date no longer moves with today.
    later = services.deadline_of(Application.objects.get(pk=app.pk), today=D(2026, 12, 10))
    # 16 working days paused (10-30, 11-23]: 36 working days after 10-26.
    assert later is not None and later.due_on == D(2026, 12, 15)
    assert later.due_on == D.fromisoformat(detail["due_on"])


def test_electronic_consultation_is_delivered_on_the_day_it_was_sent(organ, handler):
    app = make_application(organ, received_on=D(2026, 10, 26))
    app = act(
        "start-consultation", app, handler, date=D(2026, 10, 30), party="某局", electronic=True
    )
    assert (app.consultation_delivered_on, app.consultation_reply_due_on) == (
        D(2026, 10, 30),
        D(2026, 11, 20),
    )


def test_desk_lists_documents_whose_delivery_is_unknown_and_records_it(organ, handler):
    unknown = posted(organ)
    act("issue-fee-notice", unknown, handler, date=D(2026, 9, 21), basis="per_page", quantity=150)
    known = make_application(organ, received_on=D(2026, 9, 18))
    act("issue-fee-notice", known, handler, date=D(2026, 9, 21), basis="per_page", quantity=150)
    browser = Client()
    browser.force_login(handler)
    html = browser.get("/staff/applications/?delivery_unknown=on").content.decode()
    assert f'/staff/applications/{unknown.pk}/"' in html
    assert f'/staff/applications/{known.pk}/"' not in html
    assert "送达日期未登记" in html

    page = browser.get(f"/staff/applications/{unknown.pk}/").content.decode()
    assert "登记收费通知送达日期" in page
    response = browser.post(
        f"/staff/applications/{unknown.pk}/delivery/fee_notice/",
        {"delivery-fee_notice-delivered_on": "2026-09-23"},
    )
    assert response.status_code == 302
    unknown.refresh_from_db()
    assert unknown.fee_delivered_on == D(2026, 9, 23)
    html = browser.get("/staff/applications/?delivery_unknown=on").content.decode()
    assert f'/staff/applications/{unknown.pk}/"' not in html


# --- Outcomes that need an earlier step --------------------------------------------------------


def test_unclear_after_correction_only(organ, handler):
    app = make_application(organ, received_on=D(2026, 11, 2))
    with pytest.raises(ValidationError) as exc:
        act("answer", app, handler, outcome="unavailable_unclear", reply="仍不明确")
    assert "条例第三十条" in exc.value.message_dict["outcome"][0]
    assert Application.objects.get(pk=app.pk).status == Status.RECEIVED
    app = act("request-correction", app, handler, date=D(2026, 11, 3), note="请明确")
    app = act("receive-correction", app, handler, date=D(2026, 11, 10))
    app = act("answer", app, handler, outcome="unavailable_unclear", reply="仍不明确")
    assert app.outcome == "unavailable_unclear"


# --- 条例第三十五条 -------------------------------------------------------------------------------


def test_mass_request_reasons_pause_then_unreasonable_reasons_reject(organ, handler):
    app = make_application(organ, received_on=D(2026, 11, 2))
    with pytest.raises(ValidationError) as exc:
        act("answer", app, handler, outcome="rejected_mass", reply="不予处理")
    assert "条例第三十五条" in exc.value.message_dict["outcome"][0]
    app = act("request-reasons", app, handler, date=D(2026, 11, 4), note="请说明理由")
    assert app.status == Status.AWAITING_REASONS
    assert app.reasons_due_on == D(2026, 11, 25)
    app = act("receive-reasons", app, handler, date=D(2026, 11, 11), note="用于研究")
    # 11-04 → 11-11 paused five working days.
    assert app.paused_workdays == 5
    app = act("answer", app, handler, outcome="rejected_mass", reply="理由不合理，不予处理。")
    assert app.outcome == "rejected_mass"


def test_reasons_never_given_close_as_rejected_mass_only_after_their_period(organ, handler):
    app = make_application(organ, received_on=D(2026, 10, 26))
    app = act("request-reasons", app, handler, date=D(2026, 10, 27), note="请说明理由")
    with pytest.raises(ValidationError):
        act("lapse-reasons", app, handler, date=D(2026, 11, 17))  # the period's last day
    # The reasons period ended on 11-17: the clock resumed by itself after it.
    derivation = services.deadline_of(app, today=D(2026, 11, 26))
    assert derivation is not None and derivation.pauses[0].capped
    app = act("lapse-reasons", app, handler, date=D(2026, 11, 18))
    assert (app.status, app.outcome) == (Status.CLOSED, "rejected_mass")
    from requests_app.letters import render_letter_text

    text = "".join(render_letter_text(app))
    assert "逾期未说明理由" in text and "第三十五条" in text


def test_delayed_due_date_becomes_due_on_with_its_reason(client, organ, handler):
    app = make_application(organ, received_on=D(2026, 11, 2))
    response = client.post(
        url(app, "set-delayed-due"),
        {"date": "2026-11-05", "due_on": "2027-01-15", "reason": "档案逾千卷"},
        format="json",
    )
    assert response.status_code == 400
    assert "条例第三十五条" in response.json()["due_on"][0]
    act("request-reasons", app, handler, date=D(2026, 11, 3), note="请说明理由")
    act("receive-reasons", app, handler, date=D(2026, 11, 5))
    too_early = client.post(
        url(app, "set-delayed-due"),
        {"date": "2026-11-06", "due_on": "2026-11-30", "reason": "档案逾千卷"},
        format="json",
    )
    assert too_early.status_code == 400
    data = client.post(
        url(app, "set-delayed-due"),
        {"date": "2026-11-06", "due_on": "2027-01-15", "reason": "档案逾千卷"},
        format="json",
    ).json()
    assert data["due_on"] == "2027-01-15"
    assert data["reasons"]["delayed_due_on"] == "2027-01-15"
    assert any("条例第三十五条" in s for s in data["derivation"]["steps"])
    track = client.get(f"/api/v1/applications/track/{data['tracking_code']}/").json()
    assert track["due_on"] == "2027-01-15"


# --- 按件: pieces take consecutive positions (国办函〔2020〕109号第四条) -------------------------


def test_pieces_take_consecutive_positions_in_the_applicants_month(organ, handler):
    applicant = person()
    first = make_application(organ, received_on=D(2026, 11, 2), applicant=applicant)
    first = act(
        "issue-fee-notice", first, handler, date=D(2026, 11, 3), basis="per_item", pieces=12
    )
    # Positions 1–12: 11 and 12 cost 100 each.
    assert (first.fee_quantity, first.fee_amount) == (1, Decimal("200.00"))
    second = make_application(organ, received_on=D(2026, 11, 4), applicant=applicant)
    second = act("issue-fee-notice", second, handler, date=D(2026, 11, 5), basis="per_item")
    assert (second.fee_quantity, second.fee_amount) == (13, Decimal("100.00"))


# --- Online on a Saturday ---------------------------------------------------------------------


def test_staff_may_act_on_the_saturday_an_online_application_was_submitted(organ, handler):
    saturday = dt.datetime(2026, 11, 21, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(saturday, tick=False):
        app = make_application(organ, now=saturday)
        assert app.received_on == D(2026, 11, 23)
        app = act("request-correction", app, handler, note="请补充文号")
    assert app.events.get(type="request-correction").date == D(2026, 11, 21)
    # The clock is unaffected: nothing before the receipt counts.
    app = act("receive-correction", app, handler, date=D(2026, 11, 24))
    assert app.due_on == D(2026, 12, 22)
    with pytest.raises(ValidationError):
        act("withdraw", make_application(organ, now=saturday), handler, date=D(2026, 11, 20))


# --- Registration into a published year ------------------------------------------------------


def published_2025(organ):
    report = report_get_or_create(organ=organ, year=2025, scope="organ")
    report_update(
        actor=None,
        report=report,
        sections={"overview": "概述", "problems": "问题", "other": "其他"},
        manual={},
    )
    report_publish(actor=None, report=report)
    return report


def test_registration_into_a_published_year_needs_confirmation_then_flags_the_report(organ):
    report = published_2025(organ)
    clerk = make_superuser("registrar")
    api_client = __import__("rest_framework.test", fromlist=["APIClient"]).APIClient()
    api_client.force_authenticate(clerk)
    body = {
        "organ": organ.code,
        **application_data(),
        "channel": "letter",
        "received_on": "2025-12-30",
    }
    refused = api_client.post("/api/v1/applications/", body, format="json")
    assert refused.status_code == 400
    [message] = refused.json()["confirm_published_year"]
    assert message.startswith("2025年度报告已发布")
    assert not Application.objects.exists()
    assert needs_correction(report) == 0

    created = api_client.post(
        "/api/v1/applications/", {**body, "confirm_published_year": True}, format="json"
    )
    assert created.status_code == 201
    assert needs_correction(report) == 1
    # The public page keeps the published figures until a corrected version is published.
    public = report_data(report, organ, 2025, "organ", user=None)
    assert public is not None and public["applications"]["rows"]["new"]["total"] == 0

    reporter = make_staff(organ, ["reporter"], username="reporter")
    browser = Client()
    browser.force_login(reporter)
    page = browser.get(f"/staff/reports/{organ.code}/2025/").content.decode()
    assert "需要更正" in page


def test_registration_into_an_unpublished_year_needs_no_confirmation(organ):
    app = make_application(organ, received_on=D(2025, 12, 30))
    assert app.first_received_on == D(2025, 12, 30)


def test_republishing_clears_the_correction_banner(organ):
    from reports.services import report_reopen

    report = published_2025(organ)
    make_application(organ, received_on=D(2025, 12, 30), confirm_published_year=True)
    assert needs_correction(report) == 1
    report_reopen(actor=None, report=report)
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI), tick=False):
        report_publish(actor=None, report=report)
    assert needs_correction(report) == 0


# --- Provisional calendar for 2027 --------------------------------------------------------------


def test_deadline_into_2027_is_provisional_until_the_notice_is_entered(client, organ):
    app = make_application(organ, received_on=D(2026, 11, 25))
    detail = client.get(f"/api/v1/applications/{app.pk}/").json()
    # 20 working days after 11-25 reach 12-23: still 2026, covered.
    assert (detail["due_on"], detail["due_covered"]) == ("2026-12-23", True)
    late = make_application(organ, received_on=D(2026, 11, 26))
    late = act(
        "extend",
        late,
        make_staff(organ, ["approver"], username="boss"),
        workdays=20,
        reason="档案多",
    )
    detail = client.get(f"/api/v1/applications/{late.pk}/").json()
    # 40 working days after 11-26 skip the provisional 元旦 2027-01-01.
    assert (detail["due_on"], detail["due_covered"]) == ("2027-01-22", False)
    assert detail["derivation"]["provisional_holidays"] == ["2027-01-01"]
    assert any("暂定节假日" in step for step in detail["derivation"]["steps"])
    page = Client()
    page.force_login(make_staff(organ, ["handler"], username="viewer"))
    html = page.get(f"/staff/applications/{late.pk}/").content.decode()
    assert "暂按法定节日推算" in html
    track = Client().get("/track/", {"code": late.tracking_code})
    assert "暂按《全国年节及纪念日放假办法》规定的法定节日推算" in track.content.decode()

    # The administrator enters the (hypothetical) official notice: 01-01 and a 补假 on 01-04.
    admin = make_superuser()
    services.calendar_override_set(actor=admin, date=D(2027, 1, 1), is_workday=False, note="元旦")
    services.calendar_override_set(actor=admin, date=D(2027, 1, 4), is_workday=False, note="补假")
    services.calendar_year_complete(actor=admin, year=2027)
    late.refresh_from_db()
    assert (late.due_on, late.due_covered) == (D(2027, 1, 25), True)
