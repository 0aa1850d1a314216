"""The generated draft of sections 一 and 六 (reports.drafting): the facts are the portal's
own figures for the year, counted with a constant number of queries, and the Chinese text
states them."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Attachment, Item, Organ, Term, Topic
from catalog.services import guide_update, item_repeal
from disclosure_portal import versions
from reports.drafting import TO_FILL, draft_sections, overview_facts
from reports.format import OVERVIEW_SUBHEADINGS
from reports.models import Consultation
from requests_app.calendar import current_calendar
from requests_app.models import Appeal, Application, Status
from tests.factories import make_item, make_organ

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The 2026 report is compiled in January 2027 (条例第四十九条).
COMPILED_AT = dt.datetime(2027, 1, 20, 10, 0, tzinfo=SHANGHAI)
D = dt.date


@pytest.fixture(autouse=True)
def _january_2027() -> Any:
    with time_machine.travel(COMPILED_AT, tick=False):
        yield


# --- Builders ---------------------------------------------------------------------------------

_codes = itertools.count(1)


def grouping(name: str) -> Term:
    term, _created = Term.objects.get_or_create(kind=Term.Kind.GROUPING, organ=None, name=name)
    return term


def topic(root: str, child: str | None = None) -> Topic:
    parent, _created = Topic.objects.get_or_create(name=root, parent=None)
    if child is None:
        return parent
    sub, _created = Topic.objects.get_or_create(name=child, parent=parent)
    return sub


def application(
    organ: Organ,
    *,
    received: dt.date,
    channel: str = "in_person",
    applicant_type: str = "natural_person",
    closed: dt.date | None = None,
    outcome: str = "disclosed",
    **fields: Any,
) -> Application:
    """An application row written directly, consistent with the model's constraints."""
    return Application.objects.create(
        organ=organ,
        tracking_code=f"T{next(_codes):09d}",
        channel=channel,
        applicant_type=applicant_type,
        name="张三",
        description="请公开本机关2026年度部门预算。",
        delivery_form="electronic",
        delivery_method="email",
        first_received_on=received,
        received_on=received,
        status=Status.ANSWERED if closed else Status.RECEIVED,
        outcome=outcome if closed else "",
        closed_on=closed,
        **fields,
    )


def consultation(organ: Organ, day: dt.date, channel: str, count: int = 1) -> Consultation:
    return Consultation.objects.create(
        organ=organ, date=day, channel=channel, topic="如何申请政府信息公开", count=count
    )


# --- Facts ------------------------------------------------------------------------------------


class TestItems:
    def test_items_of_the_year_are_counted_by_grouping_topic_and_organ(self) -> None:
        city = make_organ("测试市人民政府")
        bureau = make_organ("测试市教育局", parent=city)
        policy = grouping("政策文件")
        for n in range(3):
            make_item(city, f"政策{n}", published_on=D(2026, 3, 2), grouping=policy)
        make_item(
            bureau,
            "招生公告",
            published_on=D(2026, 6, 1),
            grouping=grouping("通知公告"),
            topic=topic("科技、教育", "教育"),
        )
        make_item(city, "去年的文件", published_on=D(2025, 12, 31), grouping=policy)
        make_item(city, "未发布的草稿", publish=False, grouping=policy)

        tree = overview_facts(city, 2026, scope="tree")["items"]
        own = overview_facts(city, 2026, scope="organ")["items"]

        assert tree["total"] == 4
        assert tree["by_grouping"] == [
            {"name": "政策文件", "count": 3},
            {"name": "通知公告", "count": 1},
        ]
        # A subtopic counts for its top-level topic; items without a topic are 未分类.
        assert tree["by_topic"] == [
            {"name": "未分类", "count": 3},
            {"name": "科技、教育", "count": 1},
        ]
        assert tree["by_organ"] == [
            {"name": "测试市人民政府", "count": 3},
            {"name": "测试市教育局", "count": 1},
        ]
        assert own["total"] == 3
        assert tree["cumulative"] == 5  # the 2025 item is on the platform too

    def test_full_text_rate_counts_a_body_or_an_attachment(self) -> None:
        organ = make_organ()
        make_item(organ, "有正文", body="<p>全文</p>")
        with_file = make_item(organ, "只有附件")
        Attachment.objects.create(
            item=with_file,
            name="全文.pdf",
            file="items/1/a.pdf",
            content_type="application/pdf",
            extension=".pdf",
            size=10,
            sha256="0" * 64,
        )
        make_item(organ, "只有标题一")
        make_item(organ, "只有标题二")

        items = overview_facts(organ, 2026)["items"]

        assert (items["total"], items["electronic"]) == (4, 2)
        assert items["electronic_rate"] == Decimal("50.0")

    def test_documents_repealed_and_in_force_follow_the_catalog(self) -> None:
        organ = make_organ()
        rule = make_item(organ, "管理办法", doc_type=Item.DocType.RULE, published_on=D(2024, 5, 1))
        make_item(organ, "实施意见", doc_type=Item.DocType.NORMATIVE, published_on=D(2026, 2, 1))
        item_repeal(actor=None, item=rule, date=D(2026, 9, 30), validity=Item.Validity.REPEALED)

        items = overview_facts(organ, 2026)["items"]

        assert (items["rules"], items["normative"]) == (0, 1)
        assert (items["repealed"], items["amended"], items["in_force"]) == (1, 0, 1)

    def test_items_published_after_twenty_working_days_are_counted_and_stated(self) -> None:
        organ = make_organ()
        # Formed Fri 2026-09-18: the 20th working day is Thu 2026-10-22 (中秋, 国庆 skipped).
        make_item(organ, "按时发布", formed_on=D(2026, 9, 18), published_on=D(2026, 10, 22))
        make_item(organ, "逾期发布", formed_on=D(2026, 9, 18), published_on=D(2026, 10, 23))

        facts = overview_facts(organ, 2026)

        assert facts["items"]["late"] == 1
        assert "其中1条未在形成或者变更之日起20个工作日内公开" in draft_sections(facts)["overview"]


def test_guide_updates_are_the_revisions_saved_in_the_year() -> None:
    organ = make_organ()
    for moment in (dt.datetime(2025, 12, 31, 23, 0), dt.datetime(2026, 3, 1, 9, 0)):
        with time_machine.travel(moment.replace(tzinfo=SHANGHAI), tick=False):
            guide_update(actor=None, organ=organ, data={"phone": "0571-87000000"})
    # 1 January 2027 00:30 in Shanghai is still 2026 in UTC: the local year decides.
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
        guide_update(actor=None, organ=organ, data={"phone": "0571-87000001"})

    assert overview_facts(organ, 2026)["guide_updates"] == 1


class TestApplications:
    def test_new_applications_are_counted_by_channel_and_applicant_type(self) -> None:
        organ = make_organ()
        application(organ, received=D(2026, 1, 5), channel="in_person")
        application(organ, received=D(2026, 4, 5), channel="in_person")
        application(organ, received=D(2026, 5, 5), channel="online", applicant_type="commercial")
        application(organ, received=D(2025, 12, 30), channel="letter")  # carried over

        facts = overview_facts(organ, 2026)["applications"]

        assert facts["new"] == 3
        assert facts["by_channel"] == {"in_person": 2, "online": 1}
        assert facts["by_type"] == {"natural_person": 2, "commercial": 1}
        assert (facts["carried_over"], facts["carried_forward"]) == (1, 4)

    def test_results_of_the_year_are_grouped_as_the_rows_of_table_three(self) -> None:
        organ = make_organ()
        application(organ, received=D(2026, 1, 5), closed=D(2026, 2, 1))
        application(
            organ, received=D(2026, 1, 6), closed=D(2026, 2, 1), outcome="withheld_state_secret"
        )
        application(
            organ, received=D(2026, 1, 7), closed=D(2026, 2, 1), outcome="withheld_internal"
        )
        application(organ, received=D(2026, 12, 1), closed=D(2027, 1, 5))  # closed next year

        facts = overview_facts(organ, 2026)["applications"]

        assert facts["closed"] == 3
        assert facts["by_result"]["disclosed"] == 1
        assert facts["by_result"]["withheld"] == 2
        assert facts["carried_forward"] == 1

    def test_fees_collected_are_those_paid_in_the_year_and_lapsed_notices_are_counted(
        self,
    ) -> None:
        organ = make_organ()
        paid = {"fee_notice_on": D(2026, 3, 2), "fee_amount": Decimal("300.00")}
        application(organ, received=D(2026, 3, 1), fee_paid_on=D(2026, 3, 10), **paid)
        application(
            organ,
            received=D(2026, 4, 1),
            fee_notice_on=D(2026, 4, 2),
            fee_amount=Decimal("80.00"),
            fee_paid_on=D(2026, 4, 8),
        )
        application(  # paid in January of the next year: not this year's income
            organ,
            received=D(2026, 12, 1),
            fee_notice_on=D(2026, 12, 2),
            fee_amount=Decimal("100.00"),
            fee_paid_on=D(2027, 1, 4),
        )
        application(
            organ,
            received=D(2026, 5, 1),
            fee_notice_on=D(2026, 5, 2),
            fee_amount=Decimal("200.00"),
            closed=D(2026, 6, 10),
            outcome="other_fee_unpaid",
        )

        fees = overview_facts(organ, 2026)["applications"]["fees"]

        assert fees == {
            "collected": Decimal("380.00"),
            "paid": 2,
            "notices": 4,
            "lapsed": 1,
        }


def test_consultations_are_the_sum_of_registered_counts_by_channel() -> None:
    city = make_organ("测试市人民政府")
    bureau = make_organ("测试市教育局", parent=city)
    consultation(city, D(2026, 3, 1), "on_site", 3)
    consultation(city, D(2026, 3, 2), "phone", 2)
    consultation(bureau, D(2026, 3, 3), "online", 4)
    consultation(city, D(2025, 12, 31), "phone", 9)

    assert overview_facts(city, 2026)["consultations"] == {
        "total": 5,
        "by_channel": {"on_site": 3, "phone": 2, "online": 0},
    }
    assert overview_facts(city, 2026, scope="tree")["consultations"]["total"] == 9


def test_appeals_are_counted_by_the_year_they_were_filed() -> None:
    organ = make_organ()
    app = application(organ, received=D(2025, 10, 1), closed=D(2025, 11, 1))
    Appeal.objects.create(application=app, kind="review", filed_on=D(2026, 1, 10), result="upheld")
    Appeal.objects.create(application=app, kind="review", filed_on=D(2026, 2, 10))
    Appeal.objects.create(
        application=app, kind="litigation_direct", filed_on=D(2026, 3, 1), result="corrected"
    )
    Appeal.objects.create(application=app, kind="review", filed_on=D(2025, 12, 1))

    appeals = overview_facts(organ, 2026)["appeals"]

    assert appeals["review"] == {
        "upheld": 1,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 2,
    }
    assert appeals["litigation_direct"]["total"] == 1
    assert appeals["litigation_after_review"]["total"] == 0


# --- Query count ------------------------------------------------------------------------------


def _count_queries(organ: Organ, scope: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        overview_facts(organ, 2026, scope=scope)
    return len(captured)


def _add_volume(city: Organ, bureau: Organ, n: int) -> None:
    for i in range(n):
        organ = city if i % 2 else bureau
        make_item(organ, f"文件{i}", grouping=grouping(f"分类{i}"), topic=topic(f"主题{i}"))
        app = application(
            organ,
            received=D(2026, 1 + i % 12, 3),
            channel=("in_person", "online", "letter", "fax", "email")[i % 5],
            closed=D(2026, 12, 20) if i % 3 else None,
        )
        Appeal.objects.create(application=app, kind="review", filed_on=D(2026, 12, 21))
        consultation(organ, D(2026, 1 + i % 12, 5), ("on_site", "phone", "online")[i % 3], i + 1)
        guide_update(actor=None, organ=organ, data={"phone": f"0571-8700{i:04d}"})


@pytest.mark.parametrize("scope", ["organ", "tree"])
def test_overview_facts_runs_the_same_queries_whatever_the_volume(scope: str) -> None:
    city = make_organ("测试市人民政府")
    bureau = make_organ("测试市教育局", parent=city)
    _add_volume(city, bureau, 2)
    overview_facts(city, 2026, scope=scope)  # warm the organ tree cache
    few = _count_queries(city, scope)

    _add_volume(city, bureau, 15)
    overview_facts(city, 2026, scope=scope)
    many = _count_queries(city, scope)

    assert few == many


def test_overview_facts_of_one_organ_take_ten_queries_after_the_stamps(
    django_assert_num_queries: Any,
) -> None:
    organ = make_organ()
    make_item(organ, grouping=grouping("政策文件"))
    application(organ, received=D(2026, 1, 5))
    current_calendar()  # the official calendar is cached for the process; load it first
    # 0 the version stamps (once, as in a request), 1 items by 组配分类, 2 items by top-level
    # topic, 3 items per organ (totals, 全文电子化, documents), 4 date triples for
    # 条例第二十六条, 5 guide revisions, 6 new applications by channel × type, 7 applications
    # closed by outcome, 8 carry-overs and fees, 9 consultations by channel, 10 appeals.
    with django_assert_num_queries(11), versions.scope():
        overview_facts(organ, 2026)


# --- Text -------------------------------------------------------------------------------------


RESULT_KEYS = ("disclosed", "partially_disclosed", "withheld", "unavailable", "rejected", "other")


def _facts(**changes: Any) -> dict[str, Any]:
    """Facts as overview_facts returns them for an organ with nothing in the year."""
    facts: dict[str, Any] = {
        "organ_name": "测试市人民政府",
        "year": 2026,
        "scope": "organ",
        "items": {
            "total": 0,
            "electronic": 0,
            "electronic_rate": None,
            "rules": 0,
            "normative": 0,
            "repealed": 0,
            "amended": 0,
            "in_force": 0,
            "cumulative": 0,
            "by_grouping": [],
            "by_topic": [],
            "by_organ": [],
        },
        "guide_updates": 0,
        "applications": {
            "new": 0,
            "by_channel": {},
            "by_type": {},
            "carried_over": 0,
            "closed": 0,
            "by_result": dict.fromkeys(
                (
                    "disclosed",
                    "partially_disclosed",
                    "withheld",
                    "unavailable",
                    "rejected",
                    "other",
                ),
                0,
            ),
            "carried_forward": 0,
            "fees": {"collected": Decimal("0"), "paid": 0, "notices": 0, "lapsed": 0},
        },
        "consultations": {"total": 0, "by_channel": {"on_site": 0, "phone": 0, "online": 0}},
        "appeals": {
            kind: {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}
            for kind in ("review", "litigation_direct", "litigation_after_review")
        },
    }
    for path, value in changes.items():
        node = facts
        *parents, leaf = path.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    return facts


def test_draft_states_the_real_numbers_of_the_year() -> None:
    organ = make_organ()
    policy = grouping("政策文件")
    for n in range(3):
        make_item(organ, f"政策{n}", grouping=policy, body="<p>正文</p>")
    application(organ, received=D(2026, 2, 1), channel="in_person")
    application(organ, received=D(2026, 3, 1), channel="in_person")
    consultation(organ, D(2026, 5, 1), "phone", 4)

    draft = draft_sections(overview_facts(organ, 2026))

    assert "主动公开政府信息3条" in draft["proactive"]
    assert "政策文件3条" in draft["proactive"]
    assert "全文电子化率100%" in draft["proactive"]
    assert "共收到政府信息公开申请2件，其中当面申请2件、网上申请0件" in draft["applications"]
    assert "电话咨询4人次" in draft["applications"]
    assert draft["applications"] in draft["overview"]


def test_overview_has_the_five_official_subheadings_in_order_each_on_its_own_line() -> None:
    draft = draft_sections(_facts())
    lines = draft["overview"].splitlines()

    assert [line for line in lines if line in OVERVIEW_SUBHEADINGS] == list(OVERVIEW_SUBHEADINGS)
    assert lines[0] == "（一）主动公开"
    assert lines[1] == draft["proactive"]


@pytest.mark.parametrize(
    ("collected", "paid", "expected"),
    [
        (Decimal("0"), 0, "依据《政府信息公开信息处理费管理办法》规定，2026年未收取信息处理费。"),
        (
            Decimal("380.00"),
            2,
            "依据《政府信息公开信息处理费管理办法》规定，2026年共收取信息处理费380元（涉及申请2件）。",
        ),
        (
            Decimal("12.50"),
            1,
            "依据《政府信息公开信息处理费管理办法》规定，2026年共收取信息处理费12.50元（涉及申请1件）。",
        ),
    ],
)
def test_section_six_states_the_fees_collected(
    collected: Decimal, paid: int, expected: str
) -> None:
    facts = _facts(
        applications__fees={"collected": collected, "paid": paid, "notices": paid, "lapsed": 0}
    )

    assert draft_sections(facts)["other"] == expected


def test_section_six_mentions_applications_closed_for_an_unpaid_fee() -> None:
    facts = _facts(
        applications__fees={"collected": Decimal("0"), "paid": 0, "notices": 1, "lapsed": 1}
    )

    assert (
        "另有1件申请的申请人在收到收费通知后逾期未缴纳信息处理费" in draft_sections(facts)["other"]
    )


def test_a_year_without_anything_says_so_and_leaves_prompts_for_the_reporter() -> None:
    draft = draft_sections(_facts())

    assert "2026年，本机关未在政府信息公开平台主动公开政府信息。" in draft["proactive"]
    assert "全年未登记政府信息公开咨询。" in draft["applications"]
    assert "未发生政府信息公开行政复议、行政诉讼案件" in draft["supervision"]
    # 条例第五十条第（四）项: what only the organ knows is prompted, never invented.
    assert f"{TO_FILL}工作考核、社会评议和责任追究结果情况" in draft["supervision"]


def test_consolidated_draft_names_the_organ_and_lists_items_by_organ() -> None:
    facts = _facts(
        scope="tree",
        items__total=3,
        items__electronic=3,
        items__electronic_rate=Decimal("100.0"),
        items__by_organ=[
            {"name": "测试市人民政府", "count": 2},
            {"name": "测试市教育局", "count": 1},
        ],
    )

    text = draft_sections(facts)["proactive"]

    assert text.startswith("2026年，测试市人民政府及所属机关在政府信息公开平台主动公开政府信息3条")
    assert "按发布机构，测试市人民政府2条、测试市教育局1条。" in text


def test_unclassified_items_are_not_named_as_a_category() -> None:
    facts = _facts(
        items__total=3,
        items__by_grouping=[{"name": "政策文件", "count": 2}, {"name": "未分类", "count": 1}],
        items__by_topic=[{"name": "未分类", "count": 3}],
    )

    text = draft_sections(facts)["proactive"]

    assert "按组配分类，政策文件2条。" in text
    assert "未分类" not in text
    assert "按主题分类" not in text


def test_long_listings_name_the_ten_largest_and_say_etc() -> None:
    rows = [{"name": f"分类{n:02d}", "count": 20 - n} for n in range(12)]
    facts = _facts(items__total=200, items__by_grouping=rows)

    text = draft_sections(facts)["proactive"]

    assert "分类09" in text
    assert "分类10" not in text
    assert "分类0911条等。" in text
