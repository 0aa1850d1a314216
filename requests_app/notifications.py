"""Mail to the applicant: receipt, 补正 request, fee notice, extension and answer.

Each mail is queued in the outbox in the step's own transaction (``disclosure_portal.mail``)
and sent by the task worker after the commit: a rolled-back step never mails, a failing mail
server delays the notice (retried with backoff) and never loses it nor the step, and no request
waits on the mail server. The wording lives in ``templates/requests_app/mail/<kind>.txt``
(plain text, Chinese).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop

from disclosure_portal.mail import queue_mail
from disclosure_portal.models import OutboxMail
from requests_app.deadlines import format_date
from requests_app.tracking import display_tracking_code

RECEIVED = "received"
CORRECTION = "correction"
FEE_NOTICE = "fee_notice"
EXTENSION = "extension"
ANSWER = "answer"
REMINDER = "reminder"
# 条例第三十五条
REASONS = "reasons"
DELAYED_DUE = "delayed_due"

# Marked with gettext_noop so that makemessages finds them; translated when sent.
_SUBJECTS = {
    RECEIVED: gettext_noop("已收到您的政府信息公开申请（查询码：%(code)s）"),
    CORRECTION: gettext_noop("请补正您的政府信息公开申请（查询码：%(code)s）"),
    FEE_NOTICE: gettext_noop("信息处理费收费通知（查询码：%(code)s）"),
    EXTENSION: gettext_noop("延长答复期限告知（查询码：%(code)s）"),
    ANSWER: gettext_noop("政府信息公开申请答复（查询码：%(code)s）"),
    REASONS: gettext_noop("请说明申请理由（查询码：%(code)s）"),
    DELAYED_DUE: gettext_noop("延迟答复期限告知（查询码：%(code)s）"),
}
KINDS = frozenset(_SUBJECTS)

# What staff read beside each mail of an application.
KIND_LABELS = {
    RECEIVED: _lazy("受理回执"),
    CORRECTION: _lazy("补正通知"),
    FEE_NOTICE: _lazy("收费通知"),
    EXTENSION: _lazy("延期告知"),
    ANSWER: _lazy("答复"),
    REMINDER: _lazy("答复期限提醒"),
    REASONS: _lazy("要求说明理由"),
    DELAYED_DUE: _lazy("延迟答复告知"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _render(kind: str, application: Any, extra: dict[str, Any]) -> tuple[str, str]:
    base_url = (settings.PORTAL.get("BASE_URL") or "").rstrip("/")
    context = {
        "application": application,
        "organ_name": application.organ.name,
        "applicant": application.applicant_display_name,
        "tracking_code": display_tracking_code(application.tracking_code),
        "site_name": settings.PORTAL.get("SITE_NAME", ""),
        # Full links only when the public address is configured (PORTAL_BASE_URL).
        "track_url": f"{base_url}/track/" if base_url else "",
        "received_on": format_date(application.received_on),
        "first_received_on": format_date(application.first_received_on),
        "due_on": format_date(application.due_on) if application.due_on else "",
        **extra,
    }
    subject = _(_SUBJECTS[kind]) % {"code": context["tracking_code"]}
    body = render_to_string(f"requests_app/mail/{kind}.txt", context)
    return subject, body


def notify_applicant(
    application: Any, kind: str, *, event: Any = None, **extra: Any
) -> OutboxMail | None:
    """Queue the ``kind`` mail to the applicant in the current transaction (the step's).

    The mail is rendered now, from the state the step is committing, and sent by the task
    worker after the commit (``disclosure_portal.mail``). ``event`` is the step's event row:
    the mail becomes its notice (``Event.notice``), at most one per event.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    if not application.email:
        # No e-mail address given: the letter goes by the channel the applicant chose.
        return None
    subject, body = _render(kind, application, extra)
    mail = queue_mail(
        to=[application.email],
        subject=subject,
        body=body,
        kind=kind,
        application=application,
        dedupe_key=f"application:{application.pk}:event:{event.pk}" if event else None,
    )
    if event is not None and mail is not None:
        event.notice = mail
        event.save(update_fields=["notice"])
    return mail


def notice_sent_times(events: Iterable[Any]) -> dict[int, dt.datetime]:
    """When each event's notice first reached the mail server (the first mail or a resend
    of it that was sent), by event id; one query."""
    notice_of = {event.pk: event.notice_id for event in events if event.notice_id}
    if not notice_of:
        return {}
    first_sent = dict(
        OutboxMail.objects.filter(
            Q(pk__in=notice_of.values()) | Q(resend_of__in=notice_of.values()),
            status=OutboxMail.Status.SENT,
        )
        .annotate(root=Coalesce("resend_of_id", "id"))
        .values("root")
        .annotate(first=Min("sent_at"))
        .values_list("root", "first")
    )
    return {
        event_id: first_sent[mail_id]
        for event_id, mail_id in notice_of.items()
        if mail_id in first_sent
    }
