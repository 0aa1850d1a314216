"""Daily deadline reminders to the handlers of applications due soon or overdue.

Run once a day by cron or a systemd timer (stack.md: no periodic scheduler in Django). An
application is reminded when its stored ``due_on`` is within 3 working days (domain.md "due
soon") or already past (条例第三十三条第二款: 20 working days, plus any extension). Mail goes to
its assigned 经办人, or, when none is assigned, to every user holding the handler role at the
application's organ; each user gets one digest.

Idempotent and safe on several machines at once: each (application, user, day) is claimed by
inserting a ``ReminderSent`` row; the unique constraint lets exactly one run win each claim,
and only what a run claimed goes into its digest. The claims and the digest's outbox row
commit together; the task worker sends it and retries while the mail server is down.
"""

from __future__ import annotations

import argparse
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import StaffProfile, StaffRole
from disclosure_portal.mail import queue_mail
from requests_app.calendar import current_calendar
from requests_app.deadlines import DUE_SOON_WORKDAYS, format_date, is_due_soon, is_overdue
from requests_app.models import OPEN_STATUSES, Application, ReminderSent
from requests_app.notifications import REMINDER
from requests_app.tracking import display_tracking_code
from requests_app.workdays import WorkCalendar, add_workdays, workdays_between

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Summary:
    """What one run did, printed at the end (and returned for tests)."""

    due: int = 0
    claimed: int = 0
    already_sent: int = 0
    no_recipient: int = 0
    mails: int = 0
    digests: dict[int, list[Application]] = field(default_factory=dict, repr=False)


def due_applications(cal: WorkCalendar, today: date) -> list[Application]:
    """Open applications due within 3 working days after ``today`` or overdue, by due date.

    One query: everything with ``due_on`` up to the 3rd working day after today is either
    overdue or due soon; the Python check states the rule in the domain's own words.
    """
    horizon = add_workdays(cal, today, DUE_SOON_WORKDAYS).date
    candidates = (
        Application.objects.filter(
            status__in=OPEN_STATUSES, due_on__isnull=False, due_on__lte=horizon
        )
        .select_related("organ", "assigned_to")
        .order_by("due_on", "id")
    )
    return [
        a for a in candidates if is_overdue(a.due_on, today) or is_due_soon(cal, a.due_on, today)
    ]


def organ_handlers(organ_ids: set[int]) -> dict[int, list[Any]]:
    """Active users with the handler role, per organ (roles are a JSON list: filtered here,
    since SQLite has no JSON ``contains``)."""
    handlers: dict[int, list[Any]] = defaultdict(list)
    profiles = (
        StaffProfile.objects.filter(organ_id__in=organ_ids, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for profile in profiles:
        if StaffRole.HANDLER in profile.roles and profile.user.email:
            handlers[profile.organ_id].append(profile.user)
    return handlers


def recipients(application: Application, handlers: dict[int, list[Any]]) -> list[Any]:
    """The assigned handler if he can be mailed, else the organ's handlers."""
    user = application.assigned_to
    if user is not None and user.is_active and user.email:
        return [user]
    return handlers.get(application.organ_id, [])


def claim(application: Application, user: Any, day: date) -> bool:
    """Insert the (application, user, day) row; True only for the run whose insert won."""
    try:
        with transaction.atomic():
            _row, created = ReminderSent.objects.get_or_create(
                application=application, user=user, day=day
            )
    except IntegrityError:
        return False
    return created


def _staff_url(application: Application) -> str:
    portal = getattr(settings, "PORTAL", {}) or {}
    try:
        path = application.get_absolute_url()
    except NoReverseMatch:
        return ""
    return str(portal.get("BASE_URL", "") or "").rstrip("/") + path


def _line(cal: WorkCalendar, application: Application, today: date) -> dict[str, Any]:
    assert application.due_on is not None
    overdue = is_overdue(application.due_on, today)
    if overdue:
        state = _("已超期%(n)d个工作日") % {
            "n": max(1, workdays_between(cal, application.due_on, today))
        }
    elif application.due_on == today:
        state = _("今日到期")
    else:
        state = _("还剩%(n)d个工作日") % {"n": workdays_between(cal, today, application.due_on)}
    return {
        "tracking_code": display_tracking_code(application.tracking_code),
        "organ_name": application.organ.name,
        "status": str(application.get_status_display()),
        "received_on": format_date(application.first_received_on),
        "due_on": format_date(application.due_on),
        "due_covered": application.due_covered,
        "overdue": overdue,
        "state": state,
        "url": _staff_url(application),
    }


def render_digest(
    cal: WorkCalendar, user: Any, applications: list[Application], today: date
) -> tuple[str, str]:
    """Subject and body of one handler's digest (wording in the mail template)."""
    lines = [_line(cal, a, today) for a in applications]
    overdue = sum(1 for line in lines if line["overdue"])
    subject = _("政府信息公开申请答复期限提醒：%(total)d件（其中已超期%(overdue)d件）") % {
        "total": len(lines),
        "overdue": overdue,
    }
    body = render_to_string(
        "requests_app/mail/reminder.txt",
        {
            "user_name": user.get_full_name() or user.get_username(),
            "today": format_date(today),
            "lines": lines,
            "total": len(lines),
            "overdue": overdue,
            "site_name": (getattr(settings, "PORTAL", {}) or {}).get("SITE_NAME", ""),
        },
    )
    return subject, body


def send_deadline_reminders(today: date) -> Summary:
    """Claim today's reminders and queue one digest per handler; returns the counts.

    Each handler's claims and his digest commit in one transaction: a claim is never taken
    without its mail queued, and the worker delivers the mail (retrying while the mail
    server is down), so a claimed reminder is never lost nor sent twice.
    """
    cal = current_calendar()
    summary = Summary()
    applications = due_applications(cal, today)
    summary.due = len(applications)
    handlers = organ_handlers({a.organ_id for a in applications})
    users: dict[int, Any] = {}
    targets_of: dict[int, list[Application]] = defaultdict(list)
    for application in applications:
        targets = recipients(application, handlers)
        if not targets:
            summary.no_recipient += 1
            logger.warning("申请%s答复期限将至，但没有可接收提醒的经办人", application.pk)
        for user in targets:
            users[user.pk] = user
            targets_of[user.pk].append(application)
    for user_id, candidates in targets_of.items():
        user = users[user_id]
        with transaction.atomic():
            items = [a for a in candidates if claim(a, user, today)]
            summary.already_sent += len(candidates) - len(items)
            if not items:
                continue
            summary.claimed += len(items)
            subject, body = render_digest(cal, user, items, today)
            queue_mail(to=[user.email], subject=subject, body=body, kind=REMINDER)
        summary.mails += 1
        summary.digests[user_id] = items
    return summary


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("日期格式应为YYYY-MM-DD")) from exc


class Command(BaseCommand):
    help = (
        "向经办人发送答复期限即将届满（3个工作日内）或已超期的政府信息公开申请提醒，每日运行一次。"
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--date",
            type=_iso_date,
            default=None,
            help="按指定日期（YYYY-MM-DD）计算，默认为北京时间今天；用于测试。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or timezone.localdate(timezone=SHANGHAI)
        summary = send_deadline_reminders(today)
        self.stdout.write(
            _(
                "%(today)s：即将到期或已超期的申请%(due)d件，新发提醒%(claimed)d条"
                "（此前已发%(already)d条，无经办人%(none)d件），邮件%(mails)d封已排队发送。"
            )
            % {
                "today": today.isoformat(),
                "due": summary.due,
                "claimed": summary.claimed,
                "already": summary.already_sent,
                "none": summary.no_recipient,
                "mails": summary.mails,
            }
        )
