"""POST /api/v1/applications/{id}/{action}/ for every action of the workflow table (api.md):
happy paths, 409 from a state that does not allow the action, date and field validation,
deadline values on real 2026 dates, and who may act."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests_app import services
from requests_app.models import Application
from requests_app.workflow import TRANSITIONS
from tests.factories import make_organ, make_staff, make_superuser
from tests.requests_app.factories import make_application

pytestmark = pytest.mark.django_db

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _today() -> object:
    """Thursday 2026-11-26, 10:00 in Beijing."""
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def organ():
    return make_organ("测试市人民政府")


@pytest.fixture
def handler(organ):
    # Handler and approver (负责人) in one: every action of the table, extension included.
    return make_staff(organ, ["handler", "approver"])


@pytest.fixture
def client(api, handler):
    api.force_authenticate(handler)
    return api


def url(app: Application, action: str) -> str:
    return f"/api/v1/applications/{app.pk}/{action}/"


# Each state reached from an application received Thursday 2026-10-08, on Friday 10-09.
SETUP = {
    "received": [],
    "awaiting_correction": [("request-correction", {"correction_due_on": D(2026, 10, 20)})],
    "consulting": [("start-consultation", {"party": "某科技有限公司"})],
    # Payment due 20 working days after the notice of 10-09 (Sat 10-10 counts): 2026-11-05.
    "awaiting_fee": [("issue-fee-notice", {"basis": "per_page", "quantity": 150})],
    "answered": [("answer", {"outcome": "disclosed", "reply": "予以公开。"})],
    "closed": [("withdraw", {})],
    # 条例第三十五条
    "awaiting_reasons": [("request-reasons", {"note": "请说明理由"})],
    "reasons_given": [("request-reasons", {"note": "请说明理由"}), ("receive-reasons", {})],
}
# Setups that end in another status than their name.
SETUP_STATUS = {"reasons_given": "received"}


def in_state(organ, handler, state: str) -> Application:
    app = make_application(organ, received_on=D(2026, 10, 8))
    for action, params in SETUP[state]:
        app = services.perform_action(
            action, actor=handler, application=app, date=D(2026, 10, 9), **params
        )
    assert app.status == SETUP_STATUS.get(state, state)
    return app


HAPPY = [
    ("request-correction", "received", {}, "awaiting_correction"),
    ("receive-correction", "awaiting_correction", {"date": "2026-10-15"}, "received"),
    ("lapse-correction", "awaiting_correction", {"date": "2026-10-21"}, "closed"),
    ("start-consultation", "received", {"party": "第三方"}, "consulting"),
    ("end-consultation", "consulting", {"date": "2026-10-20"}, "received"),
    (
        "extend",
        "received",
        {"workdays": 5, "reason": "档案较多"},
        "received",
    ),
    ("issue-fee-notice", "received", {"basis": "per_page", "quantity": 150}, "awaiting_fee"),
    ("confirm-fee-paid", "awaiting_fee", {"date": "2026-10-20"}, "received"),
    ("lapse-fee", "awaiting_fee", {"date": "2026-11-06"}, "closed"),
    (
        "answer",
        "received",
        {"outcome": "withheld_process", "reply": "属于过程性信息。"},
        "answered",
    ),
    ("request-reasons", "received", {}, "awaiting_reasons"),
    ("receive-reasons", "awaiting_reasons", {"date": "2026-10-15"}, "received"),
    # Reasons due 15 working days after 10-09 (Sat 10-10 counts): 2026-10-29.
    ("lapse-reasons", "awaiting_reasons", {"date": "2026-10-30"}, "closed"),
    (
        "set-delayed-due",
        "reasons_given",
        {"due_on": "2026-12-15", "reason": "涉及档案逾千卷"},
        "received",
    ),
    ("withdraw", "received", {}, "closed"),
    ("withdraw", "awaiting_reasons", {}, "closed"),
    ("withdraw", "awaiting_correction", {}, "closed"),
    ("withdraw", "consulting", {}, "closed"),
    ("withdraw", "awaiting_fee", {}, "closed"),
]


def test_every_action_of_the_table_has_a_happy_path():
    assert {action for action, *_ in HAPPY} == set(TRANSITIONS)


@pytest.mark.parametrize(("action", "state", "payload", "target"), HAPPY)
def test_action_moves_the_application(client, organ, handler, action, state, payload, target):
    app = in_state(organ, handler, state)
    payload = {"date": "2026-10-12", "note": "办理说明", **payload}
    response = client.post(url(app, action), payload, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == target
    assert data["events"][-1]["type"] == action
    assert data["events"][-1]["note"] == "办理说明"
    assert data["events"][-1]["actor"] == handler.username


WRONG = [
    (action, state)
    for action, transition in TRANSITIONS.items()
    for state in (
        "received",
        "awaiting_correction",
        "consulting",
        "awaiting_fee",
        "awaiting_reasons",
        "answered",
        "closed",
    )
    if state not in transition.sources
]


@pytest.mark.parametrize(("action", "state"), WRONG)
def test_action_from_a_state_that_does_not_allow_it_is_a_409(client, organ, handler, action, state):
    app = in_state(organ, handler, state)
    events = app.events.count()
    # Whatever the body says: the state decides first.
    response = client.post(url(app, action), {"date": "2099-01-01"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"]
    app.refresh_from_db()
    assert (app.status, app.events.count()) == (state, events)


class TestDates:
    def test_future_date_is_a_400(self, client, organ, handler):
        app = in_state(organ, handler, "received")
        response = client.post(
            url(app, "start-consultation"), {"date": "2026-11-27", "party": "某公司"}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"date": ["日期不能晚于今天。"]}

    def test_date_before_the_previous_step_is_a_400(self, client, organ, handler):
        app = in_state(organ, handler, "consulting")  # started 2026-10-09
        response = client.post(url(app, "end-consultation"), {"date": "2026-10-08"}, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["date"]

    def test_malformed_date_is_a_400(self, client, organ, handler):
        app = in_state(organ, handler, "received")
        response = client.post(url(app, "withdraw"), {"date": "2026-13-01"}, format="json")
        assert response.status_code == 400
        assert "date" in response.json()

    def test_date_defaults_to_today(self, client, organ, handler):
        app = in_state(organ, handler, "received")
        data = client.post(url(app, "withdraw"), {}, format="json").json()
        assert data["closed_on"] == "2026-11-26"


class TestDeadlines:
    """Values on real 2026 dates (regulation.md §5.3, §6.5), as the detail shows them."""

    def test_receipt_2026_09_18_is_due_2026_10_22(self, client, organ):
        app = make_application(organ, received_on=D(2026, 9, 18))
        data = client.get(f"/api/v1/applications/{app.pk}/").json()
        assert data["due_on"] == "2026-10-22"
        assert data["derivation"]["skipped_holidays"][:2] == ["2026-09-25", "2026-10-01"]
        assert data["derivation"]["counted_adjusted_workdays"] == ["2026-09-20", "2026-10-10"]

    def test_consultation_pause_adds_its_working_days(self, client, organ):
        app = make_application(organ, received_on=D(2026, 9, 18))
        client.post(
            url(app, "start-consultation"), {"date": "2026-09-21", "party": "某公司"}, format="json"
        )
        data = client.post(
            url(app, "end-consultation"), {"date": "2026-09-30"}, format="json"
        ).json()
        assert (data["paused_workdays"], data["due_on"]) == (6, "2026-10-30")

    def test_extension_and_its_limits(self, api, organ):
        approver = make_staff(organ, ["approver"], username="chief")
        api.force_authenticate(approver)
        app = make_application(organ, received_on=D(2026, 9, 18))
        body = {"reason": "需调取档案"}
        data = api.post(
            url(app, "extend"), {**body, "date": "2026-10-20", "workdays": 10}, format="json"
        ).json()
        assert (data["extension_workdays"], data["due_on"]) == (10, "2026-11-05")
        too_long = api.post(
            url(app, "extend"), {**body, "date": "2026-10-21", "workdays": 11}, format="json"
        )
        assert too_long.status_code == 400
        assert list(too_long.json()) == ["workdays"]
        out_of_range = api.post(url(app, "extend"), {**body, "workdays": 21}, format="json")
        assert out_of_range.status_code == 400

    def test_extension_after_the_deadline_is_a_400(self, client, organ):
        app = make_application(organ, received_on=D(2026, 9, 18))
        body = {"date": "2026-10-23", "workdays": 5, "reason": "迟到"}
        response = client.post(url(app, "extend"), body, format="json")
        assert response.status_code == 400
        assert response.json() == {
            "date": [
                "答复期限已于2026年10月22日届满，不能再“延长答复期限”：期限届满后不得中止、"
                "重新计算或延长答复期限（条例第三十三条）。"
            ]
        }

    def test_a_handler_without_the_approver_role_cannot_extend(self, api, organ):
        # Issue 8: a handler sent any text as ``approved_by`` and the public page then said
        # "经政府信息公开工作机构负责人同意". Now the extension is the approver's own act.
        app = make_application(organ, received_on=D(2026, 9, 18))
        api.force_authenticate(make_staff(organ, ["handler"]))
        body = {"date": "2026-10-20", "workdays": 5, "reason": "档案多", "approved_by": "王主任"}
        response = api.post(url(app, "extend"), body, format="json")
        assert response.status_code == 403
        assert not app.events.filter(type="extend").exists()

    def test_approved_by_in_the_body_is_ignored_for_the_callers_name(self, api, organ):
        chief = make_staff(organ, ["approver"], username="chief")
        api.force_authenticate(chief)
        app = make_application(organ, received_on=D(2026, 9, 18))
        body = {"date": "2026-10-20", "workdays": 5, "reason": "档案多", "approved_by": "某某"}
        response = api.post(url(app, "extend"), body, format="json")
        assert response.status_code == 200, response.json()
        event = app.events.get(type="extend")
        assert (event.data["approved_by"], event.actor) == ("chief", chief)

    def test_fee_notice_and_its_pause(self, client, organ):
        app = make_application(organ, received_on=D(2026, 9, 18))
        data = client.post(
            url(app, "issue-fee-notice"),
            {"date": "2026-09-21", "basis": "per_page", "quantity": 150},
            format="json",
        ).json()
        assert data["fee"] == {
            "basis": "per_page",
            "basis_display": "按量计收",
            "quantity": 150,
            "pieces": 1,
            "amount": "1700.00",
            "notice_on": "2026-09-21",
            # Sent by e-mail: delivered the same day (api.md "Additions").
            "delivered_on": "2026-09-21",
            # 20 working days after 09-21, 中秋 and 国庆 skipped, Sat 10-10 counted.
            "payment_due_on": "2026-10-26",
            "payment_due_provisional": False,
            "paid_on": None,
        }
        data = client.post(
            url(app, "confirm-fee-paid"), {"date": "2026-09-30"}, format="json"
        ).json()
        assert (data["fee"]["paid_on"], data["paused_workdays"], data["due_on"]) == (
            "2026-09-30",
            6,
            "2026-10-30",
        )

    @pytest.mark.parametrize("quantity", [-1, 30])
    def test_negative_or_free_quantity_is_a_400(self, client, organ, quantity):
        app = make_application(organ, received_on=D(2026, 9, 18))
        response = client.post(
            url(app, "issue-fee-notice"), {"basis": "per_page", "quantity": quantity}, format="json"
        )
        assert response.status_code == 400
        assert "quantity" in response.json()

    def test_correction_restarts_the_clock_and_keeps_the_first_receipt(self, client, organ):
        app = make_application(organ, received_on=D(2026, 9, 18))
        data = client.post(
            url(app, "request-correction"), {"date": "2026-09-30"}, format="json"
        ).json()
        assert data["due_on"] is None
        assert data["derivation"] is None
        assert data["correction"] == {
            "requested_on": "2026-09-30",
            "due_on": "2026-10-27",
            "late": True,
        }
        data = client.post(
            url(app, "receive-correction"), {"date": "2026-10-09"}, format="json"
        ).json()
        assert (data["received_on"], data["first_received_on"], data["due_on"]) == (
            "2026-10-09",
            "2026-09-18",
            "2026-11-05",
        )

    @pytest.mark.parametrize(
        ("state", "action", "date", "outcome"),
        [
            ("awaiting_correction", "lapse-correction", "2026-10-21", "other_correction_lapsed"),
            ("awaiting_fee", "lapse-fee", "2026-11-06", "other_fee_unpaid"),
            ("consulting", "withdraw", "2026-10-12", "other_other"),
        ],
    )
    def test_closing_actions_record_their_outcome(
        self, client, organ, handler, state, action, date, outcome
    ):
        app = in_state(organ, handler, state)
        data = client.post(url(app, action), {"date": date}, format="json").json()
        assert (data["status"], data["outcome"], data["closed_on"]) == ("closed", outcome, date)
        assert data["outcome_display"]

    @pytest.mark.parametrize(
        ("action", "date"), [("lapse-correction", "2026-10-20"), ("lapse-fee", "2026-11-05")]
    )
    def test_lapse_before_the_period_ends_is_a_400(self, client, organ, handler, action, date):
        state = "awaiting_correction" if action == "lapse-correction" else "awaiting_fee"
        app = in_state(organ, handler, state)
        response = client.post(url(app, action), {"date": date}, format="json")
        assert response.status_code == 400
        assert "date" in response.json()

    def test_answer_validation(self, client, organ):
        app = make_application(organ, received_on=D(2026, 9, 18))
        lapse = client.post(
            url(app, "answer"), {"outcome": "other_fee_unpaid", "reply": "x"}, format="json"
        )
        assert lapse.status_code == 400 and "outcome" in lapse.json()
        no_reply = client.post(url(app, "answer"), {"outcome": "disclosed"}, format="json")
        assert no_reply.status_code == 400 and "reply" in no_reply.json()
        bad_item = client.post(
            url(app, "answer"),
            {"outcome": "disclosed", "reply": "见链接", "linked_item": 99999},
            format="json",
        )
        assert bad_item.status_code == 400 and "linked_item" in bad_item.json()
        data = client.post(
            url(app, "answer"),
            {"date": "2026-10-20", "outcome": "other_other", "reply": "其他处理"},
            format="json",
        ).json()
        assert (data["status"], data["answer"]["outcome_display"]) == ("answered", "其他")


class TestWhoMayAct:
    def test_anonymous_is_401(self, api, organ):
        app = make_application(organ)
        assert api.post(url(app, "withdraw"), {}, format="json").status_code == 401

    def test_other_organs_staff_get_404(self, api, organ):
        app = make_application(organ)
        api.force_authenticate(make_staff(make_organ("邻市人民政府"), ["handler", "approver"]))
        assert api.post(url(app, "withdraw"), {}, format="json").status_code == 404
        app.refresh_from_db()
        assert app.status == "received"

    def test_staff_without_a_workflow_role_see_no_application(self, api, organ):
        # api.md: a user without handler or approver sees no applications (404 on a detail).
        app = make_application(organ)
        api.force_authenticate(make_staff(organ, ["publisher"]))
        assert api.post(url(app, "withdraw"), {}, format="json").status_code == 404
        app.refresh_from_db()
        assert app.status == "received"

    def test_parent_organs_handler_may_act(self, api, organ):
        child = make_organ("测试市教育局", parent=organ)
        app = make_application(child)
        api.force_authenticate(make_staff(organ, ["handler"]))
        assert api.post(url(app, "withdraw"), {}, format="json").status_code == 200

    def test_unknown_action_is_a_404(self, client, organ):
        app = make_application(organ)
        assert client.post(url(app, "approve"), {}, format="json").status_code == 404


class TestAssign:
    def test_assign_to_a_handler_of_the_organ(self, client, organ, handler):
        app = make_application(organ)
        colleague = make_staff(organ, ["handler"])
        data = client.post(url(app, "assign"), {"user": colleague.username}, format="json").json()
        assert data["assigned_to"] == colleague.username
        assert data["events"][-1]["type"] == "assign"

    def test_assign_to_a_superuser_or_a_non_handler_is_a_400(self, client, organ):
        # Issue 8: assign accepted any user, the superuser too.
        app = make_application(organ)
        for user in (
            make_superuser("root"),
            make_staff(organ, ["approver"]),
            make_staff(organ, ["publisher"]),
        ):
            response = client.post(url(app, "assign"), {"user": user.username}, format="json")
            assert response.status_code == 400
            assert list(response.json()) == ["user"]
        app.refresh_from_db()
        assert app.assigned_to is None

    def test_assign_to_unknown_or_foreign_user_is_a_400(self, client, organ):
        app = make_application(organ)
        assert client.post(url(app, "assign"), {"user": "nobody"}, format="json").status_code == 400
        outsider = make_staff(make_organ("邻市人民政府"), ["handler"])
        response = client.post(url(app, "assign"), {"user": outsider.username}, format="json")
        assert response.status_code == 400
        assert "user" in response.json()
