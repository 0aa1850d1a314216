"""Input and output shapes of the applications API (api.md, "Applications", "Working-day
calendar").

Input serializers only parse: the rules live in ``requests_app.services``. Output
serializers never run a query of their own beyond what the view prefetched.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Organ
from catalog.serializers import FindingSerializer
from catalog.uploads import served_name_for
from disclosure_portal.models import OutboxMail
from requests_app import deadlines
from requests_app.models import (
    OPEN_STATUSES,
    Appeal,
    AppealKind,
    AppealResult,
    Application,
    Event,
    FeeBasis,
    Outcome,
    Status,
)
from requests_app.notifications import kind_label, notice_sent_times
from requests_app.services import APPLICANT_FIELDS, LAPSE_OUTCOMES, deadline_of, local_today
from requests_app.tracking import (
    display_tracking_code,
    public_events,
    public_note,
    public_released_files,
)
from requests_app.workflow import allowed_actions

# --- Submission --------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.OBJECT)
class JSONObjectField(serializers.Field):
    """A JSON object, or (multipart forms) a string holding one (api.md)."""

    default_error_messages = {"invalid": _("格式不正确，应为JSON对象。")}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, dict):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class ApplicationCreateSerializer(serializers.Serializer):
    """Parses a submission; which applicant fields are required is the service's rule."""

    organ = serializers.CharField(max_length=18)
    applicant_type = serializers.CharField(required=False, allow_blank=True, default="")
    applicant = JSONObjectField(required=False, default=dict)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=True
    )
    delivery_form = serializers.CharField(required=False, allow_blank=True, default="")
    delivery_method = serializers.CharField(required=False, allow_blank=True, default="")
    # Honoured for staff of the organ only (api.md); ignored for everybody else.
    channel = serializers.CharField(required=False, allow_blank=True, default="")
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    # Staff registering into a year whose annual report is published must confirm (domain.md).
    confirm_published_year = serializers.BooleanField(required=False, default=False)

    def validate_organ(self, value: str) -> Organ:
        organ = Organ.objects.filter(code=value.strip().upper()).first()
        if organ is None:
            raise serializers.ValidationError(_("受理机关不存在。"))
        return organ


# --- Output of an application ------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class EventSerializer(serializers.ModelSerializer):
    type_display = serializers.CharField(source="get_type_display", read_only=True)
    actor = serializers.SerializerMethodField()
    public_note = serializers.SerializerMethodField()
    notice_sent_at = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "type",
            "type_display",
            "date",
            "note",
            "public_note",
            "data",
            "actor",
            "created_at",
            "notice_sent_at",
        ]

    def get_actor(self, event: Event) -> str | None:
        return event.actor.get_username() if event.actor_id and event.actor else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_notice_sent_at(self, event: Event) -> str | None:
        """When the step's notice to the applicant was sent (null: none, or not yet)."""
        times = self.context.get("notice_sent_at")
        if times is None:
            times = notice_sent_times([event])
        sent = times.get(event.pk)
        return serializers.DateTimeField().to_representation(sent) if sent else None

    def get_public_note(self, event: Event) -> str:
        return public_note(event)


class AppealSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "application",
            "kind",
            "kind_display",
            "filed_on",
            "result",
            "result_display",
            "decided_on",
            "note",
            "created_at",
        ]


def fee_of(application: Application) -> dict[str, Any] | None:
    """api.md ``fee``: null, or the notice as issued (amount in yuan)."""
    if not application.fee_basis:
        return None
    return {
        "basis": application.fee_basis,
        "basis_display": str(FeeBasis(application.fee_basis).label),
        "quantity": application.fee_quantity,
        "amount": str(application.fee_amount) if application.fee_amount is not None else None,
        "pieces": application.fee_pieces,
        "notice_on": _iso(application.fee_notice_on),
        # api.md "Additions": the payment period runs from the day after delivery; until the
        # delivery date is known the date is counted from the notice and marked provisional.
        "delivered_on": _iso(application.fee_delivered_on),
        "payment_due_on": _iso(application.fee_payment_due_on),
        "payment_due_provisional": application.fee_delivered_on is None,
        "paid_on": _iso(application.fee_paid_on),
    }


def _today(context: dict[str, Any]) -> date:
    """The view passes one ``today`` for the whole response."""
    return context.get("today") or local_today()


class ApplicationSummarySerializer(serializers.ModelSerializer):
    """A row of the staff queue: what sorting and triage need, from stored columns only."""

    organ = serializers.CharField(source="organ.code", read_only=True)
    organ_name = serializers.CharField(source="organ.name", read_only=True)
    applicant_name = serializers.CharField(source="applicant_display_name", read_only=True)
    applicant_type_display = serializers.CharField(
        source="get_applicant_type_display", read_only=True
    )
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    outcome_display = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    is_due_soon = serializers.SerializerMethodField()
    assigned_to = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "tracking_code",
            "organ",
            "organ_name",
            "applicant_type",
            "applicant_type_display",
            "applicant_name",
            "channel",
            "channel_display",
            "status",
            "status_display",
            "submitted_at",
            "first_received_on",
            "received_on",
            "due_on",
            "due_covered",
            "paused_workdays",
            "extension_workdays",
            "is_overdue",
            "is_due_soon",
            "outcome",
            "outcome_display",
            "closed_on",
            "assigned_to",
        ]

    def get_outcome_display(self, application: Application) -> str:
        return str(application.get_outcome_display()) if application.outcome else ""

    def get_is_overdue(self, application: Application) -> bool:
        # Overdue is computed, never stored (domain.md); a closed case is no longer "overdue".
        return application.status in OPEN_STATUSES and deadlines.is_overdue(
            application.due_on, _today(self.context)
        )

    def get_is_due_soon(self, application: Application) -> bool:
        cal = self.context.get("calendar")
        if cal is None or application.status not in OPEN_STATUSES:
            return False
        return deadlines.is_due_soon(cal, application.due_on, _today(self.context))

    def get_assigned_to(self, application: Application) -> str | None:
        user = application.assigned_to
        return user.get_username() if user is not None else None


class MailSerializer(serializers.ModelSerializer):
    """One mail about an application, as staff see it on the desk (queued / sent / failed)."""

    kind_display = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = OutboxMail
        fields = [
            "id",
            "kind",
            "kind_display",
            "to",
            "subject",
            "status",
            "status_display",
            "attempts",
            "last_error",
            "created_at",
            "next_attempt_at",
            "sent_at",
            "resend_of",
            "created_by",
        ]

    def get_kind_display(self, mail: OutboxMail) -> str:
        return kind_label(mail.kind)

    def get_created_by(self, mail: OutboxMail) -> str | None:
        return mail.created_by.get_username() if mail.created_by_id and mail.created_by else None


class ApplicationAttachmentSerializer(serializers.Serializer):
    """An applicant's scan as the detail lists it (documentation of the OpenAPI schema)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class ReleasedFileSerializer(serializers.Serializer):
    """A document released with the answer (拟公开文件), as staff see it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()
    findings = FindingSerializer(many=True)


def released_file_data(released: Any) -> dict[str, Any]:
    return {
        "id": released.pk,
        "name": released.name,
        "content_type": released.content_type,
        "size": released.size,
        "url": reverse(
            "api-application-released-file",
            kwargs={"pk": released.application_id, "file_id": released.pk},
        ),
        "findings": released.pii_findings or [],
    }


class ReleasedFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        label=_("文件"),
        error_messages={
            "required": _("请选择要上传的文件（file）。"),
            "invalid": _("请以multipart/form-data上传文件（file）。"),
            "no_name": _("无法识别上传文件的文件名（file）。"),
            "empty": _("上传的文件（file）是空文件。"),
        },
    )


class PublicReleasedFileSerializer(serializers.Serializer):
    """A released file on the public tracking endpoint: a signed link for the code's holder."""

    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class ApplicationDetailSerializer(ApplicationSummarySerializer):
    """Everything staff of the organ may see, with the live deadline fold (api.md)."""

    applicant = serializers.SerializerMethodField()
    derivation = serializers.SerializerMethodField()
    fee = serializers.SerializerMethodField()
    correction = serializers.SerializerMethodField()
    consultation = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()
    released_files = serializers.SerializerMethodField()
    appeals = AppealSerializer(many=True, read_only=True)
    mails = MailSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    tracking_code_display = serializers.SerializerMethodField()

    class Meta(ApplicationSummarySerializer.Meta):
        fields = [
            *ApplicationSummarySerializer.Meta.fields,
            "tracking_code_display",
            "applicant",
            "description",
            "delivery_form",
            "delivery_method",
            "derivation",
            "correction",
            "consultation_party",
            "consultation",
            "reasons",
            "fee",
            "reply",
            "referral",
            "linked_item",
            "answer",
            "events",
            "attachments",
            "released_files",
            "appeals",
            "mails",
            "allowed_actions",
        ]

    def get_tracking_code_display(self, application: Application) -> str:
        return display_tracking_code(application.tracking_code)

    def get_applicant(self, application: Application) -> dict[str, str]:
        return {field: getattr(application, field) for field in APPLICANT_FIELDS}

    def get_derivation(self, application: Application) -> dict[str, Any] | None:
        derivation = deadline_of(
            application, today=_today(self.context), calendar=self.context.get("calendar")
        )
        return derivation.as_dict() if derivation is not None else None

    def get_fee(self, application: Application) -> dict[str, Any] | None:
        return fee_of(application)

    def get_consultation(self, application: Application) -> dict[str, Any] | None:
        """The last consultation: when the consulted party received it and its reply date."""
        if not application.consultation_party:
            return None
        reply_due = application.consultation_reply_due_on
        return {
            "party": application.consultation_party,
            "delivered_on": _iso(application.consultation_delivered_on),
            "reply_due_on": _iso(reply_due),
            # 条例第三十二条: no reply recorded by the 15th working day — the clock runs again.
            "overdue": application.status == Status.CONSULTING
            and reply_due is not None
            and _today(self.context) > reply_due,
        }

    def get_reasons(self, application: Application) -> dict[str, Any] | None:
        """条例第三十五条: the request for reasons and the delayed answer date, if any."""
        if application.reasons_requested_on is None:
            return None
        return {
            "requested_on": _iso(application.reasons_requested_on),
            "due_on": _iso(application.reasons_due_on),
            "delayed_due_on": _iso(application.delayed_due_on),
            "delayed_due_reason": application.delayed_due_reason,
        }

    def get_correction(self, application: Application) -> dict[str, Any] | None:
        if application.correction_requested_on is None:
            return None
        return {
            "requested_on": _iso(application.correction_requested_on),
            "due_on": _iso(application.correction_due_on),
            "late": application.correction_late,
        }

    def get_answer(self, application: Application) -> dict[str, Any] | None:
        if not application.outcome:
            return None
        item = application.linked_item
        return {
            "outcome": application.outcome,
            "outcome_display": str(application.get_outcome_display()),
            "date": _iso(application.closed_on),
            "reply": application.reply,
            "referral": application.referral,
            "linked_item": (
                {"id": item.pk, "title": item.title, "url": item.get_absolute_url()}
                if item is not None
                else None
            ),
        }

    @extend_schema_field(ApplicationAttachmentSerializer(many=True))
    def get_attachments(self, application: Application) -> list[dict[str, Any]]:
        """api.md: ``name`` is the served name (sanitised stem + the detected type's
        extension); ``url`` downloads the file for a caller who may see the application."""
        return [
            {
                "id": a.pk,
                "name": served_name_for(a.name, a.content_type),
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse(
                    "api-application-attachment",
                    kwargs={"pk": application.pk, "attachment_id": a.pk},
                ),
            }
            for a in application.attachments.all()
        ]

    @extend_schema_field(ReleasedFileSerializer(many=True))
    def get_released_files(self, application: Application) -> list[dict[str, Any]]:
        """The documents to be released with the answer (frozen once it is given), each with
        the personal data found in it (masked excerpts)."""
        return [released_file_data(f) for f in application.released_files.all()]

    def get_allowed_actions(self, application: Application) -> list[dict[str, str]]:
        return [
            {"action": t.action, "label": str(t.label)}
            for t in allowed_actions(
                application.status, {event.type for event in application.events.all()}
            )
        ]


class ApplicationReceiptSerializer(serializers.ModelSerializer):
    """The answer to a submission: what the applicant needs to follow it up."""

    organ = serializers.CharField(source="organ.code", read_only=True)
    organ_name = serializers.CharField(source="organ.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    tracking_code_display = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "tracking_code",
            "tracking_code_display",
            "organ",
            "organ_name",
            "channel",
            "channel_display",
            "status",
            "status_display",
            "submitted_at",
            "received_on",
            "first_received_on",
            "due_on",
            "due_covered",
        ]

    def get_tracking_code_display(self, application: Application) -> str:
        return display_tracking_code(application.tracking_code)


class TrackSerializer(serializers.ModelSerializer):
    """Public tracking (api.md): status and dates, a masked name, no other personal data.

    The events carry a note derived from their type, never the staff's free text, and the
    answer shows the outcome and where to get the information, not the letter's text.
    """

    organ = serializers.CharField(source="organ.code", read_only=True)
    organ_name = serializers.CharField(source="organ.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    applicant_name = serializers.CharField(source="masked_name", read_only=True)
    answered_on = serializers.SerializerMethodField()
    outcome_display = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()
    released_files = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "tracking_code",
            "organ",
            "organ_name",
            "applicant_name",
            "status",
            "status_display",
            "received_on",
            "first_received_on",
            "due_on",
            "due_covered",
            "answered_on",
            "closed_on",
            "outcome",
            "outcome_display",
            "events",
            "answer",
            "released_files",
        ]

    def get_answered_on(self, application: Application) -> str | None:
        return _iso(application.closed_on) if application.status == "answered" else None

    def get_outcome_display(self, application: Application) -> str:
        return str(application.get_outcome_display()) if application.outcome else ""

    def get_events(self, application: Application) -> list[dict[str, str]]:
        return public_events(list(application.events.all()))

    @extend_schema_field(PublicReleasedFileSerializer(many=True))
    def get_released_files(self, application: Application) -> list[dict[str, Any]]:
        """The documents released with a disclosing answer; each ``url`` is a download link
        signed for this code, valid for 24 hours."""
        return public_released_files(application)

    def get_answer(self, application: Application) -> dict[str, Any] | None:
        if application.status != "answered":
            return None
        item = application.linked_item
        return {
            "outcome": application.outcome,
            "outcome_display": str(application.get_outcome_display()),
            "date": _iso(application.closed_on),
            "referral": application.referral,
            "linked_item": (
                {"id": item.pk, "title": item.title, "url": item.get_absolute_url()}
                if item is not None
                else None
            ),
        }


# --- Workflow actions (api.md table) ------------------------------------------------------


class ActionSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class RequestCorrectionSerializer(ActionSerializer):
    correction_due_on = serializers.DateField(required=False, allow_null=True, default=None)


class StartConsultationSerializer(ActionSerializer):
    party = serializers.CharField(max_length=200)
    # The day the consulted party received the request; with ``electronic`` true and no
    # date, the start date (domain.md "Clock edges").
    delivered_on = serializers.DateField(required=False, allow_null=True, default=None)
    electronic = serializers.BooleanField(required=False, default=False)


class ExtendSerializer(ActionSerializer):
    workdays = serializers.IntegerField(min_value=1, max_value=20)
    reason = serializers.CharField(max_length=1000)
    # No ``approved_by``: the consent is the caller's own act (api.md); a name sent is ignored.


class IssueFeeNoticeSerializer(ActionSerializer):
    basis = serializers.ChoiceField(choices=FeeBasis.choices)
    # per_page: pages (required); per_item: the application's ordinal in the applicant's
    # month, computed when omitted. Range checks are the service's (400 by field).
    quantity = serializers.IntegerField(required=False, allow_null=True, default=None)
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
    )
    # per_item: how many pieces the application was split into (一事一申请), default 1.
    pieces = serializers.IntegerField(required=False, allow_null=True, default=None)
    delivered_on = serializers.DateField(required=False, allow_null=True, default=None)


class RequestReasonsSerializer(ActionSerializer):
    reasons_due_on = serializers.DateField(required=False, allow_null=True, default=None)


class SetDelayedDueSerializer(ActionSerializer):
    due_on = serializers.DateField()
    reason = serializers.CharField(max_length=1000)


class RecordDeliverySerializer(serializers.Serializer):
    document = serializers.ChoiceField(
        choices=[("fee_notice", "收费通知"), ("consultation", "征求意见书")]
    )
    delivered_on = serializers.DateField()


ANSWER_OUTCOMES = [(code, label) for code, label in Outcome.choices if code not in LAPSE_OUTCOMES]


class AnswerSerializer(ActionSerializer):
    outcome = serializers.ChoiceField(choices=ANSWER_OUTCOMES)
    reply = serializers.CharField(max_length=20000)
    referral = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    linked_item = serializers.IntegerField(required=False, allow_null=True, default=None)
    # 条例第十五条: personal data found in the released files goes out only when acknowledged.
    acknowledge_findings = serializers.BooleanField(required=False, default=False)
    acknowledge_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )


class AssignSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=150)

    def validate_user(self, value: str) -> Any:
        user = get_user_model().objects.filter(username=value.strip()).first()
        if user is None:
            raise serializers.ValidationError(_("用户不存在。"))
        return user


ACTION_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    "request-correction": RequestCorrectionSerializer,
    "receive-correction": ActionSerializer,
    "lapse-correction": ActionSerializer,
    "start-consultation": StartConsultationSerializer,
    "end-consultation": ActionSerializer,
    "extend": ExtendSerializer,
    "issue-fee-notice": IssueFeeNoticeSerializer,
    "confirm-fee-paid": ActionSerializer,
    "lapse-fee": ActionSerializer,
    "request-reasons": RequestReasonsSerializer,
    "receive-reasons": ActionSerializer,
    "lapse-reasons": ActionSerializer,
    "set-delayed-due": SetDelayedDueSerializer,
    "answer": AnswerSerializer,
    "withdraw": ActionSerializer,
}


# --- Appeals ------------------------------------------------------------------------------


class AppealInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AppealKind.choices)
    filed_on = serializers.DateField()
    result = serializers.ChoiceField(
        choices=AppealResult.choices, required=False, default=AppealResult.PENDING
    )
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


# --- Working-day calendar -----------------------------------------------------------------


class AddWorkdaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField()
    # A bound keeps a single request cheap; statutory periods are at most a few dozen days.
    days = serializers.IntegerField(min_value=0, max_value=1000)


class OverrideInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


# Output shapes of the calendar endpoints (documentation of the OpenAPI schema).


class AddWorkdaysResultSerializer(serializers.Serializer):
    date = serializers.DateField()
    covered = serializers.BooleanField()
    skipped_holidays = serializers.ListField(child=serializers.DateField())
    counted_adjusted_workdays = serializers.ListField(child=serializers.DateField())


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    source = serializers.ChoiceField(choices=["bundled", "override"])


class CalendarOverrideSerializer(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    weekend = serializers.BooleanField()
    note = serializers.CharField()


class CalendarYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    covered = serializers.BooleanField()
    holidays = CalendarDaySerializer(many=True)
    workdays = CalendarDaySerializer(many=True)
    overrides = CalendarOverrideSerializer(many=True)
