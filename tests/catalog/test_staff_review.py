"""The reviewers' part of the staff workspace: the queue, counts on the dashboard, the review
page with the findings shown masked, mask in place, approve and return."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from catalog import pii, services
from catalog.models import Item, Organ
from tests.factories import make_organ, make_staff

pytestmark = pytest.mark.django_db

ID = "33010219900307123" + pii.id_check_character("33010219900307123")


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def organ() -> Organ:
    return make_organ("临江市民政局", publication_review=True)


@pytest.fixture
def publisher(organ: Organ) -> Any:
    return make_staff(organ, ["publisher"], "mz_pub")


@pytest.fixture
def reviewer(organ: Organ) -> Any:
    return make_staff(organ, ["reviewer"], "mz_rev")


def pending(organ: Organ, author: Any, body: str = "<p>公示如下。</p>") -> Item:
    return services.item_create(
        actor=author,
        organ=organ,
        data={
            "title": "2026年第二批低保对象名单公示",
            "doc_type": "other",
            "formed_on": dt.date(2026, 3, 1),
            "body": body,
        },
        publish=True,
    )


def test_publish_button_submits_for_review_and_the_author_is_told(
    organ: Organ, publisher: Any
) -> None:
    client = logged_in(publisher)
    item = services.item_create(
        actor=publisher,
        organ=organ,
        data={"title": "通知", "doc_type": "other", "formed_on": dt.date(2026, 3, 1)},
    )

    response = client.post(f"/staff/items/{item.pk}/publish/", follow=True)

    item.refresh_from_db()
    assert item.status == "pending_review" and item.index_no is None
    assert "待审核员审核通过后发布" in response.content.decode()


def test_dashboard_counts_the_reviewers_queue(organ: Organ, publisher: Any, reviewer: Any) -> None:
    pending(organ, publisher)
    pending(organ, publisher)

    page = logged_in(reviewer).get("/staff/").content.decode()

    assert "发布审核" in page and "待审核 2 条" in page


def test_sidebar_counts_the_items_waiting_for_the_reviewer(
    organ: Organ, publisher: Any, reviewer: Any
) -> None:
    pending(organ, publisher)
    pending(organ, publisher)

    page = logged_in(reviewer).get("/staff/reviews/").content.decode()

    nav = page.split('class="staff-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<span class="staff-count" aria-label="2件待办">2</span>' in nav


def test_queue_lists_what_the_reviewer_may_review_with_findings_counted(
    organ: Organ, publisher: Any, reviewer: Any
) -> None:
    pending(organ, publisher, body=f"<p>身份证号{ID}</p>")
    own = pending(organ, reviewer)  # a reviewer's own item is for someone else to review
    other = make_organ("临江市财政局", publication_review=True)
    pending(other, make_staff(other, ["publisher"]))

    page = logged_in(reviewer).get("/staff/reviews/").content.decode()

    assert "待审核 1 条" in page and "1 处" in page
    assert f"/staff/items/{own.pk}/review/" not in page


def test_review_page_shows_the_finding_masked_and_mask_then_approve_publishes(
    organ: Organ, publisher: Any, reviewer: Any
) -> None:
    item = pending(organ, publisher, body=f"<p>张某某，身份证号{ID}，保障人数2人。</p>")
    client = logged_in(reviewer)

    page = client.get(f"/staff/items/{item.pk}/review/").content.decode()
    refused = client.post(f"/staff/items/{item.pk}/review/", {"decision": "approve"})
    masked = client.post(f"/staff/items/{item.pk}/mask/", {"next": "review"})
    approved = client.post(f"/staff/items/{item.pk}/review/", {"decision": "approve"})

    assert "居民身份证号码" in page and f"{ID[:4]}**********{ID[-4:]}" in page
    assert page.count(ID) == 1  # only in the body preview, never in the findings
    assert refused.status_code == 200 and "请先遮盖或删除" in refused.content.decode()
    assert masked["Location"] == f"/staff/items/{item.pk}/review/"
    assert approved.status_code == 302
    item.refresh_from_db()
    assert item.status == "published" and item.reviewed_by == reviewer
    assert ID not in item.body


def test_return_with_opinion_goes_back_to_the_author_who_sees_it(
    organ: Organ, publisher: Any, reviewer: Any
) -> None:
    item = pending(organ, publisher)

    response = logged_in(reviewer).post(
        f"/staff/items/{item.pk}/review/", {"decision": "return", "opinion": "请补充公示期限。"}
    )
    page = logged_in(publisher).get(f"/staff/items/{item.pk}/edit/").content.decode()

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "draft"
    assert "审核员退回修改" in page and "请补充公示期限。" in page


def test_the_reviewer_is_told_whether_the_author_was_mailed(
    organ: Organ, publisher: Any, reviewer: Any
) -> None:
    # The form promises a mail to the author; an account without an address gets none, and
    # the reviewer must then tell the author some other way.
    client = logged_in(reviewer)
    first = pending(organ, publisher)
    without = client.post(
        f"/staff/items/{first.pk}/review/",
        {"decision": "return", "opinion": "请补充公示期限。"},
        follow=True,
    ).content.decode()
    publisher.email = "mz_pub@example.cn"
    publisher.save()
    second = pending(organ, publisher)
    mailed = client.post(
        f"/staff/items/{second.pk}/review/",
        {"decision": "return", "opinion": "请补充公示期限。"},
        follow=True,
    ).content.decode()

    assert "起草人未登记电子邮箱，没有发送邮件，请另行告知。" in without
    assert "已通过邮件告知起草人" in mailed and "未登记电子邮箱" not in mailed


def test_the_author_cannot_open_the_review_of_their_own_item(organ: Organ) -> None:
    both = make_staff(organ, ["publisher", "reviewer"])
    item = pending(organ, both)

    response = logged_in(both).get(f"/staff/items/{item.pk}/review/")

    assert response.status_code == 403


def test_reviewer_of_another_organ_gets_a_404(organ: Organ, publisher: Any) -> None:
    item = pending(organ, publisher)
    other = make_organ("临江市财政局", publication_review=True)

    response = logged_in(make_staff(other, ["reviewer"])).get(f"/staff/items/{item.pk}/review/")

    assert response.status_code == 404


def test_author_is_warned_when_nobody_can_review_the_item(organ: Organ, publisher: Any) -> None:
    item = pending(organ, publisher)
    client = logged_in(publisher)

    alone = client.get(f"/staff/items/{item.pk}/edit/").content.decode()
    make_staff(organ, ["reviewer"])
    covered = client.get(f"/staff/items/{item.pk}/edit/").content.decode()

    assert "尚无其他审核员" in alone
    assert "尚无其他审核员" not in covered


def test_queue_costs_the_same_queries_for_one_item_or_many(
    organ: Organ, publisher: Any, reviewer: Any, django_assert_num_queries: Any
) -> None:
    client = logged_in(reviewer)
    pending(organ, publisher)
    client.get("/staff/reviews/")  # warm the organ tree cache
    for _ in range(5):
        pending(organ, publisher, body=f"<p>{ID}</p>")

    # version stamps, session, user, profile, the profile's organ (navigation), the sidebar's
    # count, the paginator's count, the page of items with organ and author, their
    # attachments: none per row.
    with django_assert_num_queries(9):
        response = client.get("/staff/reviews/")

    assert "待审核 6 条" in response.content.decode()
