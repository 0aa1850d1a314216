"""Forms of the public pages /apply/ (政府信息公开申请表) and /track/ (申请查询).

The application form follows the national 政府信息公开申请表 and 条例第二十九条第二款: who is
applying (姓名或者名称、身份证明、联系方式), what is sought (名称、文号或者特征性描述) and in
what form it is wanted (提供形式、获取方式). The form only parses input and checks what the
citizen should hear about all at once (which fields are missing); ``services.application_submit``
is the authority and its ``ValidationError`` lands next to the same fields
(:meth:`ApplicationForm.add_service_errors`).

Accessibility (GB/T 37668-2019): every field has a real label; Django renders
``aria-describedby`` to the help text (``<id>_helptext``) and the errors (``<id>_error``) and
``aria-invalid`` on fields with errors; :meth:`ApplicationForm.error_summary` gives the links of
the error summary at the top of the page.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.forms import MultipleFileField, MultipleFileInput, add_service_errors
from catalog.models import Organ
from catalog.organs import organ_tree
from disclosure_portal.i18n import interpolate_lazy
from requests_app.models import ApplicantType, DeliveryForm, DeliveryMethod, IdType

MAX_DESCRIPTION = 5000
MAX_ATTACHMENTS = 5
ATTACHMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,.ofd"
HONEYPOT_FIELD = "website"

PERSON_FIELDS = ("name", "id_type", "id_number")
ORGANISATION_FIELDS = ("organization", "credit_code", "legal_representative", "contact_name")
CONTACT_FIELDS = ("phone", "email", "address", "postal_code")
APPLICANT_FIELDS = (*PERSON_FIELDS, *ORGANISATION_FIELDS, *CONTACT_FIELDS)

# 条例第二十九条第二款第一项 as the national form asks it: what each kind of applicant must give.
# The service checks the same; asking here too lets the citizen see every gap in one round.
REQUIRED_BY_TYPE: dict[bool, dict[str, Any]] = {
    False: {
        "name": _("请填写姓名。"),
        "id_type": _("请选择证件类型。"),
        "id_number": _("请填写证件号码。"),
    },
    True: {
        "organization": _("请填写法人或者其他组织的名称。"),
        "credit_code": _("请填写统一社会信用代码。"),
        "legal_representative": _("请填写法定代表人或者负责人。"),
        "contact_name": _("请填写联系人姓名。"),
    },
}
# Always required; the applicant fields above are required for their group only.
ALWAYS_REQUIRED = ("organ", "applicant_type", "description", "delivery_form", "delivery_method")


def organ_choices() -> list[tuple[str, str]]:
    """The organs in tree order, indented by depth with ideographic spaces (no query: the
    organ tree is cached)."""
    return [(node.code, "\u3000" * node.depth + node.name) for node in organ_tree().flat()]


def _text_input(autocomplete: str = "", **attrs: Any) -> forms.TextInput:
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.TextInput(attrs=attrs)


class AttachmentInput(MultipleFileInput):
    """A plain ``<input type="file" multiple>`` (nothing to clear on a new application)."""

    template_name = "django/forms/widgets/file.html"


@dataclass(frozen=True, slots=True)
class SummaryError:
    """One line of the error summary: the message and the id of the input it links to."""

    anchor: str
    label: str
    message: str


def _service_field(key: str) -> str:
    """The form field of a service error key (the honeypot is never named back)."""
    field = key.removeprefix("applicant.")
    return "" if field == HONEYPOT_FIELD else field


class ApplicationForm(forms.Form):
    """政府信息公开申请表 (the national form's fields, 条例第二十九条第二款)."""

    organ = forms.ChoiceField(
        label=_("受理机关"),
        help_text=_("请选择制作或者保存所需政府信息的行政机关。"),
        error_messages={
            "required": _("请选择受理机关。"),
            "invalid_choice": _("请选择受理机关。"),
        },
    )
    applicant_type = forms.ChoiceField(
        label=_("申请人类型"),
        choices=ApplicantType.choices,
        initial=ApplicantType.NATURAL_PERSON,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择申请人类型。"),
            "invalid_choice": _("请选择申请人类型。"),
        },
    )
    # 自然人
    name = forms.CharField(
        label=_("姓名"), max_length=100, required=False, widget=_text_input("name")
    )
    id_type = forms.ChoiceField(
        label=_("证件类型"),
        choices=[("", _("请选择")), *IdType.choices],
        required=False,
        error_messages={"invalid_choice": _("证件类型无效。")},
    )
    id_number = forms.CharField(
        label=_("证件号码"), max_length=50, required=False, widget=_text_input("off")
    )
    # 法人或者其他组织
    organization = forms.CharField(
        label=_("名称"), max_length=200, required=False, widget=_text_input("organization")
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("18位，由数字和大写字母组成。"),
        widget=_text_input("off"),
    )
    legal_representative = forms.CharField(
        label=_("法定代表人或负责人"), max_length=100, required=False, widget=_text_input()
    )
    contact_name = forms.CharField(
        label=_("联系人"), max_length=100, required=False, widget=_text_input("name")
    )
    # 联系方式 (both kinds of applicant)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        help_text=_("填写后，受理和答复情况会同时发送到该邮箱。"),
        error_messages={"invalid": _("电子邮箱格式不正确。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("通信地址"), max_length=300, required=False, widget=_text_input("street-address")
    )
    postal_code = forms.CharField(
        label=_("邮政编码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    # 条例第二十九条第二款第二项
    description = forms.CharField(
        label=_("所需政府信息的名称、文号或者便于行政机关查询的其他特征性描述"),
        max_length=MAX_DESCRIPTION,
        help_text=_(
            "最多5000字。请尽量写明文件名称、文号、制作机关、形成时间等，便于行政机关查找。"
        ),
        error_messages={
            "required": _("请填写所需政府信息的名称、文号或者便于行政机关查询的其他特征性描述。"),
            "max_length": _("不能超过%(limit_value)d个字符（现为%(show_value)d个）。"),
        },
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # 条例第二十九条第二款第三项
    delivery_form = forms.ChoiceField(
        label=_("信息的提供形式"),
        choices=DeliveryForm.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择信息的提供形式。"),
            "invalid_choice": _("请选择信息的提供形式。"),
        },
    )
    delivery_method = forms.ChoiceField(
        label=_("获取信息的方式"),
        choices=DeliveryMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择获取信息的方式。"),
            "invalid_choice": _("请选择获取信息的方式。"),
        },
    )
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=interpolate_lazy(
            _(
                "可上传身份证明复印件等材料：PDF、JPG、PNG 或 OFD 格式，最多%(count)d个文件，"
                "每个不超过%(mb)d MB。"
            ),
            count=MAX_ATTACHMENTS,
            mb=settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        ),
        widget=AttachmentInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
    # A trap for robots: hidden from people (CSS, aria-hidden, out of the tab order).
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organ"].choices = [("", _("请选择受理机关")), *organ_choices()]
        if settings.PORTAL.get("CAPTCHA"):
            self.fields["captcha"] = captcha_field()

    # --- Cleaning -------------------------------------------------------------------------

    def clean_organ(self) -> Organ:
        organ = Organ.objects.filter(code=self.cleaned_data["organ"]).first()
        if organ is None:
            raise ValidationError(_("请选择受理机关。"), code="invalid_choice")
        return organ

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("附件最多%(count)d个。") % {"count": MAX_ATTACHMENTS}, code="too_many"
            )
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        applicant_type = data.get("applicant_type")
        if applicant_type:
            organisation = applicant_type != ApplicantType.NATURAL_PERSON
            for field, message in REQUIRED_BY_TYPE[organisation].items():
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, message)
        # 条例第二十九条第二款第一项: some way to reach the applicant.
        if not any(data.get(f) for f in ("phone", "email", "address")):
            if not self.has_error("phone"):
                self.add_error("phone", _("联系电话、电子邮箱、通信地址至少填写一项。"))
        method = data.get("delivery_method")
        if method == DeliveryMethod.EMAIL and not data.get("email") and not self.has_error("email"):
            self.add_error("email", _("选择以电子邮件获取信息的，请填写电子邮箱。"))
        if method == DeliveryMethod.POST and not data.get("address"):
            self.add_error("address", _("选择邮寄获取信息的，请填写通信地址。"))
        return data

    # --- For the view ---------------------------------------------------------------------

    def service_data(self) -> dict[str, Any]:
        """``data`` for ``services.application_submit``: only the applicant's own group."""
        data = self.cleaned_data
        organisation = data["applicant_type"] != ApplicantType.NATURAL_PERSON
        group = ORGANISATION_FIELDS if organisation else PERSON_FIELDS
        return {
            "applicant_type": data["applicant_type"],
            "applicant": {f: data.get(f) or "" for f in (*group, *CONTACT_FIELDS)},
            "description": data["description"],
            "delivery_form": data["delivery_form"],
            "delivery_method": data["delivery_method"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's errors next to their fields.

        The applicant's fields come keyed ``applicant.name`` (or plain ``name``) and go to the
        姓名 field; a key without a field of its own (``applicant`` for a malformed applicant
        as a whole, a nested dict flattened by ``ValidationError``) goes to the top of the form.
        """
        add_service_errors(self, error, field_for=_service_field, skip_repeated=True)

    @property
    def marked_required(self) -> set[str]:
        """The fields whose label says 必填 (within their group for the applicant fields)."""
        return {*ALWAYS_REQUIRED, *REQUIRED_BY_TYPE[False], *REQUIRED_BY_TYPE[True], "captcha"}

    def error_summary(self) -> list[SummaryError]:
        """The error summary's lines in page order, each linking to its input."""
        lines = [SummaryError("", "", str(message)) for message in self.non_field_errors()]
        for bound in self:
            if bound.name == HONEYPOT_FIELD:
                continue
            anchor = bound.id_for_label or f"{bound.auto_id}_0"
            lines.extend(SummaryError(anchor, str(bound.label), str(e)) for e in bound.errors)
        return lines

    @property
    def person_fields(self) -> list[forms.BoundField]:
        return [self[f] for f in PERSON_FIELDS]

    @property
    def organisation_fields(self) -> list[forms.BoundField]:
        return [self[f] for f in ORGANISATION_FIELDS]

    @property
    def contact_fields(self) -> list[forms.BoundField]:
        return [self[f] for f in CONTACT_FIELDS]


def captcha_field() -> forms.Field:
    """An offline picture CAPTCHA (django-simple-captcha), Chinese labels."""
    from captcha.fields import CaptchaField, CaptchaTextInput

    class Widget(CaptchaTextInput):
        template_name = "requests_app/widgets/captcha.html"
        # One visible input: a real <label for> on it rather than a fieldset's legend.
        use_fieldset = False

    return CaptchaField(
        label=_("验证码"),
        help_text=_("请输入图片中的字符，不区分大小写。看不清可刷新页面更换图片。"),
        error_messages={"invalid": _("验证码不正确，请重新输入。")},
        widget=Widget(attrs={"autocomplete": "off", "autocapitalize": "off"}),
    )


class TrackForm(forms.Form):
    """The tracking code: any case, spaces and dashes ignored (requests_app.tracking)."""

    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        help_text=_("提交申请后获得的12位查询码，例如 ABCD-EFGH-JKMN；不区分大小写。"),
        error_messages={"required": _("请填写查询码。")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class LetterIdentityForm(forms.Form):
    """The proof that unmasks the answer letter behind a tracking code: the last four digits
    of the phone number given in the application (the code alone shows the masked name)."""

    phone_last4 = forms.RegexField(
        label=_("联系电话后四位"),
        regex=r"^[0-9]{4}$",
        max_length=4,
        help_text=_("填写申请时留下的联系电话的最后四位数字，下载的答复书将载明申请人全名。"),
        error_messages={
            "required": _("请填写联系电话后四位。"),
            "invalid": _("请填写4位数字。"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, application: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application = application

    def clean_phone_last4(self) -> str:
        digits = self.cleaned_data["phone_last4"]
        phone = "".join(c for c in (self.application.phone or "") if c.isdigit())
        if len(phone) < 4 or not hmac.compare_digest(phone[-4:], digits):
            raise forms.ValidationError(_("联系电话后四位与申请不符。"), code="mismatch")
        return digits
