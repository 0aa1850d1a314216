"""Forms of the staff desk of 依申请公开 (/staff/applications/, /staff/calendar/).

Forms only parse what staff typed; the services (``requests_app.services``) are the authority
and their field-keyed ``ValidationError`` lands next to the same fields
(``catalog.forms.add_service_errors``). There is one form per workflow action of
``workflow.TRANSITIONS`` (``ACTION_FORMS``), each rendered with the action code as its prefix so
that the many forms of the application page keep distinct ids.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.forms import DateInput
from catalog.models import Item
from catalog.organs import organ_tree, scope_ids
from disclosure_portal.i18n import interpolate_lazy
from requests_app.deadlines import (
    DUE_SOON_WORKDAYS,
    MAX_EXTENSION,
    THIRD_PARTY_REPLY_PERIOD,
)
from requests_app.forms import ApplicationForm
from requests_app.models import (
    MAX_RELEASED_FILES,
    OPEN_STATUSES,
    AppealKind,
    AppealResult,
    Application,
    Channel,
    EventType,
    FeeBasis,
    Outcome,
    Status,
)
from requests_app.tracking import ALPHABET, is_well_formed, normalize_tracking_code
from requests_app.workdays import WorkCalendar, add_workdays
from requests_app.workflow import TRANSITIONS

# A piece of a tracking code shorter than this matches too many codes to be a search.
PARTIAL_CODE_MIN = 4

OPEN = ""
ALL = "all"
# A fee notice or a consultation request still running whose delivery date is unknown.
DELIVERY_UNKNOWN = Q(status=Status.AWAITING_FEE, fee_delivered_on__isnull=True) | Q(
    status=Status.CONSULTING, consultation_delivered_on__isnull=True
)


def _today() -> dt.date:
    # Imported late: services imports this app's models and the mail layer.
    from requests_app.services import local_today

    return local_today()


def organ_choices(organ_ids: set[int] | None) -> list[tuple[str, str]]:
    """The organs ``organ_ids`` allows (None: all) in tree order, indented by depth."""
    return [
        (str(node.id), "\u3000" * node.depth + node.name)
        for node in organ_tree().flat()
        if organ_ids is None or node.id in organ_ids
    ]


# --- The queue's filters ----------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """Filters of the queue; without any, the open applications of every visible organ."""

    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[(OPEN, _("全部未办结")), *Status.choices, (ALL, _("全部状态"))],
    )
    organ = forms.ChoiceField(
        label=_("受理机关"),
        required=False,
        help_text=_("默认含下级机关；勾选“仅本机关”则只列本机关的申请。"),
    )
    own = forms.BooleanField(label=_("仅本机关（不含下级）"), required=False)
    q = forms.CharField(
        label=_("查询码、申请人或申请内容"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    received_after = forms.DateField(label=_("收到日期自"), required=False, widget=DateInput())
    received_before = forms.DateField(label=_("收到日期至"), required=False, widget=DateInput())
    closed_after = forms.DateField(label=_("办结日期自"), required=False, widget=DateInput())
    closed_before = forms.DateField(label=_("办结日期至"), required=False, widget=DateInput())
    open_on = forms.DateField(
        label=_("截至该日未办结"),
        required=False,
        widget=DateInput(),
        help_text=_("该日以前收到、到该日仍未办结的申请（含此后已办结的）。"),
    )
    on_time = forms.BooleanField(
        label=_("仅看按期办结"), required=False, help_text=_("在答复期限内办结的申请。")
    )
    overdue = forms.BooleanField(label=_("仅看已逾期"), required=False)
    due_soon = forms.BooleanField(
        label=_("仅看即将到期"),
        required=False,
        help_text=interpolate_lazy(_("%(days)d个工作日内到期。"), days=DUE_SOON_WORKDAYS),
    )
    mine = forms.BooleanField(label=_("仅看分派给我的"), required=False)
    delivery_unknown = forms.BooleanField(
        label=_("仅看送达日期未登记的"),
        required=False,
        help_text=_(
            "收费通知或征求意见书的送达日期未登记：缴费期限暂定，征求意见的15个工作日无从计算。"
        ),
    )

    def __init__(self, *args: Any, organ_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organ_ids = organ_ids
        self.fields["organ"].choices = [("", _("全部机关")), *organ_choices(organ_ids)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        after, before = data.get("received_after"), data.get("received_before")
        if after and before and after > before:
            self.add_error("received_before", _("结束日期不能早于开始日期。"))
        after, before = data.get("closed_after"), data.get("closed_before")
        if after and before and after > before:
            self.add_error("closed_before", _("结束日期不能早于开始日期。"))
        return data

    def apply(
        self,
        applications: QuerySet[Application],
        *,
        user: Any,
        today: dt.date,
        calendar: WorkCalendar,
    ) -> QuerySet[Application]:
        """Narrow ``applications`` (already scoped by ``permissions.visible_to``).

        Overdue and due-soon read the stored ``due_on`` (indexed with organ and status) and
        ``today``: computed, never stored (style.md).
        """
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status") or OPEN
        if status == OPEN:
            applications = applications.filter(status__in=OPEN_STATUSES)
        elif status != ALL:
            applications = applications.filter(status=status)
        if organ := data.get("organ"):
            ids = scope_ids(int(organ), own=bool(data.get("own")))
            if self.organ_ids is not None:
                ids &= self.organ_ids
            applications = applications.filter(organ_id__in=ids)
        if data.get("overdue"):
            applications = applications.filter(status__in=OPEN_STATUSES, due_on__lt=today)
        if data.get("due_soon"):
            # domain.md: due soon = not overdue and due within 3 working days.
            limit = add_workdays(calendar, today, DUE_SOON_WORKDAYS).date
            applications = applications.filter(
                status__in=OPEN_STATUSES, due_on__gte=today, due_on__lte=limit
            )
        if data.get("mine"):
            applications = applications.filter(assigned_to=user)
        if data.get("delivery_unknown"):
            applications = applications.filter(DELIVERY_UNKNOWN)
        if after := data.get("received_after"):
            applications = applications.filter(first_received_on__gte=after)
        if before := data.get("received_before"):
            applications = applications.filter(first_received_on__lte=before)
        if after := data.get("closed_after"):
            applications = applications.filter(closed_on__gte=after)
        if before := data.get("closed_before"):
            applications = applications.filter(closed_on__lte=before)
        if day := data.get("open_on"):
            # Open at the end of that day: received by then and not yet closed (the annual
            # report's 结转下年度继续办理 for 31 December).
            applications = applications.filter(
                Q(closed_on__isnull=True) | Q(closed_on__gt=day), first_received_on__lte=day
            )
        if data.get("on_time"):
            applications = applications.filter(closed_on__lte=F("due_on"))
        if text := (data.get("q") or "").strip():
            code = normalize_tracking_code(text)
            if is_well_formed(code):
                # A code as read over the phone (any case, with dashes): the unique index.
                applications = applications.filter(tracking_code=code)
            else:
                # Any part of the applicant's or organisation's name, of the description, or
                # of the code (a caller who has only "the part after the first dash").
                match = (
                    Q(name__icontains=text)
                    | Q(organization__icontains=text)
                    | Q(description__icontains=text)
                )
                if len(code) >= PARTIAL_CODE_MIN and all(char in ALPHABET for char in code):
                    match |= Q(tracking_code__contains=code)
                applications = applications.filter(match)
        return applications


# --- Workflow actions -------------------------------------------------------------------------


class ActionForm(forms.Form):
    """The fields every workflow action takes (api.md): the day it happened and a note."""

    action: ClassVar[str] = ""
    date_label: ClassVar[Any] = _("日期")
    note_label: ClassVar[Any] = _("说明")
    note_help: ClassVar[Any] = ""
    note_required: ClassVar[bool] = False
    submit_label: ClassVar[Any] = _("确认")

    date = forms.DateField(
        required=False,
        widget=DateInput(),
        help_text=_("留空为今天；不得晚于今天，也不得早于上一办理环节的日期。"),
        error_messages={"invalid": _("请输入有效的日期。")},
    )
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["date"].label = self.date_label
        self.fields["date"].initial = _today()
        note = self.fields["note"]
        note.label = self.note_label
        note.required = self.note_required
        note.error_messages["required"] = _("请填写%(label)s。") % {"label": self.note_label}
        if self.note_help:
            note.help_text = self.note_help
        # The day first, the action's own fields next, the free-text note last.
        own = [name for name in self.fields if name not in ("date", "note")]
        self.order_fields(["date", *own, "note"])

    @property
    def transition(self) -> Any:
        return TRANSITIONS[self.action]

    def service_params(self) -> dict[str, Any]:
        """Keyword arguments of ``services.perform_action`` besides actor and application."""
        data = self.cleaned_data
        return {"date": data.get("date") or None, "note": data.get("note") or ""}


class RequestCorrectionForm(ActionForm):
    action = EventType.REQUEST_CORRECTION
    date_label = _("告知补正日期")
    note_label = _("需要补正的事项")
    note_help = _(
        "条例第三十条：一次性告知申请人作出补正，说明需要补正的事项；本内容将告知申请人。"
    )
    note_required = True
    submit_label = _("告知补正")

    correction_due_on = forms.DateField(
        label=_("补正期限"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("请输入有效的日期。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        period = self.application.organ.correction_period_workdays
        self.fields["correction_due_on"].help_text = _(
            "留空则为告知之日起%(days)d个工作日（本机关设定的合理补正期限）。"
        ) % {"days": period}

    def service_params(self) -> dict[str, Any]:
        return {
            **super().service_params(),
            "correction_due_on": self.cleaned_data.get("correction_due_on"),
        }


class ReceiveCorrectionForm(ActionForm):
    action = EventType.RECEIVE_CORRECTION
    date_label = _("收到补正申请的日期")
    submit_label = _("登记收到补正")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].help_text = _(
            "条例第三十条：答复期限自行政机关收到补正的申请之日起计算。留空为今天。"
        )


class LapseCorrectionForm(ActionForm):
    action = EventType.LAPSE_CORRECTION
    submit_label = _("按逾期未补正终止")
    note_help = _(
        "申请人无正当理由逾期不补正的，视为放弃申请（条例第三十条）；补正期限届满后方可办理。"
    )


class StartConsultationForm(ActionForm):
    action = EventType.START_CONSULTATION
    date_label = _("发出征求意见书的日期")
    submit_label = _("开始征求意见")

    party = forms.CharField(
        label=_("征求意见对象（第三方或者其他行政机关）"),
        max_length=200,
        help_text=interpolate_lazy(
            _(
                "第三方应当自收到征求意见书之日起%(days)d个工作日内提出意见（条例第三十二条）；"
                "征求第三方和其他机关意见所需时间不计算在答复期限内（条例第三十三条第三款）。"
            ),
            days=THIRD_PARTY_REPLY_PERIOD,
        ),
        error_messages={"required": _("请填写征求意见的第三方或者机关。")},
    )
    delivered_on = forms.DateField(
        label=_("对方收到征求意见书的日期"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "对方的15个工作日自其收到之日起算；暂不知道的可留空，收到送达回执后再登记。"
            "答复期限届满仍未答复的，不再等待，答复期限自动恢复计算（条例第三十二条、第三十四条）。"
        ),
        error_messages={"invalid": _("请输入有效的日期。")},
    )
    electronic = forms.BooleanField(
        label=_("以电子方式发出（留空送达日期时，以发出当日为送达日期）"), required=False
    )

    def service_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().service_params(),
            "party": data["party"],
            "delivered_on": data.get("delivered_on"),
            "electronic": bool(data.get("electronic")),
        }


class EndConsultationForm(ActionForm):
    action = EventType.END_CONSULTATION
    date_label = _("征求意见结束的日期")
    note_help = _("收到意见或者第三方逾期未提出意见的，登记结束，答复期限继续计算。")
    submit_label = _("征求意见结束")


class ExtendForm(ActionForm):
    """条例第三十三条第二款: an extension needs the approver's consent; at most 20 in total.
    Only an approver is offered this form: submitting it is the consent itself."""

    action = EventType.EXTEND
    date_label = _("决定延期的日期")
    submit_label = _("延长答复期限")

    workdays = forms.IntegerField(
        label=_("延长的工作日数"),
        min_value=1,
        max_value=MAX_EXTENSION,
        error_messages={
            "required": _("请填写延长的工作日数。"),
            "invalid": _("请填写整数。"),
            "min_value": _("延长期限应为1至20个工作日。"),
            "max_value": _("延长期限应为1至20个工作日。"),
        },
    )
    reason = forms.CharField(
        label=_("延期理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("将告知申请人。"),
        error_messages={"required": _("请填写延长答复期限的理由。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        remaining = MAX_EXTENSION - self.application.extension_workdays
        self.fields["workdays"].help_text = _(
            "已延长%(done)d个工作日，最多还可延长%(left)d个工作日（条例第三十三条第二款）。"
        ) % {"done": self.application.extension_workdays, "left": max(0, remaining)}

    def service_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().service_params(),
            "workdays": data["workdays"],
            "reason": data["reason"],
        }


class IssueFeeNoticeForm(ActionForm):
    """国办函〔2020〕109号: 按件 or 按量, never both; the amount is computed unless given."""

    action = EventType.ISSUE_FEE_NOTICE
    date_label = _("收费通知日期")
    note_label = _("缴费方式说明")
    note_help = _("将随收费通知告知申请人。申请人应当自收到通知次日起20个工作日内缴纳费用。")
    submit_label = _("发出收费通知")

    basis = forms.ChoiceField(
        label=_("收费方式"),
        choices=FeeBasis.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择收费方式。"),
            "invalid_choice": _("请选择收费方式。"),
        },
    )
    quantity = forms.IntegerField(
        label=_("件数或页数"),
        required=False,
        min_value=0,
        help_text=_("按量计收：填写本申请提供信息的页数。按件计收：留空则按本月累计申请件数计算。"),
        error_messages={"invalid": _("请填写整数。"), "min_value": _("数量不能小于0。")},
    )
    amount = forms.DecimalField(
        label=_("收费金额（元）"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("留空则按标准计算。"),
        error_messages={"invalid": _("金额格式不正确。")},
    )
    pieces = forms.IntegerField(
        label=_("按件计收：本申请按一事一申请拆分的件数"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_(
            "留空为1件；多件依次占用申请人本月累计的连续序号（国办函〔2020〕109号第四条）。"
        ),
        error_messages={
            "invalid": _("请填写整数。"),
            "min_value": _("件数应为1至1000的整数。"),
            "max_value": _("件数应为1至1000的整数。"),
        },
    )
    delivered_on = forms.DateField(
        label=_("申请人收到收费通知的日期"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "缴费期限自申请人收到通知次日起算。以电子邮件或网上方式送达的，留空即为通知当日；"
            "邮寄的可留空，收到回执后再登记，期间缴费期限为暂定。"
        ),
        error_messages={"invalid": _("请输入有效的日期。")},
    )

    def service_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().service_params(),
            "basis": data["basis"],
            "quantity": data.get("quantity"),
            "amount": data.get("amount"),
            "pieces": data.get("pieces"),
            "delivered_on": data.get("delivered_on"),
        }


class ConfirmFeePaidForm(ActionForm):
    action = EventType.CONFIRM_FEE_PAID
    date_label = _("缴费日期")
    submit_label = _("确认已缴费")


class LapseFeeForm(ActionForm):
    action = EventType.LAPSE_FEE
    submit_label = _("按逾期未缴费终止")
    note_help = _("缴费期限届满后方可办理（国办函〔2020〕109号）。")


# The answer's outcomes grouped as the rows of table 三 of the annual report. The two lapse
# outcomes (other_correction_lapsed, other_fee_unpaid) are recorded by lapse-correction and
# lapse-fee, never by an answer, so 其他处理 offers 其他 only.
OUTCOME_GROUPS: tuple[tuple[Any, str], ...] = (
    (_("（一）予以公开"), "disclosed"),
    (_("（二）部分公开"), "partially_disclosed"),
    (_("（三）不予公开"), "withheld_"),
    (_("（四）本机关不掌握相关政府信息、没有现成信息或补正后仍不明确（无法提供）"), "unavailable_"),
    (_("（五）不予处理"), "rejected_"),
    (_("（六）其他处理"), "other_other"),
)


def outcome_choices() -> list[Any]:
    """Grouped choices (``<optgroup>``) in the order of table 三."""
    groups: list[Any] = [("", _("请选择办理结果"))]
    for label, prefix in OUTCOME_GROUPS:
        options = [
            (value, text)
            for value, text in Outcome.choices
            if value == prefix or (prefix.endswith("_") and value.startswith(prefix))
        ]
        groups.append((label, options))
    return groups


class AnswerForm(ActionForm):
    """条例第三十六至三十九条: exactly one outcome (one row of table 三)."""

    action = EventType.ANSWER
    date_label = _("答复日期")
    note_label = _("内部备注")
    note_help = _("仅工作人员可见。")
    submit_label = _("作出答复")

    outcome = forms.ChoiceField(
        label=_("办理结果"),
        error_messages={
            "required": _("请选择办理结果。"),
            "invalid_choice": _("请选择有效的办理结果。"),
        },
    )
    reply = forms.CharField(
        label=_("答复内容"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写入答复书；不予公开的应当说明理由（条例第三十六条）。"),
        error_messages={"required": _("请填写答复内容。")},
    )
    referral = forms.CharField(
        label=_("告知获取途径"),
        required=False,
        max_length=500,
        help_text=_("已主动公开或者由其他机关负责公开的，告知获取的方式和途径（条例第三十六条）。"),
    )
    linked_item = forms.CharField(
        label=_("已主动公开的信息"),
        required=False,
        max_length=300,
        help_text=_("可选。填写索引号、标题中的词语或该信息的网址；关联后办理结果应为“予以公开”。"),
        # static/js/staff.js turns the field into a picker: matches of the typed words or
        # 索引号 are listed as the handler types, and the chosen one fills in its 索引号.
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    # 条例第十五条: shown only when personal data was found in the released files.
    acknowledge_findings = forms.BooleanField(
        label=_("我已核对拟公开文件中检出的疑似个人信息，确属依法可以向申请人提供的内容"),
        required=False,
    )
    acknowledge_reason = forms.CharField(
        label=_("提供这些个人信息的理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：检出的是申请人本人的信息；或经第三方同意公开（条例第三十二条）。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcome_choices()
        self.fields["linked_item"].widget.attrs["data-item-picker"] = reverse(
            "staff_requests:item_lookup"
        )
        from requests_app.services import released_findings

        self.released = list(self.application.released_files.all())
        self.findings = released_findings(self.released)
        if not self.findings:
            del self.fields["acknowledge_findings"]
            del self.fields["acknowledge_reason"]
        else:
            # Before the free-text note, after the answer's own fields.
            self.order_fields([name for name in self.fields if name != "note"] + ["note"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("acknowledge_findings") and not (data.get("acknowledge_reason") or "").strip():
            self.add_error("acknowledge_reason", _("确认提供检出的个人信息时，请说明理由。"))
        return data

    def clean_linked_item(self) -> int | None:
        """The published item the staff member means, found by 索引号, address, number or
        words of its title; several matches are listed so that the 索引号 can be chosen."""
        text = (self.cleaned_data.get("linked_item") or "").strip()
        if not text:
            return None
        matches = find_published_items(text, limit=6)
        if len(matches) == 1:
            return matches[0].pk
        if not matches:
            message = _("没有找到与“%(text)s”对应的已发布信息。") % {"text": text}
            raise forms.ValidationError(message)
        listed = "；".join(f"{item.index_no}《{item.title}》" for item in matches[:5])
        raise forms.ValidationError(
            _("找到多条已发布信息，请改填其中一条的索引号：%(items)s") % {"items": listed}
        )

    def service_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().service_params(),
            "outcome": data["outcome"],
            "reply": data["reply"],
            "referral": data.get("referral") or "",
            "linked_item": data.get("linked_item"),
            "acknowledge_findings": bool(data.get("acknowledge_findings")),
            "acknowledge_reason": data.get("acknowledge_reason") or "",
        }


_ITEM_ADDRESS = re.compile(r"/items/(\d+)/?")


def find_published_items(text: str, *, limit: int) -> list[Item]:
    """Published items matching what was typed into the answer form: an exact 索引号, the
    item's address (…/items/123/) or number, else items whose title or 索引号 contains the
    text, newest first."""
    published = Item.objects.filter(status=Item.Status.PUBLISHED)
    exact = published.filter(index_no=text)
    if address := _ITEM_ADDRESS.search(text):
        exact = published.filter(pk=int(address.group(1)))
    elif text.isdigit():
        exact = published.filter(Q(pk=int(text)) | Q(index_no=text))
    found = list(exact.select_related("organ")[:limit])
    if found:
        return found
    matching = published.filter(Q(title__icontains=text) | Q(index_no__icontains=text))
    return list(matching.select_related("organ").order_by("-published_on", "-id")[:limit])


class RequestReasonsForm(ActionForm):
    """条例第三十五条: 数量、频次明显超过合理范围 — ask the applicant for reasons."""

    action = EventType.REQUEST_REASONS
    date_label = _("要求说明理由的日期")
    note_label = _("要求说明的事项")
    note_help = _(
        "申请公开政府信息的数量、频次明显超过合理范围的，可以要求申请人说明理由"
        "（条例第三十五条）；本内容将告知申请人。说明理由期间不计入答复期限。"
    )
    note_required = True
    submit_label = _("要求说明理由")

    reasons_due_on = forms.DateField(
        label=_("说明理由的期限"),
        required=False,
        widget=DateInput(),
        help_text=_("留空则为提出要求之日起15个工作日；期限届满后答复期限自动恢复计算。"),
        error_messages={"invalid": _("请输入有效的日期。")},
    )

    def service_params(self) -> dict[str, Any]:
        return {
            **super().service_params(),
            "reasons_due_on": self.cleaned_data.get("reasons_due_on"),
        }


class ReceiveReasonsForm(ActionForm):
    action = EventType.RECEIVE_REASONS
    date_label = _("收到理由说明的日期")
    note_label = _("申请人说明的理由（摘要）")
    note_help = _(
        "理由不合理的，以“无正当理由大量反复申请”答复不予处理；理由合理但无法按期答复的，"
        "确定延迟答复期限（条例第三十五条）。"
    )
    submit_label = _("登记收到理由说明")


class LapseReasonsForm(ActionForm):
    action = EventType.LAPSE_REASONS
    submit_label = _("按逾期未说明理由不予处理")
    note_help = _("说明理由的期限届满后方可办理，办理结果为“无正当理由大量反复申请”。")


class SetDelayedDueForm(ActionForm):
    """条例第三十五条: a reasonable later answer date, told to the applicant."""

    action = EventType.SET_DELAYED_DUE
    date_label = _("决定日期")
    submit_label = _("确定延迟答复期限")

    due_on = forms.DateField(
        label=_("延迟答复的期限"),
        widget=DateInput(),
        help_text=_("应晚于现行答复期限，且为工作日；将告知申请人（条例第三十五条）。"),
        error_messages={
            "required": _("请填写延迟答复的期限。"),
            "invalid": _("请输入有效的日期。"),
        },
    )
    reason = forms.CharField(
        label=_("无法在法定期限内答复的理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写无法在法定期限内答复的理由。")},
    )

    def service_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**super().service_params(), "due_on": data["due_on"], "reason": data["reason"]}


class RecordDeliveryForm(forms.Form):
    """The day a fee notice or a consultation request reached its addressee."""

    delivered_on = forms.DateField(
        label=_("送达日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写送达日期。"), "invalid": _("请输入有效的日期。")},
    )

    def __init__(self, *args: Any, document: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"delivery-{document}")
        super().__init__(*args, **kwargs)
        self.document = document


class WithdrawForm(ActionForm):
    action = EventType.WITHDRAW
    date_label = _("申请人撤回申请的日期")
    submit_label = _("登记撤回并终止")


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        RequestCorrectionForm,
        ReceiveCorrectionForm,
        LapseCorrectionForm,
        StartConsultationForm,
        EndConsultationForm,
        ExtendForm,
        IssueFeeNoticeForm,
        ConfirmFeePaidForm,
        LapseFeeForm,
        RequestReasonsForm,
        ReceiveReasonsForm,
        LapseReasonsForm,
        SetDelayedDueForm,
        AnswerForm,
        WithdrawForm,
    )
}
assert set(ACTION_FORMS) == set(TRANSITIONS), "every workflow action needs its staff form"


def action_form(
    action: str,
    application: Application,
    data: Any = None,
) -> ActionForm:
    """The form of ``action`` for ``application``, bound to ``data`` if given."""
    return ACTION_FORMS[action](data, application=application)


# --- Released files ---------------------------------------------------------------------------


class ReleasedFileForm(forms.Form):
    """One document to release with the answer (拟公开文件); checked by the service."""

    file = forms.FileField(
        label=_("拟公开文件"),
        help_text=interpolate_lazy(
            _(
                "PDF、OFD、Word、Excel、图片或ZIP，按内容识别格式；每个不超过%(mb)d MB，"
                "最多%(count)d个。上传后自动检查其中的个人信息。"
            ),
            mb=settings.ITEM_ATTACHMENT_MAX_BYTES // (1024 * 1024),
            count=MAX_RELEASED_FILES,
        ),
        error_messages={
            "required": _("请选择要上传的文件。"),
            "empty": _("上传的文件是空文件。"),
            "invalid": _("请选择要上传的文件。"),
        },
    )


# --- Assignment and appeals -------------------------------------------------------------------


class AssignForm(forms.Form):
    user = forms.ChoiceField(
        label=_("经办人"),
        error_messages={
            "required": _("请选择经办人。"),
            "invalid_choice": _("请选择本机关的经办人。"),
        },
    )

    def __init__(self, *args: Any, candidates: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("请选择")), *candidates]


class AppealForm(forms.Form):
    """行政复议 / 行政诉讼 on an application (table 四 of the annual report)."""

    kind = forms.ChoiceField(
        label=_("类型"),
        choices=AppealKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择类型。"), "invalid_choice": _("请选择类型。")},
    )
    filed_on = forms.DateField(
        label=_("提起日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写提起日期。"), "invalid": _("请输入有效的日期。")},
    )
    result = forms.ChoiceField(
        label=_("结果"),
        choices=AppealResult.choices,
        initial=AppealResult.PENDING,
        error_messages={"required": _("请选择结果。"), "invalid_choice": _("请选择结果。")},
    )
    decided_on = forms.DateField(
        label=_("审结日期"),
        required=False,
        widget=DateInput(),
        help_text=_("尚未审结的不填。"),
        error_messages={"invalid": _("请输入有效的日期。")},
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "appeal")
        super().__init__(*args, **kwargs)

    def service_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "filed_on": data["filed_on"],
            "result": data["result"],
            "decided_on": data.get("decided_on"),
            "note": data.get("note") or "",
        }


class AppealResultForm(forms.Form):
    """Record the result of an appeal once decided."""

    result = forms.ChoiceField(
        label=_("结果"),
        choices=AppealResult.choices,
        error_messages={"required": _("请选择结果。"), "invalid_choice": _("请选择结果。")},
    )
    decided_on = forms.DateField(
        label=_("审结日期"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("请输入有效的日期。")},
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "result": data["result"],
            "decided_on": data.get("decided_on"),
            "note": data.get("note") or "",
        }


# --- Registration of applications received on paper ---------------------------------------


class RegisterForm(ApplicationForm):
    """The national application form plus what staff add for a paper, in-person, fax, e-mail
    or letter application: how it came and the day it was received (条例第三十一条)."""

    channel = forms.ChoiceField(
        label=_("申请方式"),
        choices=[("", _("请选择")), *[c for c in Channel.choices if c[0] != Channel.ONLINE]],
        error_messages={
            "required": _("请选择申请方式。"),
            "invalid_choice": _("请选择申请方式。"),
        },
    )
    received_on = forms.DateField(
        label=_("收到申请日期"),
        widget=DateInput(),
        help_text=_(
            "条例第三十一条：当面提交的，为提交之日；邮寄的，为签收之日（平常信函为与申请人确认之日）；"
            "传真、电子邮件提交的，为双方确认之日。不得晚于今天。"
        ),
        error_messages={
            "required": _("请填写收到申请日期。"),
            "invalid": _("请输入有效的日期。"),
        },
    )
    confirm_published_year = forms.BooleanField(
        label=_("确认登记到年度报告已发布的年份"),
        required=False,
        help_text=_(
            "收到日期所在年度的政府信息公开工作年度报告已发布时须勾选；登记后该报告需要更正。"
        ),
    )

    def __init__(self, *args: Any, organ_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Staff type in what the applicant wrote: no robot checks.
        self.fields.pop("captcha", None)
        self.fields.pop("website", None)
        # ApplicationForm identifies organs by their code; only the user's own are offered.
        self.fields["organ"].choices = [
            ("", _("请选择受理机关")),
            *[
                (node.code, "\u3000" * node.depth + node.name)
                for node in organ_tree().flat()
                if organ_ids is None or node.id in organ_ids
            ],
        ]
        self.fields["organ"].help_text = ""
        self.fields["email"].help_text = _("填写后，受理和答复情况会发送到该邮箱。")
        self.fields["received_on"].initial = _today()
        self.order_fields(["organ", "channel", "received_on", "confirm_published_year"])


# --- The working-day calendar ---------------------------------------------------------------


class CalendarOverrideForm(forms.Form):
    """One day of the State Council's yearly holiday notice."""

    date = forms.DateField(
        label=_("日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写日期。"), "invalid": _("请输入有效的日期。")},
    )
    is_workday = forms.TypedChoiceField(
        label=_("该日安排"),
        choices=[("0", _("放假（休息日）")), ("1", _("上班（工作日，含调休上班）"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择该日放假还是上班。")},
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=200,
        help_text=_("例如：春节、国庆节调休上班。"),
    )
