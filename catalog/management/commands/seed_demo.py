"""``manage.py seed_demo``: idempotent demo data so the portal looks alive after the quick start.

A fictional 临江市人民政府 with its departments, a district government with its own departments
and two sub-districts (a tree of depth 3), a complete 政府信息公开指南 for each organ, per-organ
组配分类 and 服务对象分类, several hundred published directory items over 2025–2026 (a few
repealed or amended, a few drafts) and staff accounts, printed at the end.

Idempotent (api.md, Commands): everything is keyed on a natural key — organ codes, usernames,
(organ, title) of items, (kind, organ, name) of terms — and the item list comes from a fixed
random seed (``catalog.demo_data``), so a second run finds everything in place and changes
nothing. Items are created through ``catalog.services`` so 索引号 are issued as in production.

Applications and annual reports are seeded by ``requests_app.demo`` and ``reports.demo`` when
those modules exist (see ``seed_applications`` / ``seed_reports``).
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from catalog import demo_data, organs, services
from catalog.demo_data import DEMO_PASSWORD, ORGANS, ItemPlan
from catalog.models import Guide, Item, Organ, StaffProfile, StaffRole, Term, Topic


class Command(BaseCommand):
    help = "载入演示数据（可重复执行）：临江市各机关、指南、目录信息和工作人员账号。"

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            by_key = seed_organs()
            seed_terms(by_key)
            seed_guides(by_key)
            accounts = seed_accounts(by_key)
            created, skipped_future = seed_items(by_key)
        # The organ tree is cached for the public pages; the new organs must show at once.
        organs.invalidate()
        # Hooks for the other apps: they run after the catalog is committed.
        seed_applications(self.stdout)
        seed_reports(self.stdout)
        self.print_summary(created, skipped_future)
        self.print_accounts(accounts)

    def print_summary(self, created: int, skipped_future: int) -> None:
        published = Item.objects.published().count()
        drafts = Item.objects.filter(status=Item.Status.DRAFT).count()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        self.stdout.write(
            f"  行政机关 {Organ.objects.count()} 个；"
            f"目录信息 已发布 {published} 条、草稿 {drafts} 条（本次新建 {created} 条）。"
        )
        if skipped_future:
            self.stdout.write(f"  另有 {skipped_future} 条发布日期在今天之后，以后再运行时发布。")

    def print_accounts(self, accounts: list[tuple[str, str, str, str]]) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING("演示账号（工作台：/staff/，系统管理：/admin/）")
        )
        header = ("用户名", "密码", "所属机关", "角色")
        rows = [header, *accounts]
        widths = [max(display_width(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [pad(row[i], widths[i]) for i in range(3)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))


# --- Organs, vocabularies and guides ---------------------------------------------------------


def seed_organs() -> dict[str, Organ]:
    """Create the organs that do not exist yet (keyed on the 统一社会信用代码)."""
    by_key: dict[str, Organ] = {}
    existing = {organ.code: organ for organ in Organ.objects.all()}
    for position, spec in enumerate(ORGANS, start=1):
        organ = existing.get(spec.credit_code)
        if organ is None:
            organ = services.organ_create(
                actor=None,
                code=spec.credit_code,
                name=spec.name,
                short_name=spec.short_name,
                parent=by_key[spec.parent] if spec.parent else None,
            )
            Organ.objects.filter(pk=organ.pk).update(
                position=position, answer_number_pattern=spec.answer_number_pattern
            )
        by_key[spec.key] = organ
    organs.invalidate()
    return by_key


def seed_terms(by_key: dict[str, Organ]) -> None:
    """Per-organ 组配分类 and 服务对象分类 (目录系统实施指引); 体裁 are global (migration 0002)."""
    for organ in by_key.values():
        for kind, names in (
            (Term.Kind.GROUPING, demo_data.GROUPINGS),
            (Term.Kind.AUDIENCE, demo_data.AUDIENCES),
        ):
            for position, name in enumerate(names, start=1):
                Term.objects.get_or_create(
                    kind=kind, organ=organ, name=name, defaults={"position": position}
                )


def seed_guides(by_key: dict[str, Organ]) -> None:
    """Fill every guide; an unchanged guide is left alone so no revision is added."""
    for spec in ORGANS:
        organ = by_key[spec.key]
        content = demo_data.guide_content(spec, organ.effective_index_prefix)
        guide = Guide.objects.filter(organ=organ).first()
        if guide is None or guide.snapshot() != content:
            services.guide_update(actor=None, organ=organ, data=content)


def seed_accounts(by_key: dict[str, Organ]) -> list[tuple[str, str, str, str]]:
    """A superuser ``admin`` and every role for a few organs (``city_publisher``…).

    The demo password is hashed once and the hash shared: hashing it per account (PBKDF2)
    would take most of the command's run time. Accounts that exist are left as they are.
    """
    user_model = get_user_model()
    existing = set(user_model.objects.values_list("username", flat=True))
    unchanged = "（已存在，未修改）"
    rows: list[tuple[str, str, str, str]] = []
    wanted = {f"{key}_{role}" for key in demo_data.STAFF_ORGANS for role in demo_data.STAFF_ROLES}
    hashed = "" if wanted | {"admin"} <= existing else make_password(DEMO_PASSWORD)
    if "admin" in existing:
        rows.append(("admin", unchanged, "全部机关", "超级管理员"))
    else:
        user_model.objects.create(
            username="admin", password=hashed, is_superuser=True, is_staff=True
        )
        rows.append(("admin", DEMO_PASSWORD, "全部机关", "超级管理员"))
    for key, names in zip(demo_data.STAFF_ORGANS, demo_data.STAFF_NAMES, strict=True):
        organ = by_key[key]
        for role, name in zip(demo_data.STAFF_ROLES, names, strict=True):
            username = f"{key}_{role}"
            label = str(StaffRole(role).label)
            if username in existing:
                rows.append((username, unchanged, organ.name, label))
                continue
            user = user_model.objects.create(
                username=username,
                password=hashed,
                first_name=name,
                email=f"{username}@{demo_data.DEMO_MAIL_DOMAIN}",
            )
            StaffProfile.objects.create(user=user, organ=organ, roles=[role])
            rows.append((username, DEMO_PASSWORD, organ.name, label))
    return rows


# --- Items ----------------------------------------------------------------------------------


class Vocabulary:
    """Topic and term lookups by name, loaded once."""

    def __init__(self) -> None:
        self.topics = {str(t): t for t in Topic.objects.select_related("parent")}
        self.genres = {t.name: t for t in Term.objects.filter(kind=Term.Kind.GENRE, organ=None)}
        self.per_organ = {
            (t.kind, t.organ_id, t.name): t
            for t in Term.objects.filter(organ__isnull=False, kind__in=["grouping", "audience"])
        }

    def genre(self, name: str) -> Term:
        if name not in self.genres:
            self.genres[name], _ = Term.objects.get_or_create(
                kind=Term.Kind.GENRE, organ=None, name=name
            )
        return self.genres[name]

    def term(self, kind: str, organ: Organ, name: str) -> Term | None:
        return self.per_organ.get((kind, organ.pk, name))


def item_data(plan: ItemPlan, organ: Organ, vocabulary: Vocabulary) -> dict[str, Any]:
    return {
        **demo_data.as_dict(plan),
        "topic": vocabulary.topics.get(plan.topic),
        "genre": vocabulary.genre(plan.genre),
        "grouping": vocabulary.term(Term.Kind.GROUPING, organ, plan.grouping),
        "audience": vocabulary.term(Term.Kind.AUDIENCE, organ, plan.audience),
    }


def demo_user(key: str, role: str) -> Any:
    return get_user_model().objects.filter(username=f"{key}_{role}").first()


def reviewer_for(plan: ItemPlan) -> Any:
    """The demo 审核员 of the item's organ, else of the nearest organ above it that has one
    (条例第十七条: every organ's items are reviewed; the city's reviewer covers the tree)."""
    key: str | None = plan.organ
    while key is not None:
        if key in demo_data.STAFF_ORGANS:
            return demo_user(key, "reviewer")
        key = demo_data.ORGANS_BY_KEY[key].parent
    return None


def seed_items(by_key: dict[str, Organ]) -> tuple[int, int]:
    """Create the planned items not yet present, in date order so 索引号 follow the dates.

    Published items go the way they would today: submitted, then approved by a reviewer on
    their publication day (the organs review before publishing, 条例第十七条)."""
    today = timezone.localdate()
    vocabulary = Vocabulary()
    existing = set(Item.objects.values_list("organ_id", "title"))
    created = skipped_future = 0
    for plan in demo_data.plan_items():
        organ = by_key[plan.organ]
        if (organ.pk, plan.title) in existing:
            continue
        if not (plan.draft or plan.pending) and plan.published_on > today:
            skipped_future += 1
            continue
        create_item(plan, organ, by_key, vocabulary, today)
        existing.add((organ.pk, plan.title))
        created += 1
    return created, skipped_future


def create_item(
    plan: ItemPlan,
    organ: Organ,
    by_key: dict[str, Organ],
    vocabulary: Vocabulary,
    today: dt.date,
) -> Item:
    author = demo_user(plan.organ, "publisher") if plan.pending else None
    item = services.item_create(
        actor=author,
        organ=organ,
        data=item_data(plan, organ, vocabulary),
        publish=not plan.draft,
        published_on=None if plan.draft or plan.pending else plan.published_on,
        co_organs=[by_key[key] for key in plan.co_organs] or None,
    )
    if item.is_pending_review and not plan.pending:
        item = services.item_review(
            actor=reviewer_for(plan),
            item=item,
            decision="approve",
            opinion="同意发布。",
            published_on=plan.published_on,
        )
    if plan.repeal and plan.repeal[1] <= today:
        validity, day = plan.repeal
        services.item_repeal(actor=None, item=item, date=day, validity=validity)
    if plan.attachment:
        upload = SimpleUploadedFile(
            plan.attachment, demo_data.demo_pdf(plan.title), content_type="application/pdf"
        )
        services.attachment_add(actor=None, item=item, upload=upload)
    return item


# --- Hooks for the other apps ------------------------------------------------------------------


def seed_applications(stdout: Any) -> None:
    """HOOK: applications in every state across two years come from ``requests_app.demo``.

    That module provides ``seed(stdout=...)``, idempotent like this command; until it exists
    this does nothing.
    """
    run_demo_module("requests_app.demo", stdout)


def seed_reports(stdout: Any) -> None:
    """HOOK: annual reports come from ``reports.demo.seed(stdout=...)`` when it exists."""
    run_demo_module("reports.demo", stdout)


def run_demo_module(name: str, stdout: Any) -> None:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise  # the module exists but is broken: say so
        return
    seed = getattr(module, "seed", None)
    if callable(seed):
        seed(stdout=stdout)


# --- Console table -------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))
