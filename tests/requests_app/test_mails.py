"""Each application's mails, for its staff: the API detail's ``mails`` and each event's
``notice_sent_at``, the desk page's 邮件 panel, and resending (API and page)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from disclosure_portal.mail import mails_for
from disclosure_portal.models import OutboxMail
from requests_app import services
from requests_app.models import Application
from tests.factories import make_organ, make_staff
from tests.requests_app.factories import make_application
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def organ() -> Any:
    return make_organ("测试市人民政府")


@pytest.fixture
def handler(organ: Any) -> Any:
    return make_staff(organ, ["handler"], username="wangfang")


@pytest.fixture
def application(organ: Any) -> Application:
    return make_application(organ)


def _detail(api: Any, user: Any, application: Application) -> dict[str, Any]:
    api.force_authenticate(user)
    response = api.get(f"/api/v1/applications/{application.pk}/")
    assert response.status_code == 200
    return response.json()


def _resend_url(application: Application, mail_id: int) -> str:
    return f"/api/v1/applications/{application.pk}/mails/{mail_id}/resend/"


class TestApiDetail:
    def test_a_queued_receipt_is_listed_and_its_notice_is_not_yet_sent(
        self, api: Any, handler: Any, application: Application
    ) -> None:
        data = _detail(api, handler, application)
        (listed,) = data["mails"]
        assert listed["kind"] == "received" and listed["kind_display"] == "受理回执"
        assert listed["status"] == "queued" and listed["status_display"] == "待发送"
        assert listed["to"] == ["zhangsan@example.cn"]
        assert listed["attempts"] == 0 and listed["sent_at"] is None
        (received,) = data["events"]
        assert received["notice_sent_at"] is None

    def test_once_sent_the_event_shows_when_its_notice_went_out(
        self, api: Any, handler: Any, application: Application
    ) -> None:
        run_queued_tasks()
        data = _detail(api, handler, application)
        assert data["mails"][0]["status"] == "sent"
        assert data["mails"][0]["sent_at"] == "2026-11-26T10:00:00+08:00"
        assert data["events"][0]["notice_sent_at"] == "2026-11-26T10:00:00+08:00"

    def test_a_failure_shows_its_error_and_attempts(
        self, api: Any, handler: Any, application: Application, settings: Any
    ) -> None:
        settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenBackend"}}
        run_queued_tasks()
        (listed,) = _detail(api, handler, application)["mails"]
        assert listed["status"] == "queued" and listed["attempts"] == 1
        assert "mail server down" in listed["last_error"]
        assert listed["next_attempt_at"] == "2026-11-26T10:01:00+08:00"

    def test_steps_without_a_notice_have_none(
        self, api: Any, handler: Any, application: Application
    ) -> None:
        services.application_assign(actor=handler, application=application, user=handler)
        events = _detail(api, handler, application)["events"]
        assert [e["type"] for e in events] == ["received", "assign"]
        assert events[1]["notice_sent_at"] is None


class TestApiResend:
    def test_a_sent_mail_is_resent_as_a_new_row(
        self, api: Any, handler: Any, application: Application
    ) -> None:
        run_queued_tasks()
        (first,) = mails_for(application)
        api.force_authenticate(handler)
        response = api.post(_resend_url(application, first.pk))
        assert response.status_code == 201
        data = response.json()
        assert data["resend_of"] == first.pk and data["status"] == "queued"
        assert data["created_by"] == "wangfang"
        run_queued_tasks()
        assert len(mail.outbox) == 2
        assert mail.outbox[0].body == mail.outbox[1].body

    def test_a_mail_still_queued_is_a_409(
        self, api: Any, handler: Any, application: Application
    ) -> None:
        (queued,) = mails_for(application)
        api.force_authenticate(handler)
        response = api.post(_resend_url(application, queued.pk))
        assert response.status_code == 409
        assert OutboxMail.objects.count() == 1

    def test_staff_without_an_application_role_cannot_see_or_resend(
        self, api: Any, organ: Any, application: Application
    ) -> None:
        # Issue 8 (least privilege): only handlers and approvers see applications at all.
        run_queued_tasks()
        (sent,) = mails_for(application)
        api.force_authenticate(make_staff(organ, ["reporter"]))
        assert api.post(_resend_url(application, sent.pk)).status_code == 404
        assert OutboxMail.objects.count() == 1

    def test_staff_of_another_organ_and_other_applications_mails_get_a_404(
        self, api: Any, organ: Any, handler: Any, application: Application
    ) -> None:
        run_queued_tasks()
        (sent,) = mails_for(application)
        api.force_authenticate(make_staff(make_organ("另一个局"), ["handler"]))
        assert api.post(_resend_url(application, sent.pk)).status_code == 404
        other = make_application(organ)
        api.force_authenticate(handler)
        assert api.post(_resend_url(other, sent.pk)).status_code == 404
        assert OutboxMail.objects.count() == 2

    def test_anonymous_callers_are_refused(self, api: Any, application: Application) -> None:
        (queued,) = mails_for(application)
        assert api.post(_resend_url(application, queued.pk)).status_code in (401, 403)


class TestDeskPage:
    def _page(self, user: Any, application: Application) -> str:
        client = Client()
        client.force_login(user)
        response = client.get(f"/staff/applications/{application.pk}/")
        assert response.status_code == 200
        return response.content.decode()

    def test_the_page_lists_mails_with_status_error_and_a_resend_button(
        self, handler: Any, application: Application, settings: Any, _today: Any
    ) -> None:
        settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenBackend"}}
        settings.MAIL_MAX_ATTEMPTS = 1
        run_queued_tasks()
        html = self._page(handler, application)
        assert 'id="mails"' in html
        assert "受理回执" in html and "发送失败" in html
        assert "mail server down" in html and "已尝试1次" in html
        assert f"/mails/{mails_for(application)[0].pk}/resend/" in html
        assert "告知邮件尚未发出" in html

    def test_resending_from_the_page_queues_a_new_mail_that_the_worker_sends(
        self, handler: Any, application: Application, settings: Any
    ) -> None:
        settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenBackend"}}
        settings.MAIL_MAX_ATTEMPTS = 1
        run_queued_tasks()
        (failed,) = mails_for(application)
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        client = Client()
        client.force_login(handler)
        response = client.post(f"/staff/applications/{application.pk}/mails/{failed.pk}/resend/")
        assert response.status_code == 302
        assert response["Location"].endswith(f"/staff/applications/{application.pk}/#mails")
        run_queued_tasks()
        assert len(mail.outbox) == 1
        html = self._page(handler, application)
        assert "由wangfang重发" in html
        assert "已邮件告知申请人：2026年11月26日 10:00" in html

    def test_staff_without_an_application_role_see_no_mails_and_resend_nothing(
        self, organ: Any, application: Application
    ) -> None:
        run_queued_tasks()
        client = Client()
        client.force_login(make_staff(organ, ["reporter"]))
        assert client.get(f"/staff/applications/{application.pk}/").status_code == 404
        sent = mails_for(application)[0]
        response = client.post(f"/staff/applications/{application.pk}/mails/{sent.pk}/resend/")
        assert response.status_code == 404
        assert OutboxMail.objects.count() == 1
