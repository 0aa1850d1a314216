"""State changes of the catalog: one service per change, called by the staff pages and the API.

Each service validates, writes inside a transaction and raises ``ValidationError`` with
Chinese messages keyed by field, so nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from catalog import pii, word_import
from catalog.attachment_text import extract_text
from catalog.models import (
    Attachment,
    Guide,
    GuideRevision,
    IndexSerial,
    Item,
    ItemReview,
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
    publication_review: bool = True,
) -> Organ:
    organ = Organ(
        code=code,
        name=name,
        short_name=short_name,
        parent=parent,
        index_prefix=index_prefix,
        publication_review=publication_review,
    )
    organ.full_clean()
    with transaction.atomic():
        organ.save()
        Guide.objects.create(organ=organ, office_name=f"{name}办公室")
        # The saves bumped the "organs" and "catalog" stamps in this transaction (catalog.apps).
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
        if publish and organ.publication_review:
            # 条例第十七条: with the organ's review on, "publish" asks a reviewer to publish.
            item.status = Item.Status.PENDING_REVIEW
            item.published_on = None
        elif publish:
            item.status = Item.Status.PUBLISHED
            item.index_no = issue_index_no(organ, item.published_on.year)
        item.search_tokens = item_search_tokens(item)
        item.save()
        if co_organs:
            item.co_organs.set(co_organs)
        if item.is_pending_review:
            _record_review(item, actor, ItemReview.Decision.SUBMIT)
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
    """A publisher's "publish": with the organ's review on (条例第十七条) the draft waits for
    a reviewer (``pending_review``); otherwise it is published at once."""
    today = timezone.localdate()
    with transaction.atomic():
        # Lock the item's row only (not its organ's, which every publisher of it shares).
        locked = (
            Item.objects.select_for_update(of=("self",)).select_related("organ").get(pk=item.pk)
        )
        if locked.status != Item.Status.DRAFT:
            return locked
        if not locked.organ.publication_review:
            return _publish_locked(locked, published_on or today, today)
        locked.published_on = published_on or today
        _validate_dates(locked, today)  # what would be refused at approval is refused now
        locked.published_on = None
        locked.status = Item.Status.PENDING_REVIEW
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "published_on", "updated_at"])
        _record_review(locked, actor, ItemReview.Decision.SUBMIT)
    return locked


def _publish_locked(locked: Item, published_on: dt.date, today: dt.date) -> Item:
    """Publish a row locked by the caller; its 索引号 is issued now and never changes."""
    locked.published_on = published_on
    _validate_dates(locked, today)
    locked.status = Item.Status.PUBLISHED
    if not locked.index_no:
        locked.index_no = issue_index_no(locked.organ, published_on.year)
    locked.updated_at = timezone.now()
    locked.search_tokens = item_search_tokens(locked)
    locked.save()
    return locked


# --- Review before publication (条例第十七条 审查机制) -----------------------------------------


class StateConflict(Exception):
    """The item's state does not allow the step (the API answers 409)."""


def item_findings(item: Item) -> list[dict[str, str]]:
    """Personal data in the title, the body and every attachment (api.md, Catalog):
    ``[{"kind", "where", "excerpt"}]`` with the numbers masked in the excerpts."""
    body_text, _found = pii.scan_html(item.body)
    findings = pii.report(item.title, "title") + pii.report(body_text, "body")
    for attachment in item.attachments.all():
        findings.extend(attachment.pii_findings or [])
    return findings


def _record_review(
    item: Item,
    actor: Any,
    decision: str,
    *,
    opinion: str = "",
    findings: list[dict[str, str]] | None = None,
    acknowledged: bool = False,
    reason: str = "",
) -> ItemReview:
    return ItemReview.objects.create(
        item=item,
        decision=decision,
        actor=actor if getattr(actor, "pk", None) else None,
        opinion=opinion,
        findings=findings or [],
        findings_acknowledged=acknowledged,
        acknowledge_reason=reason,
    )


def item_review(
    *,
    actor: Any,
    item: Item,
    decision: str,
    opinion: str = "",
    acknowledge_findings: bool = False,
    acknowledge_reason: str = "",
    published_on: dt.date | None = None,
) -> Item:
    """A reviewer approves (the item is published, 索引号 issued now) or returns it to the
    author as a draft with the opinion. Who may review is ``permissions.can_review``.

    Approval is refused while personal data is found, unless the reviewer acknowledges the
    findings with a reason; the findings and the reason are kept in the review record.
    """
    if decision not in (ItemReview.Decision.APPROVE, ItemReview.Decision.RETURN):
        raise ValidationError({"decision": [_("审核结论只能是“通过”或“退回”。")]})
    opinion = (opinion or "").strip()
    reason = (acknowledge_reason or "").strip()
    today = timezone.localdate()
    with transaction.atomic():
        # ``of``: PostgreSQL cannot lock the nullable side of the author's outer join.
        locked = (
            Item.objects.select_for_update(of=("self",))
            .select_related("organ", "created_by")
            .get(pk=item.pk)
        )
        if locked.status != Item.Status.PENDING_REVIEW:
            raise StateConflict(_("该信息不在待审核状态。"))
        now = timezone.now()
        if decision == ItemReview.Decision.RETURN:
            if not opinion:
                raise ValidationError({"opinion": [_("退回修改时请填写审核意见。")]})
            locked.status = Item.Status.DRAFT
            locked.reviewed_by = actor if getattr(actor, "pk", None) else None
            locked.reviewed_at = now
            locked.review_opinion = opinion
            locked.updated_at = now
            locked.save(
                update_fields=[
                    "status",
                    "reviewed_by",
                    "reviewed_at",
                    "review_opinion",
                    "updated_at",
                ]
            )
            _record_review(locked, actor, decision, opinion=opinion)
            _mail_returned(locked, actor, opinion)
            return locked
        findings = item_findings(locked)
        if findings and not acknowledge_findings:
            raise ValidationError(
                {
                    "acknowledge_findings": [
                        _("检出%(n)d处疑似个人信息，请先遮盖或删除；确需公开的，请确认并说明理由。")
                        % {"n": len(findings)}
                    ]
                }
            )
        # api.md names only ``acknowledge_findings``: a client that gives its reason as the
        # opinion has given one.
        reason = reason or opinion
        if findings and not reason:
            raise ValidationError({"acknowledge_reason": [_("请说明公开这些个人信息的理由。")]})
        locked.reviewed_by = actor if getattr(actor, "pk", None) else None
        locked.reviewed_at = now
        locked.review_opinion = opinion
        _publish_locked(locked, published_on or today, today)
        _record_review(
            locked,
            actor,
            decision,
            opinion=opinion,
            findings=findings,
            acknowledged=bool(findings),
            reason=reason if findings else "",
        )
    return locked


def _mail_returned(item: Item, actor: Any, opinion: str) -> None:
    from disclosure_portal.mail import queue_mail

    author = item.created_by
    if author is None or not author.email:
        return
    reviewer = (actor.get_full_name() or actor.get_username()) if actor is not None else ""
    # A full link when the public address is configured (PORTAL_BASE_URL), as in the mails
    # to applicants; the path alone otherwise.
    base_url = str(settings.PORTAL.get("BASE_URL") or "").rstrip("/")
    edit_url = base_url + reverse("staff:item_edit", args=[item.pk])
    queue_mail(
        to=[author.email],
        subject=_("【退回修改】%(title)s") % {"title": item.title},
        body=_(
            "您提交发布的“%(title)s”已被审核员%(reviewer)s退回修改。\n\n审核意见：\n"
            "%(opinion)s\n\n请登录工作台修改后重新提交：%(url)s"
        )
        % {"title": item.title, "reviewer": reviewer, "opinion": opinion, "url": edit_url},
        kind="review_returned",
    )


def item_mask_findings(*, actor: Any, item: Item) -> int:
    """Replace the middle digits of every number found in the title and body in place
    (``3301**********1234``); attachments cannot be edited and must be replaced instead.
    Returns how many numbers were masked."""
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.is_published:
            raise StateConflict(_("已发布的信息不能在此遮盖，请先按规定撤回或修改。"))
        title_findings = pii.scan(locked.title)
        title = pii.mask_text(locked.title, title_findings)
        body, in_body = pii.mask_html(locked.body)
        count = len(title_findings) + in_body
        if count:
            locked.title = title
            locked.body = body
            locked.updated_at = timezone.now()
            locked.search_tokens = item_search_tokens(locked)
            locked.save(update_fields=["title", "body", "updated_at", "search_tokens"])
    return count


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


def claim_serial(model: type[models.Model], organ_id: int, year: int) -> int:
    """The next serial per organ and year in ``model`` (a table of ``organ``, ``year``,
    ``last`` with a unique (organ, year)): 索引号 here, answer letters' 文号 in requests_app.

    One atomic upsert claims the serial, so concurrent callers never share one: the row
    lock of ``ON CONFLICT DO UPDATE`` serialises them on PostgreSQL, the write lock on SQLite.
    Inside a transaction that rolls back, the claim rolls back too: no gap is left.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organ_id, year, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (organ_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [organ_id, year],
        )
        return int(cursor.fetchone()[0])


def issue_index_no(organ: Organ, year: int) -> str:
    """Issue the next 索引号 ``{prefix}/{YYYY}-{NNNNN}`` (目录系统实施指引)."""
    serial = claim_serial(IndexSerial, organ.pk, year)
    return f"{organ.effective_index_prefix}/{year}-{serial:05d}"


IMAGE_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}
# Word 97–2003 (.doc), WPS (.wps) and other OLE compound files begin with these bytes.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def item_import_word(
    *, actor: Any, organ: Organ, upload: UploadedFile
) -> tuple[Item, word_import.WordDocument]:
    """A draft from a Word document: the body through mammoth and the allow-list, its
    pictures as the item's attachments, title, 文号 and 成文日期 as proposed by the document's
    header and signature block (the publisher corrects them before submitting)."""
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    name = (upload.name or "").rsplit("/", 1)[-1]
    upload.seek(0)
    if upload.read(len(OLE_SIGNATURE)) == OLE_SIGNATURE:
        raise ValidationError(
            {
                "file": [
                    _(
                        "“%(name)s”是旧版 Word（.doc）或 WPS 文件，请在 Word 或 WPS 中"
                        "“另存为” .docx 格式后再上传。"
                    )
                    % {"name": name}
                ]
            }
        )
    upload.seek(0)
    try:
        check_upload(
            upload,
            name=name,
            size=upload.size or 0,
            allowed=frozenset({"docx"}),
            max_bytes=settings.ITEM_ATTACHMENT_MAX_BYTES,
        )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    try:
        document = word_import.convert(upload)
    except Exception as error:  # a damaged package is the uploader's problem, not a 500
        raise ValidationError(
            {"file": [_("未能读取该 Word 文件，请用 Word 或 WPS 另存为 .docx 后重试。")]}
        ) from error
    today = timezone.localdate()
    stem = name.rsplit(".", 1)[0].strip()
    formed_on = document.formed_on if document.formed_on and document.formed_on <= today else None
    data = {
        "title": (document.title or stem or _("未命名文件"))[:300],
        "doc_number": document.doc_number[:100],
        "doc_type": Item.DocType.OTHER,
        "formed_on": formed_on or today,
        "body": document.body,
    }
    with transaction.atomic():
        item = item_create(actor=actor, organ=organ, data=data)
        body = item.body
        for number, image in enumerate(document.images, start=1):
            source = f'src="{image.placeholder}"'
            extension = IMAGE_EXTENSIONS.get(image.content_type)
            attachment = None
            if extension:
                picture = SimpleUploadedFile(
                    f"图{number}{extension}", image.data, content_type=image.content_type
                )
                try:
                    attachment = attachment_add(actor=actor, item=item, upload=picture)
                except ValidationError:
                    attachment = None
            if attachment is not None:
                body = body.replace(source, f'src="{attachment.get_absolute_url()}"')
            else:
                # A picture the web cannot show (EMF/WMF drawings) is left out, not broken.
                body = re.sub(rf"<img[^>]*{re.escape(source)}[^>]*>", "", body)
        if body != item.body:
            item = item_update(actor=actor, item=item, data={"body": body})
    document.formed_on = formed_on
    return item, document


def attachment_add(*, actor: Any, item: Item, upload: UploadedFile) -> Attachment:
    from django.conf import settings

    checked = check_upload(
        upload,
        name=upload.name or "",
        size=upload.size or 0,
        allowed=ITEM_KINDS,
        max_bytes=settings.ITEM_ATTACHMENT_MAX_BYTES,
    )
    # Personal data in the file's text is found once, now (catalog.pii).
    text = extract_text(upload, checked.kind.code)
    attachment = Attachment(
        item=item,
        name=checked.name,
        content_type=checked.kind.content_type,
        extension=checked.kind.extension,
        size=checked.size,
        sha256=checked.sha256,
        position=item.attachments.count(),
        pii_findings=pii.report(text, f"attachment:{checked.name}"),
    )
    # Stored under attachment_path (a random name); a failed commit leaves no file behind.
    with discard_unless_committed() as written, transaction.atomic():
        store_upload(attachment.file, checked.name, upload, written)
        attachment.save()
    return attachment
