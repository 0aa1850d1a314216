"""Durable mail (disclosure_portal.mail): queued in the caller's transaction, delivered once by
the task worker, retried with backoff while the mail server fails, resendable by staff.

The database task backend and django_tasks_db's own worker loop run here (tests/tasks.py);
tests/test_mail_fault.py drives the real ``db_worker`` command against a real SMTP server.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from disclosure_portal.mail import (
    MailNotResendable,
    deliver,
    deliver_mail,
    queue_mail,
    resend_mail,
    retry_delay,
)
from disclosure_portal.models import OutboxMail
from tests.factories import make_organ
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def broken_mail_server(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenBackend"}}


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _queue(**overrides: Any) -> OutboxMail:
    values: dict[str, Any] = {
        "to": ["zhangsan@example.cn"],
        "subject": "已收到您的申请",
        "body": "正文",
        "kind": "received",
    }
    values.update(overrides)
    queued = queue_mail(**values)
    assert queued is not None
    return queued


def _ready_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status="READY").order_by("run_after"))


class TestQueue:
    def test_the_mail_and_its_task_commit_with_the_step_or_not_at_all(self) -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue()
            assert OutboxMail.objects.count() == 1 and len(_ready_tasks()) == 1
            raise RuntimeError("the step failed")
        assert not OutboxMail.objects.exists()
        assert not DBTaskResult.objects.exists()

        queued = _queue()
        (task,) = _ready_tasks()
        assert task.task_path == "disclosure_portal.mail.deliver_mail"
        assert task.args_kwargs == {"args": [queued.pk], "kwargs": {}}
        assert queued.task_id == str(task.id)
        assert mail.outbox == []  # nothing leaves before the worker runs

    def test_no_recipient_queues_nothing(self) -> None:
        assert queue_mail(to=["", ""], subject="s", body="b", kind="received") is None
        assert not OutboxMail.objects.exists()

    def test_a_dedupe_key_queues_one_mail(self) -> None:
        first = _queue(dedupe_key="application:1:event:1")
        again = _queue(dedupe_key="application:1:event:1", body="另一封")
        assert again.pk == first.pk
        assert OutboxMail.objects.count() == 1 and len(_ready_tasks()) == 1

    def test_the_link_is_generic(self) -> None:
        organ = make_organ()
        queued = _queue(application=organ)
        assert queued.target == organ


class TestDelivery:
    def test_the_worker_sends_with_a_stable_message_id_and_marks_it_sent(self, clock: Any) -> None:
        queued = _queue()
        assert run_queued_tasks() == 1
        (message,) = mail.outbox
        assert message.to == ["zhangsan@example.cn"]
        assert message.extra_headers["Message-ID"] == queued.message_id
        assert queued.message_id.endswith("@localhost>")
        queued.refresh_from_db()
        assert (queued.status, queued.attempts, queued.sent_at) == ("sent", 1, NOW)

    def test_a_duplicated_or_retried_task_never_sends_twice(self) -> None:
        queued = _queue()
        deliver_mail.enqueue(queued.pk)  # the same mail twice in the queue
        assert run_queued_tasks() == 2
        assert len(mail.outbox) == 1
        results = sorted(r.return_value for r in DBTaskResult.objects.filter(status="SUCCESSFUL"))
        assert results == ["sent", "skipped"]
        # A task for the row run again later sends nothing either.
        assert deliver(queued.pk) == "skipped"
        assert len(mail.outbox) == 1

    def test_a_failing_mail_server_is_retried_with_backoff_then_the_mail_fails(
        self, settings: Any, clock: Any, broken_mail_server: None, caplog: Any
    ) -> None:
        settings.MAIL_MAX_ATTEMPTS = 3
        settings.MAIL_RETRY_SECONDS = 60
        queued = _queue()
        with caplog.at_level(logging.WARNING):
            assert run_queued_tasks() == 1
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == ("queued", 1)
        assert "mail server down" in queued.last_error
        assert "发送失败" in caplog.text
        assert queued.next_attempt_at == NOW + dt.timedelta(seconds=60)
        (retry,) = _ready_tasks()
        assert retry.run_after == queued.next_attempt_at
        assert run_queued_tasks() == 0  # not before its time

        clock.shift(dt.timedelta(seconds=60))
        assert run_queued_tasks() == 1
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == ("queued", 2)
        assert queued.next_attempt_at == NOW + dt.timedelta(seconds=60 + 120)

        clock.shift(dt.timedelta(seconds=120))
        assert run_queued_tasks() == 1
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == ("failed", 3)
        assert _ready_tasks() == []
        assert deliver(queued.pk) == "skipped"

    def test_backoff_doubles_up_to_its_cap(self, settings: Any) -> None:
        settings.MAIL_RETRY_SECONDS = 60
        settings.MAIL_RETRY_MAX_SECONDS = 3600
        assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 6, 7, 9)] == [
            60,
            120,
            240,
            1920,
            3600,
            3600,
        ]

    def test_a_task_run_early_does_not_skip_the_backoff(
        self, clock: Any, broken_mail_server: None
    ) -> None:
        queued = _queue()
        run_queued_tasks()
        assert deliver(queued.pk) == "skipped"
        queued.refresh_from_db()
        assert queued.attempts == 1


class TestRecovery:
    def test_a_mail_whose_worker_died_while_sending_is_requeued_and_sent(
        self, settings: Any, clock: Any
    ) -> None:
        settings.MAIL_CLAIM_TIMEOUT = 900
        queued = _queue()
        # A worker claimed the row, then was killed: its task stays RUNNING forever.
        OutboxMail.objects.filter(pk=queued.pk).update(status="sending", claimed_at=NOW, attempts=1)
        DBTaskResult.objects.update(status="RUNNING")
        assert deliver(queued.pk) == "skipped"  # the claim is still fresh

        out = io.StringIO()
        call_command("requeue_mail", stdout=out)
        assert "0封" in out.getvalue()

        clock.shift(dt.timedelta(seconds=901))
        call_command("requeue_mail", stdout=out)
        assert "1封" in out.getvalue()
        assert run_queued_tasks() == 1
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == ("sent", 2)
        assert len(mail.outbox) == 1

    def test_requeue_leaves_mails_whose_task_is_waiting(self) -> None:
        _queue()
        out = io.StringIO()
        call_command("requeue_mail", stdout=out)
        assert "0封" in out.getvalue()
        assert len(_ready_tasks()) == 1

    def test_a_lost_task_is_replaced(self) -> None:
        queued = _queue()
        DBTaskResult.objects.all().delete()
        call_command("requeue_mail", stdout=io.StringIO())
        run_queued_tasks()
        queued.refresh_from_db()
        assert queued.status == "sent"


class TestImmediateBackend:
    """Development and tests may use Django's immediate backend: it cannot share the step's
    transaction, so delivery waits for the commit."""

    @pytest.fixture(autouse=True)
    def _immediate(self, settings: Any) -> None:
        settings.TASKS = {
            "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
        }

    def test_the_mail_leaves_only_after_the_commit(self, django_capture_on_commit_callbacks: Any):
        with django_capture_on_commit_callbacks(execute=True):
            queued = _queue()
            assert mail.outbox == []
        assert len(mail.outbox) == 1
        queued.refresh_from_db()
        assert queued.status == "sent"

    def test_a_failure_is_left_to_requeue_mail(
        self, clock: Any, broken_mail_server: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            queued = _queue()
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == ("queued", 1)


class TestResend:
    def test_resend_queues_a_new_row_pointing_to_the_first(self) -> None:
        first = _queue()
        run_queued_tasks()
        first.refresh_from_db()
        again = resend_mail(actor=None, mail=first)
        assert again.pk != first.pk and again.resend_of == first
        assert again.message_id != first.message_id
        assert (again.to, again.subject, again.body) == (first.to, first.subject, first.body)
        # A resend of the resend still points to the first mail.
        run_queued_tasks()
        again.refresh_from_db()
        third = resend_mail(actor=None, mail=again)
        assert third.resend_of == first
        run_queued_tasks()
        assert len(mail.outbox) == 3

    def test_a_mail_still_queued_is_not_resent(self) -> None:
        queued = _queue()
        with pytest.raises(MailNotResendable):
            resend_mail(actor=None, mail=queued)
        assert OutboxMail.objects.count() == 1

    def test_sent_at_is_set_exactly_when_sent(self) -> None:
        from django.db import IntegrityError

        queued = _queue()
        with pytest.raises(IntegrityError), transaction.atomic():
            OutboxMail.objects.filter(pk=queued.pk).update(sent_at=timezone.now())


def test_the_admin_lists_the_outbox_read_only(client: Any) -> None:
    from tests.factories import make_superuser

    queued = _queue(subject="受理回执测试")
    client.force_login(make_superuser())
    response = client.get("/admin/disclosure_portal/outboxmail/")
    assert response.status_code == 200
    assert "受理回执测试" in response.content.decode()
    change = client.post(
        f"/admin/disclosure_portal/outboxmail/{queued.pk}/change/", {"status": "sent"}
    )
    assert change.status_code == 403
