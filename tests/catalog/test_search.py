"""Full-text search of the directory on the running database (catalog.search).

Runs on SQLite (FTS5 table and triggers) and on PostgreSQL (stored tsvector and GIN
index): ``DATABASE_URL=postgres://… pytest tests/catalog/test_search.py``.
domain.md「Catalog」: any Chinese substring of two or more characters, 文号 in any
bracket form, 索引号 and English words are found, ranked by relevance.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.core.paginator import Paginator
from django.db import connection

from catalog import search, services
from catalog.models import Item, Organ
from catalog.search import ensure_search_structures, search_items
from catalog.search_text import MAX_DOCUMENT_TOKENS, parse_query
from tests.factories import make_item, make_organ

pytestmark = pytest.mark.django_db

ITEMS_URL = "/api/v1/items/"
TITLE = "关于做好政府信息公开工作的通知"
BODY = "<p>各单位：依申请公开的办理程序见附件。GDP增长较快。</p>"


def found(q: str, queryset: Any = None) -> list[int]:
    """Ids of the published items matching ``q``, in relevance order."""
    return [item.pk for item in search_items(queryset or Item.objects.published(), q)]


def cjk_pairs(text: str) -> list[str]:
    return [
        text[i : i + 2]
        for i in range(len(text) - 1)
        if all("\u4e00" <= char <= "\u9fff" for char in text[i : i + 2])
    ]


@pytest.fixture
def organ() -> Organ:
    return make_organ("某市财政局")


@pytest.fixture
def notice(organ: Organ) -> Item:
    return make_item(organ, TITLE, body=BODY, doc_number="国办发〔2024〕12号")


# --- Recall and precision ------------------------------------------------------------------


def test_every_two_character_substring_of_title_and_body_finds_the_item(notice: Item) -> None:
    plain_body = services.body_text(BODY)
    queries = set(cjk_pairs(TITLE) + cjk_pairs(plain_body))

    missed = [q for q in sorted(queries) if notice.pk not in found(q)]

    assert len(queries) >= 30
    assert missed == []


@pytest.mark.parametrize("q", ["公开", "信息公开", "依申请", "依申请公开", "政府信息公开工作"])
def test_longer_substrings_find_the_item(notice: Item, q: str) -> None:
    assert found(q) == [notice.pk]


@pytest.mark.parametrize("q", ["开公", "公信开", "息政", "申依请", "公开依申请", "通知各单位"])
def test_query_that_is_not_a_substring_finds_nothing(notice: Item, q: str) -> None:
    # 开公 is made of the characters of 公开, and 公开依申请 of two of its bigrams: a bag
    # of bigrams would match both, a phrase does not.
    assert found(q) == []


def test_one_ideograph_finds_every_item_containing_it(notice: Item) -> None:
    assert found("附") == [notice.pk]
    assert found("蝾") == []


def test_terms_separated_by_spaces_must_all_occur(organ: Organ) -> None:
    both = make_item(organ, "2025年政府信息公开工作年报")
    make_item(organ, "政府信息公开指南")
    make_item(organ, "财政年报")

    assert found("公开 年报") == [both.pk]
    assert found("公开　年报") == [both.pk]  # an ideographic space separates terms too


@pytest.mark.parametrize(
    "q",
    [
        "国办发〔2024〕12号",
        "国办发[2024]12号",
        "国办发(2024)12号",
        "国办发（2024）12号",
        "国办发【2024】12号",
    ],
)
def test_doc_number_is_found_in_any_bracket_form(notice: Item, q: str) -> None:
    assert found(q) == [notice.pk]


@pytest.mark.parametrize("q", ["国办发〔2024〕1号", "国办发〔2024〕120号", "国办发〔2023〕12号"])
def test_other_doc_numbers_do_not_match(notice: Item, q: str) -> None:
    assert found(q) == []


def test_index_number_is_found(notice: Item) -> None:
    assert notice.index_no
    assert found(notice.index_no) == [notice.pk]


@pytest.mark.parametrize("q", ["GDP", "gdp", "Gdp", "ＧＤＰ", "gdp增长"])
def test_english_word_is_found_whatever_its_case_or_width(notice: Item, q: str) -> None:
    assert found(q) == [notice.pk]


def test_query_of_punctuation_only_does_not_filter(notice: Item, organ: Organ) -> None:
    other = make_item(organ, "财政预算")
    queryset = Item.objects.published()

    assert search_items(queryset, "，。！") is queryset
    assert {notice.pk, other.pk} <= set(search_items(queryset, "  ").values_list("pk", flat=True))


# --- Relevance -------------------------------------------------------------------------------


def test_title_match_ranks_above_a_newer_body_match(organ: Organ) -> None:
    older_title = make_item(organ, "政府信息公开年报", published_on=dt.date(2025, 1, 10))
    newer_body = make_item(
        organ, "工作通知", body="<p>做好信息公开。</p>", published_on=dt.date(2026, 3, 1)
    )

    assert found("信息公开") == [older_title.pk, newer_body.pk]


def test_matches_of_one_tier_are_newest_first(organ: Organ) -> None:
    old = make_item(organ, "信息公开通知", published_on=dt.date(2024, 5, 1))
    new = make_item(organ, "信息公开目录", published_on=dt.date(2026, 2, 1))

    assert found("信息公开") == [new.pk, old.pk]


def test_item_bearing_the_doc_number_ranks_above_newer_items_citing_it(organ: Organ) -> None:
    bearer = make_item(
        organ,
        "关于印发实施方案的通知",
        doc_number="临教发〔2024〕12号",
        published_on=dt.date(2024, 3, 1),
    )
    citing = make_item(
        organ,
        "贯彻落实情况",
        body="<p>根据临教发〔2024〕12号文件要求。</p>",
        published_on=dt.date(2026, 1, 5),
    )

    assert found("临教发[2024]12号") == [bearer.pk, citing.pk]


# --- Through the API: filters, drafts, count ---------------------------------------------------


def test_api_query_combines_with_filters_and_never_shows_drafts(api: Any, organ: Organ) -> None:
    other_organ = make_organ("某市教育局")
    mine = make_item(organ, "信息公开年报")
    make_item(other_organ, "信息公开指南")
    make_item(organ, "信息公开草稿", publish=False)

    response = api.get(ITEMS_URL, {"q": "信息公开", "organ": organ.code})
    everything = api.get(ITEMS_URL, {"q": "信息公开"})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert everything.json()["count"] == 2
    assert "信息公开草稿" not in {row["title"] for row in everything.json()["results"]}


def test_search_result_can_be_filtered_further(organ: Organ) -> None:
    rule = make_item(organ, "信息公开规定", doc_type=Item.DocType.RULE)
    make_item(organ, "信息公开通知")

    queryset = search_items(Item.objects.published(), "信息公开").filter(doc_type="rule")

    assert [item.pk for item in queryset] == [rule.pk]


# --- Keeping the index in step ---------------------------------------------------------------


def test_changing_the_title_reindexes_the_item(notice: Item) -> None:
    services.item_update(actor=None, item=notice, data={"title": "关于做好预算审查工作的通知"})

    assert found("信息公开") == []
    assert found("预算审查") == [notice.pk]


def test_deleted_item_disappears_from_results_and_from_the_index(notice: Item) -> None:
    pk = notice.pk
    notice.delete()

    assert found("信息公开") == []
    if connection.vendor == "sqlite":
        # The external-content FTS table would still return the rowid without the trigger.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM catalog_item_fts WHERE catalog_item_fts MATCH %s",
                ['"信息 息公 公开"'],
            )
            assert pk not in {row[0] for row in cursor.fetchall()}


def search_structures() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type || ':' || name FROM sqlite_master "
                "WHERE tbl_name IN ('catalog_item', %s) AND type IN ('trigger', 'table', 'index')",
                [search.FTS_TABLE],
            )
        else:
            cursor.execute(
                "SELECT 'index:' || indexname FROM pg_indexes WHERE tablename = 'catalog_item' "
                "UNION ALL SELECT 'column:' || column_name FROM information_schema.columns "
                "WHERE table_name = 'catalog_item' AND is_generated = 'ALWAYS'"
            )
        return {row[0] for row in cursor.fetchall()}


def test_migrations_leave_the_search_structures_in_place() -> None:
    structures = search_structures()

    if connection.vendor == "sqlite":
        assert {
            f"table:{search.FTS_TABLE}",
            "trigger:catalog_item_fts_ai",
            "trigger:catalog_item_fts_ad",
            "trigger:catalog_item_fts_au",
        } <= structures
    else:
        assert {
            f"column:{search.PG_VECTOR}",
            f"column:{search.PG_TITLE_VECTOR}",
            f"index:{search.PG_INDEX}",
            f"index:{search.PG_TITLE_INDEX}",
        } <= structures
        assert not {f"index:{name}" for name in search.PG_LEGACY_INDEXES} & structures
    assert f"index:{search.DOC_NUMBER_INDEX}" in structures


def test_ensure_search_structures_is_idempotent(notice: Item) -> None:
    before = search_structures()

    ensure_search_structures()
    ensure_search_structures()

    assert search_structures() == before
    assert found("信息公开") == [notice.pk]


def test_reindex_command_rebuilds_tokens_blanked_by_a_queryset_update(
    organ: Organ, capsys: Any
) -> None:
    items = [make_item(organ, f"信息公开第{n}号通知", body=BODY) for n in range(5)]
    expected = {item.pk: item.search_tokens for item in items}
    Item.objects.update(search_tokens="")  # bypasses the services, like a data import
    assert found("信息公开") == []

    call_command("reindex_items", "--batch-size", "2")

    assert dict(Item.objects.values_list("pk", "search_tokens")) == expected
    assert sorted(found("依申请")) == sorted(expected)
    output = capsys.readouterr().out
    assert "已处理 2/5 条" in output and "已处理 5/5 条" in output


def test_reindex_command_rejects_a_batch_size_below_one() -> None:
    with pytest.raises(CommandError, match="--batch-size 必须是正整数"):
        call_command("reindex_items", "--batch-size", "0")


# --- Token cap ---------------------------------------------------------------------------------


def test_term_beyond_the_token_cap_is_not_found_and_a_term_before_it_is(organ: Organ) -> None:
    # Decision (catalog.search docstring): only the first MAX_DOCUMENT_TOKENS tokens are
    # indexed – PostgreSQL keeps positions up to 16,383 only – and nothing rechecks the
    # rest of the body, on either database.
    filler = "政务" * (MAX_DOCUMENT_TOKENS // 2 + 500)  # one token per character
    item = make_item(organ, "长篇报告", body=f"<p>蝾螈保护。{filler}。鸬鹚栖息。</p>")

    assert len(item.search_tokens.split()) == MAX_DOCUMENT_TOKENS
    assert found("蝾螈") == [item.pk]
    assert found("鸬鹚") == []


# --- Big results: capped count, pages cut tier by tier ---------------------------------------


@pytest.fixture(params=["walk every tier", "title tier through its index"])
def many(request: Any, organ: Organ, monkeypatch: Any) -> list[Item]:
    """Twelve matches over three tiers and varied dates, with a tiny COUNT_LIMIT so that a
    page is cut tier by tier as on a million rows – once with every tier read by walking
    the date index, once with the title tier read through its GIN index."""
    monkeypatch.setattr(search, "COUNT_LIMIT", 9)
    walk_titles = request.param == "walk every tier"
    monkeypatch.setattr(search.SearchQuerySetMixin, "_fits_bitmap", lambda self: False)
    monkeypatch.setattr(search.SearchQuerySetMixin, "_walk_titles", lambda self: walk_titles)
    items = []
    for n in range(12):
        kind = n % 3
        items.append(
            make_item(
                organ,
                "信息公开通知" if kind == 0 else "工作通知",
                doc_number="某财发〔2025〕7号" if kind == 1 else "",
                body="<p>根据某财发〔2025〕7号文件，做好信息公开。</p>",
                published_on=dt.date(2025, 1, 1) + dt.timedelta(days=(n * 37) % 300),
            )
        )
    return items


def plain_order(q: str) -> list[int]:
    """The relevance order computed by the database in one ORDER BY."""
    queryset = search_items(Item.objects.published(), q)
    return list(
        queryset.order_by("-search_rank", "-published_on", "-id").values_list("pk", flat=True)
    )


def test_count_stops_at_the_limit(many: list[Item]) -> None:
    assert search_items(Item.objects.published(), "信息公开").count() == 9
    assert search_items(Item.objects.published(), "工作通知").count() == 8


BIG_QUERIES = ["信息公开", "某财发(2025)7号"]


@pytest.mark.parametrize("q", BIG_QUERIES)
@pytest.mark.parametrize("per_page", [2, 3, 5])
def test_pages_of_a_big_result_follow_the_relevance_order(
    many: list[Item], per_page: int, q: str
) -> None:
    expected = plain_order(q)
    paginator = Paginator(search_items(Item.objects.published(), q), per_page)

    pages = [[item.pk for item in paginator.page(number)] for number in paginator.page_range]

    assert paginator.count == 9
    assert [pk for page in pages for pk in page] == expected[:9]


@pytest.mark.parametrize("q", BIG_QUERIES)
def test_slices_of_a_big_result_match_the_plain_order(many: list[Item], q: str) -> None:
    expected = plain_order(q)
    queryset = search_items(Item.objects.published(), q)

    assert len(expected) == 12
    for low, high in [(0, 1), (0, 4), (3, 7), (4, 8), (7, 12), (11, 12), (12, 15)]:
        assert [item.pk for item in queryset[low:high]] == expected[low:high], (low, high)


def test_tiers_of_a_big_result(many: list[Item]) -> None:
    by_title = search_items(Item.objects.published(), "信息公开")[:12]
    by_number = search_items(Item.objects.published(), "某财发[2025]7号")[:12]

    assert [item.search_rank for item in by_title] == [2] * 4 + [0] * 8
    assert [item.search_rank for item in by_number] == [1] * 4 + [0] * 8
    dates = [item.published_on for item in by_number]
    assert dates[:4] == sorted(dates[:4], reverse=True)
    assert dates[4:] == sorted(dates[4:], reverse=True)


# --- Counting without counting -----------------------------------------------------------------


def test_bounded_count_counts_up_to_the_limit(organ: Organ) -> None:
    for n in range(4):
        make_item(organ, f"信息公开第{n}号")
    queryset = search_items(Item.objects.published(), "信息公开")

    assert search.bounded_count(queryset, 10) == 4
    assert search.bounded_count(queryset, 2) == 3  # "more than 2"


def test_bounded_count_trusts_an_estimate_far_above_the_limit(organ: Organ) -> None:
    make_item(organ, "信息公开")
    queryset = search_items(Item.objects.published(), "信息公开")

    assert search.bounded_count(queryset, 5, estimate=100.0, trust=20) == 6
    assert search.bounded_count(queryset, 5, estimate=99.0, trust=20) == 1
    assert search.bounded_count(queryset, 5, estimate=None) == 1


def test_planner_estimate_is_read_on_a_big_postgresql_table_only(
    notice: Item, monkeypatch: Any
) -> None:
    queryset = search_items(Item.objects.published(), "信息公开")
    assert search._planner_rows(queryset) is None  # small table: count instead

    monkeypatch.setitem(search._table_rows, "default", 10.0 * search.BIG_TABLE)
    estimate = search._planner_rows(queryset)

    if connection.vendor == "postgresql":
        assert isinstance(estimate, float) and estimate >= 1
    else:
        assert estimate is None


@pytest.fixture
def lexeme_stats(monkeypatch: Any) -> None:
    """Column statistics as ANALYZE would leave them: most common lexemes, least 0.4 %."""
    frequencies = {"信息": 0.58, "息公": 0.22, "公开": 0.83, "年度": 0.03, "度报": 0.03}
    monkeypatch.setattr(
        search, "_lexeme_stats", lambda using, column: (frequencies, 0.004, 1_000_000.0)
    )


@pytest.mark.parametrize(
    ("q", "share"),
    [
        ("公开", 0.83),
        ("信息公开", 0.22),  # a phrase is about as frequent as its rarest bigram
        ("公开 年度", 0.83 * 0.03),  # terms are independent
        # An unlisted bigram: the planner's product, so that the query is counted – the
        # estimate of a 文号 with one hit once came out at 60,000 rows.
        ("罗交发", 0.002 * 0.002),
        ("附", 0.004),
    ],
)
def test_phrase_frequency_estimates(lexeme_stats: None, q: str, share: float) -> None:
    estimate = search.phrase_frequency("default", search.PG_VECTOR, parse_query(q))

    assert estimate == pytest.approx(share)
