"""Public, server-rendered pages of the disclosure catalog (api.md「Public pages」).

The layout follows 国办公开办函〔2019〕61号 (regulation.md §4.5): the whole government and
every organ have one column 政府信息公开 with four fixed sub-columns — 政府信息公开指南,
政府信息公开制度, 法定主动公开内容 and 政府信息公开年报. Government-level views include the
organ's subordinates (domain.md「Organs」).

Nothing here writes: the pages read published items only, except that staff of an item's organ
(and superusers) may preview a draft (``catalog.permissions.can_see``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from catalog.directory import (
    FACET_FIELDS,
    PUBLIC_DATA,
    CappedPaginator,
    grouped_counts,
    published_facets,
    published_total,
)
from catalog.models import Attachment, Guide, Item, Organ, Term, Topic
from catalog.organs import OrganNode, OrganTree, fresh_tree, organ_tree, scope_ids
from catalog.permissions import can_see
from catalog.publication import timeliness
from catalog.search import search_items
from catalog.search_text import highlight
from catalog.services import body_text
from catalog.templatetags.portal import format_cn_date
from catalog.uploads import served_name_for
from disclosure_portal import versions
from disclosure_portal.pagecache import cache_public_page

public_page = cache_public_page(*PUBLIC_DATA)

PAGE_SIZE = 20
LATEST_COUNT = 10
Q_MAX_LENGTH = 200
SNIPPET_WIDTH = 120

# 政府信息公开制度: there is no national vocabulary for it (regulation.md §4.3 (d)). An item
# belongs to the sub-column when its 组配分类 or its 主题分类 (either level) bears one of these
# names, the way local platforms file it ("组配分类 | 公开制度").
RULES_CATEGORY_NAMES = ("政府信息公开制度", "公开制度")


def rules_condition() -> Q:
    return (
        Q(grouping__name__in=RULES_CATEGORY_NAMES)
        | Q(topic__name__in=RULES_CATEGORY_NAMES)
        | Q(topic__parent__name__in=RULES_CATEGORY_NAMES)
    )


def published_in_subtree(tree: OrganTree, organ_id: int) -> QuerySet[Item]:
    """Published items of an organ and its subordinates, newest first, ready for a list."""
    return (
        Item.objects.published()
        .filter(organ_id__in=tree.descendant_ids(organ_id))
        .select_related("organ")
        .defer("search_tokens", "body")
    )


# --- The four sub-columns (国办公开办函〔2019〕61号) ---------------------------------------


@dataclass(frozen=True)
class SubColumn:
    title: str
    url: str
    description: str


def sub_columns(code: str) -> list[SubColumn]:
    return [
        SubColumn(
            _("政府信息公开指南"),
            reverse("catalog:guide", args=[code]),
            _("公开工作机构、办公地址与时间、联系方式、依申请公开的办理程序和救济途径。"),
        ),
        SubColumn(
            _("政府信息公开制度"),
            reverse("catalog:rules", args=[code]),
            _("本机关政府信息公开工作的规章制度。"),
        ),
        SubColumn(
            _("法定主动公开内容"),
            reverse("catalog:mandatory", args=[code]),
            _("条例第二十条规定应当主动公开的十五类政府信息。"),
        ),
        SubColumn(
            _("政府信息公开年报"),
            # The report pages take the organ as a query parameter (api.md「Annual report」).
            "/reports/?" + urlencode({"organ": code}),
            _("每年3月31日前公布的上一年度政府信息公开工作年度报告。"),
        ),
    ]


# --- Home and organ columns -----------------------------------------------------------------


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    tree = organ_tree()
    roots = [{"node": root, "columns": sub_columns(root.code)} for root in tree.roots]
    latest = list(
        Item.objects.published()
        .select_related("organ")
        .defer("search_tokens", "body")[:LATEST_COUNT]
    )
    return render(request, "catalog/home.html", {"roots": roots, "latest": latest})


def _organ(code: str) -> tuple[Organ, OrganTree, OrganNode]:
    organ = get_object_or_404(Organ, code=code)
    tree = organ_tree()
    node = tree.nodes.get(organ.pk)
    if node is None:  # committed after this request read the version stamp
        tree = fresh_tree()
        node = tree.nodes[organ.pk]
    return organ, tree, node


def _organ_context(organ: Organ, tree: OrganTree, node: OrganNode) -> dict[str, Any]:
    return {
        "organ": organ,
        "node": node,
        "ancestors": tree.ancestors(organ.pk),
        "current_organ_code": organ.code,
        "feed_url": reverse("catalog:feed") + "?" + urlencode({"organ": organ.code}),
    }


@require_safe
@public_page
def organ_detail(request: HttpRequest, code: str) -> HttpResponse:
    organ, tree, node = _organ(code)
    latest = list(published_in_subtree(tree, organ.pk)[:LATEST_COUNT])
    context = _organ_context(organ, tree, node) | {
        "columns": sub_columns(organ.code),
        "subordinates": node.children,
        "latest": latest,
        "more_url": reverse("catalog:items") + "?" + urlencode({"organ": organ.code}),
    }
    return render(request, "catalog/organ.html", context)


@dataclass(frozen=True)
class GuideRow:
    label: str
    value: str
    kind: str  # "text", "multiline", "email" or "url"


def guide_rows(guide: Guide) -> list[GuideRow]:
    """Every field of the guide (条例第十二条第二款), labelled with the model's names."""
    rows = []
    for name in Guide.FIELDS:
        field = Guide._meta.get_field(name)
        if isinstance(field, models.TextField):
            kind = "multiline"
        elif name == "email":
            kind = "email"
        elif name == "website":
            kind = "url"
        else:
            kind = "text"
        rows.append(GuideRow(str(field.verbose_name), getattr(guide, name), kind))
    return rows


@require_safe
@public_page
def guide_detail(request: HttpRequest, code: str) -> HttpResponse:
    organ, tree, node = _organ(code)
    guide = Guide.objects.filter(organ=organ).first()
    context = _organ_context(organ, tree, node) | {
        "guide": guide,
        "rows": guide_rows(guide) if guide else [],
    }
    return render(request, "catalog/guide.html", context)


def _page(request: HttpRequest, queryset: QuerySet) -> Page:
    # get_page: a malformed page number shows page 1, one past the end the last page.
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@public_page
def rules(request: HttpRequest, code: str) -> HttpResponse:
    organ, tree, node = _organ(code)
    queryset = published_in_subtree(tree, organ.pk).filter(rules_condition())
    context = _organ_context(organ, tree, node) | {"page": _page(request, queryset)}
    return render(request, "catalog/rules.html", context)


@dataclass(frozen=True)
class Article20Row:
    number: int
    label: str
    count: int
    url: str


@require_safe
@public_page
def mandatory(request: HttpRequest, code: str) -> HttpResponse:
    """法定主动公开内容: the fifteen categories of 条例第二十条 with their item counts."""
    organ, tree, node = _organ(code)
    counts = dict(
        Item.objects.published()
        .filter(organ_id__in=tree.descendant_ids(organ.pk), article20__isnull=False)
        .order_by()
        .values("article20")
        .annotate(n=Count("pk"))
        .values_list("article20", "n")
    )
    base = reverse("catalog:items")
    categories = [
        Article20Row(
            number,
            label,
            counts.get(number, 0),
            base + "?" + urlencode({"organ": organ.code, "article20": number}),
        )
        for number, label in Item.ARTICLE20_CHOICES
    ]
    context = _organ_context(organ, tree, node) | {"categories": categories}
    return render(request, "catalog/mandatory.html", context)


# --- The directory (政府信息公开目录) ---------------------------------------------------------


class VersionedSelect(forms.Select):
    """A select box of the organ tree or a vocabulary (hundreds of options), rendered once per
    catalog version, language and chosen value instead of on every request."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        values = {str(key) for key, _label in self.choices}
        chosen = "" if value in (None, "") else str(value)
        if chosen and chosen not in values:  # a malformed value: not worth remembering
            return super().render(name, value, attrs, renderer)
        key = f"select:{name}:{chosen}:{get_language()}:{sorted((attrs or {}).items())}"
        return versions.cached(
            versions.CATALOG,
            key,
            lambda: super(VersionedSelect, self).render(name, value, attrs, renderer),
        )


class DirectoryFilterForm(forms.Form):
    """The filters of ``/items/``; the parameter names are those of the API (api.md).

    The choices are built from data the view has already loaded (the cached organ tree, the
    topic and genre vocabularies), so checking a value costs no query. A malformed value is
    reported next to its field and ignored; the other filters still apply.
    """

    q = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=Q_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("可输入标题、正文中的词语，文号或索引号。"),
        error_messages={"max_length": _("关键词不能超过200个字符。")},
    )
    organ = forms.ChoiceField(
        label=_("发布机构"),
        widget=VersionedSelect,
        required=False,
        help_text=_("包括其下级机关发布的信息。"),
        error_messages={"invalid_choice": _("所选发布机构不存在。")},
    )
    own = forms.BooleanField(label=_("仅本机关（不含下级）"), required=False)
    topic = forms.TypedChoiceField(
        label=_("主题分类"),
        widget=VersionedSelect,
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("所选主题分类不存在。")},
    )
    genre = forms.TypedChoiceField(
        label=_("体裁"),
        widget=VersionedSelect,
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("所选体裁不存在。")},
    )
    article20 = forms.TypedChoiceField(
        label=_("条例第二十条类别"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("全部类别")), *Item.ARTICLE20_CHOICES],
        error_messages={"invalid_choice": _("条例第二十条类别应为1到15之间的整数。")},
    )
    doc_type = forms.ChoiceField(
        label=_("文件类型"),
        required=False,
        choices=[("", _("全部类型")), *Item.DocType.choices],
        error_messages={"invalid_choice": _("所选文件类型不存在。")},
    )
    validity = forms.ChoiceField(
        label=_("有效性"),
        required=False,
        choices=[("", _("全部")), *Item.Validity.choices],
        error_messages={"invalid_choice": _("所选有效性不存在。")},
    )
    published_after = forms.DateField(
        label=_("发布日期起"),
        required=False,
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入有效的日期，格式如2026-03-02。")},
    )
    published_before = forms.DateField(
        label=_("发布日期止"),
        required=False,
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入有效的日期，格式如2026-03-02。")},
    )

    def __init__(
        self, data: Any, *, tree: OrganTree, topics: list[Topic], genres: list[Term]
    ) -> None:
        # The ids carry a prefix so they never clash with the header's search box.
        super().__init__(data, auto_id="filter-%s", label_suffix="")
        self.fields["organ"].choices = [("", _("全部机关"))] + [
            (node.code, "　" * node.depth + node.display_name) for node in tree.flat()
        ]
        self.fields["topic"].choices = [("", _("全部主题"))] + [
            (topic.pk, "　" + topic.name if topic.parent_id else topic.name)
            for topic in ordered_topics(topics)
        ]
        self.fields["genre"].choices = [("", _("全部体裁"))] + [
            (term.pk, f"{term.name}（{term.organ.display_name}）" if term.organ_id else term.name)
            for term in genres
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        after, before = data.get("published_after"), data.get("published_before")
        if after and before and after > before:
            self.add_error("published_before", _("截止日期不能早于起始日期。"))
        return data

    def active(self) -> dict[str, Any]:
        """The valid, non-empty filters (a field with an error is left out)."""
        data = getattr(self, "cleaned_data", {})
        # An unticked box (False) is no filter either.
        return {
            name: value
            for name, value in data.items()
            if value is not None and value is not False and value != ""
        }


def ordered_topics(topics: list[Topic]) -> list[Topic]:
    """First-level topics each followed by its second level (the gov.cn tree order)."""
    children: dict[int, list[Topic]] = {}
    for topic in topics:
        if topic.parent_id:
            children.setdefault(topic.parent_id, []).append(topic)
    out: list[Topic] = []
    for topic in topics:
        if not topic.parent_id:
            out.append(topic)
            out.extend(children.get(topic.pk, []))
    return out


def apply_filters(
    queryset: QuerySet[Item], filters: dict[str, Any], tree: OrganTree, topics: list[Topic]
) -> QuerySet[Item]:
    if "organ" in filters:
        organ_id = tree.by_code[filters["organ"]].id
        ids = scope_ids(organ_id, own=bool(filters.get("own")), tree=tree)
        queryset = queryset.filter(organ_id__in=ids)
    if "topic" in filters:
        # 主题分类 is a two-level tree: a first-level topic includes its second level.
        wanted = filters["topic"]
        ids = {wanted} | {t.pk for t in topics if t.parent_id == wanted}
        queryset = queryset.filter(topic_id__in=ids)
    if "genre" in filters:
        queryset = queryset.filter(genre_id=filters["genre"])
    for name in ("article20", "doc_type", "validity"):
        if name in filters:
            queryset = queryset.filter(**{name: filters[name]})
    if "published_after" in filters:
        queryset = queryset.filter(published_on__gte=filters["published_after"])
    if "published_before" in filters:
        queryset = queryset.filter(published_on__lte=filters["published_before"])
    return queryset


@dataclass(frozen=True)
class FacetEntry:
    label: str
    count: int
    href: str
    selected: bool
    depth: int = 0


def facet_entry(
    query: QueryDict, param: str, value: str, label: str, count: int, depth: int = 0
) -> FacetEntry:
    """A browse link that sets ``param`` (or clears it when already chosen), keeping the
    other filters and starting again at page 1."""
    params = query.copy()
    params.pop("page", None)
    selected = query.get(param) == value
    if selected:
        params.pop(param, None)
    else:
        params[param] = value
    encoded = params.urlencode()
    return FacetEntry(label, count, "?" + encoded if encoded else "?", selected, depth)


def facet_counts(queryset: QuerySet[Item], *, unfiltered: bool) -> dict[str, dict[Any, int]]:
    """Items per organ, topic, 体裁 and 第二十条 category: four grouped queries, or none for the
    unfiltered directory (shared per catalog version, ``catalog.directory``)."""
    if unfiltered:
        return published_facets()
    return {field: grouped_counts(queryset, field) for field in FACET_FIELDS}


def build_facets(
    counts: dict[str, dict[Any, int]],
    query: QueryDict,
    *,
    tree: OrganTree,
    topics: list[Topic],
    genres: list[Term],
) -> list[tuple[str, list[FacetEntry]]]:
    """Browse lists of the directory; an organ's and a first-level topic's counts include
    their subordinates, as the filter they link to does."""
    by_organ = counts["organ_id"]
    organs = []
    for node in tree.flat():
        total = sum(by_organ.get(i, 0) for i in tree.descendant_ids(node.id))
        if total:
            organs.append(
                facet_entry(query, "organ", node.code, node.display_name, total, node.depth)
            )
    by_topic = counts["topic_id"]
    topic_entries = []
    for topic in ordered_topics(topics):
        total = by_topic.get(topic.pk, 0)
        if not topic.parent_id:
            total += sum(by_topic.get(t.pk, 0) for t in topics if t.parent_id == topic.pk)
        if total:
            depth = 1 if topic.parent_id else 0
            topic_entries.append(
                facet_entry(query, "topic", str(topic.pk), topic.name, total, depth)
            )
    by_genre = counts["genre_id"]
    genre_entries = [
        facet_entry(query, "genre", str(term.pk), term.name, by_genre[term.pk])
        for term in genres
        if by_genre.get(term.pk)
    ]
    by_article = counts["article20"]
    article_entries = [
        facet_entry(query, "article20", str(number), str(label), by_article[number])
        for number, label in Item.ARTICLE20_CHOICES
        if by_article.get(number)
    ]
    return [
        (str(_("按发布机构")), organs),
        (str(_("按主题分类")), topic_entries),
        (str(_("按体裁")), genre_entries),
        (str(_("按条例第二十条类别")), article_entries),
    ]


@dataclass(frozen=True)
class Result:
    item: Item
    title_html: SafeString
    snippet_html: SafeString | None


def result_rows(items: list[Item], q: str) -> list[Result]:
    """With a query, the title and a snippet of 内容概述 + 正文 with the terms in <mark>."""
    rows = []
    for item in items:
        if q:
            # highlight() escapes everything but its own <mark> tags.
            title = mark_safe(highlight(item.title, q, width=len(item.title) + 1))  # noqa: S308
            text = "\n".join(part for part in (item.summary, body_text(item.body)) if part)
            snippet = mark_safe(highlight(text, q, width=SNIPPET_WIDTH)) if text else None  # noqa: S308
        else:
            title, snippet = mark_safe(""), None
        rows.append(Result(item, title, snippet))
    return rows


def vocabularies() -> tuple[list[Topic], list[Term]]:
    """The topics and 体裁 of the filters: small, loaded once per catalog version."""
    topics = versions.cached(versions.CATALOG, "topics", lambda: list(Topic.objects.all()))
    genres = versions.cached(
        versions.CATALOG,
        "genres",
        lambda: list(Term.objects.filter(kind=Term.Kind.GENRE).select_related("organ")),
    )
    return topics, genres


def warm_up() -> None:
    """Load and render what every directory page shares (the counts, the big select boxes),
    as the first request after a restart would (called by the WSGI module at boot)."""
    published_facets()
    topics, genres = vocabularies()
    form = DirectoryFilterForm({}, tree=organ_tree(), topics=topics, genres=genres)
    for name in ("organ", "topic", "genre"):
        str(form[name])


@require_safe
@public_page
def item_list(request: HttpRequest) -> HttpResponse:
    tree = organ_tree()
    topics, genres = vocabularies()
    form = DirectoryFilterForm(request.GET, tree=tree, topics=topics, genres=genres)
    form.is_valid()  # errors are shown next to their fields; the valid filters still apply
    filters = form.active()
    q = filters.pop("q", "").strip()

    matched = apply_filters(Item.objects.published(), filters, tree, topics)
    if q:
        matched = search_items(matched, q)
    # Without a query no snippet is shown, so the body need not be read.
    listed = matched.select_related("organ", "topic__parent", "genre").defer(
        "search_tokens", *([] if q else ["body"])
    )
    unfiltered = not q and not filters
    # No unbounded count: the unfiltered total comes with the shared facet counts, any other
    # stops at COUNT_LIMIT (catalog.directory).
    paginator = CappedPaginator(listed, PAGE_SIZE, total=published_total() if unfiltered else None)
    page = paginator.get_page(request.GET.get("page"))
    # Grouping every row of a result of more than COUNT_LIMIT rows would cost seconds at a
    # million items, so such a result is not broken down by category.
    facets_omitted = paginator.capped
    counts = (
        {field: {} for field in FACET_FIELDS}
        if facets_omitted
        else facet_counts(matched, unfiltered=unfiltered)
    )
    context = {
        "form": form,
        "q": q,
        "filtered": bool(q or filters),
        # The filter panel starts open only when a filter (not just a keyword) is in use.
        "has_filters": bool(filters),
        "page": page,
        "results": result_rows(list(page), q),
        "facets": build_facets(counts, request.GET, tree=tree, topics=topics, genres=genres),
        "facets_omitted": facets_omitted,
        "count_capped": paginator.capped,
        "current_organ_code": filters.get("organ", ""),
    }
    return render(request, "catalog/item_list.html", context)


# --- One item and its attachments -------------------------------------------------------------


@dataclass(frozen=True)
class HeaderRow:
    label: str
    value: str
    wide: bool = False


def item_header(item: Item) -> list[HeaderRow]:
    """The metadata header in gov.cn order (regulation.md §4.4), then the portal's own fields."""
    publishers = [item.organ.name, *(organ.name for organ in item.co_organs.all())]
    rows = [
        HeaderRow(_("索引号"), item.index_no or ""),
        HeaderRow(_("主题分类"), str(item.topic) if item.topic else ""),
        HeaderRow(_("发布机构"), "、".join(publishers)),
        HeaderRow(_("成文日期"), format_cn_date(item.formed_on)),
        HeaderRow(_("标题"), item.title, wide=True),
        HeaderRow(_("发文字号"), item.doc_number),
        HeaderRow(_("发布日期"), format_cn_date(item.published_on)),
        HeaderRow(_("主题词"), "、".join(item.subject_terms or [])),
        HeaderRow(_("有效性"), str(item.get_validity_display())),
    ]
    if item.validity == Item.Validity.REPEALED and item.repealed_on:
        rows.append(HeaderRow(_("废止日期"), format_cn_date(item.repealed_on)))
    elif item.validity == Item.Validity.AMENDED and item.repealed_on:
        rows.append(HeaderRow(_("修改日期"), format_cn_date(item.repealed_on)))
    rows += [
        HeaderRow(_("体裁"), item.genre.name if item.genre else ""),
        HeaderRow(_("组配分类"), item.grouping.name if item.grouping else ""),
        HeaderRow(_("服务对象分类"), item.audience.name if item.audience else ""),
        HeaderRow(
            _("条例第二十条类别"), str(item.get_article20_display()) if item.article20 else ""
        ),
        HeaderRow(_("内容概述"), item.summary, wide=True),
    ]
    return rows


def _visible_item(request: HttpRequest, item: Item) -> None:
    """A draft does not exist for the public (api.md: 404, never leak existence)."""
    if not item.is_published and not can_see(request.user, item.organ_id):
        raise Http404


@require_safe
@public_page
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Item.objects.select_related("organ", "topic__parent", "genre", "grouping", "audience")
        .prefetch_related("co_organs", "attachments")
        .defer("search_tokens"),
        pk=pk,
    )
    _visible_item(request, item)
    tree = organ_tree()
    context = {
        "item": item,
        "header": item_header(item),
        "attachments": list(item.attachments.all()),
        "ancestors": [*tree.ancestors(item.organ_id), tree.nodes.get(item.organ_id)],
        "current_organ_code": item.organ.code,
        "timeliness": timeliness(item),
    }
    response = render(request, "catalog/item_detail.html", context)
    if not item.is_published:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def attachment_download(request: HttpRequest, item_id: int, pk: int) -> FileResponse:
    # ``item__pk`` rather than ``item_id``: the primary-key lookup answers "none" for an id
    # beyond the database's integer range, where the foreign-key lookup raised (page fuzzer).
    attachment = get_object_or_404(
        Attachment.objects.select_related("item"), pk=pk, item__pk=item_id
    )
    _visible_item(request, attachment.item)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    # as_attachment + filename: Django writes filename*=utf-8''… for a Chinese name (RFC 6266).
    response = FileResponse(
        handle,
        as_attachment=True,
        # Rows stored before names were sanitised are served under the safe name too.
        filename=served_name_for(attachment.name, attachment.content_type),
        content_type=attachment.content_type,
    )
    if not attachment.item.is_published:
        patch_cache_control(response, private=True, no_store=True)
    return response
