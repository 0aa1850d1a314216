"""State changes of 依申请公开: one service per change, called by the staff pages and the API.

Each workflow service (style.md, "One service per state change"):
1. checks the transition against ``workflow.TRANSITIONS`` (else ``WorkflowConflict``, a 409);
2. validates the date and the action's own fields (else ``ValidationError`` by field, a 400)
   before anything is written;
3. inside ``transaction.atomic()`` compare-and-swaps the row
   (``filter(pk=…, status=current).update(…)``), so two clerks clicking at once cannot both
   win, appends the ``Event`` row, and refreshes the stored copy of the deadline fold;
4. queues the applicant's mail in the same transaction (``notifications.notify_applicant``:
   an outbox row and its delivery task, sent by the worker once the step has committed).

Permissions are the caller's job (``requests_app.permissions``): services trust ``actor``.
Dates are calendar days in Asia/Shanghai, whatever the server's clock zone.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import pii
from catalog.attachment_text import extract_text
from catalog.models import Item, Organ
from catalog.services import claim_serial
from catalog.uploads import (
    APPLICATION_KINDS,
    ITEM_KINDS,
    STORAGE_FAILED,
    CheckedUpload,
    check_upload,
    delete_after_commit,
    discard_unless_committed,
    random_name,
    store_upload,
)
from catalog.validators import credit_code_problem
from requests_app import calendar as calendar_module
from requests_app import notifications, permissions, published_years
from requests_app.deadlines import (
    Derivation,
    Pause,
    compute_due,
    correction_request_is_late,
    default_correction_due,
    default_reasons_due,
    extension_allowed,
    fee_payment_due,
    format_date,
    period_has_lapsed,
    third_party_reply_due,
)
from requests_app.fees import per_item_fees, per_page_fee
from requests_app.models import (
    MAX_RELEASED_FILES,
    OPEN_STATUSES,
    RELEASING_OUTCOMES,
    Appeal,
    AppealKind,
    AppealResult,
    ApplicantType,
    Application,
    ApplicationAttachment,
    CalendarOverride,
    CalendarYear,
    Channel,
    DeliveryForm,
    DeliveryMethod,
    Event,
    EventType,
    FeeBasis,
    IdType,
    LetterSerial,
    Outcome,
    ReleasedFile,
    Status,
)
from requests_app.tracking import new_tracking_code
from requests_app.workdays import WorkCalendar, next_workday
from requests_app.workflow import TRANSITIONS

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")

# api.md: ≤ 5 attachments, PDF/JPEG/PNG/OFD only, checked by content.
MAX_ATTACHMENTS = 5
# api.md: description ≤ 5000 characters.
MAX_DESCRIPTION = 5000
MAX_REPLY = 20000

APPLICANT_FIELDS = (
    "name",
    "id_type",
    "id_number",
    "organization",
    "credit_code",
    "legal_representative",
    "contact_name",
    "phone",
    "email",
    "address",
    "postal_code",
)
# Mirrors the national application form: a person gives name and identity document, an
# organisation its name, credit code, legal representative and contact person.
PERSON_FIELDS = ("name", "id_type", "id_number")
ORGANISATION_FIELDS = ("organization", "credit_code", "legal_representative", "contact_name")
CONTACT_FIELDS = ("phone", "email", "address", "postal_code")
CONTACT_MEANS = ("phone", "email", "address")

# Outcomes recorded by the closing actions themselves, never by ``answer``.
LAPSE_OUTCOMES = frozenset({Outcome.OTHER_CORRECTION_LAPSED, Outcome.OTHER_FEE_UNPAID})
# 不予公开 (in whole or in part): 行政复议法第二十三条 requires 复议 before a lawsuit.
REFUSAL_OUTCOMES = frozenset(
    {o for o in Outcome.values if o.startswith("withheld_")} | {Outcome.PARTIALLY_DISCLOSED}
)

_PHONE = re.compile(r"^[0-9+\-()（）\s转#*]{5,50}$")
_POSTAL_CODE = re.compile(r"^\d{6}$")
_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
# GB 11643-1999 check digit of the 18-digit 居民身份证号码.
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK = "10X98765432"


class WorkflowConflict(Exception):
    """The application's current state does not allow the action (the API answers 409)."""


# --- Small helpers ------------------------------------------------------------------------


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Beijing time: statutory days are counted on the calendar of China."""
    return timezone.localtime(now or timezone.now(), SHANGHAI).date()


def _user(actor: Any) -> Any:
    """The actor as stored on rows: a logged-in user, else None (an anonymous citizen)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list, tuple, set)):
        raise TypeError
    return str(value).strip()


def resident_id_problem(number: str) -> str | None:
    """Why ``number`` is not a valid 18-digit 居民身份证号码 (GB 11643-1999), or None."""
    if not _RESIDENT_ID.match(number):
        return _("居民身份证号码应为18位，前17位为数字，最后一位为数字或X。")
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("居民身份证号码中的出生日期无效。")
    total = sum(int(c) * w for c, w in zip(number[:17], _RESIDENT_ID_WEIGHTS, strict=True))
    if _RESIDENT_ID_CHECK[total % 11] != number[17]:
        return _("居民身份证号码校验位错误。")
    return None


def _max_length(field: str) -> int:
    return Application._meta.get_field(field).max_length or 254


# --- The deadline fold --------------------------------------------------------------------

# The event types the answer clock depends on; everything else is ignored by the fold.
CLOCK_EVENT_TYPES = (
    EventType.REQUEST_CORRECTION,
    EventType.RECEIVE_CORRECTION,
    EventType.START_CONSULTATION,
    EventType.END_CONSULTATION,
    EventType.ISSUE_FEE_NOTICE,
    EventType.CONFIRM_FEE_PAID,
    EventType.LAPSE_CORRECTION,
    EventType.LAPSE_FEE,
    EventType.ANSWER,
    EventType.WITHDRAW,
    EventType.REQUEST_REASONS,
    EventType.RECEIVE_REASONS,
    EventType.LAPSE_REASONS,
    EventType.SET_DELAYED_DUE,
    EventType.RECORD_DELIVERY,
)
_CLOSING = frozenset(
    {
        EventType.LAPSE_CORRECTION,
        EventType.LAPSE_FEE,
        EventType.LAPSE_REASONS,
        EventType.ANSWER,
        EventType.WITHDRAW,
    }
)
_PAUSE_ENDS = frozenset(
    {EventType.END_CONSULTATION, EventType.CONFIRM_FEE_PAID, EventType.RECEIVE_REASONS}
)
# A clock event as the fold reads it: (type, date, data).
ClockEvent = tuple[str, dt.date, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ClockFacts:
    """What the events say about the answer clock."""

    pauses: tuple[Pause, ...]
    # 条例第三十条: while a 补正 is awaited there is no answer deadline at all.
    awaiting_correction: bool
    # 条例第三十五条: the delayed answer date and its reason, if one was set.
    delayed_due_on: dt.date | None = None
    delayed_reason: str = ""


def _data_date(data: dict[str, Any], key: str) -> dt.date | None:
    value = (data or {}).get(key)
    return dt.date.fromisoformat(value) if value else None


def fold_events(
    events: Iterable[ClockEvent], *, fee_pauses_clock: bool, calendar: WorkCalendar
) -> ClockFacts:
    """Fold ``(type, date, data)`` events, oldest first, into the clock's pauses.

    条例第三十三条第三款: consulting third parties or other organs does not count; the fee
    period does not count when the organ says so (domain.md, default on); asking for reasons
    (条例第三十五条) does not count either. A pause still running has ``end=None``; a closing
    step ends it on its own date. A consultation pause never runs past the consulted party's
    15 working days from the day it received the request (条例第三十二条、第三十四条); the
    reasons pause never past the period given for them.
    """
    pauses: list[Pause] = []
    running: Pause | None = None
    awaiting = False
    delayed: tuple[dt.date, str] | None = None
    for kind, day, data in events:
        if kind == EventType.START_CONSULTATION:
            delivered = _data_date(data, "delivered_on")
            limit = third_party_reply_due(calendar, delivered) if delivered else None
            running = Pause("consultation", day, limit=limit)
        elif kind == EventType.RECORD_DELIVERY:
            delivered = _data_date(data, "delivered_on")
            if running is not None and running.kind == data.get("document") and delivered:
                running = Pause(
                    running.kind, running.start, limit=third_party_reply_due(calendar, delivered)
                )
        elif kind == EventType.ISSUE_FEE_NOTICE and fee_pauses_clock:
            running = Pause("fee", day)
        elif kind == EventType.REQUEST_REASONS:
            running = Pause("reasons", day, limit=_data_date(data, "reasons_due_on"))
        elif kind in _PAUSE_ENDS or kind in _CLOSING:
            if running is not None:
                pauses.append(Pause(running.kind, running.start, day, running.limit))
                running = None
        elif kind == EventType.REQUEST_CORRECTION:
            awaiting = True
        elif kind == EventType.RECEIVE_CORRECTION:
            # 条例第三十条: a new period; what was decided for the old one lapses with it.
            awaiting = False
            delayed = None
        elif kind == EventType.SET_DELAYED_DUE:
            due = _data_date(data, "due_on")
            if due is not None:
                delayed = (due, str(data.get("reason", "")))
    if running is not None:
        pauses.append(running)
    return ClockFacts(
        pauses=tuple(pauses),
        awaiting_correction=awaiting,
        delayed_due_on=delayed[0] if delayed else None,
        delayed_reason=delayed[1] if delayed else "",
    )


def _clock_events(application: Application, *, fresh: bool = False) -> list[ClockEvent]:
    """The application's clock events in order; uses a prefetched ``events`` unless fresh."""
    prefetched = getattr(application, "_prefetched_objects_cache", {}).get("events")
    if prefetched is not None and not fresh:
        rows = sorted(prefetched, key=lambda e: (e.date, e.pk))
        return [(e.type, e.date, e.data) for e in rows if e.type in CLOCK_EVENT_TYPES]
    return list(
        Event.objects.filter(application_id=application.pk, type__in=CLOCK_EVENT_TYPES)
        .order_by("date", "id")
        .values_list("type", "date", "data")
    )


def _derive(
    cal: WorkCalendar,
    facts: ClockFacts,
    *,
    received_on: dt.date,
    extension_workdays: int,
    today: dt.date,
    first_received_on: dt.date | None = None,
) -> Derivation | None:
    if facts.awaiting_correction:
        return None
    # domain.md: due_on = add_workdays(received_on, 20 + extension + paused)
    return compute_due(
        cal,
        received_on=received_on,
        extension_workdays=extension_workdays,
        pauses=facts.pauses,
        today=today,
        first_received_on=first_received_on,
        delayed_due_on=facts.delayed_due_on,
        delayed_reason=facts.delayed_reason,
    )


def deadline_of(
    application: Application,
    *,
    today: dt.date | None = None,
    calendar: WorkCalendar | None = None,
    _fresh: bool = False,
) -> Derivation | None:
    """The live answer deadline (条例第三十三条), folded from the application's events.

    The clock starts at ``application.received_on`` (after a 补正: the day the corrected
    application arrived, 条例第三十条); pauses come from the consultation and, where the organ
    pauses the clock for fees, the fee events; a pause still running counts as if it ended
    ``today``. None while a 补正 is awaited.
    """
    cal = calendar or calendar_module.current_calendar()
    facts = fold_events(
        _clock_events(application, fresh=_fresh),
        fee_pauses_clock=application.organ.fee_pauses_clock,
        calendar=cal,
    )
    return _derive(
        cal,
        facts,
        received_on=application.received_on,
        extension_workdays=application.extension_workdays,
        today=today or local_today(),
        first_received_on=application.first_received_on,
    )


def _due_fields(derivation: Derivation | None) -> dict[str, Any]:
    if derivation is None:
        return {"due_on": None, "due_covered": True, "paused_workdays": 0}
    return {
        "due_on": derivation.due_on,
        "due_covered": derivation.covered,
        "paused_workdays": derivation.paused_workdays,
    }


def _store_deadline(application: Application) -> None:
    """Refresh the stored copy of the fold (the queue sorts and filters by it)."""
    fields = _due_fields(deadline_of(application, _fresh=True))
    Application.objects.filter(pk=application.pk).update(**fields)
    for name, value in fields.items():
        setattr(application, name, value)


def _write_due_fields(rows: list[tuple[int, dt.date | None, bool, int]]) -> None:
    """Store ``(pk, due_on, due_covered, paused_workdays)`` rows in one statement.

    ``UPDATE … FROM (VALUES …)`` (PostgreSQL, SQLite ≥ 3.33) costs one statement per batch;
    ``bulk_update``'s CASE expressions grow quadratically with the batch and took minutes
    for 100,000 rows on SQLite, so it is only the fallback for other databases.
    """
    if not rows:
        return
    # Only the model's own table name and placeholders are interpolated; values are params.
    table = connection.ops.quote_name(Application._meta.db_table)
    if connection.vendor == "postgresql":
        values = ", ".join(["(%s, %s::date, %s::boolean, %s::integer)"] * len(rows))
        sql = (
            f"UPDATE {table} AS a SET due_on = v.due_on, due_covered = v.due_covered, "  # noqa: S608
            f"paused_workdays = v.paused_workdays FROM (VALUES {values}) "
            "AS v(id, due_on, due_covered, paused_workdays) WHERE a.id = v.id "
            "AND a.id BETWEEN %s AND %s"
        )
    elif connection.vendor == "sqlite":
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        sql = (
            f"UPDATE {table} AS a SET due_on = v.column2, due_covered = v.column3, "  # noqa: S608
            f"paused_workdays = v.column4 FROM (VALUES {values}) AS v WHERE a.id = v.column1 "
            "AND a.id BETWEEN %s AND %s"
        )
    else:
        Application.objects.bulk_update(
            [
                Application(pk=pk, due_on=due_on, due_covered=covered, paused_workdays=paused)
                for pk, due_on, covered, paused in rows
            ],
            ["due_on", "due_covered", "paused_workdays"],
        )
        return
    # The key range lets the database read only the batch's slice of the primary key.
    params = [value for row in rows for value in row] + [rows[0][0], rows[-1][0]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def recompute_due_dates(*, today: dt.date | None = None, batch_size: int = 2000) -> int:
    """Recompute the stored deadline of every open application; returns how many changed.

    Run after a calendar change and daily (a running pause moves the date every working
    day). Per batch of ``batch_size`` open applications, in primary-key order: one locking
    query for the applications, one for the clock events of that key range, and one
    statement writing the rows whose values changed. Identical folds (same clock start,
    extension and pauses: every application received on the same day without pauses) are
    computed once.
    """
    cal = calendar_module.current_calendar()
    today = today or local_today()
    fee_pauses = dict(Organ.objects.values_list("id", "fee_pauses_clock"))
    memo: dict[tuple[Any, ...], tuple[dt.date | None, bool, int]] = {}
    changed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            # Locked, so that a workflow action cannot interleave and be overwritten.
            rows = list(
                Application.objects.select_for_update()
                .filter(status__in=OPEN_STATUSES, pk__gt=last_pk)
                .order_by("pk")
                .values_list(
                    "pk",
                    "organ_id",
                    "received_on",
                    "first_received_on",
                    "extension_workdays",
                    "due_on",
                    "due_covered",
                    "paused_workdays",
                )[:batch_size]
            )
            if not rows:
                break
            first_pk, last_pk = rows[0][0], rows[-1][0]
            # A key range rather than a list of ids: no query parameter per application.
            events: dict[int, list[ClockEvent]] = defaultdict(list)
            for app_id, kind, day, data in (
                Event.objects.filter(
                    application_id__gte=first_pk,
                    application_id__lte=last_pk,
                    type__in=CLOCK_EVENT_TYPES,
                )
                .order_by("application_id", "date", "id")
                .values_list("application_id", "type", "date", "data")
            ):
                events[app_id].append((kind, day, data))
            dirty: list[tuple[int, dt.date | None, bool, int]] = []
            for pk, organ_id, received_on, first, extension, due_on, covered, paused in rows:
                facts = fold_events(
                    events.get(pk, ()), fee_pauses_clock=fee_pauses[organ_id], calendar=cal
                )
                key = (received_on, first, extension, facts)
                new = memo.get(key)
                if new is None:
                    fields = _due_fields(
                        _derive(
                            cal,
                            facts,
                            received_on=received_on,
                            extension_workdays=extension,
                            today=today,
                            first_received_on=first,
                        )
                    )
                    new = memo[key] = (
                        fields["due_on"],
                        fields["due_covered"],
                        fields["paused_workdays"],
                    )
                if new != (due_on, covered, paused):
                    dirty.append((pk, *new))
            _write_due_fields(dirty)
            changed += len(dirty)
    return changed


# --- Submission (条例第二十九条、第三十一条) ---------------------------------------------------


def _clean_applicant(applicant_type: str, raw: Any, errors: dict[str, list[Any]]) -> dict[str, str]:
    """The applicant fields that belong to ``applicant_type``, cleaned; problems go to
    ``errors`` under ``applicant.<field>``."""

    def add(field: str, message: str) -> None:
        errors.setdefault(f"applicant.{field}", []).append(message)

    if not isinstance(raw, dict):
        errors.setdefault("applicant", []).append(_("申请人信息格式不正确。"))
        return {}
    values: dict[str, str] = {}
    for field in APPLICANT_FIELDS:
        try:
            values[field] = _text(raw.get(field))
        except TypeError:
            add(field, _("格式不正确。"))
            values[field] = ""
    values["credit_code"] = values["credit_code"].upper()
    values["id_number"] = values["id_number"].upper()
    values["email"] = values["email"].lower()

    wanted: tuple[str, ...]
    required: dict[str, str]
    if applicant_type not in ApplicantType.values:
        # The type decides which fields are required; its own error is reported already.
        wanted, required = (), {}
    elif applicant_type == ApplicantType.NATURAL_PERSON:
        wanted = PERSON_FIELDS
        required = {
            "name": _("请填写姓名。"),
            "id_type": _("请选择证件类型。"),
            "id_number": _("请填写证件号码。"),
        }
    else:
        wanted = ORGANISATION_FIELDS
        required = {
            "organization": _("请填写法人或者其他组织的名称。"),
            "credit_code": _("请填写统一社会信用代码。"),
            "legal_representative": _("请填写法定代表人或者负责人。"),
            "contact_name": _("请填写联系人姓名。"),
        }
    cleaned = {field: values[field] for field in (*wanted, *CONTACT_FIELDS)}
    for field, message in required.items():
        if not cleaned[field]:
            add(field, message)
    for field, value in cleaned.items():
        limit = _max_length(field)
        if len(value) > limit:
            add(field, _("不能超过%(limit)d个字符。") % {"limit": limit})

    if cleaned.get("id_type") and cleaned["id_type"] not in IdType.values:
        add("id_type", _("证件类型无效。"))
    if cleaned.get("id_type") == IdType.RESIDENT_ID and cleaned.get("id_number"):
        problem = resident_id_problem(cleaned["id_number"])
        if problem:
            add("id_number", problem)
    if cleaned.get("credit_code"):
        problem = credit_code_problem(cleaned["credit_code"])
        if problem:
            add("credit_code", problem)

    # 条例第二十九条第二款第一项: 联系方式 — at least one way to reach the applicant.
    if not any(cleaned[field] for field in CONTACT_MEANS):
        add("phone", _("联系电话、电子邮箱、通信地址至少填写一项。"))
    if cleaned["phone"] and not _PHONE.match(cleaned["phone"]):
        add("phone", _("联系电话格式不正确。"))
    if cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            add("email", _("电子邮箱格式不正确。"))
    if cleaned["postal_code"] and not _POSTAL_CODE.match(cleaned["postal_code"]):
        add("postal_code", _("邮政编码应为6位数字。"))
    return cleaned


def _check_attachments(
    attachments: Sequence[UploadedFile], errors: dict[str, list[Any]]
) -> list[tuple[UploadedFile, CheckedUpload]]:
    checked: list[tuple[UploadedFile, CheckedUpload]] = []
    if len(attachments) > MAX_ATTACHMENTS:
        errors.setdefault("attachments", []).append(
            ValidationError(
                _("附件最多%(count)d个。") % {"count": MAX_ATTACHMENTS}, code="too_many"
            )
        )
        return checked
    for upload in attachments:
        try:
            result = check_upload(
                upload,
                name=upload.name or "",
                size=upload.size or 0,
                allowed=APPLICATION_KINDS,
                max_bytes=settings.ATTACHMENT_MAX_BYTES,
            )
        except ValidationError as exc:
            errors.setdefault("attachments", []).extend(exc.error_list)
        else:
            checked.append((upload, result))
    return checked


def _choice(
    data: dict[str, Any], field: str, choices: Any, message: str, errors: dict[str, list[Any]]
) -> str:
    try:
        value = _text(data.get(field))
    except TypeError:
        value = ""
    if value not in choices.values:
        errors.setdefault(field, []).append(message)
    return value


def _unique_tracking_code() -> str:
    while True:
        code = new_tracking_code()
        if not Application.objects.filter(tracking_code=code).exists():
            return code


def application_submit(
    *,
    actor: Any,
    organ: Organ,
    data: dict[str, Any],
    attachments: Sequence[UploadedFile] = (),
    channel: str | None = None,
    received_on: dt.date | None = None,
    now: dt.datetime | None = None,
    confirm_published_year: bool = False,
) -> Application:
    """Record a new 政府信息公开申请 and start its clock.

    ``data``: ``applicant_type``, ``applicant`` (a dict of ``APPLICANT_FIELDS``; the fields may
    also be given at the top level of ``data``), ``description``, ``delivery_form``,
    ``delivery_method``. Everything is validated before anything is written; errors are
    keyed by field, the applicant's as ``applicant.<field>``.

    Receipt date (条例第三十一条, domain.md): online, the submission day in Beijing time when it
    is a working day, else the next working day. Staff of the organ registering a paper,
    in-person, fax or e-mail application give ``channel`` and ``received_on`` (not after today;
    default today); anyone else always applies ``online`` and cannot choose the date.
    A ``received_on`` in a year whose annual report is already published changes figures
    the public has seen: it needs ``confirm_published_year`` and then marks that report as
    needing a correction (domain.md "Clock edges").
    """
    now = now or timezone.now()
    today = local_today(now)
    cal = calendar_module.current_calendar()
    errors: dict[str, list[Any]] = {}

    applicant_type = _choice(data, "applicant_type", ApplicantType, _("请选择申请人类型。"), errors)
    raw_applicant = data.get("applicant")
    if raw_applicant is None:
        raw_applicant = {field: data[field] for field in APPLICANT_FIELDS if field in data}
    applicant = _clean_applicant(applicant_type, raw_applicant, errors)

    try:
        description = _text(data.get("description"))
    except TypeError:
        description = ""
    if not description:
        errors.setdefault("description", []).append(
            _("请填写所需政府信息的名称、文号或者便于行政机关查询的其他特征性描述。")
        )
    elif len(description) > MAX_DESCRIPTION:
        errors.setdefault("description", []).append(
            _("不能超过%(limit)d个字符。") % {"limit": MAX_DESCRIPTION}
        )
    delivery_form = _choice(
        data, "delivery_form", DeliveryForm, _("请选择信息的提供形式。"), errors
    )
    delivery_method = _choice(
        data, "delivery_method", DeliveryMethod, _("请选择获取信息的方式。"), errors
    )
    # The information must reach the applicant the way he chose (条例第二十九条第二款第三项).
    if delivery_method == DeliveryMethod.EMAIL and applicant and not applicant.get("email"):
        errors.setdefault("applicant.email", []).append(
            _("选择以电子邮件获取信息的，请填写电子邮箱。")
        )
    if delivery_method == DeliveryMethod.POST and applicant and not applicant.get("address"):
        errors.setdefault("applicant.address", []).append(_("选择邮寄获取信息的，请填写通信地址。"))

    if permissions.can_register(actor, organ):
        channel = channel or Channel.ONLINE
        if channel not in Channel.values:
            errors.setdefault("channel", []).append(_("申请方式无效。"))
        if received_on is not None and received_on > today:
            errors.setdefault("received_on", []).append(_("收到申请日期不能晚于今天。"))
    else:
        # api.md: anonymous callers (and anyone not on the organ's staff) apply online.
        channel, received_on = Channel.ONLINE, None
    if received_on is None:
        # 条例第三十一条第三项 / domain.md: an online application submitted on a day off is
        # received on the next working day; paper is received the day it is registered.
        received_on = next_workday(cal, today) if channel == Channel.ONLINE else today
    into_published = (
        not errors.get("received_on")
        and received_on < today
        and published_years.is_published(organ, received_on.year)
    )
    if into_published and confirm_published_year is not True:
        errors.setdefault("confirm_published_year", []).append(
            _(
                "%(year)d年度报告已发布：登记收到日期在该年度的申请会改变已公开的统计数据，"
                "须确认（confirm_published_year）后方可登记，登记后该年度报告需要更正"
                "（条例第五十条）。"
            )
            % {"year": received_on.year}
        )

    checked = _check_attachments(attachments, errors)
    if errors:
        raise ValidationError(errors)

    derivation = _derive(
        cal,
        ClockFacts(pauses=(), awaiting_correction=False),
        received_on=received_on,
        extension_workdays=0,
        today=today,
    )
    try:
        with discard_unless_committed() as written, transaction.atomic():
            application = _record_application(
                actor,
                organ,
                channel=channel,
                applicant_type=applicant_type,
                applicant=applicant,
                description=description,
                delivery_form=delivery_form,
                delivery_method=delivery_method,
                now=now,
                received_on=received_on,
                derivation=derivation,
                checked=checked,
                written=written,
                into_published=into_published,
            )
    except ValidationError as exc:
        if getattr(exc, "code", None) != STORAGE_FAILED:
            raise
        # Nothing was kept: the transaction rolled back and the files written so far are gone.
        raise ValidationError({"attachments": exc.messages}) from exc
    return application


def _record_application(
    actor: Any,
    organ: Organ,
    *,
    channel: str,
    applicant_type: str,
    applicant: dict[str, Any],
    description: str,
    delivery_form: str,
    delivery_method: str,
    now: dt.datetime,
    received_on: dt.date,
    derivation: Any,
    checked: list[tuple[UploadedFile, CheckedUpload]],
    written: list[Any],
    into_published: bool,
) -> Application:
    """The rows of a new application, inside the caller's transaction."""
    application = Application(
        organ=organ,
        tracking_code=_unique_tracking_code(),
        channel=channel,
        applicant_type=applicant_type,
        description=description,
        delivery_form=delivery_form,
        delivery_method=delivery_method,
        submitted_at=now,
        first_received_on=received_on,
        received_on=received_on,
        status=Status.RECEIVED,
        created_by=_user(actor),
        **applicant,
        **_due_fields(derivation),
    )
    application.save()
    received = Event.objects.create(
        application=application,
        type=EventType.RECEIVED,
        date=received_on,
        data={
            "channel": channel,
            "submitted_at": timezone.localtime(now).isoformat(),
            **({"published_year_confirmed": True} if into_published else {}),
        },
        actor=_user(actor),
    )
    for upload, result in checked:
        attachment = ApplicationAttachment(
            application=application,
            name=result.name,
            content_type=result.kind.content_type,
            size=result.size,
            sha256=result.sha256,
        )
        # A random stored name: ID scans must not be findable by guessing file names.
        store_upload(attachment.file, random_name(result.kind), upload, written)
        attachment.save()
    notifications.notify_applicant(
        application, notifications.RECEIVED, event=received, online=channel == Channel.ONLINE
    )
    return application


# --- Released files (拟公开文件: the documents an answer carries) -----------------------------


def released_findings(files: Iterable[ReleasedFile]) -> list[dict[str, str]]:
    """Personal data found in the released files (条例第十五条), in the shape of an item's
    findings (api.md, Catalog): ``[{"kind", "where", "excerpt"}]``, numbers masked."""
    return [finding for f in files for finding in (f.pii_findings or [])]


def _refuse_unless_open(application: Application) -> None:
    """Released files are frozen from the answer on (409 after it)."""
    if application.status not in OPEN_STATUSES:
        raise WorkflowConflict(
            _("申请已%(status)s，拟公开文件已随答复发出或不再需要，不能再更改。")
            % {"status": Status(application.status).label}
        )


def _lock_open(application: Application) -> Application:
    """The application's row, locked for the rest of the (caller's) transaction, if it is
    still open."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _refuse_unless_open(locked)
    return locked


def released_file_add(
    *, actor: Any, application: Application, upload: UploadedFile
) -> ReleasedFile:
    """Add a document to be released with the answer.

    The upload rules of catalog attachments (catalog.uploads: checked by parsing its content,
    served under its sanitised stem and the detected type's extension, stored under a random
    name); its text (PDF, Word, Excel) is scanned once for personal data (catalog.pii).
    Errors are keyed ``file``.
    """
    _refuse_unless_open(application)  # before reading the file; checked again under the lock
    try:
        checked = check_upload(
            upload,
            name=(upload.name or "").rsplit("/", 1)[-1],
            size=upload.size or 0,
            allowed=ITEM_KINDS,
            max_bytes=settings.ITEM_ATTACHMENT_MAX_BYTES,
        )
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error
    text = extract_text(upload, checked.kind.code)
    released = ReleasedFile(
        application=application,
        name=checked.name,
        content_type=checked.kind.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=_user(actor),
        pii_findings=pii.report(text, f"attachment:{checked.name}"),
    )
    try:
        with discard_unless_committed() as written, transaction.atomic():
            _lock_open(application)
            count = ReleasedFile.objects.filter(application_id=application.pk).count()
            if count >= MAX_RELEASED_FILES:
                raise ValidationError(
                    {
                        "file": [
                            ValidationError(
                                _("拟公开文件最多%(count)d个。") % {"count": MAX_RELEASED_FILES},
                                code="too_many",
                            )
                        ]
                    }
                )
            store_upload(released.file, random_name(checked.kind), upload, written)
            released.save()
    except ValidationError as error:
        if getattr(error, "code", None) == STORAGE_FAILED:
            raise ValidationError({"file": error.messages}) from error
        raise
    return released


def released_file_remove(*, actor: Any, application: Application, released: ReleasedFile) -> None:
    """Take a document off the answer (only while the application is open); its stored
    file is deleted once the removal has committed."""
    with transaction.atomic():
        _lock_open(application)
        row = ReleasedFile.objects.filter(pk=released.pk, application_id=application.pk).first()
        if row is None:
            return  # removed already (a second click): nothing left to do
        storage, name = row.file.storage, row.file.name
        row.delete()
        delete_after_commit(storage, name)


# --- The workflow (条例第三十至三十九条) -------------------------------------------------------


def check_transition(action: str, application: Application) -> None:
    """Raise ``WorkflowConflict`` unless ``action`` may be taken in the current status."""
    transition = TRANSITIONS[action]
    if application.status not in transition.sources:
        raise WorkflowConflict(
            _("当前状态（%(status)s）不允许“%(action)s”。")
            % {"status": Status(application.status).label, "action": transition.label}
        )


# Rows that are not steps of the procedure: they never bound the date of the next step.
_NOT_STEPS = (EventType.ASSIGN, EventType.RECEIVED, EventType.RECORD_DELIVERY)


def earliest_step_date(application: Application) -> dt.date:
    """The earliest date the next step may carry: the previous step's date, or the receipt.

    domain.md "Clock edges": an online application submitted on a day off is received on the
    next working day (条例第三十一条), yet staff may act on it from the submission day; the
    clock is unaffected (a pause or request before ``received_on`` pauses nothing).
    """
    floor = application.first_received_on
    if application.channel == Channel.ONLINE:
        floor = min(floor, local_today(application.submitted_at))
    last = (
        Event.objects.filter(application_id=application.pk)
        .exclude(type__in=_NOT_STEPS)
        .aggregate(last=Max("date"))["last"]
    )
    return max(floor, last) if last is not None else floor


def _action_date(application: Application, value: dt.date | None) -> dt.date:
    """The day the step happened: default today; not in the future; not before the
    previous step (the record is a sequence of dated events)."""
    today = local_today()
    day = value or today
    if day > today:
        raise ValidationError({"date": [_("日期不能晚于今天。")]})
    earliest = earliest_step_date(application)
    if day < earliest:
        raise ValidationError(
            {"date": [_("日期不能早于上一办理环节的日期（%(date)s）。") % {"date": earliest}]}
        )
    return day


def _issue_letter_number(organ: Organ, year: int) -> str:
    return organ.answer_number(year, claim_serial(LetterSerial, organ.pk, year))


def _refuse_if_lapsed(
    application: Application, day: dt.date, action: str, *, cal: WorkCalendar | None = None
) -> Derivation | None:
    """domain.md "Clock edges": a lapsed period cannot be revived — no pause, 补正 restart,
    fee notice, extension or 第三十五条 step dated after ``due_on``. Returns the deadline."""
    current = deadline_of(application, calendar=cal, _fresh=True)
    if current is not None and period_has_lapsed(current.due_on, day):
        raise ValidationError(
            {
                "date": [
                    _(
                        "答复期限已于%(due)s届满，不能再“%(action)s”：期限届满后不得中止、"
                        "重新计算或延长答复期限（条例第三十三条）。"
                    )
                    % {"due": format_date(current.due_on), "action": TRANSITIONS[action].label}
                ]
            }
        )
    return current


def _transit(
    action: str,
    *,
    actor: Any,
    application: Application,
    day: dt.date,
    note: str,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    expect: dict[str, Any] | None = None,
    after: Callable[[Event], None] | None = None,
) -> Application:
    """Compare-and-swap the row into the action's target status, append the event, refresh
    the stored deadline; ``after(event)`` runs inside the transaction (e.g. to queue mail)."""
    transition = TRANSITIONS[action]
    values = {"status": transition.target, **(changes or {})}
    closing = transition.target in (Status.ANSWERED, Status.CLOSED)
    if closing:
        values["closed_on"] = day
    if transition.outcome:
        values["outcome"] = transition.outcome
    with transaction.atomic():
        if closing:
            # The letter's 文号, claimed in this transaction: a failed step leaves no gap.
            values["letter_number"] = _issue_letter_number(application.organ, day.year)
        swapped = Application.objects.filter(
            pk=application.pk, status=application.status, **(expect or {})
        ).update(**values)
        if not swapped:
            # Someone else moved the application since it was read.
            raise WorkflowConflict(_("申请的状态已被他人更新，请刷新后重试。"))
        event = Event.objects.create(
            application=application,
            type=action,
            date=day,
            note=note or "",
            data=data or {},
            actor=_user(actor),
        )
        application.refresh_from_db()
        _store_deadline(application)
        if after is not None:
            after(event)
    return application


def application_request_correction(
    *,
    actor: Any,
    application: Application,
    date: dt.date | None = None,
    note: str = "",
    correction_due_on: dt.date | None = None,
) -> Application:
    """条例第三十条: tell the applicant, once, what to correct and by when.

    ``note`` states what must be corrected (it is mailed). A request made more than 7 working
    days after receipt is accepted but flagged ``correction_late``. Default period: the
    organ's ``correction_period_workdays`` from the day after the notice.
    """
    action = EventType.REQUEST_CORRECTION
    check_transition(action, application)
    # 条例第三十条: 一次性告知 — a second request is not lawful.
    if Event.objects.filter(application_id=application.pk, type=action).exists():
        raise WorkflowConflict(_("补正应当一次性告知，本申请已告知过补正（条例第三十条）。"))
    day = _action_date(application, date)
    cal = calendar_module.current_calendar()
    _refuse_if_lapsed(application, day, action, cal=cal)
    due = correction_due_on or default_correction_due(
        cal, day, application.organ.correction_period_workdays
    )
    if due <= day:
        raise ValidationError({"correction_due_on": [_("补正期限应晚于告知补正的日期。")]})
    late = correction_request_is_late(cal, application.received_on, day)
    return _transit(
        action,
        actor=actor,
        application=application,
        day=day,
        note=note,
        changes={"correction_requested_on": day, "correction_due_on": due, "correction_late": late},
        data={"correction_due_on": due.isoformat(), "late": late},
        after=lambda event: notifications.notify_applicant(
            application,
            event=event,
            kind=notifications.CORRECTION,
            items=note,
            correction_due_on=format_date(due),
            requested_on=format_date(day),
        ),
    )


def application_receive_correction(
    *, actor: Any, application: Application, date: dt.date | None = None, note: str = ""
) -> Application:
    """条例第三十条: 答复期限自行政机关收到补正的申请之日起计算 — the clock restarts on ``date``;
    ``first_received_on`` keeps the original receipt (it decides the report year)."""
    action = EventType.RECEIVE_CORRECTION
    check_transition(action, application)
    day = _action_date(application, date)
    return _transit(
        action,
        actor=actor,
        application=application,
        day=day,
        note=note,
        # domain.md "Clock edges": the restart opens a new 20-working-day period; an extension
        # granted for the old one lapses with it (a new one may be granted).
        changes={"received_on": day, "extension_workdays": 0},
        data={
            "previous_received_on": application.received_on.isoformat(),
            "lapsed_extension_workdays": application.extension_workdays,
        },
    )


def application_lapse_correction(
    *, actor: Any, application: Application, date: dt.date | None = None, note: str = ""
) -> Application:
    """条例第三十条: 无正当理由逾期不补正的，视为放弃申请 — only once the period has run out."""
    return _lapse(
        EventType.LAPSE_CORRECTION,
        actor=actor,
        application=application,
        date=date,
        note=note,
        due=application.correction_due_on,
        message=_("补正期限（%(due)s）届满后才能按逾期未补正处理。"),
    )


def _lapse(
    action: str,
    *,
    actor: Any,
    application: Application,
    date: dt.date | None,
    note: str,
    due: dt.date | None,
    message: str,
) -> Application:
    """Close an application whose period (``due``) for the applicant has run out."""
    check_transition(action, application)
    day = _action_date(application, date)
    if due is not None and day <= due:
        raise ValidationError({"date": [message % {"due": due}]})
    return _transit(action, actor=actor, application=application, day=day, note=note)


def application_start_consultation(
    *,
    actor: Any,
    application: Application,
    date: dt.date | None = None,
    note: str = "",
    party: str = "",
    delivered_on: dt.date | None = None,
    electronic: bool = False,
) -> Application:
    """条例第三十二条、第三十四条: consult a third party or another organ; the time does not
    count toward the answer period (第三十三条第三款).

    The consulted party has 15 working days from the day it *received* the request
    (``delivered_on``; the start date when it was sent electronically, else unknown until
    recorded with ``record-delivery``). The pause never runs past that reply date.
    """
    action = EventType.START_CONSULTATION
    check_transition(action, application)
    day = _action_date(application, date)
    party = (party or "").strip()
    if not party:
        raise ValidationError({"party": [_("请填写征求意见的第三方或者机关。")]})
    if len(party) > _max_length("consultation_party"):
        raise ValidationError({"party": [_("不能超过200个字符。")]})
    if delivered_on is None and electronic:
        delivered_on = day
    _check_delivery_date(delivered_on, day)
    cal = calendar_module.current_calendar()
    _refuse_if_lapsed(application, day, action, cal=cal)
    reply_due = third_party_reply_due(cal, delivered_on) if delivered_on else None
    return _transit(
        action,
        actor=actor,
        application=application,
        day=day,
        note=note,
        changes={
            "consultation_party": party,
            "consultation_delivered_on": delivered_on,
            "consultation_reply_due_on": reply_due,
        },
        data={
            "party": party,
            "delivered_on": delivered_on.isoformat() if delivered_on else None,
            "reply_due_on": reply_due.isoformat() if reply_due else None,
        },
    )


def _check_delivery_date(delivered_on: dt.date | None, sent_on: dt.date) -> None:
    """A delivery date lies between the day the document was sent and today."""
    if delivered_on is None:
        return
    if delivered_on < sent_on:
        raise ValidationError({"delivered_on": [_("送达日期不能早于发出日期。")]})
    if delivered_on > local_today():
        raise ValidationError({"delivered_on": [_("送达日期不能晚于今天。")]})


def application_end_consultation(
    *, actor: Any, application: Application, date: dt.date | None = None, note: str = ""
) -> Application:
    """The consultation is over (reply received or the period ran out): the clock runs again."""
    action = EventType.END_CONSULTATION
    check_transition(action, application)
    day = _action_date(application, date)
    return _transit(action, actor=actor, application=application, day=day, note=note)


def application_extend(
    *,
    actor: Any,
    application: Application,
    date: dt.date | None = None,
    note: str = "",
    workdays: int | None = None,
    reason: str = "",
) -> Application:
    """条例第三十三条第二款: extend the answer period with the approver's consent, at most 20
    working days in total, decided on or before the current deadline; the applicant is told.

    The consent is the caller's own act (api.md): only an approver (负责人) of the organ may
    extend, and the event records the caller as the one who approved — never a name typed in.
    """
    action = EventType.EXTEND
    check_transition(action, application)
    if not permissions.can_approve_extension(actor, application):
        raise PermissionDenied(
            _("只有本机关的负责人可以决定延长答复期限（条例第三十三条第二款）。")
        )
    day = _action_date(application, date)
    errors: dict[str, list[str]] = {}
    if not isinstance(workdays, int) or isinstance(workdays, bool) or not 1 <= workdays <= 20:
        errors["workdays"] = [_("延长期限应为1至20个工作日。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写延长答复期限的理由。")]
    if errors:
        raise ValidationError(errors)
    assert isinstance(workdays, int)
    cal = calendar_module.current_calendar()
    current = _refuse_if_lapsed(application, day, action, cal=cal)
    assert current is not None  # status ``received``: no 补正 pending
    problem = extension_allowed(cal, current.due_on, day, application.extension_workdays, workdays)
    if problem:
        field = "date" if day > current.due_on else "workdays"
        raise ValidationError({field: [problem]})
    return _transit(
        action,
        actor=actor,
        application=application,
        day=day,
        note=note,
        changes={"extension_workdays": application.extension_workdays + workdays},
        # Two extensions decided at once must not both pass the 20-day check.
        expect={"extension_workdays": application.extension_workdays},
        data={
            "workdays": workdays,
            "reason": reason,
            "approved_by": actor.get_username(),
            "due_before": current.due_on.isoformat(),
        },
        after=lambda event: notifications.notify_applicant(
            application,
            event=event,
            kind=notifications.EXTENSION,
            workdays=workdays,
            reason=reason,
            decided_on=format_date(day),
        ),
    )


def applicant_month_ordinal(application: Application) -> int:
    """按件计收 (国办函〔2020〕109号第四条): the position of the application's first piece among
    the same applicant's applications to the organ in the calendar month of its receipt (all
    of them count: "累计申请"). An earlier application split into several pieces (一事一申请)
    takes several positions (``fee_pieces``). The applicant is recognised by 证件号码 or
    统一社会信用代码."""
    if application.is_organisation:
        same = Q(credit_code=application.credit_code) & ~Q(
            applicant_type=ApplicantType.NATURAL_PERSON
        )
        key = application.credit_code
    else:
        same = Q(id_number=application.id_number, applicant_type=ApplicantType.NATURAL_PERSON)
        key = application.id_number
    if not key:
        return 1
    received = application.first_received_on
    month_start = received.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    earlier = (
        Application.objects.filter(
            same,
            organ_id=application.organ_id,
            first_received_on__gte=month_start,
            first_received_on__lt=next_month,
        )
        .filter(
            Q(first_received_on__lt=received) | Q(first_received_on=received, pk__lt=application.pk)
        )
        .aggregate(pieces=Sum("fee_pieces"))["pieces"]
        or 0
    )
    return earlier + 1


def _parse_amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"amount": [_("金额格式不正确。")]}) from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("100000000"):
        raise ValidationError({"amount": [_("金额应大于0且小于1亿元。")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": [_("金额最多保留两位小数。")]})
    return amount.quantize(Decimal("0.01"))


def application_issue_fee_notice(
    *,
    actor: Any,
    application: Application,
    date: dt.date | None = None,
    note: str = "",
    basis: str = "",
    quantity: int | None = None,
    amount: Decimal | str | int | None = None,
    pieces: int | None = None,
    delivered_on: dt.date | None = None,
) -> Application:
    """国办函〔2020〕109号: notify the applicant of an 信息处理费 (条例第四十二条).

    ``basis`` ``per_page`` (按量, 第五条): ``quantity`` = pages of this application, required.
    ``basis`` ``per_item`` (按件, 第四条): ``quantity`` = the position of the application's first
    piece among the applicant's applications this calendar month, computed by
    ``applicant_month_ordinal`` when omitted; ``pieces`` (default 1) = how many pieces the
    application was split into (一事一申请), each taking the next position. ``amount`` (yuan)
    overrides the computed fee. Nothing is charged inside the free range. ``note`` is mailed
    as the payment instructions (缴纳方式). The notice is sent within the answer period;
    payment is due 20 working days after the day it reached the applicant (``delivered_on``:
    default the notice date when it went by e-mail or online, else unknown until recorded,
    and the payment date is provisional meanwhile).
    """
    action = EventType.ISSUE_FEE_NOTICE
    check_transition(action, application)
    if application.fee_notice_on is not None:
        raise WorkflowConflict(_("本申请已发出过收费通知。"))
    day = _action_date(application, date)
    if basis not in FeeBasis.values:
        raise ValidationError({"basis": [_("收费方式应为按件计收或按量计收。")]})
    if pieces is None:
        pieces = 1
    if basis == FeeBasis.PER_ITEM and (
        not isinstance(pieces, int) or isinstance(pieces, bool) or not 1 <= pieces <= 1000
    ):
        raise ValidationError({"pieces": [_("件数应为1至1000的整数。")]})
    if basis != FeeBasis.PER_ITEM:
        pieces = 1
    if quantity is None and basis == FeeBasis.PER_ITEM:
        quantity = applicant_month_ordinal(application)
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise ValidationError({"quantity": [_("请填写页数（整数）。")]})
    minimum = 1 if basis == FeeBasis.PER_ITEM else 0
    if quantity < minimum:
        raise ValidationError({"quantity": [_("数量不能小于%(min)d。") % {"min": minimum}]})
    if delivered_on is None and application.delivery_method in (
        DeliveryMethod.EMAIL,
        DeliveryMethod.ONLINE,
    ):
        delivered_on = day
    _check_delivery_date(delivered_on, day)
    # 第四条: the pieces take positions quantity, quantity + 1, … of the applicant's month.
    computed = (
        per_item_fees(quantity - 1, pieces)
        if basis == FeeBasis.PER_ITEM
        else per_page_fee(quantity)
    )
    if amount is None or amount == "":
        if computed <= 0:
            raise ValidationError(
                {"quantity": [_("未超出免费范围，不收取信息处理费（国办函〔2020〕109号）。")]}
            )
        fee = computed.quantize(Decimal("0.01"))
    else:
        fee = _parse_amount(amount)
    cal = calendar_module.current_calendar()
    # 收费通知应当在政府信息公开申请处理期限内发出 (国办函〔2020〕109号第六条).
    _refuse_if_lapsed(application, day, action, cal=cal)
    # Provisional (counted from the notice date) until the delivery date is known.
    payment_due = fee_payment_due(cal, delivered_on or day)
    basis_label = FeeBasis(basis).label
    return _transit(
        action,
        actor=actor,
        application=application,
        day=day,
        note=note,
        changes={
            "fee_basis": basis,
            "fee_quantity": quantity,
            "fee_amount": fee,
            "fee_notice_on": day,
            "fee_delivered_on": delivered_on,
            "fee_pieces": pieces,
            "fee_payment_due_on": payment_due,
            "fee_paid_on": None,
        },
        data={
            "basis": basis,
            "quantity": quantity,
            "pieces": pieces,
            "delivered_on": delivered_on.isoformat() if delivered_on else None,
            "amount": str(fee),
            "computed_amount": str(computed),
            "payment_due_on": payment_due.isoformat(),
        },
        after=lambda event: notifications.notify_applicant(
            application,
            event=event,
            kind=notifications.FEE_NOTICE,
            basis=str(basis_label),
            quantity=quantity,
            unit="页" if basis == FeeBasis.PER_PAGE else f"件（本月累计，本申请{pieces}件）",
            amount=str(fee),
            payment_due_on=format_date(payment_due),
            notice_on=format_date(day),
            payment_instructions=note,
            fee_pauses_clock=application.organ.fee_pauses_clock,
        ),
    )


def application_confirm_fee_paid(
    *, actor: Any, application: Application, date: dt.date | None = None, note: str = ""
) -> Application:
    """The fee was paid on ``date``: the clock runs again."""
    action = EventType.CONFIRM_FEE_PAID
    check_transition(action, application)
    day = _action_date(application, date)
    return _transit(
        action,
        actor=actor,
        application=application,
        day=day,
        note=note,
        changes={"fee_paid_on": day},
    )


def application_lapse_fee(
    *, actor: Any, application: Application, date: dt.date | None = None, note: str = ""
) -> Application:
    """逾期未缴纳的视为放弃申请 — only once the 20-working-day payment period has run out,
    which is known only once the day the notice reached the applicant is recorded."""
    if application.status == Status.AWAITING_FEE and application.fee_delivered_on is None:
        raise ValidationError(
            {
                "date": [
                    _(
                        "收费通知的送达日期尚未登记：缴费期限自申请人收到收费通知次日起计算"
                        "（国办函〔2020〕109号），请先登记送达日期。"
                    )
                ]
            }
        )
    return _lapse(
        EventType.LAPSE_FEE,
        actor=actor,
        application=application,
        date=date,
        note=note,
        due=application.fee_payment_due_on,
        message=_("缴费期限（%(due)s）届满后才能按逾期未缴费处理。"),
    )


def _published_item(linked_item: Item | int | str | None) -> Item | None:
    if linked_item in (None, ""):
        return None
    item_id = linked_item.pk if isinstance(linked_item, Item) else linked_item
    try:
        item = Item.objects.published().filter(pk=int(item_id)).first()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        item = None
    if item is None:
        raise ValidationError({"linked_item": [_("只能关联已发布的目录条目。")]})
    return item


def application_answer(
    *,
    actor: Any,
    application: Application,
    date: dt.date | None = None,
    note: str = "",
    outcome: str = "",
    reply: str = "",
    referral: str = "",
    linked_item: Item | int | None = None,
    acknowledge_findings: bool = False,
    acknowledge_reason: str = "",
) -> Application:
    """条例第三十六至三十九条: answer with exactly one outcome (one row of table 三).

    An answer pointing to an item already published (第三十六条第一项) links it and counts as
    予以公开. The two lapse outcomes belong to ``lapse-correction`` and ``lapse-fee``.

    The released files uploaded before (``released_file_add``) go out with the answer and are
    frozen from then on. Only 予以公开 and 部分公开 carry files; personal data found in them
    (条例第十五条) must be acknowledged (``acknowledge_findings``, with a reason when given),
    which the answer event records — and with it the audit log.
    """
    action = EventType.ANSWER
    check_transition(action, application)
    day = _action_date(application, date)
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values or outcome in LAPSE_OUTCOMES:
        errors["outcome"] = [_("请选择有效的办理结果。")]
    reply = (reply or "").strip()
    if not reply:
        errors["reply"] = [_("请填写答复内容。")]
    elif len(reply) > MAX_REPLY:
        errors["reply"] = [_("不能超过%(limit)d个字符。") % {"limit": MAX_REPLY}]
    referral = (referral or "").strip()
    if len(referral) > _max_length("referral"):
        errors["referral"] = [_("不能超过500个字符。")]
    if not errors:
        problem = _outcome_precondition(application, outcome)
        if problem:
            errors["outcome"] = [problem]
    released = list(ReleasedFile.objects.filter(application_id=application.pk).order_by("id"))
    if released and not errors.get("outcome") and outcome not in RELEASING_OUTCOMES:
        errors["outcome"] = [
            _(
                "本申请已上传%(n)d个拟公开文件：只有“予以公开”或“部分公开”的答复可以附送文件；"
                "请先删除拟公开文件，或改选办理结果。"
            )
            % {"n": len(released)}
        ]
    findings = released_findings(released)
    reason = (acknowledge_reason or "").strip() or (note or "").strip()
    if findings and not acknowledge_findings and not errors.get("outcome"):
        errors["acknowledge_findings"] = [
            _(
                "拟公开文件中检出%(n)d处疑似个人信息（条例第十五条）：请删除或替换文件；"
                "确需提供的，请确认已核对并说明理由。"
            )
            % {"n": len(findings)}
        ]
    if len(reason) > 2000:
        errors["acknowledge_reason"] = [_("不能超过%(limit)d个字符。") % {"limit": 2000}]
    if errors:
        raise ValidationError(errors)
    item = _published_item(linked_item)
    if item is not None and outcome != Outcome.DISCLOSED:
        raise ValidationError(
            {"outcome": [_("告知已主动公开信息的答复，办理结果应为“予以公开”。")]}
        )
    return _transit(
        action,
        actor=actor,
        application=application,
        day=day,
        note=note,
        changes={
            "outcome": outcome,
            "reply": reply,
            "referral": referral,
            "linked_item": item,
        },
        data={
            "outcome": outcome,
            "linked_item": item.pk if item else None,
            **_released_data(released, findings, reason),
        },
        after=lambda event: _after_answer(
            application,
            event,
            released,
            outcome=outcome,
            reply=reply,
            referral=referral,
            item=item,
            day=day,
        ),
    )


def _released_data(
    released: list[ReleasedFile], findings: list[dict[str, str]], reason: str
) -> dict[str, Any]:
    """What the answer event records of the files that went out (the event is the record,
    and the audit log copies it): which files, and the findings the handler let through."""
    if not released:
        return {}
    data: dict[str, Any] = {
        "released_files": [
            {"id": f.pk, "name": f.name, "size": f.size, "sha256": f.sha256} for f in released
        ]
    }
    if findings:
        data.update(findings_acknowledged=True, acknowledge_reason=reason, findings=findings)
    return data


def _after_answer(
    application: Application,
    event: Event,
    released: list[ReleasedFile],
    *,
    outcome: str,
    reply: str,
    referral: str,
    item: Item | None,
    day: dt.date,
) -> None:
    # Inside the answer's transaction, after the row moved to 已答复: a file added or removed
    # since the checks above (by a colleague, a second tab) would go out unseen — refuse.
    # ``released_file_add`` locks the row and re-reads the status, so it cannot slip in later.
    now = list(
        ReleasedFile.objects.filter(application_id=application.pk)
        .order_by("id")
        .values_list("pk", "sha256")
    )
    if now != [(f.pk, f.sha256) for f in released]:
        raise WorkflowConflict(_("拟公开文件刚被他人更改，请刷新页面核对后重新答复。"))
    notifications.notify_applicant(
        application,
        event=event,
        kind=notifications.ANSWER,
        outcome=str(Outcome(outcome).label),
        reply=reply,
        referral=referral,
        linked_item=f"{item.title}（{item.get_absolute_url()}）" if item else "",
        refusal=outcome in REFUSAL_OUTCOMES,
        answered_on=format_date(day),
        released_files=[f.name for f in released],
        online=application.delivery_method == DeliveryMethod.ONLINE,
    )


def _outcome_precondition(application: Application, outcome: str) -> str | None:
    """Outcomes that only an earlier step makes possible (domain.md "Clock edges")."""
    steps = set(Event.objects.filter(application_id=application.pk).values_list("type", flat=True))
    # 条例第三十九条第一款 / table 三 “补正后申请内容仍不明确”: only after a 补正 was received.
    if outcome == Outcome.UNAVAILABLE_UNCLEAR and EventType.RECEIVE_CORRECTION not in steps:
        return _(
            "“补正后申请内容仍不明确”只能在申请人补正之后作出：本申请未经补正"
            "（条例第三十条、第三十九条）。"
        )
    # 条例第三十五条: 不予处理 for a mass request only after the applicant was asked for reasons.
    if outcome == Outcome.REJECTED_MASS and EventType.REQUEST_REASONS not in steps:
        return _(
            "“无正当理由大量反复申请”须先要求申请人说明理由，认为理由不合理的方可不予处理"
            "（条例第三十五条）。"
        )
    return None


def application_request_reasons(
    *,
    actor: Any,
    application: Application,
    date: dt.date | None = None,
    note: str = "",
    reasons_due_on: dt.date | None = None,
) -> Application:
    """条例第三十五条: the volume or frequency clearly exceeds reason — ask the applicant to state
    reasons by ``reasons_due_on`` (default 15 working days). The clock stands still meanwhile
    and resumes by itself when the period passes (domain.md "Clock edges")."""
    action = EventType.REQUEST_REASONS
    check_transition(action, application)
    if Event.objects.filter(application_id=application.pk, type=action).exists():
        raise WorkflowConflict(_("本申请已要求过申请人说明理由（条例第三十五条）。"))
    day = _action_date(application, date)
    cal = calendar_module.current_calendar()
    _refuse_if_lapsed(application, day, action, cal=cal)
    due = reasons_due_on or default_reasons_due(cal, day)
    if due <= day:
        raise ValidationError({"reasons_due_on": [_("说明理由的期限应晚于提出要求的日期。")]})
    return _transit(
        action,
        actor=actor,
        application=application,
        day=day,
        note=note,
        changes={"reasons_requested_on": day, "reasons_due_on": due},
        data={"reasons_due_on": due.isoformat()},
        after=lambda event: notifications.notify_applicant(
            application,
            notifications.REASONS,
            event=event,
            note=note,
            reasons_due_on=format_date(due),
            requested_on=format_date(day),
        ),
    )


def application_receive_reasons(
    *, actor: Any, application: Application, date: dt.date | None = None, note: str = ""
) -> Application:
    """条例第三十五条: the applicant's reasons arrived (``note`` summarises them); the clock runs
    again. Unreasonable → answer ``rejected_mass``; reasonable but too much to answer in
    time → ``set-delayed-due``."""
    action = EventType.RECEIVE_REASONS
    check_transition(action, application)
    day = _action_date(application, date)
    return _transit(action, actor=actor, application=application, day=day, note=note)


def application_lapse_reasons(
    *, actor: Any, application: Application, date: dt.date | None = None, note: str = ""
) -> Application:
    """条例第三十五条 says nothing of an applicant who gives no reasons; the portal treats
    silence as no reasonable reason: 不予处理 (``rejected_mass``), only once the period for the
    reasons has run out (README "Legal notes")."""
    return _lapse(
        EventType.LAPSE_REASONS,
        actor=actor,
        application=application,
        date=date,
        note=note,
        due=application.reasons_due_on,
        message=_("说明理由的期限（%(due)s）届满后才能按逾期未说明理由处理（条例第三十五条）。"),
    )


def application_set_delayed_due(
    *,
    actor: Any,
    application: Application,
    date: dt.date | None = None,
    note: str = "",
    due_on: dt.date | None = None,
    reason: str = "",
) -> Application:
    """条例第三十五条: the reasons are reasonable but the request cannot be answered within the
    period of 第三十三条 — set a reasonable later answer date, which becomes ``due_on``, and
    tell the applicant. Only after the applicant was asked for reasons and gave them, and
    before the current period lapsed."""
    action = EventType.SET_DELAYED_DUE
    check_transition(action, application)
    day = _action_date(application, date)
    if not Event.objects.filter(
        application_id=application.pk, type=EventType.RECEIVE_REASONS
    ).exists():
        raise ValidationError(
            {
                "due_on": [
                    _("确定延迟答复期限须先要求申请人说明理由并收到其理由说明（条例第三十五条）。")
                ]
            }
        )
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写无法在法定期限内答复的理由。")]
    if not isinstance(due_on, dt.date):
        errors["due_on"] = [_("请填写延迟答复的期限。")]
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    cal = calendar_module.current_calendar()
    current = _refuse_if_lapsed(application, day, action, cal=cal)
    assert current is not None
    if due_on <= current.due_on:
        raise ValidationError(
            {
                "due_on": [
                    _("延迟答复期限应晚于现行答复期限（%(due)s）。")
                    % {"due": format_date(current.due_on)}
                ]
            }
        )
    if not cal.is_workday(due_on):
        raise ValidationError({"due_on": [_("延迟答复期限应为工作日。")]})
    return _transit(
        action,
        actor=actor,
        application=application,
        day=day,
        note=note,
        changes={"delayed_due_on": due_on, "delayed_due_reason": reason},
        data={"due_on": due_on.isoformat(), "reason": reason, "due_before": str(current.due_on)},
        after=lambda event: notifications.notify_applicant(
            application,
            notifications.DELAYED_DUE,
            event=event,
            reason=reason,
            delayed_due_on=format_date(due_on),
            decided_on=format_date(day),
        ),
    )


DELIVERY_DOCUMENTS = {
    # document: (the status in which it is running, the field holding its delivery date)
    "fee_notice": (Status.AWAITING_FEE, "fee_delivered_on"),
    "consultation": (Status.CONSULTING, "consultation_delivered_on"),
}


def application_record_delivery(
    *, actor: Any, application: Application, document: str = "", delivered_on: dt.date | None = None
) -> Application:
    """Record the day a fee notice reached the applicant or a consultation request reached the
    consulted party (国办函〔2020〕109号; 条例第三十二条). The payment period or the consulted
    party's 15 working days then count from the day after; not a workflow step."""
    if document not in DELIVERY_DOCUMENTS:
        raise ValidationError({"document": [_("请选择收费通知或征求意见书。")]})
    status, field = DELIVERY_DOCUMENTS[document]
    if application.status != status:
        raise WorkflowConflict(
            _("当前状态（%(status)s）没有待登记送达日期的文书。")
            % {"status": Status(application.status).label}
        )
    if getattr(application, field) is not None:
        raise WorkflowConflict(_("送达日期已登记，不能更改。"))
    if not isinstance(delivered_on, dt.date):
        raise ValidationError({"delivered_on": [_("请填写送达日期。")]})
    sent_on = (
        application.fee_notice_on
        if document == "fee_notice"
        else Event.objects.filter(
            application_id=application.pk, type=EventType.START_CONSULTATION
        ).aggregate(last=Max("date"))["last"]
    )
    assert sent_on is not None
    _check_delivery_date(delivered_on, sent_on)
    cal = calendar_module.current_calendar()
    if document == "fee_notice":
        changes = {field: delivered_on, "fee_payment_due_on": fee_payment_due(cal, delivered_on)}
    else:
        changes = {
            field: delivered_on,
            "consultation_reply_due_on": third_party_reply_due(cal, delivered_on),
        }
    with transaction.atomic():
        swapped = Application.objects.filter(
            pk=application.pk, status=status, **{f"{field}__isnull": True}
        ).update(**changes)
        if not swapped:
            raise WorkflowConflict(_("申请的状态已被他人更新，请刷新后重试。"))
        Event.objects.create(
            application=application,
            type=EventType.RECORD_DELIVERY,
            date=delivered_on,
            data={"document": document, "delivered_on": delivered_on.isoformat()},
            actor=_user(actor),
        )
        application.refresh_from_db()
        _store_deadline(application)
    return application


def application_withdraw(
    *, actor: Any, application: Application, date: dt.date | None = None, note: str = ""
) -> Application:
    """The applicant withdrew the application: closed, outcome 其他."""
    action = EventType.WITHDRAW
    check_transition(action, application)
    day = _action_date(application, date)
    return _transit(action, actor=actor, application=application, day=day, note=note)


def application_assign(*, actor: Any, application: Application, user: Any) -> Application:
    """Hand an open application to a handler of its organ (not a legal step: no clock change)."""
    if application.status not in OPEN_STATUSES:
        raise WorkflowConflict(_("已办结的申请不能再分派。"))
    if not permissions.can_be_assigned(user, application):
        raise ValidationError({"user": [_("只能分派给本机关的经办人。")]})
    with transaction.atomic():
        swapped = Application.objects.filter(pk=application.pk, status=application.status).update(
            assigned_to=user
        )
        if not swapped:
            raise WorkflowConflict(_("申请的状态已被他人更新，请刷新后重试。"))
        Event.objects.create(
            application=application,
            type=EventType.ASSIGN,
            date=local_today(),
            data={"user": user.get_username()},
            actor=_user(actor),
        )
        application.assigned_to = user
    return application


ACTION_SERVICES: dict[str, Callable[..., Application]] = {
    EventType.REQUEST_CORRECTION: application_request_correction,
    EventType.RECEIVE_CORRECTION: application_receive_correction,
    EventType.LAPSE_CORRECTION: application_lapse_correction,
    EventType.START_CONSULTATION: application_start_consultation,
    EventType.END_CONSULTATION: application_end_consultation,
    EventType.EXTEND: application_extend,
    EventType.ISSUE_FEE_NOTICE: application_issue_fee_notice,
    EventType.CONFIRM_FEE_PAID: application_confirm_fee_paid,
    EventType.LAPSE_FEE: application_lapse_fee,
    EventType.REQUEST_REASONS: application_request_reasons,
    EventType.RECEIVE_REASONS: application_receive_reasons,
    EventType.LAPSE_REASONS: application_lapse_reasons,
    EventType.SET_DELAYED_DUE: application_set_delayed_due,
    EventType.ANSWER: application_answer,
    EventType.WITHDRAW: application_withdraw,
}
assert set(ACTION_SERVICES) == set(TRANSITIONS), "every workflow action needs its service"


def perform_action(
    action: str, *, actor: Any, application: Application, **params: Any
) -> Application:
    """Run the service of a workflow ``action`` (an action code of ``workflow.TRANSITIONS``)."""
    try:
        service = ACTION_SERVICES[action]
    except KeyError:
        raise ValueError(f"unknown workflow action {action!r}") from None
    return service(actor=actor, application=application, **params)


# --- Appeals (行政复议 / 行政诉讼; table 四 of the annual report) ------------------------------

APPEAL_FIELDS = ("kind", "filed_on", "result", "decided_on", "note")


def _validate_appeal(appeal: Appeal) -> None:
    today = local_today()
    errors: dict[str, list[str]] = {}
    if appeal.kind not in AppealKind.values:
        errors["kind"] = [_("类型应为行政复议、直接起诉或复议后起诉。")]
    if appeal.result not in AppealResult.values:
        errors["result"] = [_("结果应为维持、纠正、其他或尚未审结。")]
    if not isinstance(appeal.filed_on, dt.date):
        errors["filed_on"] = [_("请填写提起日期。")]
    elif appeal.filed_on > today:
        errors["filed_on"] = [_("提起日期不能晚于今天。")]
    elif appeal.filed_on < appeal.application.first_received_on:
        errors["filed_on"] = [_("提起日期不能早于收到申请的日期。")]
    if appeal.decided_on is not None:
        if appeal.result == AppealResult.PENDING:
            errors["decided_on"] = [_("尚未审结的案件不应填写审结日期。")]
        elif appeal.decided_on > today:
            errors["decided_on"] = [_("审结日期不能晚于今天。")]
        elif isinstance(appeal.filed_on, dt.date) and appeal.decided_on < appeal.filed_on:
            errors["decided_on"] = [_("审结日期不能早于提起日期。")]
    if errors:
        raise ValidationError(errors)


def appeal_create(
    *,
    actor: Any,
    application: Application,
    kind: str,
    filed_on: dt.date,
    result: str = AppealResult.PENDING,
    decided_on: dt.date | None = None,
    note: str = "",
) -> Appeal:
    """Record a 行政复议 or 行政诉讼 against the handling of ``application``."""
    appeal = Appeal(
        application=application,
        kind=kind,
        filed_on=filed_on,
        result=result or AppealResult.PENDING,
        decided_on=decided_on,
        note=note or "",
    )
    _validate_appeal(appeal)
    appeal.save()
    return appeal


def appeal_update(*, actor: Any, appeal: Appeal, **fields: Any) -> Appeal:
    """Change an appeal's fields (typically its result once decided)."""
    unknown = sorted(set(fields) - set(APPEAL_FIELDS))
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in unknown})
    for name, value in fields.items():
        setattr(appeal, name, "" if name == "note" and value is None else value)
    _validate_appeal(appeal)
    appeal.save(update_fields=list(fields) or None)
    return appeal


# --- The working-day calendar (domain.md "Working days") ---------------------------------


def _calendar_changed() -> None:
    # The row's save has bumped the "calendar" stamp in its transaction (requests_app.apps);
    # this covers a caller that changed it another way.
    calendar_module.invalidate()


def calendar_override_set(
    *, actor: Any, date: dt.date, is_workday: bool, note: str = ""
) -> CalendarOverride:
    """Enter a day of the State Council's holiday notice (overrides win over the bundled
    data), then move the stored deadline of every open application accordingly."""
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": [_("不能超过200个字符。")]})
    if not isinstance(is_workday, bool):
        raise ValidationError({"is_workday": [_("请说明该日是否为工作日。")]})
    with transaction.atomic():
        override, _created = CalendarOverride.objects.update_or_create(
            date=date,
            defaults={"is_workday": is_workday, "note": note, "created_by": _user(actor)},
        )
        _calendar_changed()
    recompute_due_dates()
    return override


def calendar_year_complete(*, actor: Any, year: int) -> CalendarYear:
    """Mark ``year``'s official schedule as completely entered: deadlines running through it
    are no longer flagged as uncertain (``covered``)."""
    if not 1949 < year < 2200:
        raise ValidationError({"year": [_("年份无效。")]})
    bundled = calendar_module.current_calendar().is_covered(year)
    if not bundled and not CalendarOverride.objects.filter(date__year=year).exists():
        raise ValidationError(
            {"year": [_("请先录入该年度国务院办公厅节假日安排通知中的放假和调休日期。")]}
        )
    with transaction.atomic():
        marked, _created = CalendarYear.objects.get_or_create(
            year=year, defaults={"completed_by": _user(actor)}
        )
        _calendar_changed()
    recompute_due_dates()
    return marked
