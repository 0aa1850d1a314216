"""The catalog part of the staff workspace (/staff/): login, dashboard, items and guides."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog.models import Attachment, Guide, GuideRevision, Item, Organ
from tests import files
from tests.factories import make_item, make_organ, make_staff, make_superuser

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
# A small but real PDF header is all the content sniffing needs.
PDF_BYTES = files.pdf()
# The first bytes of a Windows executable (the "MZ" DOS header), renamed to .pdf.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _frozen_clock() -> Any:
    with time_machine.travel(
        dt.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def tree() -> dict[str, Organ]:
    city = make_organ("临江市人民政府", short_name="市政府")
    return {
        "city": city,
        "edu": make_organ("临江市教育局", parent=city, short_name="市教育局"),
        "finance": make_organ("临江市财政局", parent=city, short_name="市财政局"),
    }


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def select_values(html: str, name: str) -> set[str]:
    """The option values of the ``<select name=…>`` in a page."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, f"no select {name}"
    return set(re.findall(r'<option value="([^"]*)"', select.group(0))) - {""}


def item_post(organ: Organ, **overrides: Any) -> dict[str, Any]:
    data = {
        "organ": organ.pk,
        "title": "临江市教育局关于做好2026年义务教育招生入学工作的通知",
        "doc_number": "临教发〔2026〕12号",
        "subject_terms": "教育、招生，入学",
        "summary": "部署2026年义务教育招生入学工作。",
        "topic": "",
        "genre": "",
        "grouping": "",
        "audience": "",
        "article20": "11",
        "doc_type": Item.DocType.NORMATIVE,
        "formed_on": "2026-06-10",
        "changed_on": "",
        "body": "<p>各区教育局：</p><script>alert(1)</script><p>现将有关事项通知如下。</p>",
        "action": "draft",
    }
    data.update(overrides)
    return data


# --- Login and access ----------------------------------------------------------------------


def test_login_page_renders_a_chinese_form_with_labels() -> None:
    response = Client().get("/staff/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作人员登录" in html
    assert re.search(r'<label for="id_username"[^>]*>用户名', html)
    assert re.search(r'<label for="id_password"[^>]*>密码', html)


def test_wrong_password_is_reported_in_the_error_summary(tree: dict[str, Organ]) -> None:
    make_staff(tree["edu"], ["publisher"], username="edu_publisher")
    response = Client().post(
        "/staff/login/", {"username": "edu_publisher", "password": "wrong-password"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert "用户名和密码" in html


def test_staff_member_can_log_in_and_reaches_the_dashboard(tree: dict[str, Organ]) -> None:
    make_staff(tree["edu"], ["publisher"], username="edu_publisher")
    client = Client()
    response = client.post(
        "/staff/login/", {"username": "edu_publisher", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/staff/", "/staff/items/", "/staff/items/new/", "/staff/items/1/edit/"]
)
def test_anonymous_visitor_is_redirected_to_login(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")


def test_logged_in_user_without_staff_profile_is_forbidden() -> None:
    user = get_user_model().objects.create_user(username="citizen", password="x-secret-123")
    assert logged_in(user).get("/staff/").status_code == 403


def test_staff_without_publisher_role_cannot_open_the_item_workspace(
    tree: dict[str, Organ],
) -> None:
    handler = make_staff(tree["edu"], ["handler"])
    client = logged_in(handler)
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/items/").status_code == 403
    assert client.get("/staff/items/new/").status_code == 403


def test_logout_is_a_post_and_ends_the_session(tree: dict[str, Organ]) -> None:
    client = logged_in(make_staff(tree["edu"], ["publisher"]))
    assert client.post("/staff/logout/").status_code == 302
    assert client.get("/staff/").status_code == 302


# --- Dashboard ------------------------------------------------------------------------------


def test_dashboard_shows_organ_roles_and_the_workspaces_of_those_roles(
    tree: dict[str, Organ],
) -> None:
    user = make_staff(tree["edu"], ["publisher", "handler"], username="edu_staff")
    html = logged_in(user).get("/staff/").content.decode()
    assert "临江市教育局" in html
    assert "发布员" in html and "经办人" in html
    assert 'href="/staff/items/"' in html
    assert f'href="/staff/organs/{tree["edu"].code}/guide/"' in html
    assert 'href="/staff/applications/"' in html
    assert 'href="/staff/reports/"' not in html  # not a reporter


def test_superuser_dashboard_lists_every_workspace(tree: dict[str, Organ]) -> None:
    html = logged_in(make_superuser()).get("/staff/").content.decode()
    for href in ("/staff/items/", "/staff/applications/", "/staff/reports/", "/admin/"):
        assert f'href="{href}"' in html


# --- Items ----------------------------------------------------------------------------------


def test_publisher_creates_edits_publishes_and_repeals_an_item(tree: dict[str, Organ]) -> None:
    edu = tree["edu"]
    client = logged_in(make_staff(edu, ["publisher"]))

    response = client.post("/staff/items/new/", item_post(edu))
    assert response.status_code == 302
    item = Item.objects.get()
    assert response["Location"] == f"/staff/items/{item.pk}/edit/"
    assert item.status == Item.Status.DRAFT
    assert item.index_no is None
    assert item.subject_terms == ["教育", "招生", "入学"]
    assert item.article20 == 11
    assert "<script>" not in item.body  # sanitised by the service

    response = client.post(
        f"/staff/items/{item.pk}/edit/", item_post(edu, title="关于义务教育招生入学的通知")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "关于义务教育招生入学的通知"
    assert item.status == Item.Status.DRAFT

    response = client.post(f"/staff/items/{item.pk}/publish/", follow=True)
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED
    assert item.published_on == TODAY
    assert item.index_no == f"{edu.effective_index_prefix}/2026-00001"
    assert item.index_no in response.content.decode()  # success message and state block

    response = client.post(
        f"/staff/items/{item.pk}/repeal/", {"validity": "repealed", "date": "2026-06-14"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.validity == Item.Validity.REPEALED
    assert item.repealed_on == dt.date(2026, 6, 14)
    assert item.index_no == f"{edu.effective_index_prefix}/2026-00001"  # never changes


def test_publish_button_on_the_create_form_publishes_at_once(tree: dict[str, Organ]) -> None:
    client = logged_in(make_staff(tree["edu"], ["publisher"]))
    client.post("/staff/items/new/", item_post(tree["edu"], action="publish"))
    item = Item.objects.get()
    assert item.status == Item.Status.PUBLISHED
    assert item.index_no.endswith("/2026-00001")


def test_repeal_date_before_formed_on_is_shown_next_to_the_field(tree: dict[str, Organ]) -> None:
    item = make_item(tree["edu"], published_on=dt.date(2026, 6, 1), formed_on=dt.date(2026, 5, 1))
    client = logged_in(make_staff(tree["edu"], ["publisher"]))
    response = client.post(
        f"/staff/items/{item.pk}/repeal/", {"validity": "amended", "date": "2026-04-01"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_date_error"' in html
    assert "废止日期不能早于成文日期" in html
    item.refresh_from_db()
    assert item.validity == Item.Validity.IN_FORCE


def test_publisher_of_one_department_cannot_reach_another_departments_items(
    tree: dict[str, Organ],
) -> None:
    other = make_item(tree["finance"], "临江市财政局关于2026年部门预算的说明")
    client = logged_in(make_staff(tree["edu"], ["publisher"]))

    for url in (f"/staff/items/{other.pk}/edit/", f"/staff/items/{other.pk}/repeal/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/staff/items/{other.pk}/publish/").status_code == 404

    form_html = client.get("/staff/items/new/").content.decode()
    assert select_values(form_html, "organ") == {str(tree["edu"].pk)}
    listing = client.get("/staff/items/").content.decode()
    assert "临江市财政局关于2026年部门预算的说明" not in listing


def test_posting_another_departments_organ_is_refused(tree: dict[str, Organ]) -> None:
    client = logged_in(make_staff(tree["edu"], ["publisher"]))
    response = client.post("/staff/items/new/", item_post(tree["finance"]))
    assert response.status_code == 200
    assert 'id="id_organ_error"' in response.content.decode()
    assert not Item.objects.exists()


def test_government_publisher_acts_on_its_departments(tree: dict[str, Organ]) -> None:
    item = make_item(tree["finance"], publish=False)
    client = logged_in(make_staff(tree["city"], ["publisher"]))
    assert client.get(f"/staff/items/{item.pk}/edit/").status_code == 200
    form_html = client.get("/staff/items/new/").content.decode()
    assert select_values(form_html, "organ") == {str(o.pk) for o in tree.values()}


def test_future_formed_on_is_shown_next_to_the_field_and_in_the_summary(
    tree: dict[str, Organ],
) -> None:
    client = logged_in(make_staff(tree["edu"], ["publisher"]))
    response = client.post("/staff/items/new/", item_post(tree["edu"], formed_on="2026-07-01"))
    assert response.status_code == 200
    html = response.content.decode()
    message = "成文日期不能晚于今天。"
    field_errors = re.search(r'<ul class="errorlist" id="id_formed_on_error">(.*?)</ul>', html)
    assert field_errors and message in field_errors.group(1)
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert summary and '<a href="#id_formed_on">成文日期：' + message in summary.group(0)
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_formed_on_error"', html)
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_formed_on"', html)
    assert not Item.objects.exists()


def test_disguised_executable_attachment_is_refused_and_nothing_is_saved(
    tree: dict[str, Organ],
) -> None:
    client = logged_in(make_staff(tree["edu"], ["publisher"]))
    upload = SimpleUploadedFile("x.pdf", EXE_BYTES, content_type="application/pdf")
    response = client.post(
        "/staff/items/new/", {**item_post(tree["edu"], action="publish"), "attachments": upload}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_attachments_error"' in html
    assert "文件“x.pdf”的内容不是允许的格式" in html
    assert not Item.objects.exists()
    assert not Attachment.objects.exists()


def test_a_form_sent_back_with_errors_says_the_chosen_files_must_be_chosen_again(
    tree: dict[str, Organ],
) -> None:
    # Browsers never refill a file input: without a word the publisher saves the corrected
    # form and the attachment is silently missing.
    client = logged_in(make_staff(tree["edu"], ["publisher"]))
    upload = SimpleUploadedFile("附件1.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        "/staff/items/new/", {**item_post(tree["edu"], title=""), "attachments": upload}
    )

    assert response.status_code == 200
    summary = re.search(
        r'<div class="error-summary" role="alert".*?</div>', response.content.decode(), re.S
    )
    assert summary and "已选择的文件没有保留，请重新选择" in summary.group(0)
    # Without a file there is nothing to choose again.
    no_file = client.post("/staff/items/new/", item_post(tree["edu"], title="")).content.decode()
    assert "请重新选择" not in no_file


def test_real_pdf_attachments_are_saved_with_the_item(tree: dict[str, Organ]) -> None:
    client = logged_in(make_staff(tree["edu"], ["publisher"]))
    uploads = [
        SimpleUploadedFile("附件1.pdf", PDF_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("附件2.pdf", PDF_BYTES + b" ", content_type="application/pdf"),
    ]
    response = client.post("/staff/items/new/", {**item_post(tree["edu"]), "attachments": uploads})
    assert response.status_code == 302
    item = Item.objects.get()
    assert [a.name for a in item.attachments.all()] == ["附件1.pdf", "附件2.pdf"]


def test_item_list_filters_by_status_and_title(tree: dict[str, Organ]) -> None:
    make_item(tree["edu"], "关于学前教育的通知", publish=True)
    make_item(tree["edu"], "关于校外培训的通知", publish=False)
    client = logged_in(make_staff(tree["edu"], ["publisher"]))

    drafts = client.get("/staff/items/", {"status": "draft"}).content.decode()
    assert "关于校外培训的通知" in drafts and "关于学前教育的通知" not in drafts
    found = client.get("/staff/items/", {"q": "学前"}).content.decode()
    assert "关于学前教育的通知" in found and "关于校外培训的通知" not in found


def test_item_list_own_organ_leaves_out_the_subordinates(tree: dict[str, Organ]) -> None:
    make_item(tree["city"], "市政府的通知")
    make_item(tree["edu"], "教育局的通知")
    client = logged_in(make_staff(tree["city"], ["publisher"]))

    both = client.get("/staff/items/", {"organ": tree["city"].pk}).content.decode()
    assert "市政府的通知" in both and "教育局的通知" in both
    own = client.get("/staff/items/", {"organ": tree["city"].pk, "own": "on"}).content.decode()
    assert "市政府的通知" in own and "教育局的通知" not in own
    assert "仅本机关（不含下级）" in own


def test_item_list_query_count_does_not_grow_with_items(
    tree: dict[str, Organ], django_assert_num_queries: Any
) -> None:
    for n in range(30):
        make_item(tree["edu"], f"关于第{n}项工作的通知", publish=n % 2 == 0)
    client = logged_in(make_staff(tree["edu"], ["publisher"]))
    client.get("/staff/items/")  # warm the organ tree cache
    # version stamps, session, user, staff profile, the profile's organ (navigation), count of
    # the filtered items, one page of items joined with their organ
    with django_assert_num_queries(7):
        response = client.get("/staff/items/")
    assert response.status_code == 200


# --- Guide ----------------------------------------------------------------------------------


def guide_post(**overrides: str) -> dict[str, str]:
    data = {field: "" for field in Guide.FIELDS}
    data.update(
        office_name="临江市教育局办公室",
        address="临江市滨江大道100号",
        office_hours="周一至周五上午9:00-12:00，下午13:30-17:00（法定节假日除外）",
        phone="0599-88001234",
        email="xxgk@edu.linjiang.example",
        postal_code="339000",
        scope="本机关主动公开条例第二十条规定的政府信息。",
    )
    data.update(overrides)
    return data


def test_guide_edit_keeps_a_revision_and_updates_the_public_date(
    tree: dict[str, Organ],
) -> None:
    edu = tree["edu"]
    before = Guide.objects.get(organ=edu).updated_at
    client = logged_in(make_staff(edu, ["publisher"], username="edu_publisher"))

    with time_machine.travel(
        dt.datetime(2026, 6, 15, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        response = client.post(f"/staff/organs/{edu.code}/guide/", guide_post())
    assert response.status_code == 302

    guide = Guide.objects.get(organ=edu)
    assert guide.address == "临江市滨江大道100号"
    assert guide.updated_at > before
    revision = GuideRevision.objects.get(guide=guide)
    assert revision.author.username == "edu_publisher"
    assert revision.content["address"] == "临江市滨江大道100号"

    html = client.get(f"/staff/organs/{edu.code}/guide/").content.decode()
    assert "2026年6月15日 15:30" in html  # last update and the revision row
    assert "办公地址" in html  # the revision lists what changed


def test_guide_field_errors_are_shown_and_nothing_is_saved(tree: dict[str, Organ]) -> None:
    edu = tree["edu"]
    client = logged_in(make_staff(edu, ["publisher"]))
    response = client.post(f"/staff/organs/{edu.code}/guide/", guide_post(email="not-an-email"))
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    assert not GuideRevision.objects.exists()


def test_department_publisher_cannot_edit_the_governments_guide(tree: dict[str, Organ]) -> None:
    client = logged_in(make_staff(tree["edu"], ["publisher"]))
    assert client.get(f"/staff/organs/{tree['city'].code}/guide/").status_code == 404
    assert client.get(f"/staff/organs/{tree['finance'].code}/guide/").status_code == 404


def test_government_publisher_edits_a_departments_guide(tree: dict[str, Organ]) -> None:
    client = logged_in(make_staff(tree["city"], ["publisher"]))
    response = client.post(f"/staff/organs/{tree['finance'].code}/guide/", guide_post())
    assert response.status_code == 302
    assert GuideRevision.objects.filter(guide__organ=tree["finance"]).count() == 1
