"""POST/GET /api/v1/applications/, the detail and the public tracking endpoint (api.md,
"Applications"): submission, validation, throttling, mail, scoping and masking."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app import services
from requests_app.calendar import current_calendar
from requests_app.models import Application
from tests import files
from tests.factories import make_organ, make_staff, make_superuser
from tests.requests_app.factories import application_data, make_application, person
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/applications/"
PDF = files.pdf()
PNG = files.png()
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _today() -> object:
    """Thursday 2026-11-26, 10:00 in Beijing (a working day)."""
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def organ():
    return make_organ("测试市人民政府")


def body(organ, **overrides) -> dict:
    return {"organ": organ.code, **application_data(**overrides)}


# --- Submission ---------------------------------------------------------------------------


class TestSubmit:
    def test_anonymous_json_submission_is_received_online(self, api, organ):
        response = api.post(URL, body(organ), format="json")
        assert response.status_code == 201, response.json()
        data = response.json()
        assert {"id", "tracking_code", "status", "received_on", "due_on"} <= set(data)
        assert data["status"] == "received"
        assert data["channel"] == "online"
        assert data["received_on"] == "2026-11-26"
        # 20 working days after Thursday 2026-11-26: 2026-12-24.
        assert data["due_on"] == "2026-12-24"
        assert data["submitted_at"].endswith("+08:00")
        assert Application.objects.get(pk=data["id"]).tracking_code == data["tracking_code"]

    def test_multipart_submission_with_applicant_as_json_string_and_attachments(self, api, organ):
        payload = body(organ)
        payload["applicant"] = json.dumps(payload["applicant"], ensure_ascii=False)
        payload["attachments"] = [
            SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf"),
            SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
        ]
        response = api.post(URL, payload, format="multipart")
        assert response.status_code == 201, response.json()
        app = Application.objects.get(pk=response.json()["id"])
        assert app.name == "张三丰"
        assert sorted(a.name for a in app.attachments.all()) == ["照片.png", "身份证.pdf"]

    def test_disguised_attachment_is_a_400(self, api, organ):
        payload = body(organ)
        payload["applicant"] = json.dumps(payload["applicant"])
        payload["attachments"] = [SimpleUploadedFile("scan.pdf", EXE)]
        response = api.post(URL, payload, format="multipart")
        assert response.status_code == 400
        assert "attachments" in response.json()
        assert Application.objects.count() == 0

    def test_oversized_attachment_is_a_413(self, api, organ, settings):
        settings.ATTACHMENT_MAX_BYTES = 16
        payload = body(organ)
        payload["applicant"] = json.dumps(payload["applicant"])
        payload["attachments"] = [SimpleUploadedFile("big.pdf", PDF)]
        response = api.post(URL, payload, format="multipart")
        assert response.status_code == 413
        assert "attachments" in response.json()

    def test_applicant_errors_are_nested_by_field(self, api, organ):
        applicant = person(name="", phone="", email="", address="")
        response = api.post(
            URL, body(organ, applicant=applicant, delivery_method="pickup"), format="json"
        )
        assert response.status_code == 400
        errors = response.json()
        assert errors["applicant"]["name"] == ["请填写姓名。"]
        assert "phone" in errors["applicant"]

    def test_malformed_applicant_json_is_a_400(self, api, organ):
        payload = body(organ)
        payload["applicant"] = "{not json"
        response = api.post(URL, payload, format="multipart")
        assert response.status_code == 400
        assert "applicant" in response.json()

    def test_unknown_organ_is_a_400_naming_the_field(self, api, organ):
        payload = body(organ)
        payload["organ"] = "NOPE"
        response = api.post(URL, payload, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["organ"]

    def test_anonymous_channel_and_receipt_date_are_ignored(self, api, organ):
        payload = body(organ, channel="letter", received_on="2026-11-02")
        response = api.post(URL, payload, format="json")
        assert response.status_code == 201
        assert (response.json()["channel"], response.json()["received_on"]) == (
            "online",
            "2026-11-26",
        )

    def test_staff_registers_a_letter_with_its_receipt_date(self, api, organ):
        clerk = make_staff(organ, ["handler"])
        api.force_authenticate(clerk)
        payload = body(organ, channel="letter", received_on="2026-11-02")
        response = api.post(URL, payload, format="json")
        assert response.status_code == 201
        data = response.json()
        assert (data["channel"], data["received_on"], data["due_on"]) == (
            "letter",
            "2026-11-02",
            "2026-11-30",
        )

    def test_staff_receipt_date_in_the_future_is_a_400(self, api, organ):
        api.force_authenticate(make_staff(organ, ["handler"]))
        response = api.post(
            URL, body(organ, channel="letter", received_on="2026-11-27"), format="json"
        )
        assert response.status_code == 400
        assert "received_on" in response.json()

    def test_receipt_mail_is_queued_and_sent_by_the_worker(self, api, organ):
        response = api.post(URL, body(organ), format="json")
        assert response.status_code == 201
        assert mail.outbox == []
        run_queued_tasks()
        (message,) = mail.outbox
        assert message.to == ["zhangsan@example.cn"]
        assert "2026年12月24日" in message.body


class TestThrottling:
    def rates(self, settings, **rates):
        config = dict(settings.REST_FRAMEWORK)
        config["DEFAULT_THROTTLE_RATES"] = {**config["DEFAULT_THROTTLE_RATES"], **rates}
        settings.REST_FRAMEWORK = config

    def test_per_ip_limit_answers_429_in_chinese(self, api, organ, settings):
        self.rates(settings, apply_ip="2/hour", apply_contact="100/hour")
        for i in range(2):
            applicant = person(phone=f"1380000000{i}", email=f"a{i}@example.cn")
            assert api.post(URL, body(organ, applicant=applicant), format="json").status_code == 201
        response = api.post(URL, body(organ, applicant=person(phone="13900000000")), format="json")
        assert response.status_code == 429
        assert "频繁" in response.json()["detail"]

    def test_per_contact_limit_counts_accepted_applications_only(self, api, organ, settings):
        self.rates(settings, apply_ip="100/hour", apply_contact="1/hour")
        same_phone = person(phone="138 0000 1111", email="one@example.cn")
        # A rejected attempt does not use up the applicant's budget.
        rejected = api.post(URL, body(organ, applicant=same_phone, description=""), format="json")
        assert rejected.status_code == 400
        assert api.post(URL, body(organ, applicant=same_phone), format="json").status_code == 201
        again = person(phone="13800001111", email="two@example.cn", id_number=person()["id_number"])
        assert api.post(URL, body(organ, applicant=again), format="json").status_code == 429
        other = person(phone="13700002222", email="three@example.cn")
        assert api.post(URL, body(organ, applicant=other), format="json").status_code == 201

    def test_staff_registering_letters_are_not_throttled(self, api, organ, settings):
        self.rates(settings, apply_ip="1/hour", apply_contact="1/hour")
        api.force_authenticate(make_staff(organ, ["handler"]))
        for _ in range(3):
            assert api.post(URL, body(organ), format="json").status_code == 201


# --- Public tracking ----------------------------------------------------------------------


class TestTrack:
    def test_tracking_shows_status_and_masked_name_only(self, api, organ):
        handler = make_staff(organ, ["handler"])
        applicant = person(
            name="张三", id_number="11010519491231002X", phone="13912345678", email="zs@example.cn"
        )
        app = make_application(organ, received_on=D(2026, 11, 2), applicant=applicant)
        services.application_request_correction(
            actor=handler, application=app, date=D(2026, 11, 3), note="内部备注：疑似与前案重复"
        )
        response = api.get(f"{URL}track/{app.tracking_code}/")
        assert response.status_code == 200
        data = response.json()
        assert data["applicant_name"] == "张*"
        assert data["status"] == "awaiting_correction"
        assert data["status_display"] == "待补正"
        assert [e["type"] for e in data["events"]] == ["received", "request-correction"]
        assert all(set(e) >= {"type", "date", "note"} for e in data["events"])
        text = response.content.decode()
        for secret in (
            "11010519491231002X",
            "13912345678",
            "zs@example.cn",
            "张三",
            "文三路",
            "内部备注",
        ):
            assert secret not in text

    @pytest.mark.parametrize("transform", [str.lower, lambda c: f"{c[:4]}-{c[4:8]} {c[8:]}"])
    def test_code_is_case_insensitive_and_tolerates_separators(self, api, organ, transform):
        app = make_application(organ)
        response = api.get(f"{URL}track/{transform(app.tracking_code)}/")
        assert response.status_code == 200
        assert response.json()["tracking_code"] == app.tracking_code

    @pytest.mark.parametrize("code", ["ABCDEFGHJKMN", "xyz", "0000000000000"])
    def test_unknown_code_is_a_404(self, api, organ, code):
        make_application(organ)
        assert api.get(f"{URL}track/{code}/").status_code == 404

    def test_answer_is_shown_without_the_letter_text(self, api, organ):
        handler = make_staff(organ, ["handler"])
        app = make_application(organ, received_on=D(2026, 11, 2))
        services.application_answer(
            actor=handler,
            application=app,
            date=D(2026, 11, 20),
            outcome="unavailable_not_held",
            reply="经检索，张三先生所申请信息不存在。",
        )
        data = api.get(f"{URL}track/{app.tracking_code}/").json()
        assert data["answered_on"] == "2026-11-20"
        assert data["outcome_display"] == "本机关不掌握相关政府信息"
        assert data["answer"]["outcome"] == "unavailable_not_held"
        assert "张三" not in json.dumps(data, ensure_ascii=False)


# --- Staff list and detail ----------------------------------------------------------------


@pytest.fixture
def tree():
    """A government with one department, and an unrelated organ."""
    gov = make_organ("测试市人民政府")
    dept = make_organ("测试市教育局", parent=gov)
    other = make_organ("邻市人民政府")
    return gov, dept, other


class TestList:
    def test_anonymous_is_401_and_citizen_403(self, api, organ):
        assert api.get(URL).status_code == 401
        citizen = get_user_model().objects.create_user(username="citizen", password="x-secret-123")
        api.force_authenticate(citizen)
        assert api.get(URL).status_code == 403

    def test_staff_see_their_organ_and_its_subordinates_only(self, api, tree):
        gov, dept, other = tree
        mine = make_application(gov, received_on=D(2026, 11, 2))
        child = make_application(dept, received_on=D(2026, 11, 3))
        make_application(other, received_on=D(2026, 11, 4))
        api.force_authenticate(make_staff(gov, ["handler"]))
        data = api.get(URL).json()
        assert data["count"] == 2
        assert {row["id"] for row in data["results"]} == {mine.pk, child.pk}
        api.force_authenticate(make_staff(dept, ["handler"]))
        assert [row["id"] for row in api.get(URL).json()["results"]] == [child.pk]

    def test_superuser_sees_everything(self, api, tree):
        for organ in tree:
            make_application(organ)
        api.force_authenticate(make_superuser())
        assert api.get(URL).json()["count"] == 3

    def test_filters(self, api, tree):
        gov, dept, _other = tree
        handler = make_staff(gov, ["handler"])
        early = make_application(gov, received_on=D(2026, 9, 18))  # due 2026-10-22: overdue
        late = make_application(dept, received_on=D(2026, 11, 20))  # due 2026-12-18
        answered = make_application(gov, received_on=D(2026, 9, 21))
        services.application_answer(
            actor=handler,
            application=answered,
            date=D(2026, 10, 9),
            outcome="disclosed",
            reply="予以公开",
        )
        api.force_authenticate(handler)

        def ids(**params) -> set[int]:
            response = api.get(URL, params)
            assert response.status_code == 200, response.json()
            return {row["id"] for row in response.json()["results"]}

        assert ids(status="answered") == {answered.pk}
        assert ids(overdue="true") == {early.pk}
        assert ids(overdue="false") == {late.pk, answered.pk}
        assert ids(due_before="2026-10-31") == {early.pk, answered.pk}
        assert ids(organ=dept.code) == {late.pk}
        assert ids(organ=gov.code) == {early.pk, late.pk, answered.pk}
        assert ids(received_after="2026-09-19", received_before="2026-09-30") == {answered.pk}
        assert ids(organ="UNKNOWN") == set()
        assert api.get(URL, {"due_before": "yesterday"}).status_code == 400
        assert api.get(URL, {"status": "lost"}).status_code == 400

    def test_rows_show_overdue_and_are_ordered_by_due_date(self, api, organ):
        late = make_application(organ, received_on=D(2026, 11, 20))
        early = make_application(organ, received_on=D(2026, 9, 18))
        api.force_authenticate(make_staff(organ, ["handler"]))
        rows = api.get(URL).json()["results"]
        assert [r["id"] for r in rows] == [early.pk, late.pk]
        assert [r["is_overdue"] for r in rows] == [True, False]
        assert rows[0]["applicant_name"] == "张三丰"

    def test_pagination(self, api, organ):
        for day in range(2, 7):
            make_application(organ, received_on=D(2026, 11, day))
        api.force_authenticate(make_staff(organ, ["handler"]))
        data = api.get(URL, {"page_size": 2, "page": 2}).json()
        assert data["count"] == 5
        assert len(data["results"]) == 2
        assert data["next"] and data["previous"]

    def test_query_count_does_not_grow_with_the_page(self, api, organ, django_assert_num_queries):
        handler = make_staff(organ, ["handler"])
        api.force_authenticate(handler)
        make_application(organ, received_on=D(2026, 11, 2))
        current_calendar()  # warm the cached calendar, as in a running server
        assert api.get(URL).status_code == 200  # warms the organ tree and the profile
        # 1. the version stamps (organ tree and calendar still cached); 2. COUNT(*) for the
        # paginator; 3. the page joined with organ and assignee.
        with django_assert_num_queries(3):
            assert api.get(URL).json()["count"] == 1
        for day in range(3, 20):
            make_application(organ, received_on=D(2026, 11, day))
        with django_assert_num_queries(3):
            assert api.get(URL).json()["count"] == 18


class TestDetail:
    def test_full_detail_for_staff_of_the_organ(self, api, organ):
        handler = make_staff(organ, ["handler"])
        app = make_application(organ, received_on=D(2026, 9, 18))
        services.application_start_consultation(
            actor=handler, application=app, date=D(2026, 9, 21), party="某公司"
        )
        services.application_end_consultation(actor=handler, application=app, date=D(2026, 9, 30))
        api.force_authenticate(handler)
        data = api.get(f"{URL}{app.pk}/").json()
        assert data["applicant"]["name"] == "张三丰"
        assert data["applicant"]["id_number"] == app.id_number
        assert (data["received_on"], data["first_received_on"]) == ("2026-09-18", "2026-09-18")
        assert (data["due_on"], data["due_covered"], data["paused_workdays"]) == (
            "2026-10-30",
            True,
            6,
        )
        assert data["extension_workdays"] == 0
        assert data["is_overdue"] is True
        assert data["derivation"]["due_on"] == "2026-10-30"
        assert data["derivation"]["paused_workdays"] == 6
        assert any("条例第三十三条第三款" in step for step in data["derivation"]["steps"])
        assert data["fee"] is None
        assert data["outcome"] == "" and data["status_display"] == "办理中"
        assert [e["type"] for e in data["events"]] == [
            "received",
            "start-consultation",
            "end-consultation",
        ]
        assert {a["action"] for a in data["allowed_actions"]} >= {"answer", "extend", "withdraw"}

    def test_other_organs_staff_get_404_and_anonymous_401(self, api, tree):
        gov, dept, other = tree
        app = make_application(dept)
        assert api.get(f"{URL}{app.pk}/").status_code == 401
        api.force_authenticate(make_staff(other, ["handler", "approver"]))
        assert api.get(f"{URL}{app.pk}/").status_code == 404
        api.force_authenticate(make_staff(gov, ["handler"]))
        assert api.get(f"{URL}{app.pk}/").status_code == 200

    def test_missing_application_is_404(self, api):
        api.force_authenticate(make_superuser())
        assert api.get(f"{URL}999999/").status_code == 404
