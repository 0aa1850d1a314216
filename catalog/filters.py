"""Filters of the public directory list (api.md, "Catalog items").

Every parameter is parsed by a form field, so a malformed value is a 400 naming the
parameter with a Chinese message (never silently ignored); the query string of the public
page ``/items/`` uses the same names.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from catalog.models import Item, Organ, Term, Topic
from catalog.organs import scope_ids
from catalog.search import search_items

ORDERING_FIELDS = ("published_on", "formed_on", "title", "id")
ORDERING_CHOICES = [
    (f"{sign}{field}", f"{sign}{field}") for field in ORDERING_FIELDS for sign in ("", "-")
]
Q_MAX_LENGTH = 200

_DATE_MESSAGE = _("请输入有效的日期，格式为YYYY-MM-DD。")


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("关键词"),
        method="filter_q",
        max_length=Q_MAX_LENGTH,
        error_messages={"max_length": _("关键词不能超过200个字符。")},
    )
    organ = django_filters.ModelChoiceFilter(
        label=_("发布机构（统一社会信用代码，含下级机关）"),
        queryset=Organ.objects.all(),
        to_field_name="code",
        method="filter_organ",
        error_messages={"invalid_choice": _("行政机关不存在。")},
    )
    own = django_filters.BooleanFilter(
        label=_("仅本机关（不含下级）：true 时 organ 只含该机关本身"), method="filter_own"
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("主题分类（一级主题含其下二级主题）"),
        queryset=Topic.objects.all(),
        method="filter_topic",
        error_messages={"invalid_choice": _("主题分类不存在。")},
    )
    genre = django_filters.ModelChoiceFilter(
        label=_("体裁"),
        queryset=Term.objects.filter(kind=Term.Kind.GENRE),
        error_messages={"invalid_choice": _("体裁不存在。")},
    )
    doc_type = django_filters.ChoiceFilter(
        label=_("文件类型"),
        choices=Item.DocType.choices,
        error_messages={"invalid_choice": _("文件类型只能是rule、normative或other。")},
    )
    validity = django_filters.ChoiceFilter(
        label=_("有效性"),
        choices=Item.Validity.choices,
        error_messages={"invalid_choice": _("有效性只能是in_force、amended或repealed。")},
    )
    article20 = django_filters.ChoiceFilter(
        label=_("条例第二十条类别"),
        choices=Item.ARTICLE20_CHOICES,
        error_messages={"invalid_choice": _("条例第二十条类别应为1到15之间的整数。")},
    )
    published_after = django_filters.DateFilter(
        label=_("发布日期起（含）"),
        field_name="published_on",
        lookup_expr="gte",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _DATE_MESSAGE},
    )
    published_before = django_filters.DateFilter(
        label=_("发布日期止（含）"),
        field_name="published_on",
        lookup_expr="lte",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _DATE_MESSAGE},
    )
    # Declared last: it overrides the relevance order of ``q`` only when given.
    ordering = django_filters.ChoiceFilter(
        label=_("排序"),
        choices=ORDERING_CHOICES,
        method="filter_ordering",
        error_messages={
            "invalid_choice": _(
                "排序只能是published_on、formed_on、title、id之一（前加“-”为倒序）。"
            )
        },
    )

    class Meta:
        model = Item
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_items(queryset, value) if value.strip() else queryset

    @extend_schema_field(OpenApiTypes.STR)
    def filter_organ(self, queryset: QuerySet, name: str, value: Organ) -> QuerySet:
        own = bool(self.form.cleaned_data.get("own"))
        return queryset.filter(organ_id__in=scope_ids(value.pk, own=own))

    def filter_own(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset  # read by filter_organ

    @extend_schema_field(OpenApiTypes.INT)
    def filter_topic(self, queryset: QuerySet, name: str, value: Topic) -> QuerySet:
        # 主题分类 is a two-level tree: a first-level topic includes its second level.
        return queryset.filter(Q(topic=value) | Q(topic__parent=value))

    def filter_ordering(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The id breaks ties so that pages never overlap.
        if value.lstrip("-") == "id":
            return queryset.order_by(value)
        return queryset.order_by(value, "-id" if value.startswith("-") else "id")
