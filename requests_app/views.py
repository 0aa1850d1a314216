"""Public pages of 依申请公开: the application form, its receipt, and tracking by code.

Server-rendered and usable without JavaScript (domain.md "Public site"). Views only parse
input, apply the rate limits (``requests_app.throttling``, shared with the API) and call
``services``; a service's ``ValidationError`` is shown next to the field and in the error
summary at the top of the form.

Personal data (条例第二十九条 asks for it; domain.md keeps it to the organ's staff): the
receipt page shows only the tracking code and dates, and only to the browser session that
submitted; the tracking page shows a masked name and never the id number, phone, e-mail,
address or full name.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from catalog.permissions import is_staff_member
from catalog.templatetags.portal import format_cn_date
from requests_app import letters, services, throttling
from requests_app.downloads import private_download
from requests_app.forms import HONEYPOT_FIELD, ApplicationForm, LetterIdentityForm, TrackForm
from requests_app.models import OPEN_STATUSES, Application, Status
from requests_app.tracking import (
    display_tracking_code,
    is_well_formed,
    normalize_tracking_code,
    public_events,
    public_released_files,
    released_file_for_token,
)

logger = logging.getLogger(__name__)

# The codes this browser session submitted: the receipt page shows only these.
RECEIPTS_SESSION_KEY = "requests_app:receipts"
RECEIPTS_KEPT = 10

LETTER_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


# --- Shared helpers ---------------------------------------------------------------------------


def _exempt(request: HttpRequest) -> bool:
    """Staff registering applications are not throttled (as in the API)."""
    return is_staff_member(request.user)


def _throttled(request: HttpRequest, scope: str) -> HttpResponse:
    rate = throttling.rate_for(scope)
    response = render(
        request,
        "requests_app/public_error.html",
        {
            "title": _("操作过于频繁"),
            "message": _("您的操作过于频繁，为保障平台正常运行，请稍后再试。"),
            "retry_minutes": max(1, rate.seconds // 60) if rate else None,
        },
        status=429,
    )
    if rate is not None:
        response["Retry-After"] = str(rate.seconds)
    return response


def _find(code: str) -> Application | None:
    """The application holding ``code`` as typed (any case, spaces and dashes ignored)."""
    normalized = normalize_tracking_code(code)
    if not is_well_formed(normalized):
        return None  # saves a query on anything that could never have been issued
    return Application.objects.select_related("organ").filter(tracking_code=normalized).first()


def _deadline(application: Application) -> tuple[date | None, bool, list[str]]:
    """``(due_on, covered, steps)``: the live fold while the application is open (the stored
    copy may lag a running pause), the stored value once it is closed."""
    if application.status not in OPEN_STATUSES:
        return application.due_on, application.due_covered, []
    derivation = services.deadline_of(application)
    if derivation is None:  # 待补正: the clock restarts when the correction arrives
        return None, True, []
    return derivation.due_on, derivation.covered, derivation.steps(_, format_cn_date)


def _has_letter(application: Application) -> bool:
    """A 答复书 exists once the application is answered or closed with an outcome."""
    return application.status in (Status.ANSWERED, Status.CLOSED) and bool(application.outcome)


# --- /apply/ ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """政府信息公开申请表 (条例第二十九条); POST/redirect/GET to the receipt."""
    if request.method == "POST":
        return _apply_post(request)
    initial: dict[str, Any] = {}
    if organ := request.GET.get("organ", "").strip():
        initial["organ"] = organ
    return _apply_page(request, ApplicationForm(initial=initial))


def _apply_page(
    request: HttpRequest, form: ApplicationForm, *, files_dropped: bool = False
) -> HttpResponse:
    return render(
        request,
        "requests_app/apply.html",
        {"form": form, "files_dropped": files_dropped},
    )


def _apply_post(request: HttpRequest) -> HttpResponse:
    exempt = _exempt(request)
    # apply_ip: every attempt counts, as for the API.
    if not exempt and not throttling.allow(throttling.APPLY_IP, throttling.client_ip(request)):
        return _throttled(request, throttling.APPLY_IP)
    if request.POST.get(HONEYPOT_FIELD, "").strip():
        # Only robots see the field; tell them nothing about why.
        logger.warning("application form honeypot filled from %s", throttling.client_ip(request))
        return render(
            request,
            "requests_app/public_error.html",
            {"title": _("无法处理该请求"), "message": _("提交的内容无法处理，请返回后重新填写。")},
            status=400,
        )

    form = ApplicationForm(request.POST, request.FILES)
    files_dropped = bool(request.FILES.getlist("attachments"))
    if not form.is_valid():
        return _apply_page(request, form, files_dropped=files_dropped)

    data = form.service_data()
    contacts = throttling.contact_identities(
        phone=data["applicant"].get("phone", ""),
        email=data["applicant"].get("email", ""),
        id_number=data["applicant"].get("id_number", ""),
    )
    if not exempt and throttling.any_throttled(throttling.APPLY_CONTACT, contacts):
        return _throttled(request, throttling.APPLY_CONTACT)
    try:
        application = services.application_submit(
            actor=request.user,
            organ=form.cleaned_data["organ"],
            data=data,
            attachments=form.cleaned_data["attachments"],
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _apply_page(request, form, files_dropped=files_dropped)
    # apply_contact: only accepted applications count, so fixing mistakes never locks out.
    if not exempt:
        throttling.record_all(throttling.APPLY_CONTACT, contacts)
    receipts = [*request.session.get(RECEIPTS_SESSION_KEY, []), application.tracking_code]
    request.session[RECEIPTS_SESSION_KEY] = receipts[-RECEIPTS_KEPT:]
    return redirect("requests:apply_done", code=application.tracking_code)


@never_cache
@require_GET
def apply_done(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt: tracking code, receipt date and deadline, for the submitting session only."""
    normalized = normalize_tracking_code(code)
    if normalized not in request.session.get(RECEIPTS_SESSION_KEY, []):
        raise Http404
    application = _find(normalized)
    if application is None:
        raise Http404
    due_on, covered, steps = _deadline(application)
    return render(
        request,
        "requests_app/apply_done.html",
        {
            "application": application,
            "code_display": display_tracking_code(application.tracking_code),
            "received_on": format_cn_date(application.received_on),
            "due_on": format_cn_date(due_on) if due_on else "",
            "due_covered": covered,
            "steps": steps,
            "track_url": f"{reverse('requests:track')}?code={application.tracking_code}",
        },
    )


# --- /track/ ----------------------------------------------------------------------------------


@never_cache
@require_GET
def track(request: HttpRequest) -> HttpResponse:
    """Tracking by code: the form, or the application's public status page."""
    if "code" not in request.GET:
        return render(request, "requests_app/track.html", {"form": TrackForm()})
    form = TrackForm(request.GET)
    if not form.is_valid():
        return render(request, "requests_app/track.html", {"form": form})
    if not _exempt(request) and not throttling.allow(
        throttling.TRACK, throttling.client_ip(request)
    ):
        return _throttled(request, throttling.TRACK)
    application = _find(form.cleaned_data["code"])
    if application is None:
        form.add_error("code", _("未找到该查询码对应的申请，请核对后重新输入。"))
        return render(request, "requests_app/track.html", {"form": form}, status=404)
    return render(request, "requests_app/track_detail.html", _track_context(application))


def _letter_links(application: Application) -> list[dict[str, str]]:
    if not _has_letter(application):
        return []
    code = application.tracking_code
    return [
        {"label": ext.upper(), "url": reverse(f"requests:letter_{ext}", args=[code])}
        for ext in LETTER_TYPES
    ]


def _track_context(application: Application) -> dict[str, Any]:
    """What the public page shows: no personal data beyond the masked name."""
    due_on, covered, steps = _deadline(application)
    events = [
        {**event, "date": format_cn_date(date.fromisoformat(event["date"]))}
        for event in public_events(list(application.events.all()))
    ]
    answered = application.status == Status.ANSWERED
    closed_on = format_cn_date(application.closed_on) if application.closed_on else ""
    item = application.linked_item if answered else None
    return {
        "application": application,
        "code_display": display_tracking_code(application.tracking_code),
        "masked_name": application.masked_name,
        "status_display": application.get_status_display(),
        "is_open": application.is_open,
        "received_on": format_cn_date(application.received_on),
        "first_received_on": format_cn_date(application.first_received_on),
        "clock_restarted": application.received_on != application.first_received_on,
        "due_on": format_cn_date(due_on) if due_on else "",
        "due_covered": covered,
        "steps": steps,
        "answered_on": closed_on if answered else "",
        "closed_on": closed_on if application.status == Status.CLOSED else "",
        "outcome_display": application.get_outcome_display() if application.outcome else "",
        "events": events,
        "answered": answered,
        "reply": application.reply if answered else "",
        "referral": application.referral if answered else "",
        "linked_item": item if item is not None and item.is_published else None,
        "letters": _letter_links(application),
        # Signed links for this visit only: the code was just proved (tracking.release_token).
        "released_files": public_released_files(application),
        "identity_form": LetterIdentityForm(application=application),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def letter(request: HttpRequest, code: str, ext: str) -> HttpResponse:
    """The 答复书 as DOCX or PDF, for whoever holds the code; 404 before the answer.

    The code alone gives the letter with the masked name the tracking page shows (issue 8);
    a POST with the last four digits of the applicant's phone gives it with the full name.
    """
    if ext not in LETTER_TYPES:
        raise Http404
    if not _exempt(request) and not throttling.allow(
        throttling.TRACK, throttling.client_ip(request)
    ):
        return _throttled(request, throttling.TRACK)
    application = _find(code)
    if application is None or not _has_letter(application):
        raise Http404
    masked = True
    if request.method == "POST":
        form = LetterIdentityForm(request.POST, application=application)
        if not form.is_valid():
            context = {**_track_context(application), "identity_form": form}
            return render(request, "requests_app/track_detail.html", context, status=400)
        masked = False
    render_letter = letters.letter_docx if ext == "docx" else letters.letter_pdf
    body = render_letter(application, masked=masked)
    response = HttpResponse(body, content_type=LETTER_TYPES[ext])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=letters.letter_filename(application, ext)
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_GET
def released_file(request: HttpRequest, token: str) -> FileResponse:
    """A document released with the answer, through a link of the tracking page: the signed
    token ties it to the tracking code just proved; anything else is a 404."""
    released = released_file_for_token(token)
    if released is None:
        raise Http404
    response = private_download(
        released.file,
        filename=released.name,
        content_type=released.content_type,
        missing=Http404(),
    )
    response["X-Robots-Tag"] = "noindex"
    return response
