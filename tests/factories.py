"""Small factory functions for tests: each builds exactly what a test asks for."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model

from catalog import services
from catalog.models import Item, Organ
from catalog.validators import credit_code_check_character

_serial = itertools.count(1)


def credit_code(serial: int | None = None, region: str = "330100") -> str:
    """A valid 统一社会信用代码 (GB 32100-2015) for a 机关 (11) in ``region``."""
    n = next(_serial) if serial is None else serial
    first17 = f"11{region}{n:08d}X"[:17]
    return first17 + credit_code_check_character(first17)


def make_organ(
    name: str = "测试市人民政府",
    parent: Organ | None = None,
    *,
    publication_review: bool = False,
    **extra: Any,
) -> Organ:
    """An organ through the service. Review before publication (条例第十七条) is on for real
    organs, but off here by default, deliberately: most tests are about what happens once an
    item is public and publish in one step; tests of the review workflow turn it on."""
    return services.organ_create(
        actor=None,
        code=extra.pop("code", None) or credit_code(),
        name=name,
        short_name=extra.pop("short_name", ""),
        parent=parent,
        index_prefix=extra.pop("index_prefix", ""),
        publication_review=publication_review,
    )


def make_staff(organ: Organ, roles: list[str], username: str | None = None) -> Any:
    return services.staff_create(
        actor=None,
        username=username or f"staff{next(_serial)}",
        password="correct-horse-battery",
        organ=organ,
        roles=roles,
    )


def make_superuser(username: str = "admin") -> Any:
    return get_user_model().objects.create_superuser(
        username=username, password="correct-horse-battery", email=""
    )


def make_item(
    organ: Organ,
    title: str = "关于做好政府信息公开工作的通知",
    *,
    publish: bool = True,
    published_on: dt.date | None = None,
    formed_on: dt.date | None = None,
    **data: Any,
) -> Item:
    published_on = published_on or dt.date(2026, 3, 2)
    data.setdefault("doc_type", Item.DocType.OTHER)
    data["title"] = title
    data["formed_on"] = formed_on or published_on
    return services.item_create(
        actor=None, organ=organ, data=data, publish=publish, published_on=published_on
    )
