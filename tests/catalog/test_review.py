"""Review before publication (条例第十七条 审查机制; api.md "Catalog"): a publisher's "publish"
waits for a reviewer who is not the author; personal data found in the item blocks approval
until it is masked or acknowledged with a reason."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from reportlab.pdfgen import canvas

from catalog import pii
from catalog.models import Item, ItemReview, Organ
from tests.factories import credit_code, make_organ, make_staff, make_superuser
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

ITEMS_URL = "/api/v1/items/"
ID = "33010219900307123" + pii.id_check_character("33010219900307123")
MOBILE = "13812345678"


def review_url(item: Item | int, suffix: str = "review/") -> str:
    return f"{ITEMS_URL}{item if isinstance(item, int) else item.pk}/{suffix}"


@pytest.fixture
def tree() -> dict[str, Organ]:
    city = make_organ("某市人民政府", code=credit_code(2001), publication_review=True)
    education = make_organ(
        "某市教育局", parent=city, code=credit_code(2002), publication_review=True
    )
    finance = make_organ("某市财政局", parent=city, code=credit_code(2003), publication_review=True)
    return {"city": city, "education": education, "finance": finance}


@pytest.fixture
def people(tree: dict[str, Organ]) -> dict[str, Any]:
    return {
        "publisher": make_staff(tree["education"], ["publisher"], "edu_pub"),
        "reviewer": make_staff(tree["education"], ["reviewer"], "edu_rev"),
        "city_reviewer": make_staff(tree["city"], ["reviewer"], "city_rev"),
        "finance_reviewer": make_staff(tree["finance"], ["reviewer"], "fin_rev"),
        "both": make_staff(tree["education"], ["publisher", "reviewer"], "edu_both"),
    }


def submit(api: Any, user: Any, organ: Organ, **extra: Any) -> dict[str, Any]:
    api.force_authenticate(user)
    response = api.post(
        ITEMS_URL,
        {
            "organ": organ.code,
            "title": "某市教育局关于2026年秋季开学工作的通知",
            "doc_type": "other",
            "formed_on": "2026-03-01",
            "body": "<p>现将有关事项通知如下。</p>",
            "status": "published",
            **extra,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


class TestSubmission:
    def test_publishers_publish_stores_the_item_pending_review_without_an_index_number(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"])

        assert data["status"] == "pending_review"
        assert data["index_no"] is None and data["published_on"] is None
        assert data["reviewed_by"] is None and data["findings"] == []
        item = Item.objects.get(pk=data["id"])
        assert list(item.reviews.values_list("decision", "actor__username")) == [
            ("submit", "edu_pub")
        ]
        api.force_authenticate(None)
        assert api.get(review_url(item, "")).status_code == 404
        assert data["id"] not in [row["id"] for row in api.get(ITEMS_URL).json()["results"]]

    def test_organ_without_review_publishes_at_once(self, api: Any) -> None:
        organ = make_organ("某县人民政府", code=credit_code(2010), publication_review=False)
        publisher = make_staff(organ, ["publisher"])

        data = submit(api, publisher, organ)

        assert data["status"] == "published" and data["index_no"]

    def test_patch_to_published_submits_a_draft_for_review(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"], status="draft")

        response = api.patch(review_url(data["id"], ""), {"status": "published"}, format="json")

        assert response.status_code == 200
        assert response.json()["status"] == "pending_review"


class TestDecision:
    def test_reviewer_approves_and_the_item_is_published_with_its_index_number(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"])
        api.force_authenticate(people["reviewer"])

        response = api.post(
            review_url(data["id"]), {"decision": "approve", "opinion": "同意发布。"}, format="json"
        )

        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == "published" and body["index_no"].endswith("-00001")
        assert body["reviewed_by"] == "edu_rev" and body["review_opinion"] == "同意发布。"
        assert body["reviewed_at"] is not None
        item = Item.objects.get(pk=data["id"])
        assert [r.decision for r in item.reviews.order_by("at", "id")] == ["submit", "approve"]
        # The public detail names no staff and shows no findings.
        api.force_authenticate(None)
        public = api.get(review_url(item, "")).json()
        assert public["status"] == "published"
        assert not {"reviewed_by", "reviewed_at", "review_opinion", "findings"} & set(public)

    def test_reviewer_of_an_ancestor_organ_may_review(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"])
        api.force_authenticate(people["city_reviewer"])

        response = api.post(review_url(data["id"]), {"decision": "approve"}, format="json")

        assert response.status_code == 200 and response.json()["status"] == "published"

    def test_reviewer_of_another_department_does_not_see_the_item(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"])
        api.force_authenticate(people["finance_reviewer"])

        response = api.post(review_url(data["id"]), {"decision": "approve"}, format="json")

        assert response.status_code == 404
        assert Item.objects.get(pk=data["id"]).status == "pending_review"

    def test_the_author_cannot_review_their_own_item(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["both"], tree["education"])

        response = api.post(review_url(data["id"]), {"decision": "approve"}, format="json")

        assert response.status_code == 403
        assert Item.objects.get(pk=data["id"]).status == "pending_review"

    def test_a_publisher_without_the_reviewer_role_cannot_review(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"])
        other = make_staff(tree["education"], ["publisher"])
        api.force_authenticate(other)

        response = api.post(review_url(data["id"]), {"decision": "approve"}, format="json")

        assert response.status_code == 403

    def test_return_needs_an_opinion_and_mails_it_to_the_author(
        self,
        api: Any,
        tree: dict[str, Organ],
        people: dict[str, Any],
        mailoutbox: list[Any],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        people["publisher"].email = "edu_pub@example.cn"
        people["publisher"].save()
        data = submit(api, people["publisher"], tree["education"])
        api.force_authenticate(people["reviewer"])

        missing = api.post(review_url(data["id"]), {"decision": "return"}, format="json")
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(
                review_url(data["id"]),
                {"decision": "return", "opinion": "第二段的联系电话请改为办公电话。"},
                format="json",
            )

        assert missing.status_code == 400 and "opinion" in missing.json()
        assert response.status_code == 200
        assert response.json()["status"] == "draft"
        assert response.json()["review_opinion"] == "第二段的联系电话请改为办公电话。"
        # The mail is queued with the decision and sent by the task worker.
        assert mailoutbox == []
        assert run_queued_tasks() == 1
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == ["edu_pub@example.cn"] and "退回修改" in mail.subject
        assert "第二段的联系电话请改为办公电话。" in mail.body

    def test_the_return_mail_links_to_the_item_at_the_portals_public_address(
        self,
        api: Any,
        tree: dict[str, Organ],
        people: dict[str, Any],
        mailoutbox: list[Any],
        django_capture_on_commit_callbacks: Any,
        settings: Any,
    ) -> None:
        settings.PORTAL = {**settings.PORTAL, "BASE_URL": "https://gk.linjiang.gov.cn/"}
        people["publisher"].email = "edu_pub@example.cn"
        people["publisher"].save()
        data = submit(api, people["publisher"], tree["education"])
        api.force_authenticate(people["reviewer"])

        with django_capture_on_commit_callbacks(execute=True):
            api.post(
                review_url(data["id"]),
                {"decision": "return", "opinion": "请补充附件。"},
                format="json",
            )
        run_queued_tasks()

        # A path alone ("/staff/items/…") is no link in a mail client.
        assert f"https://gk.linjiang.gov.cn/staff/items/{data['id']}/edit/" in mailoutbox[0].body

    def test_deciding_on_an_item_not_pending_is_a_conflict(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"], status="draft")
        api.force_authenticate(people["reviewer"])

        response = api.post(review_url(data["id"]), {"decision": "approve"}, format="json")

        assert response.status_code == 409

    def test_unknown_decision_is_a_400_naming_the_field(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"])
        api.force_authenticate(people["reviewer"])

        response = api.post(review_url(data["id"]), {"decision": "publish"}, format="json")

        assert response.status_code == 400 and "decision" in response.json()


class TestFindings:
    BODY = f"<p>低保对象：张某某，身份证号{ID}，联系电话{MOBILE}。</p>"

    def test_findings_block_approval_until_acknowledged_with_a_reason(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"], body=self.BODY)
        assert [(f["kind"], f["where"]) for f in data["findings"]] == [
            ("resident_id", "body"),
            ("mobile", "body"),
        ]
        assert ID not in str(data["findings"]) and "3301**********" in str(data["findings"])
        api.force_authenticate(people["reviewer"])

        refused = api.post(review_url(data["id"]), {"decision": "approve"}, format="json")
        no_reason = api.post(
            review_url(data["id"]),
            {"decision": "approve", "acknowledge_findings": True},
            format="json",
        )
        approved = api.post(
            review_url(data["id"]),
            {
                "decision": "approve",
                "acknowledge_findings": True,
                "acknowledge_reason": "依《社会救助暂行办法》公示，经本人同意。",
            },
            format="json",
        )

        assert refused.status_code == 400 and "acknowledge_findings" in refused.json()
        assert no_reason.status_code == 400 and "acknowledge_reason" in no_reason.json()
        assert approved.status_code == 200 and approved.json()["status"] == "published"
        record = ItemReview.objects.get(item_id=data["id"], decision="approve")
        assert record.findings_acknowledged
        assert record.acknowledge_reason == "依《社会救助暂行办法》公示，经本人同意。"
        assert [f["kind"] for f in record.findings] == ["resident_id", "mobile"]

    def test_masking_in_place_clears_the_body_findings(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"], body=self.BODY)
        api.force_authenticate(people["reviewer"])

        masked = api.post(review_url(data["id"], "mask-findings/"))
        approved = api.post(review_url(data["id"]), {"decision": "approve"}, format="json")

        assert masked.status_code == 200 and masked.json() == {"masked": 2}
        assert approved.status_code == 200, approved.content
        body = Item.objects.get(pk=data["id"]).body
        assert ID not in body and f"{ID[:4]}**********{ID[-4:]}" in body
        assert "138****5678" in body

    def test_attachments_are_scanned_whatever_their_format(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        data = submit(api, people["publisher"], tree["education"], status="draft")
        api.force_authenticate(people["publisher"])
        for upload in (word_file(), excel_file(), pdf_file()):
            response = api.post(
                review_url(data["id"], "attachments/"), {"file": upload}, format="multipart"
            )
            assert response.status_code == 201, response.content

        detail = api.get(review_url(data["id"], "")).json()

        assert sorted((f["kind"], f["where"]) for f in detail["findings"]) == [
            ("bank_card", "attachment:名单.xlsx"),
            ("mobile", "attachment:名单.docx"),
            ("resident_id", "attachment:名单.docx"),
            ("resident_id", "attachment:名单.pdf"),
        ]
        assert all(ID not in f["excerpt"] for f in detail["findings"])

    def test_credit_codes_in_an_item_are_not_findings(
        self, api: Any, tree: dict[str, Organ], people: dict[str, Any]
    ) -> None:
        body = f"<p>当事人：某某商贸有限公司，统一社会信用代码：{tree['city'].code}。</p>"
        data = submit(api, people["publisher"], tree["education"], body=body)

        assert data["findings"] == []


def word_file() -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph("2026年第一批补助对象名单")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("姓名", "身份证号", "电话"), strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("张某某", ID, MOBILE), strict=True):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile("名单.docx", out.getvalue())


def excel_file() -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "银行卡号", "金额"])
    sheet.append(["李某某", "6222021234567890128", 1200])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("名单.xlsx", out.getvalue())


def pdf_file() -> SimpleUploadedFile:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, f"ID: {ID}")
    page.save()
    return SimpleUploadedFile("名单.pdf", out.getvalue())


def test_staff_api_creates_a_reviewer(api: Any) -> None:
    organ = make_organ("某市人民政府", code=credit_code(2020))
    api.force_authenticate(make_superuser())

    response = api.post(
        "/api/v1/staff/",
        {
            "username": "reviewer1",
            "password": "a-long-enough-passw0rd",
            "organ": organ.code,
            "roles": ["reviewer"],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["roles"] == ["reviewer"]
