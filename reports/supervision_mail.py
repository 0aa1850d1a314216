"""Weekly supervision mail (issue 11), sent by ``manage.py send_supervision_mail``:

- a digest to each people's government's supervising staff — the 年报编制 (``reporter``) of the
  government itself, its 政务公开办 — listing the organs of its subtree with something to chase
  this week (overdue or nearly due applications, late publication, a stale guide, a report
  past or near its statutory date);
- a reminder to the 年报编制 of every organ whose report on last year is not published and is
  due within two weeks or already late (条例第四十九条, the organ's own date: reports.statutory).

The daily alerts about each application due soon or overdue go to the organ's handlers through
``send_deadline_reminders`` (requests_app) and are not repeated here.

Safe on every node and idempotent: each (kind, organ, user, week) is claimed by inserting a
``SupervisionMail`` row in the same transaction that queues the mail (``queue_mail``); the
unique constraint lets one run win, and a rolled-back claim queues nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.models import Organ, StaffProfile, StaffRole
from disclosure_portal.mail import queue_mail
from reports import statutory
from reports.permissions import current_versions
from reports.supervision import Period, Row, supervise
from requests_app.calendar import current_calendar

REPORT_REMINDER_DAYS = 14


@dataclass
class MailSummary:
    digests: int = 0
    report_reminders: int = 0
    already_sent: int = 0


def week_of(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _site() -> dict[str, str]:
    portal = getattr(settings, "PORTAL", {}) or {}
    return {
        "base": str(portal.get("BASE_URL", "") or "").rstrip("/"),
        "name": str(portal.get("SITE_NAME", "")),
    }


def _reporters(organ_ids: set[int]) -> dict[int, list[Any]]:
    """Users holding the 年报编制 role at each organ (their own organ, not an ancestor)."""
    out: dict[int, list[Any]] = {}
    profiles = StaffProfile.objects.filter(organ_id__in=organ_ids).select_related("user")
    for profile in profiles:
        if StaffRole.REPORTER in profile.roles and profile.user.is_active and profile.user.email:
            out.setdefault(profile.organ_id, []).append(profile.user)
    return out


def _claim_and_queue(
    kind: str, organ: Organ, user: Any, period: str, subject: str, body: str
) -> bool:
    from reports.models import SupervisionMail

    try:
        with transaction.atomic():
            SupervisionMail.objects.create(kind=kind, organ=organ, user=user, period=period)
            queue_mail(to=[user.email], subject=subject, body=body, kind=f"supervision_{kind}")
    except IntegrityError:
        return False
    return True


def _report_point(organ: Organ, today: dt.date, published: set[int]) -> str:
    """Last year's report, not published and due within two weeks or late (条例第四十九条, the
    organ's own date): the 政务公开办 chases it too, not only the organ's 年报编制."""
    year = today.year - 1
    if organ.pk in published:
        return ""
    due = statutory.report_due_on(year, statutory.organ_due_kind(organ))
    if (due - today).days > REPORT_REMINDER_DAYS:
        return ""
    values = {"year": year, "due": f"{due.year}年{due.month}月{due.day}日"}
    if today > due:
        return _("%(year)d年度报告逾期未发布（法定期限%(due)s）") % values
    return _("%(year)d年度报告尚未发布（法定期限%(due)s）") % values


def _points(row: Row, report: str = "") -> str:
    points = []
    if row.overdue:
        points.append(_("已超期申请%(n)d件") % {"n": row.overdue})
    if row.due_soon:
        points.append(_("3个工作日内到期%(n)d件") % {"n": row.due_soon})
    if row.items_late:
        points.append(_("超期公开信息%(n)d条") % {"n": row.items_late})
    if "guide_updated_on" in row.flags:
        points.append(_("公开指南超过12个月未更新"))
    if report:
        points.append(report)
    return "；".join(points)


def send_digests(today: dt.date, summary: MailSummary) -> None:
    governments = [
        organ for organ in Organ.objects.all() if statutory.organ_due_kind(organ) == statutory.MARCH
    ]
    recipients = _reporters({g.pk for g in governments})
    site = _site()
    calendar = current_calendar()
    published = set(
        current_versions()
        .filter(report__year=today.year - 1)
        .values_list("report__organ_id", flat=True)
    )
    organs = {organ.pk: organ for organ in Organ.objects.all()}
    for government in governments:
        users = recipients.get(government.pk, [])
        if not users:
            continue
        table = supervise(government, Period(today.year), today=today, calendar=calendar)
        chase = []
        for row in table.rows:
            organ = organs.get(row.organ_id)
            report = _report_point(organ, today, published) if organ is not None else ""
            if points := _points(row, report):
                chase.append({"name": row.organ_name, "points": points})
        url = site["base"] + reverse("staff_reports:supervision") + f"?organ={government.code}"
        subject = _("政务公开监督周报：已超期申请%(overdue)d件，需督促机关%(n)d个") % {
            "overdue": table.total.overdue,
            "n": len(chase),
        }
        for user in users:
            body = render_to_string(
                "reports/mail/supervision_digest.txt",
                {
                    "user_name": user.get_full_name() or user.get_username(),
                    "today": f"{today.year}年{today.month}月{today.day}日",
                    "organ_name": government.name,
                    "organs": len(table.rows) - 1,
                    "year": today.year,
                    "total": table.total,
                    "chase": chase,
                    "url": url,
                    "site_name": site["name"],
                },
            )
            if _claim_and_queue("digest", government, user, week_of(today), subject, body):
                summary.digests += 1
            else:
                summary.already_sent += 1


def send_report_reminders(today: dt.date, summary: MailSummary) -> None:
    year = today.year - 1
    published = set(
        current_versions().filter(report__year=year).values_list("report__organ_id", flat=True)
    )
    organs = [o for o in Organ.objects.all() if o.pk not in published]
    due = {o.pk: statutory.report_due_on(year, statutory.organ_due_kind(o)) for o in organs}
    organs = [o for o in organs if (due[o.pk] - today).days <= REPORT_REMINDER_DAYS]
    recipients = _reporters({o.pk for o in organs})
    site = _site()
    for organ in organs:
        overdue = today > due[organ.pk]
        subject = (
            _("%(organ)s%(year)d年度报告已超过法定公布期限")
            if overdue
            else _("%(organ)s%(year)d年度报告法定公布期限将至")
        ) % {"organ": organ.name, "year": year}
        url = site["base"] + reverse("staff_reports:report_edit", args=[organ.code, year])
        for user in recipients.get(organ.pk, []):
            body = render_to_string(
                "reports/mail/report_due.txt",
                {
                    "user_name": user.get_full_name() or user.get_username(),
                    "organ_name": organ.name,
                    "year": year,
                    "due_on": f"{due[organ.pk].year}年{due[organ.pk].month}月{due[organ.pk].day}日",
                    "overdue": overdue,
                    "url": url,
                    "site_name": site["name"],
                },
            )
            period = f"{year}/{week_of(today)}"
            if _claim_and_queue("report_due", organ, user, period, subject, body):
                summary.report_reminders += 1
            else:
                summary.already_sent += 1


def send_supervision_mail(today: dt.date) -> MailSummary:
    summary = MailSummary()
    send_digests(today, summary)
    send_report_reminders(today, summary)
    return summary
