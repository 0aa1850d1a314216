"""``manage.py seed_demo``: a living demo portal, and running it twice changes nothing.

Seeding takes a few seconds, so the class seeds once (``setUpTestData``: twice, to check
idempotence) and its tests share the result inside the class's transaction.
"""

from __future__ import annotations

import importlib
import io
import sys
import tempfile
import types
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F
from django.test import TestCase, override_settings

from catalog.management.commands.seed_demo import seed_applications, seed_reports
from catalog.models import (
    Attachment,
    Guide,
    GuideRevision,
    IndexSerial,
    Item,
    Organ,
    StaffProfile,
    Term,
)
from catalog.organs import organ_tree
from catalog.services import item_findings
from catalog.validators import credit_code_problem

MODELS = (Organ, Guide, GuideRevision, Term, Item, Attachment, IndexSerial, StaffProfile)


def counts() -> dict[str, int]:
    users = get_user_model().objects.count()
    return {"users": users, **{model.__name__: model.objects.count() for model in MODELS}}


class TestSeedDemo(TestCase):
    first: dict[str, int]
    second: dict[str, int]
    first_out: str
    second_out: str

    @classmethod
    def setUpTestData(cls) -> None:
        # The demo attachments must not land in the project's media folder.
        cls.media = tempfile.TemporaryDirectory()
        with override_settings(MEDIA_ROOT=cls.media.name):
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            cls.first, cls.first_out = counts(), out.getvalue()
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            cls.second, cls.second_out = counts(), out.getvalue()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.media.cleanup()

    def test_second_run_changes_nothing(self) -> None:
        assert self.first == self.second
        assert "本次新建 0 条" in self.second_out

    def test_city_has_six_or_more_departments_and_a_tree_three_levels_deep(self) -> None:
        city = Organ.objects.get(parent=None)
        assert city.name == "临江市人民政府"
        assert city.children.count() >= 6
        # government → district government → district department: three levels
        assert max(node.depth for node in organ_tree().flat()) >= 2

    def test_every_organ_has_a_valid_credit_code_and_a_complete_guide(self) -> None:
        for organ in Organ.objects.select_related("guide"):
            assert credit_code_problem(organ.code) is None, organ.name
            empty = [field for field in Guide.FIELDS if not getattr(organ.guide, field)]
            assert empty == [], f"{organ.name}: {empty}"
            assert "国办函〔2020〕109号" in organ.guide.fees
            assert "应当先向" in organ.guide.remedies and "行政复议" in organ.guide.remedies
            assert organ.guide.office_hours.startswith("周一至周五上午9:00-12:00")

    def test_four_hundred_published_items_with_unique_index_numbers(self) -> None:
        published = Item.objects.published()
        assert published.count() >= 400
        years = Counter(published.values_list("published_on__year", flat=True))
        assert years[2025] >= 100 and years[2026] >= 100
        index_numbers = list(published.values_list("index_no", flat=True))
        assert len(set(index_numbers)) == len(index_numbers)
        assert Item.objects.filter(status=Item.Status.DRAFT).exists()
        assert not Organ.objects.annotate(n=Count("items")).filter(n=0).exists()
        # Created in date order: each organ's serials start at 00001 and follow the dates.
        for organ in Organ.objects.all():
            rows = list(
                published.filter(organ=organ, published_on__year=2025)
                .order_by("index_no")
                .values_list("index_no", "published_on")
            )
            assert rows[0][0] == f"{organ.effective_index_prefix}/2025-00001"
            assert [day for _, day in rows] == sorted(day for _, day in rows)

    def test_items_carry_the_catalog_metadata(self) -> None:
        published = Item.objects.published()
        for field in ("topic", "genre", "grouping", "audience"):
            assert not published.filter(**{field: None}).exists(), field
        assert not published.filter(formed_on__gt=F("published_on")).exists()
        assert set(published.values_list("doc_type", flat=True)) == {"rule", "normative", "other"}
        assert {"in_force", "repealed"} <= set(published.values_list("validity", flat=True))
        numbered = published.exclude(doc_number="").first()
        assert "〔" in numbered.doc_number and numbered.body.startswith("<p>")
        assert Attachment.objects.exists()

    def test_accounts_include_a_superuser_and_every_role(self) -> None:
        users = get_user_model().objects
        assert users.filter(username="admin", is_superuser=True).exists()
        roles = {role for profile in StaffProfile.objects.all() for role in profile.roles}
        assert roles == {"publisher", "reviewer", "handler", "approver", "reporter"}
        assert users.get(username="city_publisher").check_password("demo-password-2026")
        assert "edu_handler" in self.first_out and "demo-password-2026" in self.first_out

    def test_staff_accounts_have_a_name_and_a_mail_address(self) -> None:
        # The workspace shows people by name, and the mail to an author whose item was
        # returned (or to a handler) needs an address: without them the demo never shows either.
        staff = get_user_model().objects.filter(staff_profile__isnull=False)
        assert staff.count() == 20
        assert not staff.filter(first_name="").exists()
        assert not staff.filter(email="").exists()
        assert len(set(staff.values_list("email", flat=True))) == 20
        assert staff.get(username="city_publisher").email.endswith(".invalid")

    def test_published_items_were_approved_by_a_reviewer_and_some_wait_for_review(self) -> None:
        # 条例第十七条: the demo organs review before publishing, as real ones must.
        assert not Item.objects.published().filter(reviewed_by=None).exists()
        reviewers = set(Item.objects.published().values_list("reviewed_by__username", flat=True))
        assert reviewers <= {"city_reviewer", "edu_reviewer", "hrss_reviewer", "jb_reviewer"}
        pending = Item.objects.filter(status=Item.Status.PENDING_REVIEW)
        assert pending.count() == 2
        welfare = pending.get(title__contains="最低生活保障")
        assert welfare.created_by.username == "jb_publisher"
        # The list still shows ID and mobile numbers in full: what the reviewer must catch.
        kinds = {finding["kind"] for finding in item_findings(welfare)}
        assert kinds == {"resident_id", "mobile"}


def test_hook_calls_the_seed_function_of_an_app_demo_module(monkeypatch: Any) -> None:
    calls: list[Any] = []
    module = types.ModuleType("requests_app.demo")
    module.seed = lambda stdout: calls.append(stdout)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "requests_app.demo", module)
    out = io.StringIO()
    seed_applications(out)
    assert calls == [out]


@pytest.mark.parametrize(
    ("missing", "raises"),
    [("reports.demo", False), ("reportlab", True)],  # absent hook vs. broken hook module
)
def test_hook_skips_an_absent_demo_module_but_not_a_broken_one(
    monkeypatch: Any, missing: str, raises: bool
) -> None:
    real_import = importlib.import_module

    def fake_import(name: str, *args: Any) -> Any:
        if name == "reports.demo":
            raise ModuleNotFoundError(f"No module named {missing!r}", name=missing)
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", fake_import)
    if raises:
        with pytest.raises(ModuleNotFoundError):
            seed_reports(io.StringIO())
    else:
        seed_reports(io.StringIO())
