"""Tracking by code: /track/ and the answer letter downloads (api.md "Public pages")."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.test import Client

from requests_app import services
from requests_app.models import Application
from requests_app.tracking import display_tracking_code
from tests.factories import make_organ
from tests.requests_app.factories import make_application, person

pytestmark = pytest.mark.django_db

TRACK = "/track/"
# A Wednesday of 2026 (a working day; the bundled calendar covers 2026).
SUBMITTED = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def organ() -> Any:
    return make_organ("测试市人民政府")


@pytest.fixture
def applicant() -> dict[str, str]:
    return person(name="张三丰", phone="13800001234", email="zhangsan@example.cn")


@pytest.fixture
def application(organ: Any, applicant: dict[str, str]) -> Application:
    with time_machine.travel(SUBMITTED, tick=False):
        return make_application(organ, applicant=applicant)


def answer(application: Application, **extra: Any) -> Application:
    with time_machine.travel(SUBMITTED + dt.timedelta(days=7), tick=False):
        return services.application_answer(
            actor=None,
            application=application,
            outcome=extra.pop("outcome", "disclosed"),
            reply=extra.pop("reply", "经检索，现将所申请的招标文件提供给您，请查收。"),
            referral=extra.pop("referral", "请登录本平台下载。"),
            **extra,
        )


def docx_text(content: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def with_rates(settings: Any, **rates: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


class TestTrackForm:
    def test_form_has_a_labelled_code_field(self, client: Client) -> None:
        html = client.get(TRACK).content.decode()
        assert '<label class="apply-label" for="id_code">查询码' in html

    def test_unknown_code_is_404_with_the_form_and_a_message(self, client: Client) -> None:
        response = client.get(TRACK, {"code": "ABCD-EFGH-JKMN"})
        html = response.content.decode()
        assert response.status_code == 404
        assert "未找到该查询码对应的申请" in html
        assert 'id="id_code_error"' in html
        assert 'value="ABCD-EFGH-JKMN"' in html  # the typed code stays to be corrected

    @pytest.mark.parametrize("code", ["x", "0000-1111-IIII", "A" * 40])
    def test_malformed_code_is_not_found(self, client: Client, code: str) -> None:
        assert client.get(TRACK, {"code": code}).status_code == 404

    def test_empty_code_asks_for_one(self, client: Client) -> None:
        response = client.get(TRACK, {"code": ""})
        assert response.status_code == 200
        assert "请填写查询码。" in response.content.decode()


class TestTrackDetail:
    def test_shows_status_organ_dates_and_timeline(
        self, client: Client, application: Application
    ) -> None:
        with time_machine.travel(SUBMITTED + dt.timedelta(days=1), tick=False):
            html = client.get(TRACK, {"code": application.tracking_code}).content.decode()
        assert display_tracking_code(application.tracking_code) in html
        assert "办理中" in html
        assert "测试市人民政府" in html
        assert "2026年3月4日" in html  # received
        assert "2026年4月1日" in html  # due: 20 working days later
        assert "收到申请" in html
        assert "节假日安排尚未公布" not in html

    def test_shows_masked_name_and_no_personal_data(
        self, client: Client, application: Application, applicant: dict[str, str]
    ) -> None:
        html = client.get(TRACK, {"code": application.tracking_code}).content.decode()
        assert "张**" in html
        for key in ("name", "id_number", "phone", "email", "address"):
            assert applicant[key] not in html, key

    @pytest.mark.parametrize(
        "typed",
        [
            lambda code: code.lower(),
            lambda code: display_tracking_code(code).lower(),
            lambda code: " ".join(code[i : i + 4] for i in range(0, len(code), 4)),
        ],
        ids=["lowercase", "lowercase-with-dashes", "with-spaces"],
    )
    def test_code_is_case_insensitive_and_tolerant(
        self, client: Client, application: Application, typed: Any
    ) -> None:
        response = client.get(TRACK, {"code": typed(application.tracking_code)})
        assert response.status_code == 200
        assert "张**" in response.content.decode()

    def test_deadline_in_an_unpublished_holiday_year_carries_a_note(
        self, client: Client, organ: Any
    ) -> None:
        # Far beyond the bundled calendar: only weekends are known.
        with time_machine.travel(dt.datetime(2099, 3, 4, 10, 0, tzinfo=dt.UTC), tick=False):
            application = make_application(organ)
            html = client.get(TRACK, {"code": application.tracking_code}).content.decode()
        assert "期限所涉年份的节假日安排尚未公布，日期可能调整" in html

    def test_answer_is_shown_once_answered(self, client: Client, application: Application) -> None:
        answer(application, reply="现将所申请的信息提供给您。", referral="请到档案室领取。")
        html = client.get(TRACK, {"code": application.tracking_code}).content.decode()
        assert "已答复" in html
        assert "予以公开" in html
        assert "现将所申请的信息提供给您。" in html
        assert "请到档案室领取。" in html
        assert "2026年3月11日" in html  # answered on
        assert f"/track/{application.tracking_code}/letter.pdf" in html

    def test_no_letter_links_before_the_answer(
        self, client: Client, application: Application
    ) -> None:
        html = client.get(TRACK, {"code": application.tracking_code}).content.decode()
        assert "letter.pdf" not in html and "letter.docx" not in html


class TestLetters:
    @pytest.mark.parametrize("ext", ["docx", "pdf"])
    def test_letter_is_404_before_the_answer(
        self, client: Client, application: Application, ext: str
    ) -> None:
        response = client.get(f"/track/{application.tracking_code}/letter.{ext}")
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("ext", "content_type", "magic"),
        [
            (
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                b"PK",
            ),
            ("pdf", "application/pdf", b"%PDF"),
        ],
    )
    def test_letter_downloads_after_the_answer(
        self, client: Client, application: Application, ext: str, content_type: str, magic: bytes
    ) -> None:
        answer(application)
        code = application.tracking_code.lower()  # the link works however the code is typed
        response = client.get(f"/track/{code}/letter.{ext}")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content.startswith(magic)

    def test_unknown_code_letter_is_404(self, client: Client) -> None:
        assert client.get("/track/ABCDEFGHJKMN/letter.pdf").status_code == 404

    def test_the_letter_behind_the_code_masks_the_name_as_the_page_does(
        self, client: Client, application: Application
    ) -> None:
        # Issue 8: the tracking page said 张*, the letter behind the same code 张三丰.
        answer(application)
        page = client.get(TRACK, {"code": application.tracking_code}).content.decode()
        assert "张*" in page and "张三丰" not in page
        text = docx_text(client.get(f"/track/{application.tracking_code}/letter.docx").content)
        assert "张**" in text
        assert "张三丰" not in text

    def test_the_last_four_digits_of_the_phone_unmask_the_letter(
        self, application: Application
    ) -> None:
        answer(application)
        client = Client(enforce_csrf_checks=True)
        page = client.get(TRACK, {"code": application.tracking_code})
        token = page.cookies["csrftoken"].value
        url = f"/track/{application.tracking_code}/letter.docx"
        wrong = client.post(url, {"phone_last4": "9999", "csrfmiddlewaretoken": token})
        assert wrong.status_code == 400
        assert "联系电话后四位与申请不符" in wrong.content.decode()
        assert "张三丰" not in wrong.content.decode()
        right = client.post(url, {"phone_last4": "1234", "csrfmiddlewaretoken": token})
        assert right.status_code == 200
        assert "张三丰" in docx_text(right.content)


class TestThrottling:
    def test_too_many_lookups_from_one_address_get_429(
        self, client: Client, application: Application, settings: Any
    ) -> None:
        with_rates(settings, track="3/hour")
        for _ in range(3):
            assert client.get(TRACK, {"code": "ABCD-EFGH-JKMN"}).status_code == 404
        response = client.get(TRACK, {"code": application.tracking_code})
        assert response.status_code == 429
        assert "操作过于频繁" in response.content.decode()
        assert "Retry-After" in response

    def test_letter_downloads_count_against_the_same_budget(
        self, client: Client, application: Application, settings: Any
    ) -> None:
        with_rates(settings, track="1/hour")
        assert client.get("/track/ABCDEFGHJKMN/letter.pdf").status_code == 404
        assert client.get(TRACK, {"code": application.tracking_code}).status_code == 429

    def test_another_address_is_not_affected(
        self, client: Client, application: Application, settings: Any
    ) -> None:
        with_rates(settings, track="1/hour")
        client.get(TRACK, {"code": "ABCD-EFGH-JKMN"})
        other = Client(REMOTE_ADDR="10.0.0.7")
        assert other.get(TRACK, {"code": application.tracking_code}).status_code == 200
