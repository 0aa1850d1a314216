"""The staff desk of 依申请公开 (/staff/applications/…) and the calendar page (/staff/calendar/).

Views parse input, check permissions (``requests_app.permissions``) and call the services —
the same services the API calls (style.md, "One service per state change"). The workflow
table (``workflow.allowed_actions``) decides which action forms an application page offers.
Anything of an organ the user may not see is a 404 (api.md: never leak existence); staff who
may see an application but not act on it get a 403; a state that does not allow the action
is a 409 with the page and an error message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.db.models.functions import Substr
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.forms import add_service_errors
from catalog.models import StaffProfile, StaffRole
from catalog.organs import organ_tree
from catalog.permissions import profile_of
from catalog.staff_views import staff_context, staff_required
from catalog.templatetags.portal import format_cn_date
from catalog.uploads import served_name_for
from disclosure_portal.mail import MailNotResendable, resend_mail
from disclosure_portal.models import OutboxMail
from requests_app import letters, notifications, permissions, services
from requests_app.calendar import current_calendar
from requests_app.calendar_data import bundled_calendar
from requests_app.deadlines import (
    DUE_SOON_WORKDAYS,
    Derivation,
    format_date,
    is_due_soon,
    is_overdue,
)
from requests_app.downloads import private_download
from requests_app.models import (
    MAX_RELEASED_FILES,
    OPEN_STATUSES,
    Appeal,
    Application,
    ApplicationAttachment,
    CalendarOverride,
    CalendarYear,
    Channel,
    Event,
    EventType,
    FeeBasis,
    Outcome,
    ReleasedFile,
    Status,
)
from requests_app.staff_forms import (
    ActionForm,
    AppealForm,
    AppealResultForm,
    AssignForm,
    CalendarOverrideForm,
    QueueFilterForm,
    RecordDeliveryForm,
    RegisterForm,
    ReleasedFileForm,
    action_form,
    find_published_items,
)
from requests_app.tracking import display_tracking_code, releases_files
from requests_app.workdays import WorkCalendar, is_weekend, workdays_between
from requests_app.workflow import TRANSITIONS, allowed_actions, can_apply

QUEUE_PAGE_SIZE = 50
SUMMARY_LENGTH = 60
LETTER_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MIN_YEAR, MAX_YEAR = 1950, 2199


def user_label(user: Any) -> str:
    """``王芳（wangfang）``, or the username alone when no name is recorded."""
    if user is None:
        return ""
    full = (user.get_full_name() or "").strip()
    return f"{full}（{user.get_username()}）" if full else user.get_username()


# --- The queue --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue with what ``today`` makes of its stored deadline."""

    application: Application
    overdue: bool
    overdue_workdays: int
    due_soon: bool
    workdays_left: int

    @property
    def tracking_code(self) -> str:
        return display_tracking_code(self.application.tracking_code)


def _queue_row(application: Application, today: dt.date, cal: WorkCalendar) -> QueueRow:
    due = application.due_on if application.status in OPEN_STATUSES else None
    overdue = is_overdue(due, today)
    soon = is_due_soon(cal, due, today)
    return QueueRow(
        application=application,
        overdue=overdue,
        # Working days after the last day of the period, up to today (start excluded).
        overdue_workdays=workdays_between(cal, due, today) if overdue and due else 0,
        due_soon=soon,
        workdays_left=workdays_between(cal, today, due) if soon and due else 0,
    )


QUEUE_FIELDS = (
    "id",
    "tracking_code",
    "organ__name",
    "organ__short_name",
    "applicant_type",
    "name",
    "organization",
    "first_received_on",
    "status",
    "due_on",
    "due_covered",
    "fee_delivered_on",
    "consultation_delivered_on",
    "consultation_reply_due_on",
    "assigned_to__username",
    "assigned_to__first_name",
    "assigned_to__last_name",
)


@staff_required()
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """The queue: open applications of the user's organs by stored due date (nulls — awaiting
    补正 — last), filtered; one page of 50 in a constant number of queries."""
    if not permissions.may(request.user, permissions.Action.VIEW):
        # api.md: staff without the handler or approver role see no applications.
        raise PermissionDenied(_("只有经办人和负责人可以查看申请。"))
    today = services.local_today()
    cal = current_calendar()
    view_ids = permissions.organ_ids(request.user, permissions.Action.VIEW)
    filters = QueueFilterForm(request.GET or None, organ_ids=view_ids)
    applications = filters.apply(
        permissions.visible_to(request.user), user=request.user, today=today, calendar=cal
    )
    # Sort and page the ids alone: the database orders (due_on, id) pairs read from the
    # (organ, status, due_on) index without touching the rows; only the page's 50 rows are
    # then read with their organ, assignee and the start of their description.
    ordered = applications.order_by(F("due_on").asc(nulls_last=True), "id")
    page = Paginator(ordered.values_list("pk", flat=True), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ids = list(page.object_list)
    loaded = (
        Application.objects.filter(pk__in=ids)
        .select_related("organ", "assigned_to")
        .only(*QUEUE_FIELDS)
        # The description can be 5000 characters: only its beginning travels.
        .annotate(summary=Substr("description", 1, SUMMARY_LENGTH + 1))
        .in_bulk()
        if ids
        else {}
    )
    rows = [_queue_row(loaded[pk], today, cal) for pk in ids if pk in loaded]
    context = staff_context(
        request,
        filters=filters,
        page=page,
        rows=rows,
        today=today,
        summary_length=SUMMARY_LENGTH,
        due_soon_workdays=DUE_SOON_WORKDAYS,
        can_register=permissions.may(request.user, permissions.Action.REGISTER),
    )
    return render(request, "staff/applications/queue.html", context)


# --- Loading one application ----------------------------------------------------------------


def _visible(request: HttpRequest, pk: int) -> Application:
    """The application if the user may see it, else 404 (never leak existence)."""
    return get_object_or_404(
        permissions.visible_to(request.user).select_related("organ", "assigned_to"), pk=pk
    )


def _for_page(request: HttpRequest, pk: int) -> Application:
    """The application with everything its page shows, fetched fresh."""
    queryset = (
        permissions.visible_to(request.user)
        .select_related("organ", "assigned_to", "linked_item", "created_by")
        .prefetch_related(
            Prefetch(
                "events", queryset=Event.objects.select_related("actor").order_by("date", "id")
            ),
            "attachments",
            Prefetch("released_files", queryset=ReleasedFile.objects.select_related("uploaded_by")),
            "appeals",
            Prefetch(
                "mails",
                queryset=OutboxMail.objects.select_related("created_by").order_by(
                    "created_at", "id"
                ),
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def _require_actor(request: HttpRequest, application: Application) -> None:
    if not permissions.can_act(request.user, application):
        raise PermissionDenied(_("您没有办理该申请的权限。"))


def _organ_staff(organ_id: int, roles: Sequence[str]) -> list[Any]:
    """Active staff with any of ``roles`` who may act on the organ: its own and those of the
    organs above it (a staff member acts on its organ's subtree)."""
    chain = [node.id for node in organ_tree().ancestors(organ_id)] + [organ_id]
    profiles = (
        StaffProfile.objects.filter(organ_id__in=chain, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    return [p.user for p in profiles if set(roles).intersection(p.roles or [])]


# --- The application page -------------------------------------------------------------------


def _event_details(event: Event, people: dict[str, Any] | None = None) -> str:
    """What an event's data adds to its note, in words; ``people`` maps the usernames the
    data names to their accounts, shown by name as everywhere on the desk."""
    data = event.data or {}
    kind = event.type
    if kind == EventType.RECEIVED and data.get("channel") in Channel.values:
        return _("申请方式：%(channel)s") % {"channel": Channel(data["channel"]).label}
    if kind == EventType.REQUEST_CORRECTION and data.get("correction_due_on"):
        text = _("补正期限：%(date)s") % {"date": _iso_date(data["correction_due_on"])}
        return text + (_("；补正告知超过7个工作日") if data.get("late") else "")
    if kind == EventType.RECEIVE_CORRECTION and data.get("previous_received_on"):
        return _("答复期限自本日重新计算（原起算日%(date)s）") % {
            "date": _iso_date(data["previous_received_on"])
        }
    if kind == EventType.START_CONSULTATION:
        text = _("征求意见对象：%(party)s") % {"party": data.get("party", "")}
        if data.get("reply_due_on"):
            text += _("；第三方答复期限：%(date)s") % {"date": _iso_date(data["reply_due_on"])}
        return text
    if kind == EventType.EXTEND:
        return _("延长%(days)s个工作日；理由：%(reason)s；同意人：%(approver)s") % {
            "days": data.get("workdays", ""),
            "reason": data.get("reason", ""),
            "approver": data.get("approved_by", ""),
        }
    if kind == EventType.ISSUE_FEE_NOTICE and data.get("basis") in FeeBasis.values:
        return _("%(basis)s，数量%(quantity)s，金额%(amount)s元，缴费期限%(due)s") % {
            "basis": FeeBasis(data["basis"]).label,
            "quantity": data.get("quantity", ""),
            "amount": data.get("amount", ""),
            "due": _iso_date(data.get("payment_due_on")),
        }
    if kind == EventType.ANSWER and data.get("outcome") in Outcome.values:
        text = _("办理结果：%(outcome)s") % {"outcome": Outcome(data["outcome"]).label}
        if data.get("released_files"):
            text += _("；随答复提供%(n)d个文件") % {"n": len(data["released_files"])}
        if data.get("findings_acknowledged"):
            text += _("；经确认提供检出的%(n)d处个人信息，理由：%(reason)s") % {
                "n": len(data.get("findings") or []),
                "reason": data.get("acknowledge_reason") or "—",
            }
        return text
    if kind == EventType.ASSIGN and data.get("user"):
        person = (people or {}).get(data["user"])
        return _("分派给：%(user)s") % {"user": user_label(person) if person else data["user"]}
    return ""


def _actor_label(event: Event) -> str:
    """Who took the step: the staff member, the applicant (online submission) or the system
    (e.g. a scheduled job)."""
    if event.actor is not None:
        return user_label(event.actor)
    if event.type == EventType.RECEIVED:
        return _("申请人（网上提交）")
    return _("系统")


def _iso_date(value: Any) -> str:
    if not value:
        return ""
    try:
        return format_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _has_letter(application: Application) -> bool:
    """A 答复书 exists once the application is answered or closed with an outcome."""
    return application.status in (Status.ANSWERED, Status.CLOSED) and bool(application.outcome)


@dataclass
class ActionPanel:
    """One allowed action of the page: its transition and its (possibly bound) form."""

    action: str
    label: Any
    form: ActionForm
    failed: bool = False


def _deadline_facts(application: Application, today: dt.date, cal: WorkCalendar) -> dict[str, Any]:
    derivation: Derivation | None = services.deadline_of(application, today=today, calendar=cal)
    due = derivation.due_on if derivation else None
    is_open = application.status in OPEN_STATUSES
    overdue = is_open and is_overdue(due, today)
    soon = is_open and is_due_soon(cal, due, today)
    return {
        "derivation": derivation,
        "due_on": due,
        "overdue": overdue,
        "overdue_workdays": workdays_between(cal, due, today) if overdue and due else 0,
        "due_soon": soon,
        "workdays_left": workdays_between(cal, today, due) if soon and due else 0,
    }


def _detail_context(
    request: HttpRequest,
    application: Application,
    *,
    failed: ActionForm | None = None,
    conflict: str = "",
    assign_form: AssignForm | None = None,
    appeal_form: AppealForm | None = None,
    appeal_edit: tuple[int, AppealResultForm] | None = None,
    delivery_form: RecordDeliveryForm | None = None,
    released_form: ReleasedFileForm | None = None,
) -> dict[str, Any]:
    user = request.user
    today = services.local_today()
    cal = current_calendar()
    acting = permissions.can_act(user, application)
    panels: list[ActionPanel] = []
    candidates: list[Any] = []
    if acting:
        candidates = _organ_staff(application.organ_id, (StaffRole.HANDLER,))
        approving = permissions.can_approve_extension(user, application)
        steps = {event.type for event in application.events.all()}
        for transition in allowed_actions(application.status, steps):
            if transition.action == "extend" and not approving:
                continue  # 条例第三十三条第二款: the 负责人's own decision
            if failed is not None and failed.action == transition.action:
                panels.append(ActionPanel(transition.action, transition.label, failed, True))
            else:
                form = action_form(transition.action, application)
                panels.append(ActionPanel(transition.action, transition.label, form))
    if acting and application.status in OPEN_STATUSES and assign_form is None:
        assign_form = AssignForm(
            candidates=[(str(u.pk), user_label(u)) for u in candidates],
            initial={"user": application.assigned_to_id},
        )
    recording_appeals = permissions.can_record_appeal(user, application)
    appeals = []
    for appeal in application.appeals.all():
        if appeal_edit is not None and appeal_edit[0] == appeal.pk:
            edit_form = appeal_edit[1]
        else:
            edit_form = AppealResultForm(
                prefix=f"appeal-{appeal.pk}",
                initial={
                    "result": appeal.result,
                    "decided_on": appeal.decided_on,
                    "note": appeal.note,
                },
            )
        appeals.append({"appeal": appeal, "form": edit_form if recording_appeals else None})
    if recording_appeals and appeal_form is None:
        appeal_form = AppealForm()
    notice_sent = notifications.notice_sent_times(application.events.all())
    # The handlers named by assignments, in one query.
    assigned = {
        event.data["user"]
        for event in application.events.all()
        if event.type == EventType.ASSIGN and (event.data or {}).get("user")
    }
    people = (
        {u.get_username(): u for u in get_user_model().objects.filter(username__in=assigned)}
        if assigned
        else {}
    )
    events = [
        {
            "event": event,
            "details": _event_details(event, people),
            "actor": _actor_label(event),
            "notice_sent_at": notice_sent.get(event.pk),
            "notice_pending": event.notice_id is not None and event.pk not in notice_sent,
        }
        for event in application.events.all()
    ]
    mails = [
        {
            "mail": mail,
            "kind": notifications.kind_label(mail.kind),
            "resendable": acting
            and mail.status in (OutboxMail.Status.SENT, OutboxMail.Status.FAILED),
            "by": user_label(mail.created_by) if mail.created_by is not None else "",
        }
        for mail in application.mails.all()
    ]
    # The document whose delivery date is still unknown (fee notice or consultation request).
    document = pending_delivery(application)
    if acting and document and delivery_form is None:
        delivery_form = RecordDeliveryForm(document=document)
    released = list(application.released_files.all())
    editing_released = acting and application.status in OPEN_STATUSES
    if editing_released and released_form is None:
        released_form = ReleasedFileForm()
    summary_form = failed or (appeal_edit[1] if appeal_edit and appeal_edit[1].errors else None)
    for candidate in (assign_form, appeal_form, delivery_form, released_form):
        if summary_form is None and candidate is not None and candidate.errors:
            summary_form = candidate
    return staff_context(
        request,
        application=application,
        tracking_code=display_tracking_code(application.tracking_code),
        today=today,
        acting=acting,
        panels=panels,
        failed_action=failed.action if failed is not None else "",
        summary_form=summary_form,
        conflict=conflict,
        assign_form=assign_form if acting and application.status in OPEN_STATUSES else None,
        appeals=appeals,
        appeal_form=appeal_form if recording_appeals else None,
        events=events,
        mails=mails,
        attachments=list(application.attachments.all()),
        # 拟公开文件: what the answer will carry, with the personal data found in it.
        released_files=[
            {"file": f, "uploaded_by": user_label(f.uploaded_by), "findings": f.pii_findings or []}
            for f in released
        ],
        released_findings=services.released_findings(released),
        released_form=released_form if editing_released else None,
        released_max=MAX_RELEASED_FILES,
        released_out=bool(released) and releases_files(application),
        has_letter=_has_letter(application),
        is_open=application.status in OPEN_STATUSES,
        delivery_form=delivery_form if acting and document else None,
        consultation_overdue=(
            application.status == Status.CONSULTING
            and application.consultation_reply_due_on is not None
            and today > application.consultation_reply_due_on
        ),
        **_deadline_facts(application, today, cal),
    )


ITEM_LOOKUP_MIN_CHARS = 2
ITEM_LOOKUP_LIMIT = 8


@staff_required()
@require_GET
def item_lookup(request: HttpRequest) -> JsonResponse:
    """The answer form's item picker: published items whose title or 索引号 contains ``q``
    (or the item an exact 索引号 or address names), for the handler to choose one from.
    Published items are public; the lookup is still only for those who answer applications."""
    if not permissions.may(request.user, permissions.Action.ACT):
        raise PermissionDenied(_("只有经办人和负责人可以办理申请。"))
    text = (request.GET.get("q") or "").strip()[:300]
    items = (
        find_published_items(text, limit=ITEM_LOOKUP_LIMIT)
        if len(text) >= ITEM_LOOKUP_MIN_CHARS
        else []
    )
    if len(text) < ITEM_LOOKUP_MIN_CHARS:
        message = _("请至少输入两个字。")
    elif items:
        message = ngettext(
            "找到%(count)d条已发布信息，选择一条即填入其索引号。",
            "找到%(count)d条已发布信息，选择一条即填入其索引号。",
            len(items),
        ) % {"count": len(items)}
    else:
        message = _("没有找到与“%(text)s”对应的已发布信息。") % {"text": text}
    results = [
        {
            "index_no": item.index_no,
            "title": item.title,
            "organ": item.organ.display_name,
            "published_on": format_cn_date(item.published_on),
            "url": item.get_absolute_url(),
        }
        for item in items
    ]
    return JsonResponse({"results": results, "message": message})


@staff_required()
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _for_page(request, pk)
    context = _detail_context(request, application)
    return render(request, "staff/applications/detail.html", context)


def _rerender(request: HttpRequest, pk: int, status: int = 200, **kwargs: Any) -> HttpResponse:
    """The application page again, fresh from the database, with a failed form or a conflict."""
    application = _for_page(request, pk)
    context = _detail_context(request, application, **kwargs)
    return render(request, "staff/applications/detail.html", context, status=status)


@staff_required()
@require_POST
def application_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take one workflow action through ``services.perform_action``."""
    if action not in TRANSITIONS:
        raise Http404
    application = _visible(request, pk)
    _require_actor(request, application)
    if action == "extend" and not permissions.can_approve_extension(request.user, application):
        raise PermissionDenied(_("只有本机关的政府信息公开工作机构负责人可以决定延长答复期限。"))
    transition = TRANSITIONS[action]
    if not can_apply(action, application.status):
        return _conflict(request, pk, _not_allowed(transition.label, application.status))
    form = action_form(action, application, request.POST)
    if form.is_valid():
        try:
            services.perform_action(
                action, actor=request.user, application=application, **form.service_params()
            )
        except services.WorkflowConflict as error:
            return _conflict(request, pk, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已办理：%(action)s。当前状态：%(status)s。")
                % {"action": transition.label, "status": application.get_status_display()},
            )
            return redirect("staff_requests:application", pk=pk)
    return _rerender(request, pk, failed=form)


def pending_delivery(application: Application) -> str:
    """The running document whose delivery date is unknown: "fee_notice", "consultation" or ""."""
    if application.status == Status.AWAITING_FEE and application.fee_delivered_on is None:
        return "fee_notice"
    if application.status == Status.CONSULTING and application.consultation_delivered_on is None:
        return "consultation"
    return ""


@staff_required()
@require_POST
def application_delivery(request: HttpRequest, pk: int, document: str) -> HttpResponse:
    """Record the day a fee notice or a consultation request reached its addressee."""
    if document not in services.DELIVERY_DOCUMENTS:
        raise Http404
    application = _visible(request, pk)
    _require_actor(request, application)
    form = RecordDeliveryForm(request.POST, document=document)
    if form.is_valid():
        try:
            services.application_record_delivery(
                actor=request.user,
                application=application,
                document=document,
                delivered_on=form.cleaned_data["delivered_on"],
            )
        except services.WorkflowConflict as error:
            return _conflict(request, pk, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记送达日期。"))
            return redirect("staff_requests:application", pk=pk)
    return _rerender(request, pk, delivery_form=form)


def _not_allowed(label: Any, status: str) -> str:
    return _("当前状态（%(status)s）不允许“%(action)s”。") % {
        "status": Status(status).label,
        "action": label,
    }


def _conflict(request: HttpRequest, pk: int, message: str) -> HttpResponse:
    """409: the state does not allow the action (api.md); the page says so in an alert."""
    return _rerender(request, pk, status=409, conflict=message)


@staff_required()
@require_POST
def application_assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(request, pk)
    _require_actor(request, application)
    candidates = {str(u.pk): u for u in _organ_staff(application.organ_id, (StaffRole.HANDLER,))}
    form = AssignForm(
        request.POST, candidates=[(pk_, user_label(u)) for pk_, u in candidates.items()]
    )
    if form.is_valid():
        user = candidates[form.cleaned_data["user"]]
        try:
            services.application_assign(actor=request.user, application=application, user=user)
        except services.WorkflowConflict as error:
            return _conflict(request, pk, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已分派给%(user)s。") % {"user": user_label(user)})
            return redirect("staff_requests:application", pk=pk)
    return _rerender(request, pk, assign_form=form)


RESENDABLE = (OutboxMail.Status.SENT, OutboxMail.Status.FAILED)


@staff_required()
@require_POST
def mail_resend(request: HttpRequest, pk: int, mail_id: int) -> HttpResponse:
    """Queue one of the application's mails again (a new row; the old one stays on record)."""
    application = _visible(request, pk)
    _require_actor(request, application)
    mail = get_object_or_404(application.mails, pk=mail_id)
    try:
        resend_mail(actor=request.user, mail=mail)
    except MailNotResendable:
        return _conflict(request, pk, _("该邮件尚在发送中，无需重发。"))
    messages.success(
        request,
        _("已重新排队发送：%(kind)s（%(to)s）。")
        % {"kind": notifications.kind_label(mail.kind), "to": "、".join(mail.to)},
    )
    return redirect(reverse("staff_requests:application", args=[pk]) + "#mails")


# --- Appeals (table 四 of the annual report) -------------------------------------------------


def _appeal_recorder(request: HttpRequest, pk: int) -> Application:
    application = _visible(request, pk)
    if not permissions.can_record_appeal(request.user, application):
        raise PermissionDenied(_("您没有登记行政复议和诉讼的权限。"))
    return application


@staff_required()
@require_POST
def appeal_create(request: HttpRequest, pk: int) -> HttpResponse:
    application = _appeal_recorder(request, pk)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_create(
                actor=request.user, application=application, **form.service_params()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记行政复议或行政诉讼。"))
            return redirect("staff_requests:application", pk=pk)
    return _rerender(request, pk, appeal_form=form)


@staff_required()
@require_POST
def appeal_update(request: HttpRequest, pk: int, appeal_id: int) -> HttpResponse:
    application = _appeal_recorder(request, pk)
    appeal = get_object_or_404(Appeal, pk=appeal_id, application=application)
    form = AppealResultForm(request.POST, prefix=f"appeal-{appeal.pk}")
    if form.is_valid():
        try:
            services.appeal_update(actor=request.user, appeal=appeal, **form.service_params())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已更新行政复议或行政诉讼的结果。"))
            return redirect("staff_requests:application", pk=pk)
    return _rerender(request, pk, appeal_edit=(appeal.pk, form))


# --- Released files (拟公开文件) -------------------------------------------------------------


@staff_required()
@require_POST
def released_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload one document to release with the answer (open applications only: 409 after)."""
    application = _visible(request, pk)
    _require_actor(request, application)
    form = ReleasedFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            released = services.released_file_add(
                actor=request.user, application=application, upload=form.cleaned_data["file"]
            )
        except services.WorkflowConflict as error:
            return _conflict(request, pk, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if released.pii_findings:
                messages.warning(
                    request,
                    _("已上传“%(name)s”，检出%(n)d处疑似个人信息，请在答复前核对。")
                    % {"name": released.name, "n": len(released.pii_findings)},
                )
            else:
                messages.success(request, _("已上传“%(name)s”。") % {"name": released.name})
            return redirect(reverse("staff_requests:application", args=[pk]) + "#released")
    return _rerender(request, pk, released_form=form)


@staff_required()
@require_POST
def released_file_remove(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    application = _visible(request, pk)
    _require_actor(request, application)
    released = get_object_or_404(ReleasedFile, pk=file_id, application=application)
    try:
        services.released_file_remove(
            actor=request.user, application=application, released=released
        )
    except services.WorkflowConflict as error:
        return _conflict(request, pk, str(error))
    messages.success(request, _("已删除“%(name)s”。") % {"name": released.name})
    return redirect(reverse("staff_requests:application", args=[pk]) + "#released")


@never_cache
@staff_required()
@require_GET
def released_file_download(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A released file as the applicant will get it, for staff who may see the application."""
    application = _visible(request, pk)
    released = get_object_or_404(ReleasedFile, pk=file_id, application=application)
    return private_download(
        released.file,
        filename=released.name,
        content_type=released.content_type,
        missing=Http404(),
    )


# --- Files ----------------------------------------------------------------------------------


@never_cache
@staff_required()
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """An applicant's scan, for staff who may see the application only (ID documents)."""
    application = _visible(request, pk)
    attachment = get_object_or_404(ApplicationAttachment, pk=attachment_id, application=application)
    return private_download(
        attachment.file,
        # Rows stored before names were sanitised are served under the safe name too.
        filename=served_name_for(attachment.name, attachment.content_type),
        content_type=attachment.content_type,
        missing=Http404(),
    )


@never_cache
@staff_required()
@require_GET
def letter_download(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    """The 答复书 as DOCX or PDF (requests_app.letters); 404 before the answer."""
    if ext not in LETTER_TYPES:
        raise Http404
    application = _visible(request, pk)
    if not _has_letter(application):
        raise Http404
    body = letters.letter_docx(application) if ext == "docx" else letters.letter_pdf(application)
    response = HttpResponse(body, content_type=LETTER_TYPES[ext])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=letters.letter_filename(application, ext)
    )
    return response


# --- Registering an application received on paper -------------------------------------------


@staff_required()
@require_http_methods(["GET", "POST"])
def application_register(request: HttpRequest) -> HttpResponse:
    """条例第三十一条: staff register a letter, in-person, fax or e-mail application with the
    day it was received; ``services.application_submit`` starts its clock from that day."""
    organ_ids = permissions.organ_ids(request.user, permissions.Action.REGISTER)
    if organ_ids == set():
        raise PermissionDenied(_("您没有登记申请的权限。"))
    if request.method == "POST":
        form = RegisterForm(request.POST, request.FILES, organ_ids=organ_ids)
        if form.is_valid():
            organ = form.cleaned_data["organ"]
            if not permissions.can_register(request.user, organ):
                raise Http404
            try:
                application = services.application_submit(
                    actor=request.user,
                    organ=organ,
                    data=form.service_data(),
                    attachments=form.cleaned_data.get("attachments") or [],
                    channel=form.cleaned_data["channel"],
                    received_on=form.cleaned_data["received_on"],
                    confirm_published_year=bool(form.cleaned_data.get("confirm_published_year")),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("已登记申请，查询码：%(code)s。请将查询码告知申请人。")
                    % {"code": display_tracking_code(application.tracking_code)},
                )
                return redirect("staff_requests:application", pk=application.pk)
    else:
        form = RegisterForm(organ_ids=organ_ids, initial=_own_organ(request))
    return render(request, "staff/applications/register.html", staff_context(request, form=form))


def _own_organ(request: HttpRequest) -> dict[str, Any]:
    profile = profile_of(request.user)
    return {"organ": profile.organ.code} if profile is not None else {}


# --- The working-day calendar (superusers) ---------------------------------------------------


def superuser_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; anyone but a superuser gets 403 (api.md: calendar overrides)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_superuser:
            raise PermissionDenied(_("只有系统管理员可以维护工作日日历。"))
        return view(request, *args, **kwargs)

    return wrapper


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404


def _calendar_context(
    request: HttpRequest, year: int, form: CalendarOverrideForm | None = None
) -> dict[str, Any]:
    cal = current_calendar()
    overrides = {
        o.date: o
        for o in CalendarOverride.objects.filter(date__year=year).select_related("created_by")
    }

    def day(d: dt.date) -> dict[str, Any]:
        override = overrides.get(d)
        return {
            "date": d,
            "weekday": WEEKDAYS[d.weekday()],
            "source": "override"
            if override
            else ("provisional" if d in cal.provisional else "bundled"),
            "note": override.note if override else "",
        }

    completed = CalendarYear.objects.filter(year=year).select_related("completed_by").first()
    return staff_context(
        request,
        year=year,
        previous_year=year - 1,
        next_year=year + 1,
        covered=cal.is_covered(year),
        bundled_covered=bundled_calendar().is_covered(year),
        completed=completed,
        completed_by=user_label(completed.completed_by) if completed else "",
        holidays=[day(d) for d in sorted(cal.holidays) if d.year == year],
        workdays=[day(d) for d in sorted(cal.workdays) if d.year == year],
        overrides=[
            {
                "override": o,
                "weekday": WEEKDAYS[d.weekday()],
                "weekend": is_weekend(d),
                "by": user_label(o.created_by),
            }
            for d, o in sorted(overrides.items())
        ],
        uncovered_open=Application.objects.filter(
            status__in=OPEN_STATUSES, due_covered=False
        ).count(),
        form=form or CalendarOverrideForm(),
    )


@superuser_required
@require_GET
def calendar_index(request: HttpRequest) -> HttpResponse:
    return redirect("staff_requests:calendar", year=services.local_today().year)


@superuser_required
@require_GET
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    _check_year(year)
    return render(request, "staff/applications/calendar.html", _calendar_context(request, year))


@superuser_required
@require_POST
def calendar_override(request: HttpRequest, year: int) -> HttpResponse:
    """Enter a day of the State Council's notice; the service recomputes open deadlines."""
    _check_year(year)
    form = CalendarOverrideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            override = services.calendar_override_set(
                actor=request.user,
                date=data["date"],
                is_workday=data["is_workday"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已保存：%(date)s %(kind)s。未办结申请的答复期限已按新日历重新计算。")
                % {
                    "date": format_date(override.date),
                    "kind": _("上班") if override.is_workday else _("放假"),
                },
            )
            return redirect("staff_requests:calendar", year=override.date.year)
    context = _calendar_context(request, year, form)
    return render(request, "staff/applications/calendar.html", context)


@superuser_required
@require_POST
def calendar_complete(request: HttpRequest, year: int) -> HttpResponse:
    """Mark the year's official schedule as completely entered (api.md)."""
    _check_year(year)
    before = Application.objects.filter(status__in=OPEN_STATUSES, due_covered=False).count()
    try:
        services.calendar_year_complete(actor=request.user, year=year)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        after = Application.objects.filter(status__in=OPEN_STATUSES, due_covered=False).count()
        messages.success(
            request,
            _(
                "已将%(year)d年标记为节假日安排已录入完整。"
                "未办结申请的答复期限已重新计算，不再标注“期限未覆盖官方日历”的有%(count)d件。"
            )
            % {"year": year, "count": max(0, before - after)},
        )
    return redirect("staff_requests:calendar", year=year)
