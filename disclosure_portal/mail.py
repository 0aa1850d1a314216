"""One way for every app to send mail: ``queue_mail``, called inside the step's transaction.

The mail leaves only after the transaction that recorded the step has committed: a rolled-back
step never mails. Callers pass plain, already rendered text.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def queue_mail(
    *,
    to: list[str],
    subject: str,
    body: str,
    kind: str,
    application: Any = None,
    dedupe_key: str | None = None,
) -> None:
    """Send ``subject``/``body`` to ``to`` once the current transaction commits.

    ``kind`` names the notice (e.g. ``"receipt"``, ``"review_returned"``); ``application`` links
    a mail to the application it concerns; ``dedupe_key``, when given, is unique per mail.
    """
    recipients = [address for address in to if address]
    if not recipients:
        return

    def send() -> None:
        try:
            send_mail(subject, body, None, recipients)
        except Exception:
            logger.exception("未能发送%s邮件", kind)

    transaction.on_commit(send)
