"""The daily ``send_deadline_reminders`` command: who is mailed, once a day, and only when due."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from disclosure_portal.models import OutboxMail
from requests_app.models import (
    ApplicantType,
    Application,
    Channel,
    DeliveryForm,
    DeliveryMethod,
    Outcome,
    ReminderSent,
    Status,
)
from tests.factories import make_organ, make_staff
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

# Monday 7 September 2026: the 3rd working day after it is Thursday 10 September.
TODAY = dt.date(2026, 9, 7)
_codes = itertools.count(1)


def _application(organ: Any, due_on: dt.date | None, **fields: Any) -> Application:
    values: dict[str, Any] = {
        "organ": organ,
        "tracking_code": f"REM{next(_codes):09d}",
        "channel": Channel.ONLINE,
        "applicant_type": ApplicantType.NATURAL_PERSON,
        "name": "李四",
        "description": "某项目环评报告",
        "delivery_form": DeliveryForm.ELECTRONIC,
        "delivery_method": DeliveryMethod.EMAIL,
        "first_received_on": dt.date(2026, 8, 10),
        "received_on": dt.date(2026, 8, 10),
        "due_on": due_on,
    }
    values.update(fields)
    return Application.objects.create(**values)


def _staff(organ: Any, roles: list[str], email: str) -> Any:
    user = make_staff(organ, roles)
    user.email = email
    user.save(update_fields=["email"])
    return user


def _run(day: dt.date = TODAY) -> str:
    """The daily command, then the task worker that sends what it queued."""
    out = io.StringIO()
    call_command("send_deadline_reminders", "--date", day.isoformat(), stdout=out)
    run_queued_tasks()
    return out.getvalue()


def _codes_in(message: Any) -> set[str]:
    return {a.tracking_code for a in Application.objects.all() if _shown(a, message.body)}


def _shown(application: Application, body: str) -> bool:
    code = application.tracking_code
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4)) in body


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Staff users are created with a password; the production hasher costs a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organ() -> Any:
    return make_organ("测试市生态环境局")


@pytest.fixture
def handler(organ: Any) -> Any:
    return _staff(organ, ["handler"], "handler@example.gov.cn")


def test_due_soon_and_overdue_are_mailed_to_the_assigned_handler_once(
    organ: Any, handler: Any, mailoutbox: list[Any]
) -> None:
    other = _staff(organ, ["handler"], "other@example.gov.cn")
    soon = _application(organ, dt.date(2026, 9, 10), assigned_to=handler)  # 3rd working day
    late = _application(organ, dt.date(2026, 9, 4), assigned_to=handler)

    output = _run()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["handler@example.gov.cn"]
    assert "答复期限提醒" in message.subject and "其中已超期1件" in message.subject
    assert _codes_in(message) == {soon.tracking_code, late.tracking_code}
    assert "已超期1个工作日" in message.body
    assert "还剩3个工作日" in message.body
    assert "2026年9月10日" in message.body
    assert not ReminderSent.objects.filter(user=other).exists()
    assert "邮件1封已排队发送" in output


def test_running_twice_the_same_day_sends_nothing_new(
    organ: Any, handler: Any, mailoutbox: list[Any]
) -> None:
    _application(organ, dt.date(2026, 9, 8), assigned_to=handler)

    _run()
    second = _run()

    assert len(mailoutbox) == 1
    assert ReminderSent.objects.count() == 1
    assert "新发提醒0条" in second and "此前已发1条" in second


def test_the_next_day_reminds_again(organ: Any, handler: Any, mailoutbox: list[Any]) -> None:
    _application(organ, dt.date(2026, 9, 8), assigned_to=handler)

    _run(TODAY)
    _run(TODAY + dt.timedelta(days=1))

    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"due_on": dt.date(2026, 9, 11)}, id="4th-working-day"),
        pytest.param({"due_on": None, "status": Status.AWAITING_CORRECTION}, id="no-deadline"),
        pytest.param(
            {
                "due_on": dt.date(2026, 9, 1),
                "status": Status.ANSWERED,
                "outcome": Outcome.DISCLOSED,
                "closed_on": dt.date(2026, 9, 1),
            },
            id="answered",
        ),
    ],
)
def test_application_not_due_is_not_mailed(
    organ: Any, handler: Any, mailoutbox: list[Any], fields: dict[str, Any]
) -> None:
    due_on = fields.pop("due_on")
    _application(organ, due_on, assigned_to=handler, **fields)

    _run()

    assert mailoutbox == []
    assert not ReminderSent.objects.exists()


def test_unassigned_application_goes_to_every_handler_of_its_organ(
    organ: Any, handler: Any, mailoutbox: list[Any]
) -> None:
    second = _staff(organ, ["handler", "approver"], "second@example.gov.cn")
    _staff(organ, ["publisher"], "publisher@example.gov.cn")
    _staff(make_organ("测试市财政局"), ["handler"], "elsewhere@example.gov.cn")
    application = _application(organ, dt.date(2026, 9, 9))

    _run()

    assert sorted(m.to[0] for m in mailoutbox) == [
        "handler@example.gov.cn",
        "second@example.gov.cn",
    ]
    assert all(_codes_in(m) == {application.tracking_code} for m in mailoutbox)
    assert set(ReminderSent.objects.values_list("user_id", flat=True)) == {handler.pk, second.pk}


def test_one_digest_per_handler_across_applications(
    organ: Any, handler: Any, mailoutbox: list[Any]
) -> None:
    for due in (dt.date(2026, 9, 2), dt.date(2026, 9, 7), dt.date(2026, 9, 9)):
        _application(organ, due)

    _run()

    assert len(mailoutbox) == 1
    assert "3件" in mailoutbox[0].subject
    assert "今日到期" in mailoutbox[0].body


def test_a_claim_taken_by_another_machine_is_not_mailed_again(
    organ: Any, handler: Any, mailoutbox: list[Any]
) -> None:
    claimed = _application(organ, dt.date(2026, 9, 8), assigned_to=handler)
    fresh = _application(organ, dt.date(2026, 9, 9), assigned_to=handler)
    ReminderSent.objects.create(application=claimed, user=handler, day=TODAY)

    _run()

    assert len(mailoutbox) == 1
    assert _codes_in(mailoutbox[0]) == {fresh.tracking_code}


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise OSError("mail server down")


def test_a_reminder_claimed_while_the_mail_server_is_down_is_sent_once_it_is_back(
    organ: Any, handler: Any, mailoutbox: list[Any], settings: Any
) -> None:
    _application(organ, dt.date(2026, 9, 8), assigned_to=handler)
    mailers = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenBackend"}}
    output = _run()
    assert "邮件1封已排队发送" in output
    assert ReminderSent.objects.count() == 1
    (mail,) = OutboxMail.objects.all()
    assert (mail.status, mail.attempts, mail.kind) == ("queued", 1, "reminder")
    assert "mail server down" in mail.last_error

    # A second run the same day claims nothing new: the queued digest is the reminder.
    _run()
    assert OutboxMail.objects.count() == 1

    settings.MAILERS = mailers
    OutboxMail.objects.update(next_attempt_at=timezone.now())
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_queued_tasks()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["handler@example.gov.cn"]


def test_assigned_handler_without_email_falls_back_to_the_organs_handlers(
    organ: Any, handler: Any, mailoutbox: list[Any]
) -> None:
    silent = _staff(organ, ["handler"], "")
    _application(organ, dt.date(2026, 9, 8), assigned_to=silent)

    _run()

    assert [m.to for m in mailoutbox] == [["handler@example.gov.cn"]]


def test_invalid_date_is_refused() -> None:
    with pytest.raises(CommandError):
        call_command("send_deadline_reminders", "--date", "2026-13-01", stdout=io.StringIO())
