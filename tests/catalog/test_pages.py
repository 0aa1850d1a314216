"""The public pages of the disclosure catalog (api.md「Public pages」)."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog import services
from catalog.models import Item, Organ, Term, Topic
from catalog.templatetags.portal import format_cn_date, format_cn_datetime
from disclosure_portal import versions
from tests import files
from tests.factories import make_item, make_organ, make_staff, make_superuser

pytestmark = pytest.mark.django_db

PDF_BYTES = files.pdf()
SUB_COLUMNS = ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报")


@pytest.fixture(autouse=True)
def _frozen_clock() -> Any:
    with time_machine.travel(
        dt.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def tree() -> dict[str, Organ]:
    city = make_organ("临江市人民政府", short_name="市政府")
    edu = make_organ("临江市教育局", parent=city, short_name="市教育局")
    return {
        "city": city,
        "edu": edu,
        "school": make_organ("临江市教育考试院", parent=edu, short_name="市考试院"),
        "finance": make_organ("临江市财政局", parent=city, short_name="市财政局"),
    }


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    fragment = re.sub(r"<br\s*/?>|</?(?:p|div|li|dt|dd)\b[^>]*>", " ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def result_titles(page: str) -> list[str]:
    return [text_of(t) for t in re.findall(r'<h3 class="result-title">(.*?)</h3>', page, re.S)]


def header_rows(page: str) -> list[tuple[str, str]]:
    """(label, value) of the item page's metadata header, in page order."""
    block = re.search(r'<dl class="item-meta">(.*?)</dl>', page, re.S)
    assert block, "no metadata header"
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block.group(1), re.S)
    return [(text_of(label), text_of(value)) for label, value in pairs]


# --- Helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 11, 26), "2026年11月26日"),
        (dt.date(2026, 3, 2), "2026年3月2日"),
        # 2026-03-01 20:00 UTC is already 2 March in Beijing.
        (dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC), "2026年3月2日"),
        (None, ""),
    ],
)
def test_cn_date_formats_chinese_dates_in_beijing_time(value: Any, expected: str) -> None:
    with translation.override("zh-hans"):
        assert format_cn_date(value) == expected


def test_cn_date_is_iso_in_english() -> None:
    with translation.override("en"):
        assert format_cn_date(dt.date(2026, 11, 26)) == "2026-11-26"


def test_cn_datetime_shows_the_beijing_time_of_day_in_both_languages() -> None:
    # 23:30 UTC on 1 March is 07:30 on 2 March in Beijing.
    moment = dt.datetime(2026, 3, 1, 23, 30, 5, tzinfo=dt.UTC)
    with translation.override("zh-hans"):
        assert format_cn_datetime(moment) == "2026年3月2日 07:30"
        assert format_cn_datetime(moment, seconds=True) == "2026年3月2日 07:30:05"
        assert format_cn_datetime(None) == ""
    with translation.override("en"):
        assert format_cn_datetime(moment) == "2026-03-02 07:30"


def test_no_template_formats_dates_around_cn_date() -> None:
    """Dates read the same on every page: templates show them through ``cn_date`` /
    ``cn_datetime``; ``|date`` is left only for machine-readable ``datetime`` attributes."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for template in sorted((root / "templates").rglob("*.html")):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            for match in re.finditer(r"\|date:(['\"])(.*?)\1", line):
                if match.group(2) not in ("Y-m-d", "c"):
                    offenders.append(f"{template.relative_to(root)}:{number} {match.group(0)}")
    assert offenders == []


# --- Home and organ columns ---------------------------------------------------------------


def test_home_shows_the_four_sub_columns_latest_items_and_application_links(
    client: Client, tree: dict[str, Organ]
) -> None:
    make_item(tree["edu"], "关于2026年秋季招生工作的通知")
    make_item(tree["edu"], "尚未发布的草稿", publish=False)

    page = client.get("/").content.decode()

    for title in SUB_COLUMNS:
        assert title in page
    city = tree["city"].code
    assert f'href="/organs/{city}/guide/"' in page
    assert f'href="/organs/{city}/rules/"' in page
    assert f'href="/organs/{city}/mandatory/"' in page
    assert f'href="/reports/?organ={city}"' in page
    assert "关于2026年秋季招生工作的通知" in page
    assert "尚未发布的草稿" not in page
    assert 'href="/apply/"' in page and 'href="/track/"' in page
    assert 'action="/items/"' in page and 'name="q"' in page
    assert page.count("<h1") == 1


def test_organ_page_shows_columns_subordinates_and_the_subtree_items(
    client: Client, tree: dict[str, Organ]
) -> None:
    make_item(tree["school"], "2026年高考报名须知")
    make_item(tree["finance"], "2026年财政预算公开")

    response = client.get(f"/organs/{tree['edu'].code}/")
    page = response.content.decode()

    assert response.status_code == 200
    for title in SUB_COLUMNS:
        assert title in page
    assert f'href="/reports/?organ={tree["edu"].code}"' in page
    assert "临江市教育考试院" in page  # its subordinate
    assert "2026年高考报名须知" in page  # an item of the subtree
    assert "2026年财政预算公开" not in page  # a sibling's item
    assert f'href="/feeds/items/?organ={tree["edu"].code}"' in page


def test_unknown_organ_is_404(client: Client, tree: dict[str, Organ]) -> None:
    for suffix in ("", "guide/", "rules/", "mandatory/"):
        assert client.get(f"/organs/91330100MA0000000X/{suffix}").status_code == 404


def test_guide_page_shows_every_field_and_the_last_update(
    client: Client, tree: dict[str, Organ]
) -> None:
    organ = tree["edu"]
    data = {
        "office_name": "临江市教育局办公室",
        "address": "临江市人民路1号",
        "office_hours": "工作日上午9:00-12:00",
        "phone": "0571-12345678",
        "fax": "0571-87654321",
        "email": "gk@example.gov.cn",
        "postal_code": "310000",
        "website": "https://edu.example.gov.cn/",
        "scope": "主动公开第一行\n主动公开第二行",
        "classification": "按主题分类编排",
        "application_procedure": "提出申请、受理、答复",
        "fees": "按国办函〔2020〕109号执行",
        "remedies": "可以申请行政复议",
    }
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        services.guide_update(actor=None, organ=organ, data=data)

    page = client.get(f"/organs/{organ.code}/guide/").content.decode()

    labels = [text_of(label) for label in re.findall(r"<dt>(.*?)</dt>", page, re.S)]
    assert labels == [
        "政府信息公开工作机构",
        "办公地址",
        "办公时间",
        "联系电话",
        "传真号码",
        "电子邮箱",
        "邮政编码",
        "网址",
        "主动公开范围",
        "政府信息的分类与编排体系",
        "依申请公开的办理程序",
        "收费标准",
        "监督和救济",
    ]
    for value in data.values():
        assert value.split("\n")[0] in page
    assert "主动公开第一行<br>主动公开第二行" in page  # multiline text keeps its lines
    assert 'href="mailto:gk@example.gov.cn"' in page
    assert "最后更新：2026年11月26日" in text_of(page)


def test_rules_page_lists_items_filed_as_disclosure_rules(
    client: Client, tree: dict[str, Organ]
) -> None:
    rules = Term.objects.create(kind=Term.Kind.GROUPING, name="公开制度")
    other = Term.objects.create(kind=Term.Kind.GROUPING, name="政策文件")
    make_item(tree["edu"], "临江市教育局政府信息公开工作制度", grouping=rules)
    make_item(tree["edu"], "临江市教育局学校安全管理办法", grouping=other)
    make_item(tree["finance"], "临江市财政局信息公开保密审查制度", grouping=rules)

    page = client.get(f"/organs/{tree['edu'].code}/rules/").content.decode()

    assert "临江市教育局政府信息公开工作制度" in page
    assert "临江市教育局学校安全管理办法" not in page
    assert "临江市财政局信息公开保密审查制度" not in page


def test_mandatory_page_lists_the_fifteen_article20_categories_with_counts(
    client: Client, tree: dict[str, Organ]
) -> None:
    make_item(tree["school"], "2026年部门预算", article20=7)
    make_item(tree["edu"], "2025年部门决算", article20=7)
    make_item(tree["finance"], "财政局预算", article20=7)

    page = client.get(f"/organs/{tree['edu'].code}/mandatory/").content.decode()

    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td[^>]*>(\d+)</td>", page, re.S)
    assert len(rows) == 15
    counts = {text_of(label)[:4]: int(count) for label, count in rows}
    assert counts["（七）财"] == 2  # the organ and its subordinate, not the sibling
    assert counts["（一）行"] == 0
    assert f"/items/?organ={tree['edu'].code}&amp;article20=7" in page


# --- The item page -------------------------------------------------------------------------


def test_item_page_shows_the_metadata_header_in_gov_cn_order(
    client: Client, tree: dict[str, Organ]
) -> None:
    parent, _ = Topic.objects.get_or_create(name="科技、教育", parent=None)
    topic, _ = Topic.objects.get_or_create(name="教育", parent=parent)
    genre, _ = Term.objects.get_or_create(kind=Term.Kind.GENRE, name="通知", organ=None)
    item = make_item(
        tree["edu"],
        "关于做好2026年义务教育招生入学工作的通知",
        formed_on=dt.date(2026, 2, 27),
        published_on=dt.date(2026, 3, 2),
        doc_number="临教发〔2026〕5号",
        subject_terms=["教育", "招生"],
        topic=topic,
        genre=genre,
        article20=11,
        summary="明确招生范围和时间安排。",
        body="<p>各区县教育局：现将有关事项通知如下。</p>",
    )
    item.co_organs.set([tree["finance"]])

    response = client.get(f"/items/{item.pk}/")
    page = response.content.decode()

    assert response.status_code == 200
    rows = header_rows(page)
    assert [label for label, _value in rows] == [
        "索引号",
        "主题分类",
        "发布机构",
        "成文日期",
        "标题",
        "发文字号",
        "发布日期",
        "主题词",
        "有效性",
        "体裁",
        "组配分类",
        "服务对象分类",
        "条例第二十条类别",
        "内容概述",
    ]
    values = dict(rows)
    assert values["索引号"] == item.index_no
    assert values["主题分类"] == "科技、教育\\教育"
    assert values["发布机构"] == "临江市教育局、临江市财政局"
    assert values["成文日期"] == "2026年2月27日"
    assert values["发布日期"] == "2026年3月2日"
    assert values["发文字号"] == "临教发〔2026〕5号"
    assert values["主题词"] == "教育、招生"
    assert values["有效性"] == "有效"
    assert values["体裁"] == "通知"
    assert values["条例第二十条类别"].startswith("（十一）")
    assert values["内容概述"] == "明确招生范围和时间安排。"
    assert "<p>各区县教育局：现将有关事项通知如下。</p>" in page  # the sanitised body as HTML
    assert page.count("<h1") == 1


def test_repealed_item_shows_its_repeal_date_after_validity(
    client: Client, tree: dict[str, Organ]
) -> None:
    item = make_item(tree["edu"], "旧办法", published_on=dt.date(2026, 1, 5))
    services.item_repeal(
        actor=None, item=item, date=dt.date(2026, 5, 1), validity=Item.Validity.REPEALED
    )

    rows = header_rows(client.get(f"/items/{item.pk}/").content.decode())

    labels = [label for label, _value in rows]
    assert labels[labels.index("有效性") + 1] == "废止日期"
    assert dict(rows)["有效性"] == "已废止"
    assert dict(rows)["废止日期"] == "2026年5月1日"


def test_draft_is_404_for_the_public_and_for_staff_of_another_organ(
    tree: dict[str, Organ],
) -> None:
    draft = make_item(tree["edu"], "未发布的通知", publish=False)
    stranger = make_staff(tree["finance"], ["publisher"])

    assert Client().get(f"/items/{draft.pk}/").status_code == 404
    assert logged_in(stranger).get(f"/items/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["own_organ", "superior_organ", "superuser"])
def test_draft_is_shown_with_a_banner_to_staff_who_may_see_it(
    tree: dict[str, Organ], who: str
) -> None:
    draft = make_item(tree["edu"], "未发布的通知", publish=False)
    user = {
        "own_organ": lambda: make_staff(tree["edu"], ["handler"]),
        "superior_organ": lambda: make_staff(tree["city"], ["publisher"]),
        "superuser": make_superuser,
    }[who]()

    response = logged_in(user).get(f"/items/{draft.pk}/")

    assert response.status_code == 200
    assert 'class="draft-banner"' in response.content.decode()
    assert "草稿" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_published_item_has_no_draft_banner(client: Client, tree: dict[str, Organ]) -> None:
    item = make_item(tree["edu"])
    assert 'class="draft-banner"' not in client.get(f"/items/{item.pk}/").content.decode()


# --- Attachments ---------------------------------------------------------------------------


def add_pdf(item: Item, name: str = "招生计划表.pdf") -> Any:
    upload = SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
    return services.attachment_add(actor=None, item=item, upload=upload)


def test_attachment_is_listed_and_downloaded_with_its_type_and_name(
    client: Client, tree: dict[str, Organ]
) -> None:
    item = make_item(tree["edu"])
    attachment = add_pdf(item)

    page = client.get(f"/items/{item.pk}/").content.decode()
    response = client.get(f"/items/{item.pk}/attachments/{attachment.pk}/")

    assert f'href="/items/{item.pk}/attachments/{attachment.pk}/"' in page
    assert "招生计划表.pdf" in page
    assert "PDF" in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E6%8B%9B%E7%94%9F%E8%AE%A1%E5%88%92%E8%A1%A8.pdf" in disposition
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_attachment_of_another_item_is_404(client: Client, tree: dict[str, Organ]) -> None:
    item = make_item(tree["edu"], "第一条")
    other = make_item(tree["edu"], "第二条")
    attachment = add_pdf(item)

    assert client.get(f"/items/{other.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client.get(f"/items/{item.pk}/attachments/999999/").status_code == 404


def test_attachment_of_a_draft_is_404_unless_staff_of_its_organ(tree: dict[str, Organ]) -> None:
    draft = make_item(tree["edu"], "草稿", publish=False)
    attachment = add_pdf(draft)
    url = f"/items/{draft.pk}/attachments/{attachment.pk}/"

    assert Client().get(url).status_code == 404
    assert logged_in(make_staff(tree["finance"], ["publisher"])).get(url).status_code == 404
    assert logged_in(make_staff(tree["edu"], ["publisher"])).get(url).status_code == 200


# --- The directory -------------------------------------------------------------------------


def test_directory_lists_published_items_with_their_metadata(
    client: Client, tree: dict[str, Organ]
) -> None:
    item = make_item(tree["edu"], "关于招生的通知", doc_number="临教发〔2026〕5号")
    make_item(tree["edu"], "草稿条目", publish=False)

    page = client.get("/items/").content.decode()

    assert result_titles(page) == ["关于招生的通知"]
    assert f'href="/items/{item.pk}/"' in page
    assert item.index_no in page
    assert "临江市教育局" in page
    assert "临教发〔2026〕5号" in page
    assert "2026年3月2日" in page


def test_directory_organ_filter_includes_the_subtree(
    client: Client, tree: dict[str, Organ]
) -> None:
    make_item(tree["edu"], "教育局的通知")
    make_item(tree["school"], "考试院的通知")
    make_item(tree["finance"], "财政局的通知")

    page = client.get("/items/", {"organ": tree["edu"].code}).content.decode()

    assert sorted(result_titles(page)) == ["教育局的通知", "考试院的通知"]


def test_directory_topic_filter_includes_second_level_topics(
    client: Client, tree: dict[str, Organ]
) -> None:
    parent, _ = Topic.objects.get_or_create(name="科技、教育", parent=None)
    child, _ = Topic.objects.get_or_create(name="教育", parent=parent)
    other, _ = Topic.objects.get_or_create(name="财政、金融、审计", parent=None)
    make_item(tree["edu"], "一级主题的信息", topic=parent)
    make_item(tree["edu"], "二级主题的信息", topic=child)
    make_item(tree["edu"], "其他主题的信息", topic=other)

    by_parent = client.get("/items/", {"topic": parent.pk}).content.decode()
    by_child = client.get("/items/", {"topic": child.pk}).content.decode()

    assert sorted(result_titles(by_parent)) == ["一级主题的信息", "二级主题的信息"]
    assert result_titles(by_child) == ["二级主题的信息"]


def test_directory_filters_by_doc_type_and_publication_dates(
    client: Client, tree: dict[str, Organ]
) -> None:
    make_item(
        tree["edu"], "二月的规范性文件", doc_type="normative", published_on=dt.date(2026, 2, 10)
    )
    make_item(
        tree["edu"], "三月的规范性文件", doc_type="normative", published_on=dt.date(2026, 3, 10)
    )
    make_item(tree["edu"], "三月的其他文件", doc_type="other", published_on=dt.date(2026, 3, 12))

    normative = client.get("/items/", {"doc_type": "normative"}).content.decode()
    march = client.get(
        "/items/", {"published_after": "2026-03-01", "published_before": "2026-03-31"}
    ).content.decode()
    both = client.get(
        "/items/", {"doc_type": "normative", "published_after": "2026-03-01"}
    ).content.decode()

    assert sorted(result_titles(normative)) == ["三月的规范性文件", "二月的规范性文件"]
    assert sorted(result_titles(march)) == ["三月的其他文件", "三月的规范性文件"]
    assert result_titles(both) == ["三月的规范性文件"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"published_after": "2026-13-45"}, "请输入有效的日期"),
        ({"published_before": "昨天"}, "请输入有效的日期"),
        ({"topic": "abc"}, "所选主题分类不存在"),
        ({"topic": "999999"}, "所选主题分类不存在"),
        ({"genre": "1.5"}, "所选体裁不存在"),
        ({"organ": "不存在的机关"}, "所选发布机构不存在"),
        ({"article20": "16"}, "条例第二十条类别应为1到15之间的整数"),
        ({"doc_type": "law"}, "所选文件类型不存在"),
        ({"validity": "maybe"}, "所选有效性不存在"),
        ({"published_after": "2026-03-01", "published_before": "2026-02-01"}, "截止日期不能早于"),
    ],
)
def test_malformed_filter_is_reported_in_chinese_and_ignored(
    client: Client, tree: dict[str, Organ], params: dict[str, str], message: str
) -> None:
    make_item(tree["edu"], "一条公开信息")

    response = client.get("/items/", params)
    page = response.content.decode()

    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert page.count(message) == 2  # next to the field and in the summary
    assert 'class="errorlist"' in page
    assert result_titles(page) == ["一条公开信息"]  # the bad filter is ignored


@pytest.mark.parametrize("page_number", ["abc", "0", "-1", "99999", "1.5"])
def test_bad_page_numbers_do_not_fail(
    client: Client, tree: dict[str, Organ], page_number: str
) -> None:
    make_item(tree["edu"], "一条公开信息")
    response = client.get("/items/", {"page": page_number})
    assert response.status_code == 200
    assert result_titles(response.content.decode()) == ["一条公开信息"]


def test_directory_paginates_twenty_a_page(client: Client, tree: dict[str, Organ]) -> None:
    for n in range(23):
        make_item(
            tree["edu"], f"第{n:02d}号通知", published_on=dt.date(2026, 3, 1) + dt.timedelta(n)
        )

    first = client.get("/items/").content.decode()
    second = client.get("/items/", {"page": 2}).content.decode()

    assert len(result_titles(first)) == 20
    assert result_titles(second) == ["第02号通知", "第01号通知", "第00号通知"]
    assert "第 2 页，共 2 页" in second


def test_search_finds_a_two_character_chinese_substring_and_highlights_it(
    client: Client, tree: dict[str, Organ]
) -> None:
    make_item(tree["edu"], "关于义务教育招生入学的通知", summary="今年的招生范围有调整。")
    make_item(tree["edu"], "关于财政预算的公告")

    page = client.get("/items/", {"q": "招生"}).content.decode()

    assert result_titles(page) == ["关于义务教育招生入学的通知"]
    assert "关于义务教育<mark>招生</mark>入学的通知" in page
    assert "今年的<mark>招生</mark>范围有调整。" in page


def test_search_escapes_the_query_and_the_text(client: Client, tree: dict[str, Organ]) -> None:
    make_item(tree["edu"], "关于<script>的通知")

    page = client.get("/items/", {"q": "script"}).content.decode()

    assert "<script>的通知" not in page
    assert "&lt;<mark>script</mark>&gt;" in page


def test_facets_link_to_filtered_lists_with_counts(client: Client, tree: dict[str, Organ]) -> None:
    make_item(tree["school"], "考试院的预算", article20=7)
    make_item(tree["finance"], "财政局的预算", article20=7)

    page = client.get("/items/").content.decode()
    facets = re.search(r'<section class="facets".*?</section>', page, re.S).group(0)

    assert f'href="?organ={tree["edu"].code}"' in facets
    assert re.search(r"市教育局 <span class=\"count\">\(1\)</span>", facets)
    assert re.search(r"市政府 <span class=\"count\">\(2\)</span>", facets)
    assert 'href="?article20=7"' in facets


def test_directory_query_count_does_not_grow_with_the_results(
    client: Client, tree: dict[str, Organ], django_assert_max_num_queries: Any
) -> None:
    genre, _ = Term.objects.get_or_create(kind=Term.Kind.GENRE, name="通知", organ=None)
    topic, _ = Topic.objects.get_or_create(name="科技、教育", parent=None)

    def measure() -> int:
        versions.forget()  # the organ tree is loaded each time
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/items/", {"q": "通知"}).status_code == 200
        return len(queries)

    for n in range(5):
        make_item(tree["edu"], f"第{n}号通知", topic=topic, genre=genre)
    few = measure()
    for n in range(5, 25):
        make_item(tree["school"], f"第{n}号通知", topic=topic, genre=genre)
    many = measure()

    assert few == many
    versions.forget()
    # version stamps, organ tree, topics, genres, count, page, four facet groupings
    with django_assert_max_num_queries(10):
        client.get("/items/", {"q": "通知", "organ": tree["city"].code})


# --- Feed, sitemap, page structure ---------------------------------------------------------


def test_feed_lists_published_items_but_not_drafts(client: Client, tree: dict[str, Organ]) -> None:
    item = make_item(tree["edu"], "已发布的通知")
    make_item(tree["edu"], "草稿通知", publish=False)

    response = client.get("/feeds/items/")
    feed = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert "已发布的通知" in feed
    assert f"/items/{item.pk}/" in feed
    assert "草稿通知" not in feed


def test_feed_of_one_organ_includes_its_subtree_only(
    client: Client, tree: dict[str, Organ]
) -> None:
    make_item(tree["school"], "考试院的通知")
    make_item(tree["finance"], "财政局的通知")

    feed = client.get("/feeds/items/", {"organ": tree["edu"].code}).content.decode()

    assert "考试院的通知" in feed
    assert "财政局的通知" not in feed
    assert client.get("/feeds/items/", {"organ": "nope"}).status_code == 404


def test_sitemap_lists_published_items(client: Client, tree: dict[str, Organ]) -> None:
    item = make_item(tree["edu"])
    draft = make_item(tree["edu"], "草稿", publish=False)

    sitemap = client.get("/sitemap.xml").content.decode()

    assert f"/items/{item.pk}/</loc>" in sitemap
    assert f"/items/{draft.pk}/</loc>" not in sitemap
    assert f"/organs/{tree['edu'].code}/</loc>" in sitemap


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/items/",
        "/items/?q=通知&topic=abc",
        "/organs/{edu}/",
        "/organs/{edu}/guide/",
        "/organs/{edu}/rules/",
        "/organs/{edu}/mandatory/",
        "/items/{item}/",
    ],
)
def test_pages_have_one_h1_landmarks_labels_and_no_inline_styles(
    client: Client, tree: dict[str, Organ], path: str
) -> None:
    item = make_item(tree["edu"], "关于招生的通知")
    page = client.get(path.format(edu=tree["edu"].code, item=item.pk)).content.decode()

    assert page.count("<h1") == 1
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in page
    assert " style=" not in page  # CSP: style-src 'self'
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', page))
    fields = re.findall(r"<(?:input|select|textarea)\b([^>]*)>", page)
    for attributes in fields:
        if 'type="hidden"' in attributes:
            continue
        field_id = re.search(r'(?:^|\s)id="([^"]+)"', attributes)
        assert field_id and field_id.group(1) in labelled, attributes
    # Headings never skip a level.
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", page)]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


@pytest.mark.django_db
def test_a_search_with_very_many_hits_is_not_broken_down_by_category(client, monkeypatch):
    organ = make_organ()
    for n in range(3):
        make_item(organ, f"关于政府信息公开的通知{n}")
    monkeypatch.setattr("catalog.search.COUNT_LIMIT", 3)
    monkeypatch.setattr("catalog.directory.COUNT_LIMIT", 3)

    many = client.get("/items/", {"q": "公开"}).content.decode()
    few = client.get("/items/", {"q": "通知0"}).content.decode()

    assert "未按分类统计" in many
    assert 'class="facet-list"' not in many
    assert "未按分类统计" not in few
    assert 'class="facet-list"' in few
    assert "超过 3 条" in many


@pytest.mark.django_db
def test_a_filtered_directory_counts_only_up_to_the_limit(client, monkeypatch):
    organ = make_organ()
    for n in range(4):
        make_item(organ, f"关于工作的通知{n}")
    monkeypatch.setattr("catalog.directory.COUNT_LIMIT", 3)

    page = client.get("/items/", {"organ": organ.code}).content.decode()
    unfiltered = client.get("/items/").content.decode()

    assert "超过 3 条" in page
    # The unfiltered total is exact: it comes with the shared facet counts.
    assert "共 4 条" in unfiltered
