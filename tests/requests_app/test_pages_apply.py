"""The public application form /apply/ and its receipt page (api.md "Public pages")."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from requests_app.forms import ApplicationForm
from requests_app.models import Application, ApplicationAttachment, Channel, EventType
from requests_app.tracking import display_tracking_code
from tests import files
from tests.factories import credit_code, make_organ
from tests.requests_app.factories import resident_id

pytestmark = pytest.mark.django_db

APPLY = "/apply/"
# A Wednesday and a Saturday of 2026 that are no public holiday.
WORKDAY = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
SATURDAY = dt.datetime(2026, 3, 7, 10, 0, tzinfo=dt.UTC)


class _Controls(HTMLParser):
    """Collects the ids of form controls and the ``for`` of every label."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[str] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "label" and attr.get("for"):
            self.labelled.add(str(attr["for"]))
        if tag in {"input", "select", "textarea"} and attr.get("type") != "hidden":
            self.controls.append(str(attr.get("id") or attr.get("name")))


def controls_of(html: str) -> _Controls:
    parser = _Controls()
    parser.feed(html)
    return parser


@pytest.fixture
def organ() -> Any:
    return make_organ("测试市人民政府")


def person_post(organ: Any, **overrides: Any) -> dict[str, Any]:
    """The form as a natural person fills it in."""
    data: dict[str, Any] = {
        "organ": organ.code,
        "applicant_type": "natural_person",
        "name": "李四光",
        "id_type": "resident_id",
        "id_number": resident_id(),
        "phone": "13900005678",
        "email": "lisi@example.cn",
        "address": "浙江省杭州市上城区解放路1号",
        "postal_code": "310009",
        "description": "请公开本市2025年度城市道路维修工程的招标文件。",
        "delivery_form": "electronic",
        "delivery_method": "email",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def with_rates(settings: Any, **rates: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


class TestFormPage:
    def test_every_field_has_a_label(self, client: Client, organ: Any) -> None:
        html = client.get(APPLY).content.decode()
        parsed = controls_of(html)
        form_controls = [c for c in parsed.controls if c.startswith("id_") and c != "id_language"]
        assert len(form_controls) >= 20  # all fields and every radio option are there
        unlabelled = [c for c in form_controls if c not in parsed.labelled]
        assert unlabelled == []

    @pytest.mark.parametrize(
        "text",
        [
            "受理机关",
            "申请人类型",
            "申请人为自然人时填写",
            "申请人为法人或其他组织时填写",
            "统一社会信用代码",
            "法定代表人或负责人",
            "所需政府信息的名称、文号或者便于行政机关查询的其他特征性描述",
            "信息的提供形式",
            "获取信息的方式",
            "请勿填写此项",
            "20个工作日",
            "条例第三十三条",
        ],
    )
    def test_page_shows_the_national_form_and_how_it_is_handled(
        self, client: Client, organ: Any, text: str
    ) -> None:
        assert text in client.get(APPLY).content.decode()

    def test_description_is_limited_to_5000_characters(self, client: Client, organ: Any) -> None:
        assert 'maxlength="5000"' in client.get(APPLY).content.decode()

    def test_attachments_accept_only_the_allowed_kinds(self, client: Client, organ: Any) -> None:
        html = client.get(APPLY).content.decode()
        assert 'accept=".pdf,.jpg,.jpeg,.png,.ofd"' in html
        assert "multiple" in html

    def test_organ_parameter_preselects_the_organ(self, client: Client, organ: Any) -> None:
        other = make_organ("测试市教育局", parent=organ)
        html = client.get(APPLY, {"organ": other.code}).content.decode()
        assert f'<option value="{other.code}" selected>' in html
        assert f'<option value="{organ.code}">' in html

    def test_subordinate_organs_are_indented_in_the_select(
        self, client: Client, organ: Any
    ) -> None:
        make_organ("测试市教育局", parent=organ)
        html = client.get(APPLY).content.decode()
        assert "\u3000测试市教育局</option>" in html
        assert ">测试市人民政府</option>" in html

    def test_honeypot_is_hidden_from_people(self, client: Client, organ: Any) -> None:
        html = client.get(APPLY).content.decode()
        assert '<div class="hp-field" aria-hidden="true">' in html
        assert 'name="website"' in html and 'tabindex="-1"' in html

    def test_captcha_is_asked_only_when_enabled(
        self, client: Client, organ: Any, settings: Any
    ) -> None:
        assert "验证码" not in client.get(APPLY).content.decode()
        settings.PORTAL = {**settings.PORTAL, "CAPTCHA": True}
        html = client.get(APPLY).content.decode()
        assert 'for="id_captcha_1"' in html
        assert "/captcha/image/" in html

    def test_wrong_captcha_stores_nothing(self, client: Client, organ: Any, settings: Any) -> None:
        settings.PORTAL = {**settings.PORTAL, "CAPTCHA": True}
        data = person_post(organ, captcha_0="no-such-key", captcha_1="ABCD")
        response = client.post(APPLY, data)
        assert response.status_code == 200
        assert 'id="id_captcha_error"' in response.content.decode()
        assert Application.objects.count() == 0


class TestSubmission:
    def test_natural_person_is_redirected_to_the_receipt_with_the_code(
        self, client: Client, organ: Any
    ) -> None:
        response = client.post(APPLY, person_post(organ))
        application = Application.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/apply/done/{application.tracking_code}/"
        receipt = client.get(response["Location"]).content.decode()
        assert display_tracking_code(application.tracking_code) in receipt
        assert f"/track/?code={application.tracking_code}" in receipt

    @pytest.mark.parametrize(
        ("now", "received_on", "due_on"),
        [
            # 20 working days from the day after receipt (条例第三十三条第二款)
            (WORKDAY, dt.date(2026, 3, 4), "2026年4月1日"),
            # submitted on a Saturday: received on the next working day
            (SATURDAY, dt.date(2026, 3, 9), "2026年4月7日"),
        ],
    )
    def test_application_is_stored_online_with_its_receipt_date(
        self,
        client: Client,
        organ: Any,
        now: dt.datetime,
        received_on: dt.date,
        due_on: str,
    ) -> None:
        with time_machine.travel(now, tick=False):
            response = client.post(APPLY, person_post(organ, name="王五"))
            receipt = client.get(response["Location"]).content.decode()
        application = Application.objects.get()
        assert application.channel == Channel.ONLINE
        assert application.organ == organ
        assert application.name == "王五"
        assert application.received_on == received_on
        assert application.events.get().type == EventType.RECEIVED
        assert f"{received_on.year}年{received_on.month}月{received_on.day}日" in receipt
        assert due_on in receipt

    def test_organisation_is_stored_with_its_own_fields(self, client: Client, organ: Any) -> None:
        code = credit_code()
        data = person_post(
            organ,
            applicant_type="commercial",
            name=None,
            id_type=None,
            id_number=None,
            organization="杭州示例科技有限公司",
            credit_code=code,
            legal_representative="赵六",
            contact_name="钱七",
        )
        assert client.post(APPLY, data).status_code == 302
        application = Application.objects.get()
        assert (application.applicant_type, application.organization) == (
            "commercial",
            "杭州示例科技有限公司",
        )
        assert application.credit_code == code

    def test_valid_pdf_attachment_is_stored(self, client: Client, organ: Any) -> None:
        scan = SimpleUploadedFile("身份证.pdf", files.pdf())
        response = client.post(APPLY, {**person_post(organ), "attachments": [scan]})
        assert response.status_code == 302
        assert ApplicationAttachment.objects.get().content_type == "application/pdf"


class TestBadInput:
    def test_missing_fields_are_shown_next_to_fields_and_in_the_summary(
        self, client: Client, organ: Any
    ) -> None:
        data = person_post(organ, name="", id_number="", description="", delivery_method=None)
        response = client.post(APPLY, data)
        html = response.content.decode()
        assert response.status_code == 200
        assert Application.objects.count() == 0
        assert 'class="error-summary" role="alert"' in html
        assert "autofocus" in html
        for field, message in [
            ("name", "请填写姓名。"),
            ("id_number", "请填写证件号码。"),
            ("description", "请填写所需政府信息的名称"),
            ("delivery_method", "请选择获取信息的方式。"),
        ]:
            assert f'id="id_{field}_error"' in html  # next to the field
            assert message in html
        assert 'href="#id_name"' in html
        assert 'href="#id_delivery_method_0"' in html  # a radio group links to its first choice

    def test_what_was_typed_is_kept(self, client: Client, organ: Any) -> None:
        data = person_post(organ, description="", phone="13912345678", name="孙八")
        html = client.post(APPLY, data).content.decode()
        assert 'value="孙八"' in html
        assert 'value="13912345678"' in html
        assert f'<option value="{organ.code}" selected>' in html
        assert 'id="id_delivery_method_1" checked' in html

    def test_organisation_must_give_its_own_details(self, client: Client, organ: Any) -> None:
        data = person_post(organ, applicant_type="research")
        html = client.post(APPLY, data).content.decode()
        assert Application.objects.count() == 0
        for field in ("organization", "credit_code", "legal_representative", "contact_name"):
            assert f'id="id_{field}_error"' in html
        assert 'id="id_name_error"' not in html

    def test_no_contact_at_all_is_rejected(self, client: Client, organ: Any) -> None:
        data = person_post(
            organ, phone="", email="", address="", delivery_method="pickup", postal_code=""
        )
        html = client.post(APPLY, data).content.decode()
        assert "联系电话、电子邮箱、通信地址至少填写一项。" in html
        assert Application.objects.count() == 0

    def test_description_over_5000_characters_is_rejected(self, client: Client, organ: Any) -> None:
        response = client.post(APPLY, person_post(organ, description="字" * 5001))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="id_description_error"' in html
        assert "5000" in html
        assert Application.objects.count() == 0

    def test_service_errors_land_next_to_their_field(self, client: Client, organ: Any) -> None:
        # The resident id check digit is checked by the service ("applicant.id_number").
        response = client.post(APPLY, person_post(organ, id_number="110101199003077777"))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="id_id_number_error"' in html
        assert "居民身份证号码校验位错误。" in html
        assert 'href="#id_id_number"' in html
        assert Application.objects.count() == 0

    def test_disguised_attachment_is_rejected_in_chinese(self, client: Client, organ: Any) -> None:
        fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)
        response = client.post(APPLY, {**person_post(organ), "attachments": [fake]})
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="id_attachments_error"' in html
        assert "重新选择附件" in html  # files are not kept: the summary says so
        assert Application.objects.count() == 0
        assert ApplicationAttachment.objects.count() == 0

    def test_more_than_five_attachments_are_rejected(self, client: Client, organ: Any) -> None:
        scans = [SimpleUploadedFile(f"{i}.pdf", files.pdf()) for i in range(6)]
        html = client.post(APPLY, {**person_post(organ), "attachments": scans}).content.decode()
        assert "附件最多5个。" in html
        assert Application.objects.count() == 0

    def test_filled_honeypot_stores_nothing(self, client: Client, organ: Any) -> None:
        response = client.post(APPLY, person_post(organ, website="http://spam.example"))
        assert response.status_code == 400
        assert Application.objects.count() == 0


class TestServiceErrorMapping:
    @pytest.mark.parametrize("key", ["applicant.email", "email"])
    def test_applicant_errors_go_to_their_field(self, key: str) -> None:
        form = ApplicationForm(data={})
        form.is_valid()
        form.add_service_errors(ValidationError({key: ["电子邮箱格式不正确。"]}))
        assert "电子邮箱格式不正确。" in form.errors["email"]

    def test_errors_without_a_field_go_to_the_top(self) -> None:
        form = ApplicationForm(data={})
        form.is_valid()
        form.add_service_errors(ValidationError({"applicant": ["申请人信息格式不正确。"]}))
        assert "申请人信息格式不正确。" in form.non_field_errors()


class TestThrottling:
    def test_too_many_attempts_from_one_address_get_429(
        self, client: Client, organ: Any, settings: Any
    ) -> None:
        with_rates(settings, apply_ip="2/hour")
        for _ in range(2):
            assert client.post(APPLY, person_post(organ, description="")).status_code == 200
        response = client.post(APPLY, person_post(organ))
        assert response.status_code == 429
        assert "操作过于频繁" in response.content.decode()
        assert Application.objects.count() == 0

    def test_too_many_applications_with_one_phone_get_429(
        self, client: Client, organ: Any, settings: Any
    ) -> None:
        with_rates(settings, apply_contact="1/hour")
        first = client.post(APPLY, person_post(organ, email="", delivery_method="pickup"))
        assert first.status_code == 302
        # Another address, another e-mail and id: the same phone number still counts.
        other = Client(REMOTE_ADDR="10.0.0.9")
        data = person_post(organ, email="other@example.cn", id_number=resident_id())
        response = other.post(APPLY, data)
        assert response.status_code == 429
        assert Application.objects.count() == 1

    def test_rejected_attempts_do_not_use_the_contact_budget(
        self, client: Client, organ: Any, settings: Any
    ) -> None:
        with_rates(settings, apply_contact="1/hour")
        assert client.post(APPLY, person_post(organ, description="")).status_code == 200
        assert client.post(APPLY, person_post(organ)).status_code == 302


class TestReceipt:
    def test_receipt_is_not_shown_to_another_session(self, client: Client, organ: Any) -> None:
        location = client.post(APPLY, person_post(organ))["Location"]
        assert client.get(location).status_code == 200
        assert Client().get(location).status_code == 404

    def test_receipt_shows_no_personal_data(self, client: Client, organ: Any) -> None:
        data = person_post(organ)
        html = client.get(client.post(APPLY, data)["Location"]).content.decode()
        for value in (data["name"], data["id_number"], data["phone"], data["email"]):
            assert value not in html

    def test_unknown_code_is_404(self, client: Client, organ: Any) -> None:
        assert client.get("/apply/done/ABCDEFGHJKMN/").status_code == 404
