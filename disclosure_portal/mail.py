"""One way for every app to send mail: ``queue_mail``, called inside the step's transaction.

``queue_mail`` writes an ``OutboxMail`` row and enqueues the ``deliver_mail`` task in the
caller's transaction: with the database task backend both are rows of the same database, so the
step and its mail commit together or not at all, and a rolled-back step never mails. No request
talks to the mail server; the worker (``manage.py db_worker``) does:

1. it claims the row by compare-and-swap (``queued`` → ``sending``): a duplicated or retried task
   whose row is already sent, failed or claimed sends nothing;
2. it sends the message with the row's stable ``Message-ID``;
3. it marks the row ``sent``, or records the error and re-enqueues itself with exponential
   backoff (``run_after``) until ``MAIL_MAX_ATTEMPTS`` is spent, then marks it ``failed``.

A worker killed between the mail server's acceptance and step 3 leaves the row ``sending``;
after ``MAIL_CLAIM_TIMEOUT`` ``manage.py requeue_mail`` hands it to a new task (the one case that
can deliver twice, with the same Message-ID, which mail servers recognise). Callers pass plain,
already rendered text.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone

from disclosure_portal.models import OutboxMail

logger = logging.getLogger(__name__)

Status = OutboxMail.Status


def max_attempts() -> int:
    return int(getattr(settings, "MAIL_MAX_ATTEMPTS", 10))


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff after the ``attempts``-th failure: base, 2×base, 4×base … capped."""
    base = float(getattr(settings, "MAIL_RETRY_SECONDS", 60))
    cap = float(getattr(settings, "MAIL_RETRY_MAX_SECONDS", 3600))
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "MAIL_CLAIM_TIMEOUT", 900)))


def _message_id() -> str:
    # The sender's domain, so that the id is globally unique and says where it came from.
    domain = str(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2].strip(" >") or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def _transactional(task_obj: Any) -> bool:
    """True when enqueuing writes a row in the default database, i.e. inside our transaction."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_obj.get_backend(), DatabaseBackend)


def _enqueue(mail_id: int, run_after: dt.datetime | None = None) -> str:
    """Enqueue delivery of ``mail_id`` in the current transaction (database backend).

    Other backends cannot take part in the transaction: they are enqueued once it commits, and
    those that cannot defer (the immediate backend of tests and development) leave a retry to
    ``requeue_mail``. Returns the task's id when it is known now.
    """
    job = deliver_mail
    if _transactional(job):
        if run_after is not None:
            job = job.using(run_after=run_after)
        task_id = str(job.enqueue(mail_id).id)
        OutboxMail.objects.filter(pk=mail_id).update(task_id=task_id)
        return task_id
    if run_after is not None and not job.get_backend().supports_defer:
        return ""
    if run_after is not None:
        job = job.using(run_after=run_after)
    transaction.on_commit(lambda: job.enqueue(mail_id))
    return ""


def queue_mail(
    *,
    to: list[str],
    subject: str,
    body: str,
    kind: str,
    application: Any = None,
    dedupe_key: str | None = None,
    resend_of: OutboxMail | None = None,
    created_by: Any = None,
) -> OutboxMail | None:
    """Queue ``subject``/``body`` to ``to``; it leaves once the current transaction commits.

    ``kind`` names the notice (e.g. ``"received"``, ``"review_returned"``); ``application``
    (any model instance) links the mail to what it concerns; ``dedupe_key``, when given, is
    unique: queuing it again returns the mail already queued and queues nothing. Returns the
    row, or None when there is no recipient.
    """
    recipients = [address for address in to if address]
    if not recipients:
        return None
    if dedupe_key:
        existing = OutboxMail.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    target: dict[str, Any] = {}
    if application is not None:
        target = {
            "content_type": ContentType.objects.get_for_model(application),
            "object_id": application.pk,
        }
    try:
        # The row and its task commit together; the savepoint keeps the caller's transaction
        # usable when a concurrent caller inserted the same dedupe key first.
        with transaction.atomic():
            mail = OutboxMail.objects.create(
                to=recipients,
                subject=subject[:300],
                body=body,
                kind=kind,
                dedupe_key=dedupe_key or None,
                message_id=_message_id(),
                resend_of=resend_of,
                created_by=created_by,
                **target,
            )
            mail.task_id = _enqueue(mail.pk)
    except IntegrityError:
        if not dedupe_key:
            raise
        return OutboxMail.objects.get(dedupe_key=dedupe_key)
    return mail


class MailNotResendable(Exception):
    """The mail is still queued or being sent: resending it would only duplicate it."""


def resend_mail(*, actor: Any, mail: OutboxMail) -> OutboxMail:
    """Queue the same mail again as a new row (the old one stays as the record), e.g. after
    it failed or when the recipient says it never arrived."""
    if mail.status not in (Status.SENT, Status.FAILED):
        raise MailNotResendable
    with transaction.atomic():
        again = queue_mail(
            to=mail.to,
            subject=mail.subject,
            body=mail.body,
            kind=mail.kind,
            application=mail.target if mail.content_type_id else None,
            resend_of=mail.resend_of or mail,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    assert again is not None
    return again


def mails_for(obj: Any) -> Any:
    """The mails linked to ``obj``, oldest first."""
    return OutboxMail.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).order_by("created_at", "id")


def _claim(mail_id: int, now: dt.datetime) -> bool:
    """Compare-and-swap: only a due ``queued`` row (or a ``sending`` one whose worker died)
    becomes ours; every other task for the same row finds nothing to do."""
    due = Q(status=Status.QUEUED, next_attempt_at__lte=now)
    abandoned = Q(status=Status.SENDING, claimed_at__lt=now - claim_timeout())
    return bool(
        OutboxMail.objects.filter(due | abandoned, pk=mail_id).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def deliver(mail_id: int) -> str:
    """Send one outbox row at most once; returns what happened (kept as the task's result)."""
    now = timezone.now()
    if not _claim(mail_id, now):
        return "skipped"
    mail = OutboxMail.objects.get(pk=mail_id)
    ours = OutboxMail.objects.filter(pk=mail_id, status=Status.SENDING, claimed_at=now)
    message = EmailMessage(
        mail.subject, mail.body, None, mail.to, headers={"Message-ID": mail.message_id}
    )
    try:
        message.send()
    except Exception as error:  # any failure of the mail server is retried
        return _failed(mail, ours, error)
    ours.update(status=Status.SENT, sent_at=timezone.now(), claimed_at=None, last_error="")
    return "sent"


def _failed(mail: OutboxMail, ours: Any, error: Exception) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    now = timezone.now()
    with transaction.atomic():
        if mail.attempts >= max_attempts():
            ours.update(status=Status.FAILED, claimed_at=None, last_error=text)
            logger.error("邮件%s第%d次发送失败，不再重试：%s", mail.pk, mail.attempts, text)
            return "failed"
        retry_at = now + retry_delay(mail.attempts)
        if ours.update(
            status=Status.QUEUED, claimed_at=None, last_error=text, next_attempt_at=retry_at
        ):
            _enqueue(mail.pk, run_after=retry_at)
    logger.warning("邮件%s第%d次发送失败，%s重试：%s", mail.pk, mail.attempts, retry_at, text)
    return "retry"


@task()
def deliver_mail(mail_id: int) -> str:
    """The worker's task: see ``deliver``."""
    return deliver(mail_id)


def requeue_stalled(now: dt.datetime | None = None) -> int:
    """Enqueue a task for every mail that is due but has none running: rows left ``queued``
    by a backend that cannot defer, or ``sending`` by a worker that died. Safe to run
    anywhere and often: a surplus task finds the row claimed and sends nothing."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    now = now or timezone.now()
    waiting = {
        str(task_id)
        for task_id in DBTaskResult.objects.filter(
            status="READY", task_path=deliver_mail.module_path
        ).values_list("id", flat=True)
    }
    stalled = OutboxMail.objects.filter(
        Q(status=Status.QUEUED, next_attempt_at__lte=now)
        # Claimed so long ago that its worker must have died.
        | Q(status=Status.SENDING, claimed_at__lt=now - claim_timeout())
    ).values_list("pk", "status", "task_id")
    count = 0
    for mail_id, status, task_id in list(stalled):
        if status == Status.QUEUED and task_id in waiting:
            continue  # its task is in the queue: the worker will get to it
        with transaction.atomic():
            _enqueue(mail_id)
        count += 1
    return count
