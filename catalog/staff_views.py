"""The catalog part of the staff workspace (/staff/): dashboard, directory items and guides.

Views only parse input, check permissions (``catalog.permissions``) and call
``catalog.services``; a service's ``ValidationError`` is shown next to the field and in the
error summary at the top of the form. Anything of an organ the user may not act on is a 404
(api.md: never leak existence); a logged-in user who is not staff at all gets a 403.

Other apps add their workspaces to the dashboard and the staff navigation with
``register_section`` (requests_app: 依申请公开, reports: 年度报告).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from catalog import services
from catalog.forms import (
    GuideForm,
    ItemFilterForm,
    ItemForm,
    RepealForm,
    ReviewForm,
    WordImportForm,
    add_service_errors,
)
from catalog.models import Guide, GuideRevision, Item, ItemReview, Organ, StaffRole
from catalog.organs import organ_tree
from catalog.permissions import (
    can_act,
    can_review,
    has_reviewer,
    is_staff_member,
    organ_ids_for,
    organs_for,
    profile_of,
    review_queue,
)
from catalog.uploads import discard_unless_committed

ITEMS_PER_PAGE = 25
REVISIONS_SHOWN = 30

# --- Sections of the workspace ---------------------------------------------------------------


@dataclass(frozen=True)
class StaffSection:
    """One workspace on the dashboard and in the staff navigation.

    ``url`` is a URL name (``"staff:item_list"``), a path (``"/staff/reports/"``) or a callable
    taking the user. The section shows to superusers and to staff holding any of ``roles``.
    ``count``, when given, says how much waits there for the user (shown in the sidebar;
    one query per section at most, never stored).
    """

    key: str
    title: Any
    url: str | Callable[[Any], str]
    roles: frozenset[str]
    description: Any = ""
    position: int = 100
    extra: dict[str, Any] = field(default_factory=dict)
    count: Callable[[Any], int] | None = None

    def href(self, user: Any) -> str:
        if callable(self.url):
            return self.url(user)
        return self.url if self.url.startswith("/") else reverse(self.url)

    def visible_to(self, user: Any) -> bool:
        if getattr(user, "is_superuser", False):
            return True
        profile = profile_of(user)
        return profile is not None and bool(self.roles.intersection(profile.roles))


def _own_guide_url(user: Any) -> str:
    profile = profile_of(user)
    if profile is not None:
        return reverse("staff:guide_edit", args=[profile.organ.code])
    root = Organ.objects.filter(parent__isnull=True).order_by("position", "id").first()
    return reverse("staff:guide_edit", args=[root.code]) if root else reverse("staff:dashboard")


STAFF_SECTIONS: list[StaffSection] = [
    StaffSection(
        key="items",
        title=gettext_lazy("目录管理"),
        url="staff:item_list",
        roles=frozenset({StaffRole.PUBLISHER}),
        description=gettext_lazy("起草、发布、修改和废止政府信息公开目录中的信息。"),
        position=10,
    ),
    StaffSection(
        key="reviews",
        title=gettext_lazy("发布审核"),
        url="staff:review_queue",
        roles=frozenset({StaffRole.REVIEWER}),
        description=gettext_lazy(
            "发布前审查待发布的信息，核对个人信息后通过或退回（条例第十七条）。"
        ),
        position=15,
        count=lambda user: review_queue(user).count(),
    ),
    StaffSection(
        key="guide",
        title=gettext_lazy("政府信息公开指南"),
        url=_own_guide_url,
        roles=frozenset({StaffRole.PUBLISHER}),
        description=gettext_lazy("维护本机关的政府信息公开指南（条例第十二条）。"),
        position=20,
    ),
    # Placeholders until requests_app and reports register their own pages under the same keys.
    StaffSection(
        key="applications",
        title=gettext_lazy("依申请公开"),
        url="/staff/applications/",
        roles=frozenset({StaffRole.HANDLER, StaffRole.APPROVER}),
        description=gettext_lazy("登记、办理和答复政府信息公开申请。"),
        position=30,
    ),
    StaffSection(
        key="reports",
        title=gettext_lazy("年度报告"),
        url="/staff/reports/",
        roles=frozenset({StaffRole.REPORTER}),
        description=gettext_lazy("编制和发布政府信息公开工作年度报告。"),
        position=40,
    ),
]


def register_section(section: StaffSection) -> None:
    """Add a workspace, or replace the one with the same ``key`` (call from ``AppConfig.ready``)."""
    for index, existing in enumerate(STAFF_SECTIONS):
        if existing.key == section.key:
            STAFF_SECTIONS[index] = section
            return
    STAFF_SECTIONS.append(section)


def sections_for(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "key": s.key,
            "title": s.title,
            "href": s.href(user),
            "description": s.description,
            "count": s.count(user) if s.count is not None else None,
        }
        for s in sorted(STAFF_SECTIONS, key=lambda s: (s.position, s.key))
        if s.visible_to(user)
    ]


def staff_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """What ``staff/base.html`` needs (navigation, profile); other apps' staff views use it too."""
    return {
        "staff_profile": profile_of(request.user),
        "staff_sections": sections_for(request.user),
        **extra,
    }


# --- Access -----------------------------------------------------------------------------------


def staff_required(role: str | None = None) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Login required; a logged-in non-staff user (or staff without ``role``) gets 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_staff_member(request.user):
                raise PermissionDenied(_("您不是本平台的工作人员。"))
            if role is not None and organ_ids_for(request.user, role) == set():
                raise PermissionDenied(_("您没有该项工作的权限。"))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _publisher_item(request: HttpRequest, pk: int) -> Item:
    """An item of an organ the user publishes for; any other item is a 404 (never leak)."""
    item = get_object_or_404(Item.objects.select_related("organ"), pk=pk)
    if not can_act(request.user, item.organ_id, StaffRole.PUBLISHER):
        raise Http404
    return item


# --- Dashboard --------------------------------------------------------------------------------


@staff_required()
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = profile_of(user)
    publisher_ids = organ_ids_for(user, StaffRole.PUBLISHER)
    drafts = None
    guide_organs: list[Any] = []
    if publisher_ids != set():
        items = Item.objects.filter(status=Item.Status.DRAFT)
        if publisher_ids is not None:
            items = items.filter(organ_id__in=publisher_ids)
        drafts = items.count()
        # In tree order (a government, then its departments), at most 50 links.
        guide_organs = [
            node
            for node in organ_tree().flat()
            if publisher_ids is None or node.id in publisher_ids
        ][:50]
    review_count = None
    if organ_ids_for(user, StaffRole.REVIEWER) != set():
        review_count = review_queue(user).count()
    context = staff_context(
        request,
        profile=profile,
        draft_count=drafts,
        review_count=review_count,
        guide_organs=guide_organs,
    )
    return render(request, "staff/dashboard.html", context)


# --- Items ------------------------------------------------------------------------------------


@staff_required(StaffRole.PUBLISHER)
def item_list(request: HttpRequest) -> HttpResponse:
    ids = organ_ids_for(request.user, StaffRole.PUBLISHER)
    filters = ItemFilterForm(request.GET or None, organ_ids=ids)
    items = Item.objects.select_related("organ").defer("body", "search_tokens", "summary")
    if ids is not None:
        items = items.filter(organ_id__in=ids)
    if filters.is_valid():
        items = filters.apply(items)
    items = items.order_by("-updated_at", "-id")
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = staff_context(request, filters=filters, page=page)
    return render(request, "staff/item_list.html", context)


def _save_uploads(request: HttpRequest, item: Item, uploads: list[Any]) -> None:
    for upload in uploads:
        services.attachment_add(actor=request.user, item=item, upload=upload)


@staff_required(StaffRole.PUBLISHER)
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest) -> HttpResponse:
    organs = organs_for(request.user, StaffRole.PUBLISHER)
    if request.method == "POST":
        form = ItemForm(request.POST, request.FILES, organs=organs)
        if form.is_valid():
            publish = request.POST.get("action") == "publish"
            try:
                # The uploads were checked by content in the form, so item and attachments
                # are saved together or not at all (files included, should storage fail).
                with discard_unless_committed(), transaction.atomic():
                    item = services.item_create(
                        actor=request.user,
                        organ=form.cleaned_data["organ"],
                        data=form.item_data(),
                        publish=publish,
                    )
                    _save_uploads(request, item, form.cleaned_data["attachments"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if publish:
                    _published_message(request, item)
                else:
                    messages.success(request, _("已保存草稿“%(title)s”。") % _labels(item))
                return redirect("staff:item_edit", pk=item.pk)
    else:
        initial = {}
        own = profile_of(request.user)
        if own is not None:
            initial["organ"] = own.organ_id
        form = ItemForm(organs=organs, initial=initial)
    context = staff_context(request, form=form, item=None)
    return render(request, "staff/item_form.html", context)


@staff_required(StaffRole.PUBLISHER)
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _publisher_item(request, pk)
    organs = organs_for(request.user, StaffRole.PUBLISHER)
    if request.method == "POST":
        form = ItemForm(request.POST, request.FILES, organs=organs, item=item)
        if form.is_valid():
            publish = request.POST.get("action") == "publish" and item.status == Item.Status.DRAFT
            try:
                with discard_unless_committed(), transaction.atomic():
                    item = services.item_update(
                        actor=request.user, item=item, data=form.item_data()
                    )
                    _save_uploads(request, item, form.cleaned_data["attachments"])
                    if publish:
                        item = services.item_publish(actor=request.user, item=item)
            except ValidationError as error:
                add_service_errors(form, error)
                item.refresh_from_db()
            else:
                if publish:
                    _published_message(request, item)
                else:
                    messages.success(request, _("已保存“%(title)s”。") % _labels(item))
                return redirect("staff:item_edit", pk=item.pk)
    else:
        form = ItemForm(organs=organs, item=item)
    attachments = list(item.attachments.all())
    context = staff_context(
        request,
        form=form,
        item=item,
        attachments=attachments,
        findings=services.item_findings(item) if not item.is_published else [],
        last_return=_last_return(item),
        may_review=can_review(request.user, item),
        no_reviewer=item.is_pending_review and not has_reviewer(item),
    )
    return render(request, "staff/item_form.html", context)


def _published_message(request: HttpRequest, item: Item) -> None:
    if item.is_pending_review:
        messages.success(request, _("已提交“%(title)s”，待审核员审核通过后发布。") % _labels(item))
    else:
        messages.success(request, _("已发布“%(title)s”，索引号：%(no)s。") % _labels(item))


def _last_return(item: Item) -> ItemReview | None:
    """The reviewer's opinion the author must act on: shown while the item is a draft."""
    if item.status != Item.Status.DRAFT or not item.reviewed_at:
        return None
    return item.reviews.filter(decision=ItemReview.Decision.RETURN).select_related("actor").first()


@staff_required(StaffRole.PUBLISHER)
@require_POST
def item_publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = _publisher_item(request, pk)
    if item.is_published:
        messages.info(request, _("“%(title)s”已经发布，索引号：%(no)s。") % _labels(item))
        return redirect("staff:item_edit", pk=item.pk)
    if item.is_pending_review:
        messages.info(request, _("“%(title)s”已提交，正在等待审核。") % _labels(item))
        return redirect("staff:item_edit", pk=item.pk)
    try:
        item = services.item_publish(actor=request.user, item=item)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        _published_message(request, item)
    return redirect("staff:item_edit", pk=item.pk)


@staff_required(StaffRole.PUBLISHER)
@require_http_methods(["GET", "POST"])
def item_repeal(request: HttpRequest, pk: int) -> HttpResponse:
    item = _publisher_item(request, pk)
    if not item.is_published:
        messages.error(request, _("草稿尚未发布，不能标记为废止或修改。"))
        return redirect("staff:item_edit", pk=item.pk)
    if request.method == "POST":
        form = RepealForm(request.POST)
        if form.is_valid():
            try:
                item = services.item_repeal(
                    actor=request.user,
                    item=item,
                    date=form.cleaned_data["date"],
                    validity=form.cleaned_data["validity"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("已将“%(title)s”的有效性改为“%(validity)s”。")
                    % {"title": item.title, "validity": item.get_validity_display()},
                )
                return redirect("staff:item_edit", pk=item.pk)
    else:
        form = RepealForm()
    context = staff_context(request, form=form, item=item)
    return render(request, "staff/item_repeal.html", context)


def _labels(item: Item) -> dict[str, str]:
    return {"title": item.title, "no": item.index_no or ""}


# --- Word in ----------------------------------------------------------------------------------


@staff_required(StaffRole.PUBLISHER)
@require_http_methods(["GET", "POST"])
def item_import_word(request: HttpRequest) -> HttpResponse:
    """从 Word 导入: the document becomes a draft, opened in the editor for corrections."""
    organs = organs_for(request.user, StaffRole.PUBLISHER)
    if request.method == "POST":
        form = WordImportForm(request.POST, request.FILES, organs=organs)
        if form.is_valid():
            try:
                item, document = services.item_import_word(
                    actor=request.user,
                    organ=form.cleaned_data["organ"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("已从 Word 导入“%(title)s”，请核对标题、文号、成文日期和正文后提交。")
                    % _labels(item),
                )
                if document.formed_on is None:
                    messages.warning(
                        request, _("未在落款处找到成文日期，暂填为今天，请改为文件的成文日期。")
                    )
                return redirect("staff:item_edit", pk=item.pk)
    else:
        own = profile_of(request.user)
        form = WordImportForm(organs=organs, initial={"organ": own.organ_id} if own else None)
    return render(request, "staff/item_import.html", staff_context(request, form=form))


# --- Review before publication (条例第十七条) ----------------------------------------------------


def _reviewable_item(request: HttpRequest, pk: int) -> Item:
    """An item the user may review; anything else of an organ they cannot see is a 404."""
    item = get_object_or_404(Item.objects.select_related("organ", "created_by"), pk=pk)
    if not can_act(request.user, item.organ_id, StaffRole.REVIEWER):
        raise Http404
    if not can_review(request.user, item):
        raise PermissionDenied(_("起草人不能审核自己起草的信息。"))
    return item


@staff_required(StaffRole.REVIEWER)
def review_queue_view(request: HttpRequest) -> HttpResponse:
    items = (
        review_queue(request.user)
        .select_related("organ", "created_by")
        .prefetch_related("attachments")
        .defer("search_tokens")
        .order_by("updated_at", "id")
    )
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"item": item, "findings": services.item_findings(item)} for item in page]
    context = staff_context(request, page=page, rows=rows)
    return render(request, "staff/review_queue.html", context)


@staff_required(StaffRole.REVIEWER)
@require_http_methods(["GET", "POST"])
def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = _reviewable_item(request, pk)
    if not item.is_pending_review:
        messages.info(request, _("“%(title)s”不在待审核状态。") % _labels(item))
        return redirect("staff:review_queue")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_review(actor=request.user, item=item, **form.cleaned_data)
        except services.StateConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("staff:review_queue")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if item.is_published:
                messages.success(
                    request, _("已审核通过并发布“%(title)s”，索引号：%(no)s。") % _labels(item)
                )
            elif item.created_by is not None and item.created_by.email:
                messages.success(
                    request,
                    _("已将“%(title)s”退回起草人修改，并已通过邮件告知起草人。") % _labels(item),
                )
            else:
                messages.success(request, _("已将“%(title)s”退回起草人修改。") % _labels(item))
                messages.warning(request, _("起草人未登记电子邮箱，没有发送邮件，请另行告知。"))
            return redirect("staff:review_queue")
    context = staff_context(
        request,
        item=item,
        form=form,
        findings=services.item_findings(item),
        attachments=list(item.attachments.all()),
        history=list(item.reviews.select_related("actor")[:20]),
    )
    return render(request, "staff/item_review.html", context)


@staff_required()
@require_POST
def item_mask(request: HttpRequest, pk: int) -> HttpResponse:
    """遮盖: replace the middle digits of the numbers found in the title and body."""
    item = get_object_or_404(Item.objects.select_related("organ"), pk=pk)
    publisher = can_act(request.user, item.organ_id, StaffRole.PUBLISHER)
    if not (publisher or can_review(request.user, item)):
        raise Http404
    try:
        count = services.item_mask_findings(actor=request.user, item=item)
    except services.StateConflict as conflict:
        messages.error(request, str(conflict))
    else:
        if count:
            messages.success(request, _("已遮盖正文和标题中的 %(n)d 处号码。") % {"n": count})
        else:
            messages.info(request, _("正文和标题中没有需要遮盖的号码。"))
    back = (request.POST.get("next") == "review" or not publisher) and item.is_pending_review
    return redirect("staff:item_review" if back else "staff:item_edit", pk=item.pk)


# --- Guide (条例第十二条) -----------------------------------------------------------------------


@staff_required(StaffRole.PUBLISHER)
@require_http_methods(["GET", "POST"])
def guide_edit(request: HttpRequest, code: str) -> HttpResponse:
    organ = get_object_or_404(Organ, code=code)
    # The publisher of the organ or of an ancestor (its subtree), or a superuser.
    if not can_act(request.user, organ, StaffRole.PUBLISHER):
        raise Http404
    guide = Guide.objects.filter(organ=organ).first() or Guide(organ=organ)
    if request.method == "POST":
        form = GuideForm(request.POST, instance=Guide(organ=organ))
        if form.is_valid():
            try:
                services.guide_update(actor=request.user, organ=organ, data=form.guide_data())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("已更新%(organ)s的政府信息公开指南。") % {"organ": organ}
                )
                return redirect("staff:guide_edit", code=organ.code)
    else:
        form = GuideForm(instance=guide)
    context = staff_context(
        request,
        organ=organ,
        guide=guide if guide.pk else None,
        form=form,
        revisions=_revision_history(guide) if guide.pk else [],
    )
    return render(request, "staff/guide_edit.html", context)


def _revision_history(guide: Guide) -> list[dict[str, Any]]:
    """The latest revisions, newest first, each with the labels of the fields it changed."""
    revisions = list(
        GuideRevision.objects.filter(guide=guide).select_related("author")[: REVISIONS_SHOWN + 1]
    )
    labels = {name: Guide._meta.get_field(name).verbose_name for name in Guide.FIELDS}
    history = []
    for index, revision in enumerate(revisions[:REVISIONS_SHOWN]):
        previous = revisions[index + 1].content if index + 1 < len(revisions) else None
        if previous is None:
            changed = [_("首次记录")]
        else:
            changed = [
                labels[name]
                for name in Guide.FIELDS
                if (revision.content or {}).get(name) != previous.get(name)
            ] or [_("内容未变化")]
        history.append({"revision": revision, "changed": changed})
    return history
