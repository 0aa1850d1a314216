"""The services of 依申请公开: submission, every workflow step, the deadline fold, mail, the
calendar and its recomputation. Dates are real 2026 dates, checked by hand against the State
Council's 2026 holiday notice (regulation.md §5.3, §6.5)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from disclosure_portal.mail import mails_for
from disclosure_portal.models import OutboxMail
from requests_app import notifications, services
from requests_app.models import (
    Appeal,
    Application,
    ApplicationAttachment,
    Event,
    Outcome,
    Status,
)
from requests_app.tracking import (
    ALPHABET,
    display_tracking_code,
    new_tracking_code,
    normalize_tracking_code,
)
from tests import files
from tests.factories import make_item, make_organ, make_staff, make_superuser
from tests.requests_app.factories import application_data, make_application, person
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = files.pdf()
PNG = files.png()
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _today() -> object:
    """Thursday 2026-11-26, 10:00 in Beijing: every date used below lies before it."""
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def organ():
    return make_organ("杭州市测试局")


@pytest.fixture
def handler(organ):
    return make_staff(organ, ["handler"])


@pytest.fixture
def approver(organ):
    return make_staff(organ, ["approver"], username="chief")


def act(action: str, app: Application, actor, **params) -> Application:
    return services.perform_action(action, actor=actor, application=app, **params)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- Tracking codes ----------------------------------------------------------------------


class TestTrackingCode:
    def test_code_is_long_random_and_from_the_unambiguous_alphabet(self):
        codes = {new_tracking_code() for _ in range(200)}
        assert len(codes) == 200
        for code in codes:
            assert len(code) >= 10
            assert set(code) <= set(ALPHABET)
            assert not set(code) & set("01ILO")

    @pytest.mark.parametrize(
        "typed", ["abcd-efgh-jkmn", " ABCD EFGH JKMN ", "abcdefghjkmn", "ABCD—EFGH_JKMN"]
    )
    def test_typed_codes_normalize_to_the_stored_form(self, typed):
        assert normalize_tracking_code(typed) == "ABCDEFGHJKMN"

    def test_display_groups_by_four(self):
        assert display_tracking_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"

    def test_submitted_application_gets_an_upper_case_code(self, organ):
        app = make_application(organ)
        assert re.fullmatch(f"[{ALPHABET}]{{12}}", app.tracking_code)


# --- Submission ---------------------------------------------------------------------------


class TestSubmitReceiptDate:
    """条例第三十一条 and domain.md: online → the submission day if a working day, else the
    next working day, in Beijing time."""

    @pytest.mark.parametrize(
        ("submitted", "received"),
        [
            # Friday, a working day: the same day.
            (dt.datetime(2026, 9, 18, 9, 0, tzinfo=SHANGHAI), D(2026, 9, 18)),
            # Friday 23:30 in Beijing is still Friday although it is 15:30 UTC.
            (dt.datetime(2026, 9, 18, 15, 30, tzinfo=dt.UTC), D(2026, 9, 18)),
            # Friday 16:30 UTC = Saturday 00:30 in Beijing, a day off; Sunday 09-20 is an
            # adjusted working day (调休上班).
            (dt.datetime(2026, 9, 18, 16, 30, tzinfo=dt.UTC), D(2026, 9, 20)),
            # 国庆 2026-10-01…07: the next working day is Thursday 10-08.
            (dt.datetime(2026, 10, 1, 12, 0, tzinfo=SHANGHAI), D(2026, 10, 8)),
            # Saturday 2026-10-10 is an adjusted working day itself.
            (dt.datetime(2026, 10, 10, 12, 0, tzinfo=SHANGHAI), D(2026, 10, 10)),
        ],
    )
    def test_online_receipt_date(self, organ, submitted, received):
        app = make_application(organ, now=submitted)
        assert app.channel == "online"
        assert app.received_on == received
        assert app.first_received_on == received
        assert app.submitted_at == submitted

    def test_receipt_starts_the_clock_with_the_statutory_twenty_days(self, organ):
        # regulation.md §6.5: 2026-09-18 + 20 working days = 2026-10-22 (counts Sun 09-20 and
        # Sat 10-10, skips 中秋 and 国庆).
        app = make_application(organ, received_on=D(2026, 9, 18))
        assert app.due_on == D(2026, 10, 22)
        assert app.due_covered is True
        assert app.status == Status.RECEIVED
        event = app.events.get()
        assert (event.type, event.date) == ("received", D(2026, 9, 18))

    def test_anonymous_caller_cannot_choose_channel_or_receipt_date(self, organ):
        app = services.application_submit(
            actor=None,
            organ=organ,
            data=application_data(),
            channel="letter",
            received_on=D(2026, 1, 5),
        )
        assert app.channel == "online"
        assert app.received_on == D(2026, 11, 26)

    def test_staff_registers_a_letter_with_its_receipt_date(self, organ, handler):
        app = services.application_submit(
            actor=handler,
            organ=organ,
            data=application_data(),
            channel="letter",
            received_on=D(2026, 11, 20),
        )
        assert (app.channel, app.received_on, app.created_by) == (
            "letter",
            D(2026, 11, 20),
            handler,
        )

    def test_staff_cannot_register_a_receipt_date_in_the_future(self, organ, handler):
        with pytest.raises(ValidationError) as exc:
            services.application_submit(
                actor=handler,
                organ=organ,
                data=application_data(),
                channel="letter",
                received_on=D(2026, 11, 27),
            )
        assert "received_on" in errors_of(exc)

    def test_staff_of_another_organ_applies_like_a_citizen(self, organ):
        outsider = make_staff(make_organ("其他局"), ["handler"])
        app = services.application_submit(
            actor=outsider,
            organ=organ,
            data=application_data(),
            channel="letter",
            received_on=D(2026, 11, 2),
        )
        assert (app.channel, app.received_on) == ("online", D(2026, 11, 26))


class TestSubmitValidation:
    def submit(self, organ, **data):
        return services.application_submit(actor=None, organ=organ, data=application_data(**data))

    def test_person_needs_name_identity_and_one_contact_means(self, organ):
        applicant = {"name": "", "id_type": "", "id_number": "", "postal_code": "31001"}
        with pytest.raises(ValidationError) as exc:
            self.submit(organ, applicant=applicant, delivery_method="pickup")
        errors = errors_of(exc)
        assert set(errors) == {
            "applicant.name",
            "applicant.id_type",
            "applicant.id_number",
            "applicant.phone",
            "applicant.postal_code",
        }
        assert Application.objects.count() == 0

    def test_resident_id_check_digit_is_verified(self, organ):
        with pytest.raises(ValidationError) as exc:
            self.submit(organ, applicant=person(id_number="110105194912310021"))
        assert errors_of(exc) == {"applicant.id_number": ["居民身份证号码校验位错误。"]}

    def test_organisation_needs_the_fields_of_the_national_form(self, organ):
        applicant = {"organization": "某某律师事务所", "credit_code": "91330100MA2XXXXX0X"}
        with pytest.raises(ValidationError) as exc:
            self.submit(
                organ,
                applicant_type="legal_services",
                applicant=applicant,
                delivery_method="pickup",
            )
        errors = errors_of(exc)
        assert set(errors) == {
            "applicant.credit_code",
            "applicant.legal_representative",
            "applicant.contact_name",
            "applicant.phone",
        }

    def test_organisation_with_valid_credit_code_is_accepted_and_person_fields_dropped(self, organ):
        from tests.factories import credit_code

        applicant = {
            "organization": "某某律师事务所",
            "credit_code": credit_code().lower(),
            "legal_representative": "李四",
            "contact_name": "王五",
            "email": "Office@Example.cn",
            "name": "不应保存",
        }
        app = self.submit(organ, applicant_type="legal_services", applicant=applicant)
        assert app.credit_code == applicant["credit_code"].upper()
        assert app.email == "office@example.cn"
        assert app.name == ""
        assert app.masked_name == "某某***"

    def test_description_is_required_and_bounded(self, organ):
        with pytest.raises(ValidationError) as exc:
            self.submit(organ, description="  ")
        assert "description" in errors_of(exc)
        with pytest.raises(ValidationError) as exc:
            self.submit(organ, description="信" * 5001)
        assert errors_of(exc)["description"] == ["不能超过5000个字符。"]

    def test_delivery_choices_and_their_contact_detail(self, organ):
        with pytest.raises(ValidationError) as exc:
            self.submit(organ, delivery_form="fax", delivery_method="carrier-pigeon")
        assert {"delivery_form", "delivery_method"} <= set(errors_of(exc))
        with pytest.raises(ValidationError) as exc:
            self.submit(organ, applicant=person(email=""), delivery_method="email")
        assert "applicant.email" in errors_of(exc)


class TestSubmitAttachments:
    def upload(self, name: str, content: bytes, kind: str = "application/pdf"):
        return SimpleUploadedFile(name, content, content_type=kind)

    def test_valid_scans_are_stored_under_a_random_name(self, organ):
        app = make_application(
            organ,
            attachments=[
                self.upload("身份证.pdf", PDF),
                self.upload("照片.png", PNG, "image/png"),
            ],
        )
        stored = list(app.attachments.order_by("id"))
        assert [a.name for a in stored] == ["身份证.pdf", "照片.png"]
        assert [a.content_type for a in stored] == ["application/pdf", "image/png"]
        assert "身份证" not in stored[0].file.name
        assert stored[0].file.name.endswith(".pdf")

    def test_disguised_executable_is_refused_and_nothing_is_saved(self, organ):
        with pytest.raises(ValidationError) as exc:
            make_application(organ, attachments=[self.upload("scan.pdf", EXE)])
        assert "attachments" in errors_of(exc)
        assert Application.objects.count() == 0
        assert ApplicationAttachment.objects.count() == 0

    def test_more_than_five_files_are_refused(self, organ):
        uploads = [self.upload(f"{i}.pdf", PDF) for i in range(6)]
        with pytest.raises(ValidationError) as exc:
            make_application(organ, attachments=uploads)
        assert errors_of(exc)["attachments"] == ["附件最多5个。"]

    def test_oversized_file_is_refused_with_code_too_large(self, organ, settings):
        settings.ATTACHMENT_MAX_BYTES = 10
        with pytest.raises(ValidationError) as exc:
            make_application(organ, attachments=[self.upload("big.pdf", PDF)])
        assert exc.value.error_dict["attachments"][0].code == "too_large"


# --- The workflow and the deadline fold ---------------------------------------------------


@pytest.fixture
def app(organ):
    """Received Friday 2026-09-18; due 2026-10-22."""
    return make_application(organ, received_on=D(2026, 9, 18))


class TestConsultationPause:
    def test_consultation_days_do_not_count(self, app, handler):
        act("start-consultation", app, handler, date=D(2026, 9, 21), party="第三方某公司")
        app = act("end-consultation", app, handler, date=D(2026, 9, 30))
        # Paused: working days d with 09-21 < d <= 09-30 = 22, 23, 24, 28, 29, 30 (09-25…27
        # are 中秋) → 6; 26 working days after 09-18 = 2026-10-30.
        assert app.paused_workdays == 6
        assert app.due_on == D(2026, 10, 30)
        derivation = services.deadline_of(app)
        assert derivation.paused_workdays == 6
        assert [p.kind for p in derivation.pauses] == ["consultation"]

    def test_running_consultation_shows_the_date_as_if_it_ended_today(self, app, handler):
        app = act(
            "start-consultation",
            app,
            handler,
            date=D(2026, 9, 21),
            party="市规划局",
            electronic=True,
        )
        assert app.status == Status.CONSULTING
        live = services.deadline_of(app, today=D(2026, 9, 30))
        assert (live.paused_workdays, live.due_on) == (6, D(2026, 10, 30))
        assert live.pauses[0].ongoing is True
        event = app.events.get(type="start-consultation")
        # 条例第三十二条: the third party replies within 15 working days of receiving the
        # request; sent electronically, it was received the same day.
        assert event.data["delivered_on"] == "2026-09-21"
        assert event.data["reply_due_on"] == "2026-10-19"
        assert app.consultation_reply_due_on == D(2026, 10, 19)

    def test_consultation_needs_a_party(self, app, handler):
        with pytest.raises(ValidationError) as exc:
            act("start-consultation", app, handler, party=" ")
        assert "party" in errors_of(exc)


class TestCorrection:
    def test_correction_stops_the_clock_and_restarts_it_on_receipt(self, app, handler):
        app = act("request-correction", app, handler, date=D(2026, 9, 21), note="请写明文号")
        assert app.status == Status.AWAITING_CORRECTION
        assert app.due_on is None
        assert services.deadline_of(app) is None
        # Default period: 15 working days after the notice: 09-22…24, 28…30, 10-08, 09,
        # Sat 10-10 (调休上班), 12…16, 19 (中秋 and 国庆 skipped).
        assert app.correction_due_on == D(2026, 10, 19)
        assert app.correction_late is False

        app = act("receive-correction", app, handler, date=D(2026, 10, 9))
        # 条例第三十条: the period runs from the corrected application's arrival.
        assert app.received_on == D(2026, 10, 9)
        assert app.first_received_on == D(2026, 9, 18)
        assert app.due_on == D(2026, 11, 5)

    @pytest.mark.parametrize(
        ("requested", "late"), [(D(2026, 9, 29), False), (D(2026, 9, 30), True)]
    )
    def test_request_after_seven_working_days_is_flagged_late(self, app, handler, requested, late):
        # 7 working days after 09-18: 09-20, 21, 22, 23, 24, 28, 29.
        app = act("request-correction", app, handler, date=requested)
        assert app.correction_late is late

    def test_correction_may_be_requested_only_once(self, app, handler):
        act("request-correction", app, handler, date=D(2026, 9, 21))
        act("receive-correction", app, handler, date=D(2026, 9, 25))
        with pytest.raises(services.WorkflowConflict):
            act("request-correction", app, handler, date=D(2026, 9, 28))

    def test_explicit_correction_period_must_end_after_the_notice(self, app, handler):
        with pytest.raises(ValidationError) as exc:
            act(
                "request-correction",
                app,
                handler,
                date=D(2026, 9, 21),
                correction_due_on=D(2026, 9, 21),
            )
        assert "correction_due_on" in errors_of(exc)

    def test_lapse_only_after_the_correction_period(self, app, handler):
        act(
            "request-correction",
            app,
            handler,
            date=D(2026, 9, 21),
            correction_due_on=D(2026, 10, 9),
        )
        with pytest.raises(ValidationError) as exc:
            act("lapse-correction", app, handler, date=D(2026, 10, 9))
        assert "date" in errors_of(exc)
        app = act("lapse-correction", app, handler, date=D(2026, 10, 12))
        assert (app.status, app.outcome, app.closed_on) == (
            Status.CLOSED,
            Outcome.OTHER_CORRECTION_LAPSED,
            D(2026, 10, 12),
        )
        assert app.due_on is None


class TestExtension:
    def test_extension_adds_working_days(self, app, approver):
        app = act(
            "extend",
            app,
            approver,
            date=D(2026, 10, 20),
            workdays=10,
            reason="需调取档案",
        )
        # 30 working days after 09-18: 10-22 is the 20th, then 10-23, 26…30, 11-02…05.
        assert (app.extension_workdays, app.due_on) == (10, D(2026, 11, 5))
        event = app.events.get(type="extend")
        assert event.data["due_before"] == "2026-10-22"

    def test_extension_beyond_twenty_workdays_in_total_is_rejected(self, app, approver):
        act(
            "extend",
            app,
            approver,
            date=D(2026, 10, 1),
            workdays=10,
            reason="档案较多",
        )
        with pytest.raises(ValidationError) as exc:
            act(
                "extend",
                app,
                approver,
                date=D(2026, 10, 8),
                workdays=11,
                reason="仍需时间",
            )
        assert "workdays" in errors_of(exc)
        app.refresh_from_db()
        assert app.extension_workdays == 10

    def test_extension_after_the_deadline_is_rejected(self, app, approver):
        # Due 2026-10-22: a lapsed period cannot be extended.
        with pytest.raises(ValidationError) as exc:
            act(
                "extend",
                app,
                approver,
                date=D(2026, 10, 23),
                workdays=5,
                reason="迟到",
            )
        assert errors_of(exc)["date"] == [
            "答复期限已于2026年10月22日届满，不能再“延长答复期限”：期限届满后不得中止、"
            "重新计算或延长答复期限（条例第三十三条）。"
        ]

    def test_extension_decided_on_the_last_day_is_allowed(self, app, approver):
        app = act(
            "extend",
            app,
            approver,
            date=D(2026, 10, 22),
            workdays=1,
            reason="需要复核",
        )
        assert app.due_on == D(2026, 10, 23)

    def test_only_an_approver_may_extend(self, app, handler):
        # 条例第三十三条第二款: the 负责人's consent; a handler cannot give it in his name.
        with pytest.raises(PermissionDenied):
            act("extend", app, handler, date=D(2026, 10, 9), workdays=5, reason="档案较多")
        assert not app.events.filter(type="extend").exists()

    def test_the_approval_is_recorded_under_the_callers_name(self, app, approver):
        # A name sent along (the old ``approved_by``) is not a parameter of the service.
        with pytest.raises(TypeError):
            act("extend", app, approver, workdays=5, reason="甲", approved_by="王主任")
        app = act("extend", app, approver, date=D(2026, 10, 9), workdays=5, reason="档案较多")
        event = app.events.get(type="extend")
        assert (event.data["approved_by"], event.actor) == (approver.username, approver)

    def test_stale_copy_cannot_extend_twice_past_the_limit(self, app, approver):
        copy = Application.objects.get(pk=app.pk)
        act(
            "extend",
            app,
            approver,
            date=D(2026, 10, 9),
            workdays=15,
            reason="甲",
        )
        with pytest.raises(services.WorkflowConflict):
            act(
                "extend",
                copy,
                approver,
                date=D(2026, 10, 9),
                workdays=5,
                reason="乙",
            )


class TestFees:
    def test_per_page_fee_is_computed_marginally(self, app, handler):
        app = act(
            "issue-fee-notice", app, handler, date=D(2026, 9, 18), basis="per_page", quantity=150
        )
        # 国办函〔2020〕109号第五条: 70 × 10 + 50 × 20 = 1700.
        assert app.fee_amount == Decimal("1700.00")
        assert app.status == Status.AWAITING_FEE
        # Paid within 20 working days from the day after the notice: 2026-10-22.
        assert app.fee_payment_due_on == D(2026, 10, 22)

    def test_fee_period_pauses_the_clock(self, app, handler):
        act("issue-fee-notice", app, handler, date=D(2026, 9, 21), basis="per_page", quantity=40)
        app = act("confirm-fee-paid", app, handler, date=D(2026, 9, 30))
        assert (app.fee_paid_on, app.paused_workdays, app.due_on) == (
            D(2026, 9, 30),
            6,
            D(2026, 10, 30),
        )

    def test_organ_may_keep_the_clock_running_during_the_fee_period(self, app, organ, handler):
        organ.fee_pauses_clock = False
        organ.save()
        app.refresh_from_db()
        act("issue-fee-notice", app, handler, date=D(2026, 9, 21), basis="per_page", quantity=40)
        app = act("confirm-fee-paid", app, handler, date=D(2026, 9, 30))
        assert (app.paused_workdays, app.due_on) == (0, D(2026, 10, 22))

    @pytest.mark.parametrize(
        ("basis", "quantity", "field"),
        [
            ("per_page", 30, "quantity"),
            ("per_page", -1, "quantity"),
            ("per_page", None, "quantity"),
            ("monthly", 5, "basis"),
        ],
    )
    def test_invalid_or_free_fee_notice_is_rejected(self, app, handler, basis, quantity, field):
        with pytest.raises(ValidationError) as exc:
            act("issue-fee-notice", app, handler, basis=basis, quantity=quantity)
        assert field in errors_of(exc)
        app.refresh_from_db()
        assert app.status == Status.RECEIVED

    def test_per_item_counts_the_applicants_applications_this_month(self, organ, handler):
        applicant = person(id_number="11010519491231002X")
        apps = [
            make_application(organ, received_on=D(2026, 9, 1 + i), applicant=applicant)
            for i in range(11)
        ]
        make_application(organ, received_on=D(2026, 8, 31), applicant=applicant)  # other month
        eleventh = apps[-1]
        assert services.applicant_month_ordinal(eleventh) == 11
        eleventh = act("issue-fee-notice", eleventh, handler, date=D(2026, 9, 11), basis="per_item")
        # 第四条（二）: the 11th–30th application in a month cost 100元 each.
        assert (eleventh.fee_quantity, eleventh.fee_amount) == (11, Decimal("100.00"))

    def test_staff_may_state_the_amount(self, app, handler):
        app = act(
            "issue-fee-notice",
            app,
            handler,
            date=D(2026, 9, 21),
            basis="per_page",
            quantity=150,
            amount="1500",
        )
        assert app.fee_amount == Decimal("1500.00")

    def test_lapse_only_after_the_payment_period(self, app, handler):
        act("issue-fee-notice", app, handler, date=D(2026, 9, 18), basis="per_page", quantity=150)
        with pytest.raises(ValidationError):
            act("lapse-fee", app, handler, date=D(2026, 10, 22))
        app = act("lapse-fee", app, handler, date=D(2026, 10, 23))
        assert (app.status, app.outcome, app.closed_on) == (
            Status.CLOSED,
            Outcome.OTHER_FEE_UNPAID,
            D(2026, 10, 23),
        )


class TestAnswerAndWithdraw:
    def test_answer_closes_with_one_outcome(self, app, handler):
        app = act(
            "answer",
            app,
            handler,
            date=D(2026, 10, 20),
            outcome="partially_disclosed",
            reply="部分公开，见附件。",
        )
        assert (app.status, app.outcome, app.closed_on) == (
            Status.ANSWERED,
            Outcome.PARTIALLY_DISCLOSED,
            D(2026, 10, 20),
        )
        assert app.due_on == D(2026, 10, 22)

    @pytest.mark.parametrize(
        "outcome", ["other_correction_lapsed", "other_fee_unpaid", "bogus", ""]
    )
    def test_answer_refuses_outcomes_that_are_not_answers(self, app, handler, outcome):
        with pytest.raises(ValidationError) as exc:
            act("answer", app, handler, outcome=outcome, reply="答复")
        assert "outcome" in errors_of(exc)

    def test_answer_links_only_a_published_item_and_counts_as_disclosed(self, app, organ, handler):
        draft = make_item(organ, "草稿文件", publish=False)
        with pytest.raises(ValidationError) as exc:
            act("answer", app, handler, outcome="disclosed", reply="已公开", linked_item=draft.pk)
        assert "linked_item" in errors_of(exc)
        item = make_item(organ, "关于老旧小区改造的通知")
        with pytest.raises(ValidationError) as exc:
            act(
                "answer",
                app,
                handler,
                outcome="withheld_process",
                reply="过程信息",
                linked_item=item.pk,
            )
        assert "outcome" in errors_of(exc)
        app = act(
            "answer",
            app,
            handler,
            date=D(2026, 10, 9),
            outcome="disclosed",
            reply="已主动公开",
            linked_item=item.pk,
        )
        assert app.linked_item == item

    def test_withdraw_during_consultation_closes_the_pause(self, app, handler):
        act("start-consultation", app, handler, date=D(2026, 9, 21), party="某公司")
        app = act("withdraw", app, handler, date=D(2026, 9, 30))
        assert (app.status, app.outcome, app.closed_on) == (
            Status.CLOSED,
            Outcome.OTHER_OTHER,
            D(2026, 9, 30),
        )
        # The pause ended with the withdrawal, not "today".
        assert services.deadline_of(app).paused_workdays == 6


class TestTransitionsAndDates:
    @pytest.mark.parametrize(
        "action",
        [
            "receive-correction",
            "lapse-correction",
            "end-consultation",
            "confirm-fee-paid",
            "lapse-fee",
        ],
    )
    def test_action_not_allowed_in_received_is_a_conflict(self, app, handler, action):
        with pytest.raises(services.WorkflowConflict):
            act(action, app, handler)
        assert Event.objects.filter(application=app).count() == 1

    def test_closed_application_allows_nothing(self, app, handler):
        app = act("withdraw", app, handler, date=D(2026, 9, 21))
        for action in services.ACTION_SERVICES:
            with pytest.raises(services.WorkflowConflict):
                act(action, app, handler)

    def test_stale_status_loses_the_compare_and_swap(self, app, handler):
        copy = Application.objects.get(pk=app.pk)
        act("withdraw", app, handler, date=D(2026, 9, 21))
        with pytest.raises(services.WorkflowConflict):
            act("answer", copy, handler, outcome="disclosed", reply="答复")
        assert Event.objects.filter(application=app, type="answer").count() == 0

    def test_date_cannot_be_in_the_future(self, app, handler):
        with pytest.raises(ValidationError) as exc:
            act("start-consultation", app, handler, date=D(2026, 11, 27), party="某公司")
        assert errors_of(exc) == {"date": ["日期不能晚于今天。"]}

    def test_date_cannot_precede_the_previous_step(self, app, handler):
        act("start-consultation", app, handler, date=D(2026, 9, 24), party="某公司")
        with pytest.raises(ValidationError) as exc:
            act("end-consultation", app, handler, date=D(2026, 9, 23))
        assert "date" in errors_of(exc)

    def test_date_defaults_to_today_in_beijing(self, app, handler):
        app = act("withdraw", app, handler)
        assert app.events.get(type="withdraw").date == D(2026, 11, 26)

    def test_assign_to_a_handler_of_the_organ_only(self, app, organ, handler):
        outsider = make_staff(make_organ("他局"), ["handler"])
        with pytest.raises(ValidationError):
            services.application_assign(actor=handler, application=app, user=outsider)
        app = services.application_assign(actor=handler, application=app, user=handler)
        app.refresh_from_db()
        assert app.assigned_to == handler
        assert app.events.filter(type="assign").count() == 1


# --- Mail ---------------------------------------------------------------------------------


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


class TestMail:
    def test_receipt_is_queued_with_the_application_and_sent_by_the_worker(self, organ):
        app = make_application(organ)
        assert mail.outbox == []
        (queued,) = mails_for(app)
        assert (queued.status, queued.kind, queued.to) == ("queued", "received", [app.email])
        received = app.events.get(type="received")
        assert received.notice == queued

        assert run_queued_tasks() == 1
        (message,) = mail.outbox
        assert message.to == ["zhangsan@example.cn"]
        assert app.tracking_code[:4] in message.subject
        assert "杭州市测试局" in message.body
        assert "&quot;" not in message.body
        assert message.extra_headers["Message-ID"] == queued.message_id
        queued.refresh_from_db()
        assert queued.status == "sent" and queued.sent_at is not None
        assert notifications.notice_sent_times([received]) == {received.pk: queued.sent_at}

    def test_a_rolled_back_step_queues_no_mail(self, organ):
        with pytest.raises(RuntimeError), transaction.atomic():
            make_application(organ)
            raise RuntimeError("the step failed after the mail was queued")
        assert not OutboxMail.objects.exists()
        assert run_queued_tasks() == 0
        assert mail.outbox == []

    def test_no_mail_without_an_email_address(self, organ):
        make_application(organ, applicant=person(email=""), delivery_method="pickup")
        run_queued_tasks()
        assert mail.outbox == []
        assert not OutboxMail.objects.exists()

    def test_failing_mail_server_keeps_the_application_and_the_mail_for_a_retry(
        self, organ, settings, caplog
    ):
        # Django 6.1 configures mail through MAILERS (the test runner sets it to locmem).
        settings.MAILERS = {
            "default": {"BACKEND": "tests.requests_app.test_services.BrokenBackend"}
        }
        app = make_application(organ)
        with caplog.at_level(logging.WARNING):
            run_queued_tasks()
        assert Application.objects.filter(pk=app.pk).exists()
        (queued,) = mails_for(app)
        assert (queued.status, queued.attempts) == ("queued", 1)
        assert "mail server down" in queued.last_error
        assert "发送失败" in caplog.text

    @pytest.mark.parametrize(
        ("action", "params", "expected"),
        [
            ("request-correction", {"note": "请写明文件名称"}, "请写明文件名称"),
            (
                "extend",
                {"workdays": 5, "reason": "需调取档案"},
                "延长5个工作日",
            ),
            ("issue-fee-notice", {"basis": "per_page", "quantity": 150}, "1700.00元"),
            ("answer", {"outcome": "withheld_process", "reply": "属于过程性信息。"}, "应当先"),
            ("answer", {"outcome": "disclosed", "reply": "予以公开。"}, "六个月内"),
        ],
    )
    def test_workflow_mail(self, app, approver, action, params, expected):
        run_queued_tasks()  # the receipt
        mail.outbox.clear()
        act(action, app, approver, date=D(2026, 9, 21), **params)
        assert mail.outbox == []
        run_queued_tasks()
        (message,) = mail.outbox
        assert expected in message.body
        step = app.events.get(type=action)
        assert step.notice is not None and step.notice.status == "sent"

    def test_silent_steps_send_no_mail(self, app, handler):
        run_queued_tasks()  # the receipt
        mail.outbox.clear()
        act("start-consultation", app, handler, date=D(2026, 9, 21), party="某公司")
        run_queued_tasks()
        assert mail.outbox == []
        assert app.events.get(type="start-consultation").notice is None


# --- Calendar and recomputation -----------------------------------------------------------


class TestCalendarAndRecompute:
    def test_override_moves_the_due_date_of_open_applications_only(self, organ, handler):
        open_app = make_application(organ, received_on=D(2026, 9, 18))
        closed = make_application(organ, received_on=D(2026, 9, 18))
        act("withdraw", closed, handler, date=D(2026, 9, 21))
        admin = make_superuser()
        services.calendar_override_set(
            actor=admin, date=D(2026, 10, 12), is_workday=False, note="测试"
        )
        open_app.refresh_from_db()
        closed.refresh_from_db()
        assert open_app.due_on == D(2026, 10, 23)
        assert closed.due_on == D(2026, 10, 22)

    def test_running_pause_is_recomputed_for_a_later_day(self, organ, handler):
        app = make_application(organ, received_on=D(2026, 9, 18))
        act("start-consultation", app, handler, date=D(2026, 9, 21), party="某公司")
        assert services.recompute_due_dates(today=D(2026, 9, 30)) == 1
        app.refresh_from_db()
        assert (app.paused_workdays, app.due_on) == (6, D(2026, 10, 30))
        assert services.recompute_due_dates(today=D(2026, 9, 30)) == 0

    def test_recompute_query_count_does_not_grow_with_applications(self, organ):
        def queries_for_recompute() -> int:
            Application.objects.update(due_on=None)
            with CaptureQueriesContext(connection) as ctx:
                services.recompute_due_dates(batch_size=100)
            return len(ctx.captured_queries)

        for day in (1, 2, 3):
            make_application(organ, received_on=D(2026, 9, day))
        few = queries_for_recompute()
        for day in range(7, 28):
            make_application(organ, received_on=D(2026, 9, day))
        assert queries_for_recompute() == few

    def test_deadline_into_an_uncovered_year_is_flagged_until_completed(self, organ):
        app = make_application(organ, received_on=D(2026, 11, 26))
        # 20 working days after 2026-11-26 end on 2026-12-24: covered.
        assert (app.due_on, app.due_covered) == (D(2026, 12, 24), True)
        late = make_application(organ, received_on=D(2026, 11, 26))
        services.application_extend(
            actor=make_superuser("chief-admin"),
            application=late,
            date=D(2026, 11, 26),
            workdays=20,
            reason="甲",
        )
        late.refresh_from_db()
        assert late.due_covered is False
        admin = make_superuser()
        with pytest.raises(ValidationError):
            services.calendar_year_complete(actor=admin, year=2027)
        services.calendar_override_set(
            actor=admin, date=D(2027, 1, 1), is_workday=False, note="元旦"
        )
        services.calendar_year_complete(actor=admin, year=2027)
        late.refresh_from_db()
        assert late.due_covered is True


class TestAppeals:
    def test_create_and_decide(self, app, handler):
        appeal = services.appeal_create(
            actor=handler,
            application=app,
            kind="review",
            filed_on=D(2026, 10, 30),
            result="pending",
        )
        appeal = services.appeal_update(
            actor=handler, appeal=appeal, result="upheld", decided_on=D(2026, 11, 20)
        )
        assert Appeal.objects.get(pk=appeal.pk).result == "upheld"

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"kind": "petition"}, "kind"),
            ({"filed_on": D(2026, 11, 27)}, "filed_on"),
            ({"filed_on": D(2026, 9, 1)}, "filed_on"),
            ({"decided_on": D(2026, 11, 2)}, "decided_on"),
            ({"result": "upheld", "decided_on": D(2026, 10, 1)}, "decided_on"),
        ],
    )
    def test_invalid_appeal_is_rejected(self, app, handler, fields, field):
        values = {"kind": "review", "filed_on": D(2026, 10, 30), "result": "pending", **fields}
        with pytest.raises(ValidationError) as exc:
            services.appeal_create(actor=handler, application=app, **values)
        assert field in errors_of(exc)
