"""Public tracking of an application by its code (api.md, ``/applications/track/{code}/``).

The tracking code is the applicant's only key to the public status page, so it must be
random (not enumerable), short enough to read out on the phone, and forgiving when typed:
no look-alike characters (0/O, 1/I/L), any case, spaces and dashes ignored.

The public view of the events is built here too: it never shows a staff member's free-text
note or the consulted party's name (they may hold personal data or internal deliberation),
only a sentence derived from the event's type and its structured data.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date
from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from requests_app.deadlines import format_date
from requests_app.models import (
    RELEASING_OUTCOMES,
    Application,
    Event,
    EventType,
    Outcome,
    ReleasedFile,
    Status,
)

# Digits and capitals without 0, 1, I, L, O: 31 symbols, about 4.95 bits each.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# 12 symbols ≈ 59 bits: guessing one of a million live codes takes ~10^12 tries on average,
# far beyond what the throttled tracking endpoint lets anyone attempt.
LENGTH = 12
_SEPARATORS = re.compile(r"[\s\-_–—]+")


def new_tracking_code() -> str:
    """A fresh random code, stored upper-case (uniqueness is the caller's job)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_tracking_code(raw: str) -> str:
    """The stored form of a typed code: upper-case, spaces and dashes removed."""
    return _SEPARATORS.sub("", raw or "").upper()


def is_well_formed(code: str) -> bool:
    """Whether a normalized code could have been issued (saves a query on junk input)."""
    return len(code) == LENGTH and all(char in ALPHABET for char in code)


def display_tracking_code(code: str) -> str:
    """Groups of four for reading aloud and printing: ``ABCD-EFGH-JKMN``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# --- What the public sees of an application's history -------------------------------------


def _date(value: Any) -> str:
    if not value:
        return ""
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value)


def public_note(event: Event) -> str:
    """A sentence describing ``event`` with no personal data and no internal remarks."""
    data = event.data or {}
    match event.type:
        case EventType.RECEIVED:
            return _("收到申请，答复期限自次日起算（条例第三十一条、第三十三条）。")
        case EventType.REQUEST_CORRECTION:
            return _("已一次性告知补正，补正期限至%(due)s（条例第三十条）。") % {
                "due": _date(data.get("correction_due_on"))
            }
        case EventType.RECEIVE_CORRECTION:
            return _("收到补正后的申请，答复期限自次日重新起算（条例第三十条）。")
        case EventType.LAPSE_CORRECTION:
            return _("申请人逾期未补正，视为放弃申请，不再处理（条例第三十条）。")
        case EventType.START_CONSULTATION:
            if data.get("reply_due_on"):
                return _(
                    "征求第三方或其他机关意见，所需时间不计入答复期限（条例第三十三条第三款）；"
                    "对方应于%(due)s前答复，逾期未答复的不再等待，答复期限自动恢复计算"
                    "（条例第三十二条、第三十四条）。"
                ) % {"due": _date(data.get("reply_due_on"))}
            return _("征求第三方或其他机关意见，所需时间不计入答复期限（条例第三十三条第三款）。")
        case EventType.END_CONSULTATION:
            return _("征求意见结束，继续计算答复期限。")
        case EventType.EXTEND:
            return _("经政府信息公开工作机构负责人同意，延长答复期限%(days)s个工作日。") % {
                "days": data.get("workdays", "")
            }
        case EventType.ISSUE_FEE_NOTICE:
            if not data.get("delivered_on"):
                return _(
                    "已发出收费通知。缴费期限为收到通知次日起20个工作日，待确认送达日期后确定"
                    "（暂按通知日期计算至%(due)s）。"
                ) % {"due": _date(data.get("payment_due_on"))}
            return _("已发出收费通知，缴费期限至%(due)s。") % {
                "due": _date(data.get("payment_due_on"))
            }
        case EventType.RECORD_DELIVERY:
            if data.get("document") == "fee_notice":
                return _("收费通知已于%(day)s送达，缴费期限自次日起20个工作日。") % {
                    "day": _date(data.get("delivered_on"))
                }
            return _("征求意见书已于%(day)s送达对方，对方自次日起15个工作日内答复。") % {
                "day": _date(data.get("delivered_on"))
            }
        case EventType.REQUEST_REASONS:
            return _(
                "申请的数量、频次明显超过合理范围，已要求申请人于%(due)s前说明理由；"
                "说明理由期间不计入答复期限（条例第三十五条）。"
            ) % {"due": _date(data.get("reasons_due_on"))}
        case EventType.RECEIVE_REASONS:
            return _("已收到申请人的理由说明，继续计算答复期限（条例第三十五条）。")
        case EventType.LAPSE_REASONS:
            return _("申请人逾期未说明理由，不予处理（条例第三十五条）。")
        case EventType.SET_DELAYED_DUE:
            return _(
                "申请人说明的理由合理，但无法在法定期限内答复，确定延迟答复期限至%(due)s"
                "（条例第三十五条）。"
            ) % {"due": _date(data.get("due_on"))}
        case EventType.CONFIRM_FEE_PAID:
            return _("已确认缴费，继续办理。")
        case EventType.LAPSE_FEE:
            return _("申请人逾期未缴纳信息处理费，视为放弃申请，不再处理。")
        case EventType.ANSWER:
            outcome = data.get("outcome", "")
            label = Outcome(outcome).label if outcome in Outcome.values else ""
            return _("已作出答复：%(outcome)s。") % {"outcome": label}
        case EventType.WITHDRAW:
            return _("申请已撤回，办理终止。")
    return ""


# Internal steps (e.g. who handles the case) stay off the public page.
PUBLIC_EVENT_TYPES = frozenset(EventType.values) - {EventType.ASSIGN}


def public_events(events: list[Event]) -> list[dict[str, str]]:
    """``[{"type", "type_display", "date", "note"}]`` as the tracking endpoint shows them."""
    return [
        {
            "type": e.type,
            "type_display": str(e.get_type_display()),
            "date": e.date.isoformat(),
            "note": public_note(e),
        }
        for e in sorted(events, key=lambda e: (e.date, e.pk or 0))
        if e.type in PUBLIC_EVENT_TYPES
    ]


# --- Downloading the released files -----------------------------------------------------------
# A released file is given only to someone who has just proved the tracking code: the tracking
# page (and the tracking API) hand out links carrying a signed token that names the file and a
# digest of the code; the token expires. A bare file id — or a token for another application's
# file, or a forged or stale one — is a 404.

RELEASE_SALT = "requests_app.released_file"
RELEASE_LINK_SECONDS = 24 * 3600


def _code_digest(tracking_code: str) -> str:
    return hashlib.sha256(tracking_code.encode()).hexdigest()[:16]


def releases_files(application: Application) -> bool:
    """Whether the applicant may download the application's files: after a disclosing
    answer, never before it."""
    return application.status == Status.ANSWERED and application.outcome in RELEASING_OUTCOMES


def released_files_of(application: Application) -> list[ReleasedFile]:
    """The files the applicant may download."""
    if not releases_files(application):
        return []
    return list(application.released_files.order_by("id"))


def release_token(released: ReleasedFile, tracking_code: str) -> str:
    payload = {"f": released.pk, "c": _code_digest(tracking_code)}
    return signing.dumps(payload, salt=RELEASE_SALT, compress=False)


def release_url(released: ReleasedFile, tracking_code: str) -> str:
    return reverse("requests:released_file", args=[release_token(released, tracking_code)])


def released_file_for_token(
    token: str, *, max_age: int = RELEASE_LINK_SECONDS
) -> ReleasedFile | None:
    """The released file a download link names, if the link is genuine, fresh, and its file
    belongs to the application of the code it was issued for, answered with a disclosure."""
    try:
        payload = signing.loads(token, salt=RELEASE_SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("f"), int):
        return None
    released = ReleasedFile.objects.select_related("application").filter(pk=payload["f"]).first()
    if released is None:
        return None
    application = released.application
    if payload.get("c") != _code_digest(application.tracking_code):
        return None
    return released if releases_files(application) else None


def public_released_files(application: Application) -> list[dict[str, Any]]:
    """``[{"name", "content_type", "size", "url"}]`` for whoever just proved the code."""
    return [
        {
            "name": f.name,
            "content_type": f.content_type,
            "size": f.size,
            "url": release_url(f, application.tracking_code),
        }
        for f in released_files_of(application)
    ]
