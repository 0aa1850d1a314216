"""sitemap.xml: the home page, every organ column and guide, and every published item."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog.models import Item, Organ


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["catalog:home", "catalog:items"]

    def location(self, item: str) -> str:
        return reverse(item)


class OrganSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):  # type: ignore[no-untyped-def]
        return Organ.objects.order_by("id")


class ItemSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):  # type: ignore[no-untyped-def]
        return Item.objects.published().order_by("-id").only("id", "updated_at")

    def lastmod(self, item: Item):  # type: ignore[no-untyped-def]
        return item.updated_at


SITEMAPS = {"static": StaticSitemap, "organs": OrganSitemap, "items": ItemSitemap}
