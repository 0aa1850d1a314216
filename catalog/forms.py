"""Forms of the staff workspace (/staff/).

The forms only parse and check input; every write goes through ``catalog.services``. Field
names match the services' keys, so a ``ValidationError`` keyed by field from a service lands
next to the same field (``add_service_errors``).

Accessibility (GB/T 37668-2019): Django renders ``aria-describedby`` to the help text
(``<id>_helptext``) and the error list (``<id>_error``) and ``aria-invalid`` on fields with
errors; the templates keep those ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Guide, Item, Organ, Term, Topic
from catalog.organs import organ_tree, scope_ids
from catalog.uploads import ITEM_KINDS, check_upload
from disclosure_portal.auth import SecondFactorLoginMixin
from disclosure_portal.i18n import interpolate_lazy

# 主题词 are typed as one line: comma (half or full width), 、, semicolon or whitespace.
SUBJECT_TERM_SEPARATORS = re.compile(r"[,，、;；\s]+")
MAX_ATTACHMENTS = 20


def split_subject_terms(text: str) -> list[str]:
    """``"教育、招生, 入学"`` → ``["教育", "招生", "入学"]`` (duplicates dropped, order kept)."""
    terms = [part.strip() for part in SUBJECT_TERM_SEPARATORS.split(text or "")]
    return list(dict.fromkeys(term for term in terms if term))


class ChineseLabelsMixin:
    """Labels without Django's trailing colon: the templates set labels apart by layout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class StaffLoginForm(ChineseLabelsMixin, SecondFactorLoginMixin, AuthenticationForm):
    """Django's login form with the second-factor code (``STAFF_2FA``) and the staff pages'
    label style; a lockout shows as the form's error."""


def add_service_errors(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    field_for: Callable[[str], str] | None = None,
    skip_repeated: bool = False,
) -> None:
    """Attach a service's ``ValidationError`` to the form's fields (or to the form).

    ``field_for`` maps a service's error key to a form field name (e.g. ``applicant.name`` →
    ``name``); a key that names no field of the form goes to the top. ``skip_repeated`` leaves
    out a message the field already shows (forms that check the same things themselves).
    """
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        field = field_for(key) if field_for else key
        target = field if field in form.fields else None
        for message in messages:
            if skip_repeated and target is not None and message in form.errors.get(target, []):
                continue
            form.add_error(target, message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one ``<input type="file" multiple>``; cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if data in self.empty_values:
            data = []
        elif not isinstance(data, (list, tuple)):
            data = [data]
        if self.required and not data:
            raise ValidationError(self.error_messages["required"], code="required")
        cleaned = []
        for upload in data:
            cleaned.append(super().clean(upload, initial))
        return cleaned


def organ_choices(allowed: set[int] | None) -> list[tuple[Any, str]]:
    """The organs in tree order, indented by depth, so the hierarchy shows in a select.

    ``allowed`` as returned by ``permissions.organ_ids_for`` (None: every organ); the cached
    organ tree supplies the names, so this costs no query.
    """
    return [
        (node.id, "　" * node.depth + node.name)
        for node in organ_tree().flat()
        if allowed is None or node.id in allowed
    ]


def topic_choices() -> list[tuple[Any, str]]:
    """主题分类 as ``一级\\二级`` labels, in the order of the gov.cn list."""
    topics = list(Topic.objects.select_related("parent"))
    by_parent: dict[int | None, list[Topic]] = {}
    for topic in topics:
        by_parent.setdefault(topic.parent_id, []).append(topic)
    choices: list[tuple[Any, str]] = [("", _("（不选）"))]
    for root in sorted(by_parent.get(None, []), key=lambda t: (t.position, t.pk)):
        children = sorted(by_parent.get(root.pk, []), key=lambda t: (t.position, t.pk))
        if not children:
            choices.append((root.pk, root.name))
        for child in children:
            choices.append((child.pk, f"{root.name}\\{child.name}"))
    return choices


class ItemForm(ChineseLabelsMixin, forms.Form):
    """Every field of a 目录 item (regulation.md §4.4) plus its attachments."""

    organ = forms.ModelChoiceField(label=_("发布机构"), queryset=Organ.objects.none())
    title = forms.CharField(label=_("标题"), max_length=300)
    doc_number = forms.CharField(
        label=_("文号"),
        max_length=100,
        required=False,
        help_text=_("发文字号，例如：临教发〔2026〕12号。没有文号的信息留空。"),
    )
    subject_terms = forms.CharField(
        label=_("主题词"),
        required=False,
        max_length=500,
        help_text=_("多个主题词用逗号或顿号（、）分隔。"),
    )
    summary = forms.CharField(
        label=_("内容概述"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    topic = forms.ModelChoiceField(
        label=_("主题分类"), queryset=Topic.objects.all(), required=False
    )
    genre = forms.ModelChoiceField(label=_("体裁"), queryset=Term.objects.none(), required=False)
    grouping = forms.ModelChoiceField(
        label=_("组配分类"), queryset=Term.objects.none(), required=False
    )
    audience = forms.ModelChoiceField(
        label=_("服务对象分类"), queryset=Term.objects.none(), required=False
    )
    article20 = forms.TypedChoiceField(
        label=_("条例第二十条类别"),
        choices=[("", _("（不属于第二十条所列信息）")), *Item.ARTICLE20_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("《政府信息公开条例》第二十条规定应当主动公开的信息类别。"),
    )
    doc_type = forms.ChoiceField(
        label=_("文件类型"),
        choices=Item.DocType.choices,
        initial=Item.DocType.OTHER,
        help_text=_("用于年度报告第二部分：规章、行政规范性文件的制发和废止情况。"),
    )
    formed_on = forms.DateField(
        label=_("成文日期"), widget=DateInput(), help_text=_("格式：年-月-日，不能晚于今天。")
    )
    changed_on = forms.DateField(
        label=_("变更日期"),
        required=False,
        widget=DateInput(),
        help_text=_("信息内容发生变更的日期；条例第二十六条：应自变更之日起20个工作日内更新。"),
    )
    body = forms.CharField(
        label=_("正文"),
        required=False,
        # ``data-rich-text``: static/js/editor.js turns it into the editor; without
        # JavaScript it stays an HTML textarea.
        widget=forms.Textarea(attrs={"rows": 14, "data-rich-text": "true"}),
        help_text=_(
            "可直接从 Word 或 WPS 复制粘贴，或在上方用“从 Word 导入”上传文件；未启用脚本时"
            "请填写 HTML（如 <p>段落</p>）。保存时会自动清除脚本、样式和不安全的标记。"
        ),
    )
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=interpolate_lazy(
            _("可选择多个文件：PDF、OFD、Word、Excel、图片或 ZIP，单个文件不超过 %(mb)d MB。"),
            mb=settings.ITEM_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        ),
    )

    def __init__(self, *args: Any, organs: Any, item: Item | None = None, **kwargs: Any) -> None:
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(item)
        super().__init__(*args, **kwargs)
        self.item = item
        organ_field = self.fields["organ"]
        organ_field.queryset = organs
        allowed = {organ.pk for organ in organs}
        organ_field.choices = [("", _("请选择发布机构")), *organ_choices(allowed)]
        if item is not None:
            # An item keeps its organ: its 索引号 prefix and serial belong to that organ.
            organ_field.disabled = True
            organ_field.help_text = _("已创建的条目不能更换发布机构。")
        self.fields["topic"].choices = topic_choices()
        # Editing: the item's own organ's vocabularies; creating: those of every allowed organ.
        organ_ids = [item.organ_id] if item is not None else sorted(allowed)
        for name, kind in (
            ("genre", Term.Kind.GENRE),
            ("grouping", Term.Kind.GROUPING),
            ("audience", Term.Kind.AUDIENCE),
        ):
            self._set_term_choices(name, kind, organ_ids)

    @staticmethod
    def initial_from(item: Item) -> dict[str, Any]:
        return {
            "organ": item.organ_id,
            "title": item.title,
            "doc_number": item.doc_number,
            "subject_terms": "、".join(item.subject_terms or []),
            "summary": item.summary,
            "topic": item.topic_id,
            "genre": item.genre_id,
            "grouping": item.grouping_id,
            "audience": item.audience_id,
            "article20": item.article20,
            "doc_type": item.doc_type,
            "formed_on": item.formed_on,
            "changed_on": item.changed_on,
            "body": item.body,
        }

    def _set_term_choices(self, name: str, kind: str, organ_ids: list[int]) -> None:
        """Global terms first, then each organ's own vocabulary as an option group."""
        field = self.fields[name]
        terms = list(
            Term.objects.filter(kind=kind)
            .filter(Q(organ__isnull=True) | Q(organ_id__in=organ_ids))
            .select_related("organ")
            .order_by("position", "id")
        )
        field.queryset = Term.objects.filter(pk__in=[t.pk for t in terms])
        common = [(t.pk, t.name) for t in terms if t.organ_id is None]
        groups: dict[str, list[tuple[int, str]]] = {}
        for term in terms:
            if term.organ_id is not None:
                groups.setdefault(term.organ.name, []).append((term.pk, term.name))
        choices: list[Any] = [("", _("（不选）"))]
        if groups:
            if common:
                choices.append((_("通用"), common))
            choices.extend(groups.items())
        else:
            choices.extend(common)
        field.choices = choices

    def clean_subject_terms(self) -> list[str]:
        return split_subject_terms(self.cleaned_data.get("subject_terms", ""))

    def clean_attachments(self) -> list[UploadedFile]:
        """Check every upload by content before anything is saved (nothing half-saved)."""
        uploads = self.cleaned_data.get("attachments") or []
        if len(uploads) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("一次最多上传 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS}, code="too_many"
            )
        problems: list[ValidationError] = []
        for upload in uploads:
            try:
                check_upload(
                    upload,
                    name=upload.name or "",
                    size=upload.size or 0,
                    allowed=ITEM_KINDS,
                    max_bytes=settings.ITEM_ATTACHMENT_MAX_BYTES,
                )
            except ValidationError as error:
                problems.append(error)
        if problems:
            raise ValidationError(problems)
        return uploads

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        organ = self.item.organ if self.item is not None else cleaned.get("organ")
        # 组配分类 and 服务对象分类 are per-organ vocabularies: only the organ's own or global ones.
        for name in ("grouping", "audience"):
            term = cleaned.get(name)
            if term is not None and organ is not None and term.organ_id not in (None, organ.pk):
                self.add_error(name, _("所选分类不属于该发布机构的分类体系。"))
        return cleaned

    def item_data(self) -> dict[str, Any]:
        """The cleaned values in the shape ``services.item_create`` / ``item_update`` take."""
        keys = (
            "title",
            "doc_number",
            "subject_terms",
            "summary",
            "topic",
            "genre",
            "grouping",
            "audience",
            "article20",
            "doc_type",
            "formed_on",
            "changed_on",
            "body",
        )
        return {key: self.cleaned_data.get(key) for key in keys}


class RepealForm(ChineseLabelsMixin, forms.Form):
    """废止或修改 (有效性) of a published item."""

    validity = forms.ChoiceField(
        label=_("有效性"),
        choices=[
            (Item.Validity.REPEALED, Item.Validity.REPEALED.label),
            (Item.Validity.AMENDED, Item.Validity.AMENDED.label),
        ],
        widget=forms.RadioSelect,
    )
    date = forms.DateField(
        label=_("废止或修改日期"),
        widget=DateInput(),
        help_text=_("不能晚于今天，也不能早于成文日期。"),
    )


class GuideForm(ChineseLabelsMixin, forms.ModelForm):
    """政府信息公开指南 (条例第十二条第二款); saved through ``services.guide_update``."""

    class Meta:
        model = Guide
        fields = Guide.FIELDS
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 6}),
            "classification": forms.Textarea(attrs={"rows": 4}),
            "application_procedure": forms.Textarea(attrs={"rows": 8}),
            "fees": forms.Textarea(attrs={"rows": 5}),
            "remedies": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "office_hours": _("例如：周一至周五上午9:00-12:00，下午13:30-17:00（法定节假日除外）"),
            "fees": _("依照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）填写。"),
            "remedies": _("说明投诉举报、行政复议和行政诉讼的途径。"),
        }

    def guide_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data.get(field, "") for field in Guide.FIELDS}


class ItemFilterForm(ChineseLabelsMixin, forms.Form):
    """Filters of the staff item list (GET)."""

    q = forms.CharField(label=_("标题包含"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *Item.Status.choices]
    )
    validity = forms.ChoiceField(
        label=_("有效性"), required=False, choices=[("", _("全部")), *Item.Validity.choices]
    )
    organ = forms.TypedChoiceField(
        label=_("发布机构"), required=False, coerce=int, empty_value=None
    )
    own = forms.BooleanField(label=_("仅本机关（不含下级）"), required=False)

    def __init__(self, *args: Any, organ_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organ"].choices = [("", _("全部（含下级机关）")), *organ_choices(organ_ids)]

    def apply(self, items: Any) -> Any:
        data = self.cleaned_data
        if data.get("q"):
            items = items.filter(title__icontains=data["q"].strip())
        if data.get("status"):
            items = items.filter(status=data["status"])
        if data.get("validity"):
            items = items.filter(validity=data["validity"])
        if data.get("organ"):
            ids = scope_ids(int(data["organ"]), own=bool(data.get("own")))
            items = items.filter(organ_id__in=ids)
        return items


class WordImportForm(ChineseLabelsMixin, forms.Form):
    """从 Word 导入: a .docx becomes a draft whose title, 文号 and 成文日期 are proposed."""

    organ = forms.ModelChoiceField(label=_("发布机构"), queryset=Organ.objects.none())
    file = forms.FileField(
        label=_("Word 文件（.docx）"),
        help_text=_(
            "正文中的标题、列表、表格和图片会保留，字体和颜色不保留；图片作为附件保存。"
            "旧版 .doc 文件请先在 Word 或 WPS 中另存为 .docx。"
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args: Any, organs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organ"]
        field.queryset = organs
        field.choices = [("", _("请选择发布机构")), *organ_choices({o.pk for o in organs})]


class ReviewForm(ChineseLabelsMixin, forms.Form):
    """审核 (条例第十七条): approve, or return to the author with an opinion."""

    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("approve", _("通过，予以发布")), ("return", _("退回修改"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回时必填，会通过邮件告知起草人。"),
    )
    acknowledge_findings = forms.BooleanField(
        label=_("我已核对上列疑似个人信息，确属依法应当公开的内容"),
        required=False,
    )
    acknowledge_reason = forms.CharField(
        label=_("公开理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：依据《社会救助暂行办法》公示，已按规定隐去部分号码。"),
    )
