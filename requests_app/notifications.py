"""Mail to the applicant: receipt, 补正 request, fee notice, extension and answer.

Mail goes out only after the transaction that recorded the step has committed
(``transaction.on_commit``): a rolled-back step never mails, and a failing mail server never
loses a citizen's application or a staff member's action. A failure is logged, never raised.
The wording lives in ``templates/requests_app/mail/<kind>.txt`` (plain text, Chinese).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from requests_app.deadlines import format_date
from requests_app.tracking import display_tracking_code

logger = logging.getLogger(__name__)

RECEIVED = "received"
CORRECTION = "correction"
FEE_NOTICE = "fee_notice"
EXTENSION = "extension"
ANSWER = "answer"
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


def _send(kind: str, application_id: int, extra: dict[str, Any]) -> None:
    """Runs after commit: read the committed row, render, send; log any failure."""
    from requests_app.models import Application

    try:
        application = Application.objects.select_related("organ").get(pk=application_id)
        if not application.email:
            return
        subject, body = _render(kind, application, extra)
        send_mail(subject, body, None, [application.email])
    except Exception:
        logger.exception("未能发送申请%s的%s邮件", application_id, kind)


def notify_applicant(application: Any, kind: str, **extra: Any) -> None:
    """Queue the ``kind`` mail to the applicant for when the current transaction commits.

    ``extra`` values must be plain data (dates formatted by the caller): they are rendered
    after the commit, when the caller's objects may have changed.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    if not application.email:
        # No e-mail address given: the letter goes by the channel the applicant chose.
        return
    transaction.on_commit(lambda: _send(kind, application.pk, extra))
