"""RSS of the newest published items, for the whole government or one organ's subtree
(``/feeds/items/?organ=<统一社会信用代码>``)."""

from __future__ import annotations

import datetime as dt
import html

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from catalog.models import Item, Organ
from catalog.organs import subtree_ids
from catalog.services import body_text

FEED_SIZE = 50
DESCRIPTION_CHARS = 200


def feed_text(value: str) -> str:
    """Plain text for an RSS description, inert in every reader.

    Readers render a description as HTML, so markup in a summary (``<img onerror=…>``) would
    run there. Tags are removed (also those that only appear once entities are decoded),
    whitespace is collapsed, and what is left is HTML-escaped, so that a reader shows any
    remaining ``<`` or ``&`` as the character itself.
    """
    text = strip_tags(html.unescape(strip_tags(value or "")))
    text = " ".join(text.split())
    return escape(Truncator(text).chars(DESCRIPTION_CHARS))


class LatestItemsFeed(Feed):
    language = "zh-cn"

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> Organ | None:
        code = request.GET.get("organ", "").strip()
        if not code:
            return None
        organ = Organ.objects.filter(code=code).first()
        if organ is None:
            raise Http404
        return organ

    def title(self, obj: Organ | None) -> str:
        if obj is None:
            return _("最新公开的政府信息")
        return _("%(organ)s最新公开的政府信息") % {"organ": obj.name}

    def link(self, obj: Organ | None) -> str:
        return obj.get_absolute_url() if obj else reverse("catalog:items")

    def description(self, obj: Organ | None) -> str:
        return _("政府信息公开目录中最新发布的%(n)d条信息。") % {"n": FEED_SIZE}

    def items(self, obj: Organ | None) -> list[Item]:
        queryset = Item.objects.published().select_related("organ", "topic__parent")
        if obj is not None:
            # domain.md「Organs」: an organ's view includes its subordinates.
            queryset = queryset.filter(organ_id__in=subtree_ids(obj.pk))
        return list(queryset.defer("search_tokens").order_by("-published_on", "-id")[:FEED_SIZE])

    def item_title(self, item: Item) -> str:
        return item.title

    def item_description(self, item: Item) -> str:
        return feed_text(item.summary or body_text(item.body))

    def item_link(self, item: Item) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Item) -> dt.datetime | None:
        if item.published_on is None:
            return None
        # A date of publication, not a moment: midnight Beijing time of that day.
        return timezone.make_aware(dt.datetime.combine(item.published_on, dt.time.min))

    def item_updateddate(self, item: Item) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: Item) -> str:
        return item.organ.name

    def item_categories(self, item: Item) -> list[str]:
        return [str(item.topic)] if item.topic else []
