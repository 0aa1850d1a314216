"""State changes of the catalog: one service per change, called by the staff pages and the API.

Each service validates, writes inside a transaction and raises ``ValidationError`` with
Chinese messages keyed by field, so nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from catalog import organs
from catalog.models import (
    Attachment,
    Guide,
    GuideRevision,
    IndexSerial,
    Item,
    Organ,
    StaffProfile,
    StaffRole,
)
from catalog.sanitize import clean_body
from catalog.search_text import document_tokens
from catalog.uploads import ITEM_KINDS, check_upload, discard_unless_committed, store_upload

ITEM_FIELDS = (
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


# --- Organs and staff -------------------------------------------------------------------


def organ_create(
    *,
    actor: Any,
    code: str,
    name: str,
    short_name: str = "",
    parent: Organ | None = None,
    index_prefix: str = "",
) -> Organ:
    organ = Organ(
        code=code, name=name, short_name=short_name, parent=parent, index_prefix=index_prefix
    )
    organ.full_clean()
    with transaction.atomic():
        organ.save()
        Guide.objects.create(organ=organ, office_name=f"{name}办公室")
        transaction.on_commit(organs.invalidate)
    return organ


def staff_create(
    *, actor: Any, username: str, password: str, organ: Organ, roles: list[str]
) -> Any:
    unknown = [r for r in roles if r not in StaffRole.values]
    if unknown:
        raise ValidationError({"roles": [_("未知角色：%s") % "、".join(unknown)]})
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ValidationError({"username": [_("用户名已存在。")]})
    with transaction.atomic():
        user = user_model.objects.create_user(username=username, password=password)
        StaffProfile.objects.create(user=user, organ=organ, roles=list(dict.fromkeys(roles)))
    return user


# --- The guide (条例第十二条) -------------------------------------------------------------


def guide_update(*, actor: Any, organ: Organ, data: dict[str, Any]) -> Guide:
    """Update an organ's guide and keep the previous text as a revision."""
    with transaction.atomic():
        guide, _created = Guide.objects.select_for_update().get_or_create(organ=organ)
        for field in Guide.FIELDS:
            if field in data:
                setattr(guide, field, data[field])
        guide.updated_at = timezone.now()
        guide.full_clean(exclude=["organ"])
        guide.save()
        GuideRevision.objects.create(
            guide=guide,
            content=guide.snapshot(),
            created_at=guide.updated_at,
            author=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return guide


# --- Items --------------------------------------------------------------------------------


def body_text(html_body: str) -> str:
    """The readable text of a sanitised body: tags are not words anyone searches for."""
    return html.unescape(strip_tags(html_body or ""))


def item_search_tokens(item: Item) -> str:
    return document_tokens(
        item.title,
        item.doc_number,
        " ".join(item.subject_terms or []),
        item.index_no or "",
        item.summary,
        body_text(item.body),
    )


def _validate_dates(item: Item, today: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    if item.formed_on and item.formed_on > today:
        errors["formed_on"] = [_("成文日期不能晚于今天。")]
    if item.published_on and item.published_on > today:
        errors["published_on"] = [_("发布日期不能晚于今天。")]
    if item.formed_on and item.published_on and item.formed_on > item.published_on:
        errors["formed_on"] = [_("成文日期不能晚于发布日期。")]
    if item.changed_on and item.formed_on and item.changed_on < item.formed_on:
        errors["changed_on"] = [_("变更日期不能早于成文日期。")]
    if errors:
        raise ValidationError(errors)


def _assign(item: Item, data: dict[str, Any]) -> None:
    for field in ITEM_FIELDS:
        if field in data:
            value = data[field]
            if field == "body":
                value = clean_body(value or "")
            elif field == "subject_terms":
                value = [str(t).strip() for t in (value or []) if str(t).strip()]
            elif value is None and field in {"doc_number", "summary"}:
                value = ""
            setattr(item, field, value)


def item_create(
    *,
    actor: Any,
    organ: Organ,
    data: dict[str, Any],
    publish: bool = False,
    published_on: dt.date | None = None,
    co_organs: list[Organ] | None = None,
) -> Item:
    item = Item(organ=organ, created_by=actor if getattr(actor, "pk", None) else None)
    _assign(item, data)
    today = timezone.localdate()
    if publish:
        item.published_on = published_on or today
    _validate_dates(item, today)
    item.full_clean(exclude=["index_no", "published_on", "status", "search_tokens"])
    with transaction.atomic():
        if publish:
            item.status = Item.Status.PUBLISHED
            item.index_no = issue_index_no(organ, item.published_on.year)
        item.search_tokens = item_search_tokens(item)
        item.save()
        if co_organs:
            item.co_organs.set(co_organs)
    return item


def item_update(
    *, actor: Any, item: Item, data: dict[str, Any], co_organs: list[Organ] | None = None
) -> Item:
    _assign(item, data)
    today = timezone.localdate()
    _validate_dates(item, today)
    item.full_clean(exclude=["index_no", "published_on", "status", "search_tokens"])
    with transaction.atomic():
        item.updated_at = timezone.now()
        item.search_tokens = item_search_tokens(item)
        item.save()
        if co_organs is not None:
            item.co_organs.set(co_organs)
    return item


def item_publish(*, actor: Any, item: Item, published_on: dt.date | None = None) -> Item:
    """Publish a draft; its 索引号 is issued now and never changes afterwards."""
    today = timezone.localdate()
    published_on = published_on or today
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.status == Item.Status.PUBLISHED:
            return locked
        locked.published_on = published_on
        _validate_dates(locked, today)
        locked.status = Item.Status.PUBLISHED
        if not locked.index_no:
            locked.index_no = issue_index_no(locked.organ, published_on.year)
        locked.updated_at = timezone.now()
        locked.search_tokens = item_search_tokens(locked)
        locked.save()
    return locked


def item_repeal(*, actor: Any, item: Item, date: dt.date, validity: str) -> Item:
    """Mark an item 已废止 or 已修改 from ``date`` (its 废止日期); a repealed item stays so."""
    if validity not in (Item.Validity.REPEALED, Item.Validity.AMENDED):
        raise ValidationError({"validity": [_("有效性只能是“已废止”或“已修改”。")]})
    if date > timezone.localdate():
        raise ValidationError({"date": [_("废止日期不能晚于今天。")]})
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if date < locked.formed_on:
            raise ValidationError({"date": [_("废止日期不能早于成文日期。")]})
        if locked.validity == Item.Validity.REPEALED:
            raise ValidationError({"validity": [_("该文件已废止。")]})
        locked.validity = validity
        locked.repealed_on = date
        locked.updated_at = timezone.now()
        locked.save(update_fields=["validity", "repealed_on", "updated_at"])
    return locked


def issue_index_no(organ: Organ, year: int) -> str:
    """Issue the next 索引号 ``{prefix}/{YYYY}-{NNNNN}`` (目录系统实施指引).

    One atomic upsert claims the serial, so concurrent publishers never share one: the row
    lock of ``ON CONFLICT DO UPDATE`` serialises them on PostgreSQL, the write lock on SQLite.
    """
    table = IndexSerial._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organ_id, year, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (organ_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [organ.pk, year],
        )
        serial = cursor.fetchone()[0]
    return f"{organ.effective_index_prefix}/{year}-{serial:05d}"


def attachment_add(*, actor: Any, item: Item, upload: UploadedFile) -> Attachment:
    from django.conf import settings

    checked = check_upload(
        upload,
        name=upload.name or "",
        size=upload.size or 0,
        allowed=ITEM_KINDS,
        max_bytes=settings.ITEM_ATTACHMENT_MAX_BYTES,
    )
    name = (upload.name or "附件").rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        item=item,
        name=name,
        content_type=checked.kind.content_type,
        extension=checked.kind.extension,
        size=checked.size,
        sha256=checked.sha256,
        position=item.attachments.count(),
    )
    with discard_unless_committed() as written, transaction.atomic():
        store_upload(attachment.file, name, upload, written)
        attachment.save()
    return attachment
