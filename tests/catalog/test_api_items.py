"""The directory over the API (api.md, "Catalog items"): reading, filtering, searching,
writing with organ isolation, and the 索引号 rules (目录系统实施指引)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.models import Attachment, IndexSerial, Item, Organ, Term, Topic
from disclosure_portal import pagecache
from tests import files
from tests.factories import credit_code, make_item, make_organ, make_staff, make_superuser

pytestmark = pytest.mark.django_db

ITEMS_URL = "/api/v1/items/"
INDEX_NO = re.compile(r"^(?P<prefix>.+)/(?P<year>\d{4})-(?P<serial>\d{5})$")
PDF = files.pdf()


def item_url(item: Item | int, suffix: str = "") -> str:
    pk = item if isinstance(item, int) else item.pk
    return f"{ITEMS_URL}{pk}/{suffix}"


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def titles(response: Any) -> list[str]:
    return [row["title"] for row in results(response)]


def topic(name: str, parent: Topic | None = None) -> Topic:
    # The 22 gov.cn topics and their second level are seeded by a migration.
    return Topic.objects.get_or_create(name=name, parent=parent)[0]


def term(kind: str, name: str, organ: Organ | None = None) -> Term:
    return Term.objects.get_or_create(kind=kind, name=name, organ=organ)[0]


def new_item(organ: Organ, /, **extra: Any) -> dict[str, Any]:
    return {
        "organ": organ.code,
        "title": "关于印发某市政务公开工作要点的通知",
        "doc_type": "normative",
        "formed_on": "2026-03-01",
        **extra,
    }


@pytest.fixture
def city() -> Organ:
    return make_organ("某市人民政府", code=credit_code(1001))


@pytest.fixture
def finance(city: Organ) -> Organ:
    return make_organ("某市财政局", parent=city, code=credit_code(1002))


@pytest.fixture
def education(city: Organ) -> Organ:
    return make_organ("某市教育局", parent=city, code=credit_code(1003))


# --- Reading ---------------------------------------------------------------------------------


class TestList:
    def test_lists_published_items_only_with_the_public_fields(
        self, api: Any, finance: Organ
    ) -> None:
        fiscal = topic("财政、金融、审计")
        notice = term(Term.Kind.GENRE, "通知")
        item = make_item(
            finance,
            "关于下达2026年预算的通知",
            doc_number="某财预〔2026〕3号",
            subject_terms=["预算", "财政"],
            topic=fiscal,
            genre=notice,
            article20=7,
        )
        make_item(finance, "尚未发布的草稿", publish=False)

        rows = results(api.get(ITEMS_URL))

        assert len(rows) == 1
        row = rows[0]
        assert row == {
            "id": item.pk,
            "index_no": item.index_no,
            "title": "关于下达2026年预算的通知",
            "organ": finance.code,
            "organ_name": "某市财政局",
            "doc_number": "某财预〔2026〕3号",
            "subject_terms": ["预算", "财政"],
            "topic": fiscal.pk,
            "topic_name": "财政、金融、审计",
            "genre": notice.pk,
            "genre_name": "通知",
            "article20": 7,
            "doc_type": "other",
            "formed_on": "2026-03-02",
            "published_on": "2026-03-02",
            "validity": "in_force",
            "repealed_on": None,
            "status": "published",
            "url": f"http://testserver/items/{item.pk}/",
        }

    def test_default_order_is_newest_publication_first(self, api: Any, finance: Organ) -> None:
        make_item(finance, "三月的通知", published_on=dt.date(2026, 3, 1))
        make_item(finance, "五月的通知", published_on=dt.date(2026, 5, 1))
        make_item(finance, "一月的通知", published_on=dt.date(2026, 1, 1))

        assert titles(api.get(ITEMS_URL)) == ["五月的通知", "三月的通知", "一月的通知"]

    @pytest.mark.parametrize(
        ("ordering", "expected"),
        [
            ("published_on", ["甲", "乙", "丙"]),
            ("-published_on", ["丙", "乙", "甲"]),
            ("formed_on", ["丙", "甲", "乙"]),
            ("-formed_on", ["乙", "甲", "丙"]),
            ("id", ["甲", "乙", "丙"]),
            ("-id", ["丙", "乙", "甲"]),
        ],
    )
    def test_allowed_orderings(
        self, api: Any, finance: Organ, ordering: str, expected: list[str]
    ) -> None:
        make_item(finance, "甲", published_on=dt.date(2026, 1, 10), formed_on=dt.date(2026, 1, 5))
        make_item(finance, "乙", published_on=dt.date(2026, 2, 10), formed_on=dt.date(2026, 2, 9))
        make_item(finance, "丙", published_on=dt.date(2026, 3, 10), formed_on=dt.date(2025, 1, 1))

        assert titles(api.get(ITEMS_URL, {"ordering": ordering})) == expected

    def test_ordering_by_title(self, api: Any, finance: Organ) -> None:
        for title in ["b通知", "a通知", "c通知"]:
            make_item(finance, title)

        assert titles(api.get(ITEMS_URL, {"ordering": "title"})) == ["a通知", "b通知", "c通知"]
        assert titles(api.get(ITEMS_URL, {"ordering": "-title"})) == ["c通知", "b通知", "a通知"]

    def test_organ_filter_includes_subordinate_organs(
        self, api: Any, city: Organ, finance: Organ, education: Organ
    ) -> None:
        make_item(city, "市政府的通知")
        make_item(finance, "财政局的通知")
        make_item(education, "教育局的通知")

        assert sorted(titles(api.get(ITEMS_URL, {"organ": city.code}))) == sorted(
            ["市政府的通知", "财政局的通知", "教育局的通知"]
        )
        assert titles(api.get(ITEMS_URL, {"organ": finance.code})) == ["财政局的通知"]

    def test_own_limits_the_organ_filter_to_the_organ_alone(
        self, api: Any, city: Organ, finance: Organ
    ) -> None:
        make_item(city, "市政府的通知")
        make_item(finance, "财政局的通知")

        own = {"organ": city.code, "own": "true"}
        assert titles(api.get(ITEMS_URL, own)) == ["市政府的通知"]
        assert len(titles(api.get(ITEMS_URL, {**own, "own": "false"}))) == 2

    def test_top_level_topic_includes_its_children(self, api: Any, finance: Organ) -> None:
        parent = topic("财政、金融、审计")
        child = topic("财政", parent)
        other = topic("教育")  # another first-level topic
        make_item(finance, "一级主题", topic=parent)
        make_item(finance, "二级主题", topic=child)
        make_item(finance, "其他主题", topic=other)

        assert sorted(titles(api.get(ITEMS_URL, {"topic": parent.pk}))) == ["一级主题", "二级主题"]
        assert titles(api.get(ITEMS_URL, {"topic": child.pk})) == ["二级主题"]

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"doc_type": "rule"}, ["规章"]),
            ({"doc_type": "normative"}, ["规范性文件"]),
            ({"validity": "repealed"}, ["规范性文件"]),
            ({"validity": "in_force"}, ["规章"]),
            ({"article20": "1"}, ["规章"]),
            ({"published_after": "2026-02-01"}, ["规范性文件"]),
            ({"published_before": "2026-02-01"}, ["规章"]),
            ({"published_after": "2026-01-15", "published_before": "2026-01-15"}, ["规章"]),
        ],
    )
    def test_field_filters(
        self, api: Any, finance: Organ, params: dict[str, str], expected: list[str]
    ) -> None:
        make_item(finance, "规章", doc_type="rule", article20=1, published_on=dt.date(2026, 1, 15))
        normative = make_item(
            finance, "规范性文件", doc_type="normative", published_on=dt.date(2026, 3, 1)
        )
        normative.validity = Item.Validity.REPEALED
        normative.repealed_on = dt.date(2026, 4, 1)
        normative.save()

        assert titles(api.get(ITEMS_URL, params)) == expected

    def test_genre_filter(self, api: Any, finance: Organ) -> None:
        notice = term(Term.Kind.GENRE, "通知")
        decision = term(Term.Kind.GENRE, "决定")
        make_item(finance, "某通知", genre=notice)
        make_item(finance, "某决定", genre=decision)

        assert titles(api.get(ITEMS_URL, {"genre": decision.pk})) == ["某决定"]

    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({"organ": credit_code(4040)}, "organ", "行政机关不存在。"),
            ({"topic": "999999"}, "topic", "主题分类不存在。"),
            ({"genre": "999999"}, "genre", "体裁不存在。"),
            ({"doc_type": "law"}, "doc_type", "文件类型只能是rule、normative或other。"),
            ({"validity": "dead"}, "validity", "有效性只能是in_force、amended或repealed。"),
            ({"article20": "16"}, "article20", "条例第二十条类别应为1到15之间的整数。"),
            ({"article20": "0"}, "article20", "条例第二十条类别应为1到15之间的整数。"),
            ({"article20": "x"}, "article20", "条例第二十条类别应为1到15之间的整数。"),
            (
                {"published_after": "2026-13-01"},
                "published_after",
                "请输入有效的日期，格式为YYYY-MM-DD。",
            ),
            (
                {"published_before": "yesterday"},
                "published_before",
                "请输入有效的日期，格式为YYYY-MM-DD。",
            ),
            (
                {"ordering": "body"},
                "ordering",
                "排序只能是published_on、formed_on、title、id之一（前加“-”为倒序）。",
            ),
            ({"q": "长" * 201}, "q", "关键词不能超过200个字符。"),
        ],
    )
    def test_malformed_filters_are_a_400_naming_the_parameter(
        self, api: Any, finance: Organ, params: dict[str, str], field: str, message: str
    ) -> None:
        make_item(finance)

        response = api.get(ITEMS_URL, params)

        assert response.status_code == 400
        assert response.json() == {field: [message]}

    def test_page_size_is_capped_and_malformed_page_size_is_a_400(
        self, api: Any, finance: Organ
    ) -> None:
        for n in range(3):
            make_item(finance, f"通知{n}")

        assert len(results(api.get(ITEMS_URL, {"page_size": 100000}))) == 3
        assert len(results(api.get(ITEMS_URL, {"page_size": 2}))) == 2
        for bad in ("abc", "0"):
            response = api.get(ITEMS_URL, {"page_size": bad})
            assert response.status_code == 400
            assert response.json() == {"page_size": ["每页条数必须是1到100之间的整数。"]}

    def test_title_with_markup_is_returned_as_plain_text(self, api: Any, finance: Organ) -> None:
        make_item(finance, "<script>alert(1)</script>通知")

        # JSON carries the text as typed; escaping is the HTML renderer's job.
        assert titles(api.get(ITEMS_URL)) == ["<script>alert(1)</script>通知"]


class TestListQueryCount:
    def make_items(self, count: int) -> None:
        for n in range(count):
            organ = make_organ(f"机关{n}")
            make_item(
                organ,
                f"关于公开工作的通知{n}",
                topic=topic(f"主题{n}"),
                genre=term(Term.Kind.GENRE, f"体裁{n}"),
            )

    @pytest.mark.parametrize("count", [3, 25])
    @pytest.mark.usefixtures("database_counters")
    def test_list_costs_three_queries_whatever_the_number_of_rows(
        self, api: Any, django_assert_num_queries: Any, count: int
    ) -> None:
        self.make_items(count)
        # The first request after a change computes the shared counts of published items
        # (four grouped queries, once per catalog version for every process).
        api.get(ITEMS_URL)
        pagecache.clear()  # not the anonymous answer kept from that request

        # 1. the throttle's counter: one upsert (in Redis instead when REDIS_URL is set)
        # 2. the version stamps (the total of published items is the shared, cached count)
        # 3. SELECT the page of items JOIN organ, topic, genre
        with django_assert_num_queries(3):
            response = api.get(ITEMS_URL)
        # Again: the kept answer, after the throttle's counter and the version stamps.
        with django_assert_num_queries(2):
            assert api.get(ITEMS_URL).json() == response.json()

        assert len(results(response)) == min(count, 20)

    @pytest.mark.usefixtures("database_counters")
    def test_search_costs_four_queries_too(self, api: Any, django_assert_num_queries: Any) -> None:
        self.make_items(5)

        # 1. the throttle's counter: one upsert (in Redis instead when REDIS_URL is set)
        # 2. the version stamps (anonymous answers are kept while they are unchanged)
        # 3. SELECT COUNT(*) of published items matching the full-text condition
        # 4. SELECT the page of matches JOIN organ, topic, genre, ranked by relevance
        with django_assert_num_queries(4):
            response = api.get(ITEMS_URL, {"q": "公开"})

        assert len(results(response)) == 5


class TestDetail:
    def test_published_item_shows_body_and_attachments(self, api: Any, finance: Organ) -> None:
        item = make_item(finance, body="<p>正文<strong>内容</strong></p>", summary="概述")
        attachment = Attachment.objects.create(
            item=item,
            name="附件1.pdf",
            file="items/x.pdf",
            content_type="application/pdf",
            extension=".pdf",
            size=1234,
            sha256="0" * 64,
        )

        response = api.get(item_url(item))

        assert response.status_code == 200
        data = response.json()
        assert data["body"] == "<p>正文<strong>内容</strong></p>"
        assert data["summary"] == "概述"
        assert data["url"] == f"http://testserver/items/{item.pk}/"
        assert data["attachments"] == [
            {
                "id": attachment.pk,
                "name": "附件1.pdf",
                "url": f"http://testserver/items/{item.pk}/attachments/{attachment.pk}/",
                "size": 1234,
            }
        ]

    def test_unknown_item_is_a_404(self, api: Any) -> None:
        assert api.get(item_url(987654)).status_code == 404

    def test_draft_is_a_404_for_the_public(self, api: Any, finance: Organ) -> None:
        draft = make_item(finance, publish=False)

        assert api.get(item_url(draft)).status_code == 404

    def test_draft_is_a_404_for_staff_of_another_organ(
        self, api: Any, finance: Organ, education: Organ
    ) -> None:
        draft = make_item(finance, publish=False)
        api.force_authenticate(make_staff(education, ["publisher", "handler"]))

        assert api.get(item_url(draft)).status_code == 404

    @pytest.mark.parametrize("who", ["own_handler", "city_publisher", "superuser"])
    def test_draft_is_visible_to_staff_of_its_organ_or_above(
        self, api: Any, city: Organ, finance: Organ, who: str
    ) -> None:
        draft = make_item(finance, "草稿标题", publish=False)
        user = {
            "own_handler": lambda: make_staff(finance, ["handler"]),
            "city_publisher": lambda: make_staff(city, ["publisher"]),
            "superuser": make_superuser,
        }[who]()
        api.force_authenticate(user)

        response = api.get(item_url(draft))

        assert response.status_code == 200
        assert response.json()["status"] == "draft"
        assert response.json()["index_no"] is None

    def test_drafts_stay_out_of_the_list_even_for_their_staff(
        self, api: Any, finance: Organ
    ) -> None:
        make_item(finance, "草稿", publish=False)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        assert results(api.get(ITEMS_URL)) == []


# --- Search ----------------------------------------------------------------------------------


class TestSearch:
    @pytest.fixture(autouse=True)
    def items(self, finance: Organ, education: Organ) -> None:
        make_item(
            finance,
            "关于做好政府信息公开工作的通知",
            doc_number="某财办〔2024〕12号",
            published_on=dt.date(2026, 1, 5),
        )
        make_item(
            finance,
            "财政预算执行情况报告",
            body="<p>本报告依申请公开的部分见附件。</p>",
            published_on=dt.date(2026, 2, 5),
        )
        make_item(
            education,
            "教育统计公报",
            summary="GDP增长与教育经费投入情况。",
            published_on=dt.date(2026, 3, 5),
        )
        make_item(
            education,
            "学校信息公开目录",
            published_on=dt.date(2026, 4, 5),
        )
        make_item(finance, "未发布的信息公开草稿", publish=False)

    def test_two_character_chinese_query_finds_every_item_containing_it(self, api: Any) -> None:
        found = titles(api.get(ITEMS_URL, {"q": "公开"}))

        assert sorted(found) == sorted(
            ["关于做好政府信息公开工作的通知", "财政预算执行情况报告", "学校信息公开目录"]
        )

    def test_four_character_query(self, api: Any) -> None:
        found = titles(api.get(ITEMS_URL, {"q": "信息公开"}))

        assert sorted(found) == sorted(["关于做好政府信息公开工作的通知", "学校信息公开目录"])

    def test_query_found_in_the_body_only(self, api: Any) -> None:
        assert titles(api.get(ITEMS_URL, {"q": "依申请"})) == ["财政预算执行情况报告"]

    @pytest.mark.parametrize(
        "query",
        ["某财办〔2024〕12号", "某财办[2024]12号", "某财办(2024)12号", "某财办（2024）12号"],
    )
    def test_doc_number_is_found_with_any_bracket(self, api: Any, query: str) -> None:
        assert titles(api.get(ITEMS_URL, {"q": query})) == ["关于做好政府信息公开工作的通知"]

    def test_english_word_is_found_case_insensitively(self, api: Any) -> None:
        assert titles(api.get(ITEMS_URL, {"q": "gdp"})) == ["教育统计公报"]

    def test_index_number_is_found(self, api: Any) -> None:
        item = Item.objects.get(title="教育统计公报")

        assert titles(api.get(ITEMS_URL, {"q": item.index_no})) == ["教育统计公报"]

    def test_query_combined_with_an_organ_filter(self, api: Any, education: Organ) -> None:
        found = titles(api.get(ITEMS_URL, {"q": "信息公开", "organ": education.code}))

        assert found == ["学校信息公开目录"]

    def test_title_matches_rank_before_body_matches(self, api: Any) -> None:
        # The body-only match is newer than one title match but still comes last.
        found = titles(api.get(ITEMS_URL, {"q": "公开"}))

        assert found[-1] == "财政预算执行情况报告"
        assert found[:2] == ["学校信息公开目录", "关于做好政府信息公开工作的通知"]

    def test_explicit_ordering_overrides_relevance(self, api: Any) -> None:
        found = titles(api.get(ITEMS_URL, {"q": "公开", "ordering": "published_on"}))

        assert found == [
            "关于做好政府信息公开工作的通知",
            "财政预算执行情况报告",
            "学校信息公开目录",
        ]

    def test_results_carry_a_highlighted_snippet(self, api: Any) -> None:
        rows = results(api.get(ITEMS_URL, {"q": "依申请"}))

        assert rows[0]["snippet"] == "本报告<mark>依申请</mark>公开的部分见附件。"
        assert "snippet" not in results(api.get(ITEMS_URL))[0]

    def test_query_without_hits_returns_an_empty_page(self, api: Any) -> None:
        response = api.get(ITEMS_URL, {"q": "不存在的词语"})

        assert response.json()["count"] == 0


# --- Writing ---------------------------------------------------------------------------------


class TestCreate:
    def test_publisher_creates_a_draft_without_index_number(self, api: Any, finance: Organ) -> None:
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.post(
            ITEMS_URL,
            new_item(finance, subject_terms=["政务公开", "要点"], status="draft"),
            format="json",
        )

        assert response.status_code == 201, response.content
        data = response.json()
        assert data["status"] == "draft"
        assert data["index_no"] is None
        assert data["published_on"] is None
        assert data["organ"] == finance.code
        assert data["subject_terms"] == ["政务公开", "要点"]
        assert data["attachments"] == []
        assert Item.objects.get(pk=data["id"]).created_by is not None

    def test_published_item_gets_an_index_number_from_the_credit_code(
        self, api: Any, finance: Organ
    ) -> None:
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.post(
            ITEMS_URL,
            new_item(finance, status="published", published_on="2026-03-02"),
            format="json",
        )

        assert response.status_code == 201
        data = response.json()
        assert data["status"] == "published"
        assert data["published_on"] == "2026-03-02"
        # 目录系统实施指引: 组织机构代码 (credit code characters 9–17) / year - serial.
        assert data["index_no"] == f"{finance.code[8:17]}/2026-00001"

    def test_publishing_without_a_date_publishes_today(self, api: Any, finance: Organ) -> None:
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.post(ITEMS_URL, new_item(finance, status="published"), format="json")

        today = timezone.localdate()
        assert response.json()["published_on"] == today.isoformat()
        match = INDEX_NO.match(response.json()["index_no"])
        assert match is not None
        assert (match["prefix"], match["year"], match["serial"]) == (
            finance.code[8:17],
            str(today.year),
            "00001",
        )

    def test_custom_index_prefix_is_used(self, api: Any) -> None:
        organ = make_organ("某区人民政府", index_prefix="QZF")
        api.force_authenticate(make_staff(organ, ["publisher"]))

        response = api.post(
            ITEMS_URL,
            new_item(organ, status="published", published_on="2026-03-02"),
            format="json",
        )

        assert response.json()["index_no"] == "QZF/2026-00001"

    def test_serials_run_per_organ_and_per_year(
        self, api: Any, finance: Organ, education: Organ
    ) -> None:
        api.force_authenticate(make_superuser())

        def publish(organ: Organ, on: str) -> str:
            body = new_item(organ, status="published", published_on=on, formed_on="2025-12-01")
            response = api.post(ITEMS_URL, body, format="json")
            assert response.status_code == 201, response.content
            return response.json()["index_no"]

        issued = [
            publish(finance, "2025-12-30"),
            publish(finance, "2025-12-31"),
            publish(education, "2025-12-31"),
            publish(finance, "2026-01-02"),  # a new year restarts at 00001
            publish(finance, "2026-01-03"),
        ]

        f, e = finance.code[8:17], education.code[8:17]
        assert issued == [
            f"{f}/2025-00001",
            f"{f}/2025-00002",
            f"{e}/2025-00001",
            f"{f}/2026-00001",
            f"{f}/2026-00002",
        ]

    def test_publisher_of_the_city_government_acts_on_its_departments(
        self, api: Any, city: Organ, finance: Organ
    ) -> None:
        api.force_authenticate(make_staff(city, ["publisher"]))

        response = api.post(ITEMS_URL, new_item(finance), format="json")

        assert response.status_code == 201
        assert Item.objects.get().organ == finance

    def test_publisher_of_another_department_gets_403(
        self, api: Any, finance: Organ, education: Organ
    ) -> None:
        api.force_authenticate(make_staff(education, ["publisher"]))

        response = api.post(ITEMS_URL, new_item(finance), format="json")

        assert response.status_code == 403
        assert not Item.objects.exists()

    def test_department_publisher_cannot_publish_for_the_government(
        self, api: Any, city: Organ, finance: Organ
    ) -> None:
        api.force_authenticate(make_staff(finance, ["publisher"]))

        assert api.post(ITEMS_URL, new_item(city), format="json").status_code == 403

    def test_staff_without_the_publisher_role_gets_403(self, api: Any, finance: Organ) -> None:
        api.force_authenticate(make_staff(finance, ["handler", "approver", "reporter"]))

        assert api.post(ITEMS_URL, new_item(finance), format="json").status_code == 403

    def test_anonymous_caller_gets_401(self, api: Any, finance: Organ) -> None:
        assert api.post(ITEMS_URL, new_item(finance), format="json").status_code == 401

    @pytest.mark.parametrize(
        ("extra", "field", "message"),
        [
            ({"topic": 999999}, "topic", "主题分类“999999”不存在。"),
            ({"genre": 999999}, "genre", "体裁“999999”不存在。"),
            ({"organ": "NOSUCH"}, "organ", "行政机关“NOSUCH”不存在。"),
            ({"article20": 16}, "article20", "条例第二十条类别应为1到15之间的整数。"),
            ({"formed_on": "2026-02-30"}, "formed_on", None),
            ({"doc_type": "law"}, "doc_type", None),
            ({"title": ""}, "title", None),
            ({"status": "archived"}, "status", None),
            ({"co_organs": ["NOSUCH"]}, "co_organs", "行政机关“NOSUCH”不存在。"),
            ({"published_on": "2026-03-02"}, "published_on", "发布日期只能在发布时填写。"),
        ],
    )
    def test_invalid_input_is_a_400_naming_the_field(
        self,
        api: Any,
        finance: Organ,
        extra: dict[str, Any],
        field: str,
        message: str | None,
    ) -> None:
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.post(ITEMS_URL, new_item(finance, **extra), format="json")

        assert response.status_code == 400
        errors = response.json()
        assert list(errors) == [field]
        if message is not None:
            assert errors[field] == [message]
        assert not Item.objects.exists()

    @pytest.mark.parametrize("field", ["organ", "title", "doc_type", "formed_on"])
    def test_required_fields(self, api: Any, finance: Organ, field: str) -> None:
        api.force_authenticate(make_staff(finance, ["publisher"]))
        body = new_item(finance)
        del body[field]

        response = api.post(ITEMS_URL, body, format="json")

        assert response.status_code == 400
        assert response.json() == {field: ["该字段是必填项。"]}

    def test_rule_violations_of_the_service_are_400s_and_nothing_is_saved(
        self, api: Any, finance: Organ
    ) -> None:
        api.force_authenticate(make_staff(finance, ["publisher"]))
        body = new_item(
            finance, status="published", formed_on="2026-03-05", published_on="2026-03-02"
        )

        response = api.post(ITEMS_URL, body, format="json")

        assert response.status_code == 400
        assert response.json() == {"formed_on": ["成文日期不能晚于发布日期。"]}
        assert not Item.objects.exists()
        assert not IndexSerial.objects.exists()

    def test_future_publication_date_is_refused(self, api: Any, finance: Organ) -> None:
        api.force_authenticate(make_staff(finance, ["publisher"]))
        tomorrow = timezone.localdate() + dt.timedelta(days=1)

        response = api.post(
            ITEMS_URL,
            new_item(finance, status="published", published_on=tomorrow.isoformat()),
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == {"published_on": ["发布日期不能晚于今天。"]}

    def test_markup_in_title_is_stored_as_text_and_body_is_sanitised(
        self, api: Any, finance: Organ
    ) -> None:
        api.force_authenticate(make_staff(finance, ["publisher"]))
        body = new_item(
            finance,
            title="<script>alert(1)</script>通知",
            body='<p onclick="x()">正文</p><script>alert(2)</script>',
        )

        data = api.post(ITEMS_URL, body, format="json").json()

        assert data["title"] == "<script>alert(1)</script>通知"
        assert data["body"] == "<p>正文</p>"

    def test_joint_organs_and_organ_vocabularies_are_accepted(
        self, api: Any, city: Organ, finance: Organ, education: Organ
    ) -> None:
        grouping = term(Term.Kind.GROUPING, "预决算", finance)
        audience = term(Term.Kind.AUDIENCE, "企业")
        # The city's publisher publishes for both departments: either may be a joint publisher.
        api.force_authenticate(make_staff(city, ["publisher"]))

        response = api.post(
            ITEMS_URL,
            new_item(
                finance,
                co_organs=[education.code],
                grouping=grouping.pk,
                audience=audience.pk,
                summary="联合发文",
                changed_on="2026-03-10",
            ),
            format="json",
        )

        assert response.status_code == 201, response.content
        data = response.json()
        assert data["co_organs"] == [education.code]
        assert (data["grouping_name"], data["audience_name"]) == ("预决算", "企业")
        assert data["changed_on"] == "2026-03-10"

    def test_an_organ_the_caller_does_not_publish_for_is_no_joint_publisher(
        self, api: Any, city: Organ, finance: Organ, education: Organ
    ) -> None:
        # Issue 8: a publisher named other organs as joint publishers of its own item.
        api.force_authenticate(make_staff(finance, ["publisher"]))
        for foreign in (education, city):
            response = api.post(
                ITEMS_URL, new_item(finance, co_organs=[foreign.code]), format="json"
            )
            assert response.status_code == 400
            assert list(response.json()) == ["co_organs"]
            assert foreign.code in response.json()["co_organs"][0]
        assert not Item.objects.exists()
        item = api.post(ITEMS_URL, new_item(finance), format="json").json()
        response = api.patch(
            f"{ITEMS_URL}{item['id']}/", {"co_organs": [education.code]}, format="json"
        )
        assert response.status_code == 400
        assert list(response.json()) == ["co_organs"]
        assert not Item.objects.get(pk=item["id"]).co_organs.exists()

    def test_vocabulary_term_of_another_organ_is_refused(
        self, api: Any, finance: Organ, education: Organ
    ) -> None:
        grouping = term(Term.Kind.GROUPING, "招生", education)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.post(ITEMS_URL, new_item(finance, grouping=grouping.pk), format="json")

        assert response.status_code == 400
        assert response.json() == {"grouping": ["“招生”不是本机关可用的分类。"]}


class TestUpdate:
    def test_publisher_edits_a_published_item_and_its_index_number_stays(
        self, api: Any, finance: Organ
    ) -> None:
        item = make_item(finance, "旧标题")
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.patch(
            item_url(item), {"title": "新标题", "subject_terms": ["预算"]}, format="json"
        )

        assert response.status_code == 200
        data = response.json()
        assert data["title"] == "新标题"
        assert data["index_no"] == item.index_no
        assert data["published_on"] == "2026-03-02"
        item.refresh_from_db()
        assert (item.title, item.subject_terms) == ("新标题", ["预算"])

    def test_patching_status_published_publishes_a_draft(self, api: Any, finance: Organ) -> None:
        draft = make_item(finance, publish=False)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.patch(
            item_url(draft),
            {"status": "published", "published_on": "2026-03-04", "title": "定稿"},
            format="json",
        )

        assert response.status_code == 200
        data = response.json()
        assert (data["status"], data["title"], data["published_on"]) == (
            "published",
            "定稿",
            "2026-03-04",
        )
        assert data["index_no"] == f"{finance.code[8:17]}/2026-00001"
        # Visible to the public now.
        assert api.get(item_url(draft)).status_code == 200

    def test_index_number_is_not_reissued_by_a_later_patch(self, api: Any, finance: Organ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        again = api.patch(
            item_url(item), {"status": "published", "index_no": item.index_no}, format="json"
        )

        assert again.status_code == 200
        assert again.json()["index_no"] == item.index_no
        assert IndexSerial.objects.get(organ=finance).last == 1

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"published_on": "2026-03-01"}, "published_on"),
            ({"index_no": "X/2026-00099"}, "index_no"),
        ],
    )
    def test_changing_index_number_or_publication_date_is_a_400(
        self, api: Any, finance: Organ, change: dict[str, str], field: str
    ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.patch(item_url(item), change, format="json")

        assert response.status_code == 400
        assert response.json() == {field: ["已发布条目的索引号和发布日期不可更改。"]}
        item.refresh_from_db()
        assert item.published_on == dt.date(2026, 3, 2)

    def test_published_item_cannot_return_to_draft(self, api: Any, finance: Organ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.patch(item_url(item), {"status": "draft"}, format="json")

        assert response.status_code == 400
        assert response.json() == {"status": ["已发布的条目不能改回草稿。"]}

    def test_organ_cannot_be_changed(self, api: Any, finance: Organ, education: Organ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_superuser())

        response = api.patch(item_url(item), {"organ": education.code}, format="json")

        assert response.status_code == 400
        assert response.json() == {"organ": ["条目的发布机构不可更改。"]}

    def test_publisher_of_another_department_gets_403_on_a_published_item(
        self, api: Any, finance: Organ, education: Organ
    ) -> None:
        item = make_item(finance, "原标题")
        api.force_authenticate(make_staff(education, ["publisher"]))

        response = api.patch(item_url(item), {"title": "篡改"}, format="json")

        assert response.status_code == 403
        item.refresh_from_db()
        assert item.title == "原标题"

    def test_publisher_of_another_department_gets_404_on_a_draft(
        self, api: Any, finance: Organ, education: Organ
    ) -> None:
        draft = make_item(finance, publish=False)
        api.force_authenticate(make_staff(education, ["publisher"]))

        assert api.patch(item_url(draft), {"title": "篡改"}, format="json").status_code == 404

    def test_handler_of_the_organ_gets_403(self, api: Any, finance: Organ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(finance, ["handler"]))

        assert api.patch(item_url(item), {"title": "改"}, format="json").status_code == 403

    def test_publisher_of_the_city_government_edits_a_department_item(
        self, api: Any, city: Organ, finance: Organ
    ) -> None:
        draft = make_item(finance, publish=False)
        api.force_authenticate(make_staff(city, ["publisher"]))

        response = api.patch(item_url(draft), {"title": "市政府修改"}, format="json")

        assert response.status_code == 200

    def test_anonymous_caller_gets_401(self, api: Any, finance: Organ) -> None:
        item = make_item(finance)

        assert api.patch(item_url(item), {"title": "改"}, format="json").status_code == 401

    def test_failed_publication_leaves_the_edit_unsaved(self, api: Any, finance: Organ) -> None:
        draft = make_item(finance, "草稿", publish=False, formed_on=dt.date(2026, 3, 2))
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.patch(
            item_url(draft),
            {"title": "改过的标题", "status": "published", "published_on": "2026-03-01"},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == {"formed_on": ["成文日期不能晚于发布日期。"]}
        draft.refresh_from_db()
        assert (draft.title, draft.status) == ("草稿", "draft")

    def test_put_is_not_offered(self, api: Any, finance: Organ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_superuser())

        assert api.put(item_url(item), new_item(finance), format="json").status_code == 405


class TestRepeal:
    @pytest.mark.parametrize("validity", ["repealed", "amended"])
    def test_publisher_repeals_or_marks_amended(
        self, api: Any, finance: Organ, validity: str
    ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.post(
            item_url(item, "repeal/"), {"date": "2026-04-01", "validity": validity}, format="json"
        )

        assert response.status_code == 200
        data = response.json()
        assert (data["validity"], data["repealed_on"]) == (validity, "2026-04-01")
        assert data["index_no"] == item.index_no

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"date": "2026-04-01", "validity": "in_force"}, "validity"),
            ({"date": "2026/04/01", "validity": "repealed"}, "date"),
            ({"validity": "repealed"}, "date"),
            ({"date": "2026-01-01", "validity": "repealed"}, "date"),  # before 成文日期
        ],
    )
    def test_invalid_repeal_is_a_400_naming_the_field(
        self, api: Any, finance: Organ, body: dict[str, str], field: str
    ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.post(item_url(item, "repeal/"), body, format="json")

        assert response.status_code == 400
        assert list(response.json()) == [field]
        item.refresh_from_db()
        assert item.validity == "in_force"

    def test_draft_cannot_be_repealed(self, api: Any, finance: Organ) -> None:
        draft = make_item(finance, publish=False)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.post(
            item_url(draft, "repeal/"),
            {"date": "2026-04-01", "validity": "repealed"},
            format="json",
        )

        assert response.status_code == 409

    def test_publisher_of_another_department_gets_403(
        self, api: Any, finance: Organ, education: Organ
    ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(education, ["publisher"]))

        response = api.post(
            item_url(item, "repeal/"), {"date": "2026-04-01", "validity": "repealed"}, format="json"
        )

        assert response.status_code == 403


class TestAttachments:
    def test_publisher_uploads_a_pdf(self, api: Any, finance: Organ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.post(
            item_url(item, "attachments/"),
            {"file": SimpleUploadedFile("预算表.pdf", PDF, content_type="application/pdf")},
            format="multipart",
        )

        assert response.status_code == 201, response.content
        attachment = Attachment.objects.get(item=item)
        assert response.json() == {
            "id": attachment.pk,
            "name": "预算表.pdf",
            "url": f"http://testserver/items/{item.pk}/attachments/{attachment.pk}/",
            "size": len(PDF),
        }
        assert attachment.content_type == "application/pdf"
        detail = api.get(item_url(item)).json()
        assert [a["name"] for a in detail["attachments"]] == ["预算表.pdf"]

    def test_disguised_file_is_a_400_on_file(self, api: Any, finance: Organ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(finance, ["publisher"]))
        executable = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

        response = api.post(
            item_url(item, "attachments/"),
            {"file": SimpleUploadedFile("报告.pdf", executable)},
            format="multipart",
        )

        assert response.status_code == 400
        assert list(response.json()) == ["file"]
        assert "不是允许的格式" in response.json()["file"][0]
        assert not Attachment.objects.exists()

    def test_oversized_file_is_a_413(self, api: Any, finance: Organ, settings: Any) -> None:
        settings.ITEM_ATTACHMENT_MAX_BYTES = 1024 * 1024
        item = make_item(finance)
        api.force_authenticate(make_staff(finance, ["publisher"]))
        big = PDF + b"0" * (1024 * 1024)

        response = api.post(
            item_url(item, "attachments/"),
            {"file": SimpleUploadedFile("大文件.pdf", big)},
            format="multipart",
        )

        assert response.status_code == 413
        assert response.json() == {"detail": "文件“大文件.pdf”超过大小上限（1 MB）。"}
        assert not Attachment.objects.exists()

    def test_missing_file_is_a_400(self, api: Any, finance: Organ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(finance, ["publisher"]))

        response = api.post(item_url(item, "attachments/"), {}, format="multipart")

        assert response.status_code == 400
        assert list(response.json()) == ["file"]

    def test_publisher_of_another_department_gets_403(
        self, api: Any, finance: Organ, education: Organ
    ) -> None:
        item = make_item(finance)
        api.force_authenticate(make_staff(education, ["publisher"]))

        response = api.post(
            item_url(item, "attachments/"),
            {"file": SimpleUploadedFile("a.pdf", PDF)},
            format="multipart",
        )

        assert response.status_code == 403
        assert not Attachment.objects.exists()

    def test_anonymous_caller_gets_401(self, api: Any, finance: Organ) -> None:
        item = make_item(finance)

        response = api.post(
            item_url(item, "attachments/"),
            {"file": SimpleUploadedFile("a.pdf", PDF)},
            format="multipart",
        )

        assert response.status_code == 401
