"""Forms of the annual-report workspace and the consultation register (/staff/reports/,
/staff/consultations/).

The forms parse and check input with Chinese messages; every write goes through
``reports.services`` (the report) or the register's two small writes in ``staff_views``.
A service's ``ValidationError`` keyed like the API (``sections.overview``,
``proactive.fees.amount_10k_yuan``) lands next to the matching field (``add_report_errors``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.forms import ChineseLabelsMixin, DateInput
from catalog.models import Organ
from catalog.organs import organ_tree
from reports.format import FEE_DECIMAL_PLACES
from reports.models import AnnualReport, Consultation, Scope, empty_manual, empty_sections
from reports.services import FIRST_REPORT_YEAR, MAX_SECTION_CHARS

# The decisions rows of table 二 entered by hand (第二十条第（五）（六）项) and their form fields.
DECISION_FIELDS: tuple[str, ...] = ("licensing", "penalty", "coercion")
# Service error keys (the API's field paths) → form fields.
SERVICE_FIELDS: dict[str, str] = {
    "sections.overview": "overview",
    "sections.problems": "problems",
    "sections.other": "other",
    "proactive.licensing.decisions": "licensing",
    "proactive.penalty.decisions": "penalty",
    "proactive.coercion.decisions": "coercion",
    "proactive.fees.amount_10k_yuan": "fees",
    "year": "year",
    "scope": "scope",
}


def add_report_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach a report service's ``ValidationError`` to the matching fields (or the form)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        field = SERVICE_FIELDS.get(key, key)
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def _year_bounds_messages(last: int) -> dict[str, Any]:
    message = _("年度应在%(first)d年至%(last)d年之间。") % {
        "first": FIRST_REPORT_YEAR,
        "last": last,
    }
    return {
        "required": _("请填写年度。"),
        "invalid": _("年度应为四位数字的年份。"),
        "min_value": message,
        "max_value": message,
    }


def reporter_organ_choices(allowed: set[int] | None) -> list[tuple[str, str]]:
    """The organs (by code, tree order, indented) a reporter may report for; no query."""
    return [
        (node.code, "　" * node.depth + node.name)
        for node in organ_tree().flat()
        if allowed is None or node.id in allowed
    ]


class ReportOpenForm(ChineseLabelsMixin, forms.Form):
    """Open (create if need be) the report of an organ for a year and scope."""

    organ = forms.ChoiceField(
        label=_("行政机关"),
        error_messages={
            "required": _("请选择行政机关。"),
            "invalid_choice": _("未找到该行政机关，或您无权为其编制年度报告。"),
        },
    )
    year = forms.IntegerField(label=_("年度"), help_text=_("报告所统计的公历年度。"))
    scope = forms.ChoiceField(
        label=_("范围"),
        choices=Scope.choices,
        initial=Scope.ORGAN,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("请选择“本机关”或“本级及所属机关汇总”。")},
    )

    def __init__(
        self, *args: Any, organ_ids: set[int] | None, today: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.fields["organ"].choices = [("", _("请选择")), *reporter_organ_choices(organ_ids)]
        year = self.fields["year"]
        # 条例第四十九条: a report covers a past calendar year; the current one may be drafted.
        year.error_messages.update(_year_bounds_messages(today.year))
        year.validators += [MinValueValidator(FIRST_REPORT_YEAR), MaxValueValidator(today.year)]
        year.widget.attrs.update({"min": FIRST_REPORT_YEAR, "max": today.year})
        year.initial = today.year - 1 if today.month <= 3 else today.year
        self.organ_ids = organ_ids

    def clean_organ(self) -> Organ:
        code = self.cleaned_data["organ"]
        organ = Organ.objects.filter(code=code).first()
        if organ is None or (self.organ_ids is not None and organ.pk not in self.organ_ids):
            raise ValidationError(self.fields["organ"].error_messages["invalid_choice"])
        return organ


def decisions_field(label: Any) -> forms.IntegerField:
    """A 本年处理决定数量 cell of table 二: a whole number ≥ 0."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
        error_messages={
            "required": _("请填写数量（没有的填0）。"),
            "invalid": _("请填写整数。"),
            "min_value": _("数量不能为负数。"),
        },
    )


class ReportForm(ChineseLabelsMixin, forms.Form):
    """What the reporter writes: the sections 一、五、六 and the manual cells of table 二."""

    overview = forms.CharField(
        label=_("一、总体情况"),
        required=False,
        max_length=MAX_SECTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "按（一）主动公开、（二）依申请公开、（三）政府信息管理、（四）政府信息公开平台建设、"
            "（五）监督保障分段填写；小标题单独成行。"
        ),
    )
    licensing = decisions_field(_("行政许可：本年处理决定数量"))
    penalty = decisions_field(_("行政处罚：本年处理决定数量"))
    coercion = decisions_field(_("行政强制：本年处理决定数量"))
    fees = forms.DecimalField(
        label=_("行政事业性收费：本年收费金额（单位：万元）"),
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=FEE_DECIMAL_PLACES,
        help_text=_("以万元为单位，最多保留4位小数，例如 1.2345。"),
        error_messages={
            "required": _("请填写收费金额（没有收费的填0）。"),
            "invalid": _("请填写金额（单位：万元），例如 1.2345。"),
            "min_value": _("金额不能为负数。"),
            "max_decimal_places": _("金额以万元为单位，最多保留4位小数。"),
            "max_digits": _("金额过大，请核实。"),
            "max_whole_digits": _("金额过大，请核实。"),
        },
    )
    problems = forms.CharField(
        label=_("五、存在的主要问题及改进情况"),
        required=False,
        max_length=MAX_SECTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    other = forms.CharField(
        label=_("六、其他需要报告的事项"),
        required=False,
        max_length=MAX_SECTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("一般应说明本年度收取信息处理费的情况（《政府信息公开信息处理费管理办法》）。"),
    )
    overwrite = forms.BooleanField(
        label=_("覆盖现有内容"),
        required=False,
        help_text=_(
            "勾选后，生成的初稿将替换“一、总体情况”和“六、其他需要报告的事项”中已有的文字。"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fees"].widget.attrs.update({"step": "0.0001", "inputmode": "decimal"})
        for name in ("overview", "problems", "other"):
            self.fields[name].error_messages["max_length"] = _("不能超过%(limit)d个字符。") % {
                "limit": MAX_SECTION_CHARS
            }

    @staticmethod
    def initial_from(report: AnnualReport | None) -> dict[str, Any]:
        """The stored values of ``report`` (empty and zero for a report not yet saved)."""
        sections = {**empty_sections(), **((report.sections if report else None) or {})}
        manual = {**empty_manual(), **((report.manual if report else None) or {})}
        initial: dict[str, Any] = {key: sections.get(key, "") for key in empty_sections()}
        for name in DECISION_FIELDS:
            initial[name] = (manual.get(name) or {}).get("decisions", 0)
        initial["fees"] = (manual.get("fees") or {}).get("amount_10k_yuan", "0")
        return initial

    @classmethod
    def bound(cls, data: Any, report: AnnualReport | None) -> ReportForm:
        """Bind ``data`` over the stored values: a field left out of the POST keeps its value,
        so a button that sends only some fields never blanks the others."""
        merged = {key: str(value) for key, value in cls.initial_from(report).items()}
        for key in cls.base_fields:
            if key in data:
                merged[key] = data.get(key)
        return cls(merged)

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in empty_sections()}

    def manual(self) -> dict[str, dict[str, Any]]:
        """Table 二's manual cells in the service's (the API's) shape."""
        manual: dict[str, dict[str, Any]] = {
            name: {"decisions": self.cleaned_data[name]} for name in DECISION_FIELDS
        }
        manual["fees"] = {"amount_10k_yuan": str(self.cleaned_data["fees"])}
        return manual


# ---------------------------------------------------------------------------
# 咨询登记
# ---------------------------------------------------------------------------


def organ_id_choices(allowed: set[int] | None) -> list[tuple[Any, str]]:
    return [
        (node.id, "　" * node.depth + node.name)
        for node in organ_tree().flat()
        if allowed is None or node.id in allowed
    ]


class ConsultationForm(ChineseLabelsMixin, forms.Form):
    """One line of the register: a consultation, or a tally of alike ones on a day."""

    organ = forms.TypedChoiceField(
        label=_("行政机关"),
        coerce=int,
        error_messages={
            "required": _("请选择行政机关。"),
            "invalid_choice": _("未找到该行政机关，或您无权为其登记咨询。"),
        },
    )
    date = forms.DateField(
        label=_("日期"),
        widget=DateInput(),
        help_text=_("格式：年-月-日，不能晚于今天。"),
        error_messages={"required": _("请填写日期。"), "invalid": _("请按“年-月-日”填写日期。")},
    )
    channel = forms.ChoiceField(
        label=_("方式"),
        choices=Consultation.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择咨询方式。"),
            "invalid_choice": _("咨询方式应为现场、电话或网上。"),
        },
    )
    topic = forms.CharField(
        label=_("咨询事项"),
        max_length=200,
        error_messages={
            "required": _("请填写咨询事项。"),
            "max_length": _("咨询事项不能超过200个字符。"),
        },
    )
    count = forms.IntegerField(
        label=_("人次"),
        initial=1,
        min_value=1,
        help_text=_("同一天同一方式、同一事项的多次咨询可合并登记。"),
        error_messages={
            "required": _("请填写人次。"),
            "invalid": _("请填写整数。"),
            "min_value": _("人次至少为1。"),
        },
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, organ_ids: set[int] | None, today: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["organ"].choices = [("", _("请选择")), *organ_id_choices(organ_ids)]
        self.fields["count"].widget.attrs["inputmode"] = "numeric"
        self.fields["date"].widget.attrs["max"] = self.today.isoformat()

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date > self.today:
            raise ValidationError(_("日期不能晚于今天。"))
        if date.year < FIRST_REPORT_YEAR:
            raise ValidationError(_("日期不能早于%(year)d年。") % {"year": FIRST_REPORT_YEAR})
        return date


class ConsultationFilterForm(ChineseLabelsMixin, forms.Form):
    organ = forms.TypedChoiceField(label=_("行政机关"), coerce=int, required=False)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    channel = forms.ChoiceField(label=_("方式"), required=False)

    def __init__(
        self, *args: Any, organ_ids: set[int] | None, today: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.fields["organ"].choices = [("", _("全部")), *organ_id_choices(organ_ids)]
        self.fields["year"].choices = [
            ("", _("全部")),
            *((year, f"{year}年") for year in range(today.year, FIRST_REPORT_YEAR - 1, -1)),
        ]
        self.fields["channel"].choices = [("", _("全部")), *Consultation.Channel.choices]

    def apply(self, queryset: Any) -> Any:
        data = self.cleaned_data
        if data.get("organ"):
            queryset = queryset.filter(organ_id=data["organ"])
        if data.get("year"):
            queryset = queryset.filter(date__year=data["year"])
        if data.get("channel"):
            queryset = queryset.filter(channel=data["channel"])
        return queryset
