"""Serializers of the catalog API (api.md, "Organs" and "Catalog items").

Output serializers describe what the public sees; input serializers only parse and check
the shape of a request. Every write then goes through ``catalog.services`` (style.md: "DRF is
an interface layer"), which owns the rules and the transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog import pii
from catalog.models import Attachment, Guide, Item, Organ, StaffRole, Term, Topic
from catalog.organs import organ_tree
from catalog.publication import timeliness
from catalog.search_text import highlight, term_matches
from catalog.validators import credit_code_problem

# --- Shared fields ------------------------------------------------------------------------


def organ_code_field(**kwargs: Any) -> serializers.SlugRelatedField:
    """An organ given by its 统一社会信用代码, with a Chinese message for unknown codes."""
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organ.objects.all(),
        error_messages={
            "does_not_exist": _("行政机关“{value}”不存在。"),
            "invalid": _("请填写行政机关的统一社会信用代码。"),
        },
        **kwargs,
    )


def term_field(kind: str, messages: dict[str, Any]) -> serializers.PrimaryKeyRelatedField:
    """A 体裁/组配分类/服务对象分类 term given by id; only terms of that vocabulary match."""
    return serializers.PrimaryKeyRelatedField(
        queryset=Term.objects.filter(kind=kind),
        required=False,
        allow_null=True,
        error_messages=messages,
    )


def absolute(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# --- Authentication and staff ---------------------------------------------------------------


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"))
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"})
    otp = serializers.CharField(
        label=_("动态验证码"),
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=_("启用两步验证的账号必填：验证器应用显示的6位数字，或一个恢复码。"),
    )


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class StaffInputSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"})
    organ = organ_code_field(label=_("所属机关"))
    # Roles are checked by ``staff_create`` so that the message names the unknown ones.
    roles = serializers.ListField(label=_("角色"), child=serializers.CharField(), allow_empty=False)

    def validate_password(self, value: str) -> str:
        user = get_user_model()(username=self.initial_data.get("username", ""))
        try:
            validate_password(value, user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from None
        return value


class StaffOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    organ = serializers.CharField(source="staff_profile.organ.code")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=StaffRole.choices), source="staff_profile.roles"
    )


# --- Organs and guides ----------------------------------------------------------------------


class OrganSerializer(serializers.ModelSerializer):
    """Public read-only representation of an organ; ``parent`` is a code or null."""

    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    index_prefix = serializers.CharField(source="effective_index_prefix", read_only=True)

    class Meta:
        model = Organ
        fields = ["code", "name", "short_name", "parent", "index_prefix", "publication_review"]
        read_only_fields = fields


class OrganCreateSerializer(serializers.Serializer):
    code = serializers.CharField(label=_("统一社会信用代码"), max_length=18)
    name = serializers.CharField(label=_("名称"), max_length=100)
    short_name = serializers.CharField(
        label=_("简称"), max_length=40, required=False, allow_blank=True, default=""
    )
    parent = organ_code_field(label=_("上级机关"), required=False, allow_null=True, default=None)
    index_prefix = serializers.CharField(
        label=_("索引号前段码"), max_length=18, required=False, allow_blank=True, default=""
    )
    # 条例第十七条: on unless the organ's 审查机制 is kept outside the portal.
    publication_review = serializers.BooleanField(
        label=_("发布前审核"), required=False, default=True
    )

    def validate_code(self, value: str) -> str:
        code = value.strip()
        problem = credit_code_problem(code)  # GB 32100-2015, with the reason in Chinese
        if problem:
            raise serializers.ValidationError(problem)
        if Organ.objects.filter(code=code).exists():
            raise serializers.ValidationError(_("该统一社会信用代码的行政机关已存在。"))
        return code


class GuideSerializer(serializers.ModelSerializer):
    """政府信息公开指南 (条例第十二条第二款); ``updated_at`` is set by the service."""

    class Meta:
        model = Guide
        fields = [*Guide.FIELDS, "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = {field: {"required": False} for field in Guide.FIELDS}


# --- Items: output ------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "url", "size"]
        read_only_fields = fields

    def get_url(self, attachment: Attachment) -> str:
        return absolute(self.context.get("request"), attachment.get_absolute_url())


class ItemSerializer(serializers.ModelSerializer):
    """One directory entry as listed; the list view selects organ, topic and genre with it
    so serialising a page costs no query per row."""

    organ = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organ_name = serializers.CharField(source="organ.name", read_only=True)
    topic_name = serializers.CharField(
        source="topic.name", read_only=True, default=None, allow_null=True
    )
    genre_name = serializers.CharField(
        source="genre.name", read_only=True, default=None, allow_null=True
    )
    subject_terms = serializers.ListField(child=serializers.CharField(), read_only=True)
    url = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "index_no",
            "title",
            "organ",
            "organ_name",
            "doc_number",
            "subject_terms",
            "topic",
            "topic_name",
            "genre",
            "genre_name",
            "article20",
            "doc_type",
            "formed_on",
            "published_on",
            "validity",
            "repealed_on",
            "status",
            "url",
            "snippet",
        ]
        read_only_fields = fields

    def get_url(self, item: Item) -> str:
        return absolute(self.context.get("request"), item.get_absolute_url())

    @extend_schema_field(OpenApiTypes.STR)
    def get_snippet(self, item: Item) -> str | None:
        """Highlighted HTML excerpt (``<mark>``) for a search; present only when ``q`` is."""
        query = self.context.get("q")
        if not query:
            return None
        # The first field that really contains the query, the body as plain text.
        fields = [item.summary, strip_tags(item.body), item.title]
        text = next((f for f in fields if f and term_matches(f, query)), item.title)
        return highlight(text, query)

    def to_representation(self, instance: Item) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("q"):
            data.pop("snippet", None)
        return data


class FindingSerializer(serializers.Serializer):
    """One suspected piece of personal data (catalog.pii), the number masked in ``excerpt``."""

    kind = serializers.CharField(
        help_text="、".join(f"{k}（{v}）" for k, v in pii.KIND_LABELS.items())
    )
    where = serializers.CharField(help_text='"title"、"body" 或 "attachment:<文件名>"')
    excerpt = serializers.CharField()


class ItemDetailSerializer(ItemSerializer):
    """The public detail; staff of the item's organ (``context["staff_view"]``) also get the
    review fields and the personal-data findings (api.md: the public detail names no staff)."""

    STAFF_FIELDS = ("reviewed_by", "reviewed_at", "review_opinion", "findings")

    co_organs = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    reviewed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    findings = serializers.SerializerMethodField()
    grouping_name = serializers.CharField(
        source="grouping.name", read_only=True, default=None, allow_null=True
    )
    audience_name = serializers.CharField(
        source="audience.name", read_only=True, default=None, allow_null=True
    )
    attachments = AttachmentSerializer(many=True, read_only=True)
    published_late = serializers.SerializerMethodField()

    class Meta(ItemSerializer.Meta):
        fields = [
            *(f for f in ItemSerializer.Meta.fields if f != "snippet"),
            "co_organs",
            "summary",
            "grouping",
            "grouping_name",
            "audience",
            "audience_name",
            "changed_on",
            "body",
            "attachments",
            "created_at",
            "updated_at",
            "published_late",
            "reviewed_by",
            "reviewed_at",
            "review_opinion",
            "findings",
        ]
        read_only_fields = fields

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, item: Item) -> list[dict[str, str]]:
        from catalog.services import item_findings

        return item_findings(item)

    def to_representation(self, instance: Item) -> dict[str, Any]:
        if not self.context.get("staff_view"):
            # Not computed at all for the public: scanning attachments is not free.
            fields = self.fields
            for name in self.STAFF_FIELDS:
                fields.pop(name, None)
        return super().to_representation(instance)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_published_late(self, item: Item) -> bool | None:
        """条例第二十六条: published more than 20 working days after it was formed or changed."""
        result = timeliness(item)
        return None if result is None else result.late


# --- Items: input -------------------------------------------------------------------------


# Described by a pattern: drf-spectacular names every enum after its field, and the read-only
# ``status`` (three values) already owns that name.
@extend_schema_field({"type": "string", "pattern": "^(draft|published)$"})
class WriteStatusField(serializers.ChoiceField):
    pass


class ItemWriteSerializer(serializers.Serializer):
    """The editable metadata of an item (目录系统实施指引); used for POST and PATCH."""

    title = serializers.CharField(label=_("标题"), max_length=300)
    doc_number = serializers.CharField(
        label=_("发文字号"), max_length=100, required=False, allow_blank=True
    )
    subject_terms = serializers.ListField(
        label=_("主题词"), child=serializers.CharField(max_length=50), required=False
    )
    summary = serializers.CharField(label=_("内容概述"), required=False, allow_blank=True)
    topic = serializers.PrimaryKeyRelatedField(
        label=_("主题分类"),
        queryset=Topic.objects.all(),
        required=False,
        allow_null=True,
        error_messages={
            "does_not_exist": _("主题分类“{pk_value}”不存在。"),
            "incorrect_type": _("主题分类应为编号（整数）。"),
        },
    )
    genre = term_field(
        Term.Kind.GENRE,
        {
            "does_not_exist": _("体裁“{pk_value}”不存在。"),
            "incorrect_type": _("体裁应为编号（整数）。"),
        },
    )
    grouping = term_field(
        Term.Kind.GROUPING,
        {
            "does_not_exist": _("组配分类“{pk_value}”不存在。"),
            "incorrect_type": _("组配分类应为编号（整数）。"),
        },
    )
    audience = term_field(
        Term.Kind.AUDIENCE,
        {
            "does_not_exist": _("服务对象分类“{pk_value}”不存在。"),
            "incorrect_type": _("服务对象分类应为编号（整数）。"),
        },
    )
    article20 = serializers.IntegerField(
        label=_("条例第二十条类别"),
        min_value=1,
        max_value=15,
        required=False,
        allow_null=True,
        error_messages={
            "min_value": _("条例第二十条类别应为1到15之间的整数。"),
            "max_value": _("条例第二十条类别应为1到15之间的整数。"),
            "invalid": _("条例第二十条类别应为1到15之间的整数。"),
        },
    )
    doc_type = serializers.ChoiceField(label=_("文件类型"), choices=Item.DocType.choices)
    formed_on = serializers.DateField(label=_("成文日期"))
    changed_on = serializers.DateField(label=_("变更日期"), required=False, allow_null=True)
    body = serializers.CharField(
        label=_("正文"), required=False, allow_blank=True, trim_whitespace=False
    )
    co_organs = organ_code_field(label=_("联合发布机构"), many=True, required=False)
    # pending_review is where "published" lands when the organ reviews first; not sent.
    status = WriteStatusField(
        label=_("状态"),
        choices=[(s.value, s.label) for s in (Item.Status.DRAFT, Item.Status.PUBLISHED)],
        default=Item.Status.DRAFT,
    )
    published_on = serializers.DateField(label=_("发布日期"), required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        organ = attrs.get("organ") or getattr(self.instance, "organ", None)
        if organ is not None:
            self._check_vocabularies(organ, attrs)
        return attrs

    @staticmethod
    def _check_vocabularies(organ: Organ, attrs: dict[str, Any]) -> None:
        """组配分类 and 服务对象分类 are per-organ vocabularies: an item may use the
        platform's common terms and those of its organ or an organ above it."""
        allowed = {organ.pk, *(node.id for node in organ_tree().ancestors(organ.pk))}
        errors = {}
        for field in ("genre", "grouping", "audience"):
            term = attrs.get(field)
            if term is not None and term.organ_id is not None and term.organ_id not in allowed:
                errors[field] = [_("“%(term)s”不是本机关可用的分类。") % {"term": term.name}]
        if errors:
            raise serializers.ValidationError(errors)


class ItemCreateSerializer(ItemWriteSerializer):
    organ = organ_code_field(label=_("发布机构"))

    field_order = ["organ"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if "published_on" in attrs and attrs.get("status") != Item.Status.PUBLISHED:
            raise serializers.ValidationError({"published_on": [_("发布日期只能在发布时填写。")]})
        return attrs


class ItemUpdateSerializer(ItemWriteSerializer):
    """PATCH: every field optional. The 索引号 and 发布日期 of a published item are fixed."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        item: Item = self.instance
        errors: dict[str, list[Any]] = {}
        organ = self.initial_data.get("organ")
        if organ not in (None, item.organ.code):
            errors["organ"] = [_("条目的发布机构不可更改。")]
        if item.is_published:
            if attrs.get("status") == Item.Status.DRAFT:
                errors["status"] = [_("已发布的条目不能改回草稿。")]
            if "published_on" in attrs and attrs["published_on"] != item.published_on:
                errors["published_on"] = [_("已发布条目的索引号和发布日期不可更改。")]
            index_no = self.initial_data.get("index_no")
            if index_no is not None and index_no != item.index_no:
                errors["index_no"] = [_("已发布条目的索引号和发布日期不可更改。")]
        elif "published_on" in attrs and attrs.get("status") != Item.Status.PUBLISHED:
            errors["published_on"] = [_("发布日期只能在发布时填写。")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


REPEAL_VALIDITIES = [Item.Validity.REPEALED, Item.Validity.AMENDED]


# Described by a pattern: drf-spectacular turns every enum into a component named after the
# field, which would collide with the three-valued ``validity`` of items.
@extend_schema_field({"type": "string", "pattern": "^(repealed|amended)$"})
class RepealValidityField(serializers.ChoiceField):
    pass


class RepealSerializer(serializers.Serializer):
    """废止或修改 (有效性 and 废止日期 of the directory entry)."""

    date = serializers.DateField(label=_("废止日期"))
    validity = RepealValidityField(
        label=_("有效性"),
        choices=[(v.value, v.label) for v in REPEAL_VALIDITIES],
        error_messages={"invalid_choice": _("有效性只能是repealed（已废止）或amended（已修改）。")},
    )


class ReviewSerializer(serializers.Serializer):
    """审核 (条例第十七条): approve to publish, or return to the author with an opinion."""

    decision = serializers.ChoiceField(
        label=_("审核结论"),
        choices=[("approve", _("通过")), ("return", _("退回"))],
        error_messages={"invalid_choice": _("审核结论只能是approve（通过）或return（退回）。")},
    )
    opinion = serializers.CharField(
        label=_("审核意见"), required=False, allow_blank=True, default="", max_length=2000
    )
    acknowledge_findings = serializers.BooleanField(
        label=_("确认公开检出的个人信息"), required=False, default=False
    )
    acknowledge_reason = serializers.CharField(
        label=_("确认理由"), required=False, allow_blank=True, default="", max_length=2000
    )


class MaskResultSerializer(serializers.Serializer):
    masked = serializers.IntegerField(help_text="遮盖的号码个数")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("文件"))
