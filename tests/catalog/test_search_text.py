from __future__ import annotations

import random
import re
import sqlite3

import pytest

from catalog.search_text import (
    FIELD_BREAK,
    MAX_DOCUMENT_TOKENS,
    MAX_WORD_CHARS,
    document_tokens,
    highlight,
    normalize,
    parse_query,
    query_tokens,
    term_matches,
    to_fts5_match,
    to_pg_tsquery,
    tokenize,
)


def token_matches(query_token: str, document_token: str) -> bool:
    if query_token.endswith("*"):
        return document_token.startswith(query_token[:-1])
    return query_token == document_token


def phrase_in(phrase: list[str], tokens: list[str]) -> bool:
    """Phrase semantics of both databases: a contiguous run of tokens."""
    return any(
        all(token_matches(q, d) for q, d in zip(phrase, tokens[i:], strict=False))
        for i in range(len(tokens) - len(phrase) + 1)
    )


def query_found(q: str, *fields: str) -> bool:
    tokens = document_tokens(*fields).split()
    phrases = parse_query(q)
    return bool(phrases) and all(phrase_in(phrase, tokens) for phrase in phrases)


# --- normalize ---------------------------------------------------------------

WENHAO_VARIANTS = [
    "国办发〔2024〕12号",
    "国办发[2024]12号",
    "国办发［2024］12号",
    "国办发(2024)12号",
    "国办发（2024）12号",
    "国办发【2024】12号",
    "国办发〖2024〗12号",
    "国办发﹝2024﹞12号",
    "国办发〔２０２４〕１２号",
]


@pytest.mark.parametrize("variant", WENHAO_VARIANTS)
def test_every_wenhao_bracket_normalises_to_tortoise_shell_brackets(variant):
    assert normalize(variant) == "国办发〔2024〕12号"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＧＤＰ统计", "gdp统计"),
        ("２０２４年", "2024年"),
        ("Open Government", "open government"),
        ("政府\u3000信息", "政府 信息"),
        ("①号文件", "1号文件"),
        ("信息公开", "信息公开"),
    ],
)
def test_normalize_folds_width_and_case(text, expected):
    assert normalize(text) == expected


# --- tokens ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公", ["公"]),
        ("公开", ["公", "公开", "开"]),
        ("信息公开", ["信", "信息", "息公", "公开", "开"]),
        ("关于GDP统计", ["关", "关于", "于", "gdp", "统", "统计", "计"]),
        ("第12号码", ["第", "12", "号", "号码", "码"]),
        ("《条例》第二十条", ["条", "条例", "例", "第", "第二", "二十", "十条", "条"]),
        ("二〇二四年", ["二", "二〇", "〇二", "二四", "四年", "年"]),
        ("，。！ …", []),
    ],
)
def test_document_cjk_runs_become_bigrams_framed_by_unigrams(text, expected):
    assert tokenize(text) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("公开", ["公开"]),
        ("信息公开", ["信息", "息公", "公开"]),
        ("依申请", ["依申", "申请"]),
        ("公", ["公*"]),
        ("GDP", ["gdp"]),
        ("GDP统计", ["gdp", "统", "统计"]),
        ("12号", ["12", "号"]),
        ("发〔2024〕", ["发", "2024"]),
        ("〔公〕", ["公"]),
        ("〔2024〕12号", ["2024", "12", "号"]),
    ],
)
def test_query_term_omits_unigrams_where_the_term_is_cut(term, expected):
    assert query_tokens(term) == expected


def test_long_word_is_split_into_chunks_postgresql_can_index():
    word = "a" * (MAX_WORD_CHARS * 2 + 5)
    assert [len(token) for token in tokenize(word)] == [MAX_WORD_CHARS] * 2 + [5]
    assert query_found(word, f"前 {word} 后")


def test_field_break_is_never_produced_from_text():
    assert FIELD_BREAK not in tokenize(f"{FIELD_BREAK} {FIELD_BREAK}x")
    assert tokenize(FIELD_BREAK) != tokenize(f"{FIELD_BREAK}x")
    assert not query_found(FIELD_BREAK, "标题", "正文")
    assert query_found(FIELD_BREAK, f"写着 {FIELD_BREAK} 的正文")


# --- parse_query ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("关于 GDP 统计", [["关于"], ["gdp"], ["统计"]]),
        ("  信息公开\u3000依申请 ", [["信息", "息公", "公开"], ["依申", "申请"]]),
        ("000014349/2024-00094", [["000014349", "2024", "00094"]]),
        ("公开 公开 ＧＤＰ gdp", [["公开"], ["gdp"]]),
        ("税", [["税*"]]),
        ("", []),
        ("   ", []),
        ("《》 ， ——", []),
    ],
)
def test_parse_query_makes_one_phrase_per_term(q, expected):
    assert parse_query(q) == expected


@pytest.mark.parametrize("document", WENHAO_VARIANTS)
@pytest.mark.parametrize(
    "q",
    [*WENHAO_VARIANTS, "〔2024〕12号", "[2024]12号", "12号", "发〔2024〕", "国办发"],
)
def test_wenhao_query_in_any_bracket_form_is_a_phrase_of_the_document(document, q):
    assert query_found(q, "关于印发某方案的通知", document)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("000014349/2024-00094", True),
        ("000014349/2024-00095", False),
        ("2024-00094", True),
        ("00094", True),
        ("0094", False),  # inside a word run: not a token boundary
    ],
)
def test_index_number_is_searchable_as_a_phrase_of_words(q, found):
    assert query_found(q, "某某通知", "000014349/2024-00094") is found


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("2024年", True),
        ("２０２４年", True),
        ("GDP增长", True),
        ("gdp", True),
        ("gd", False),
        ("年国内", True),
        ("增", True),
        ("增长 统计局", True),
        ("增长 统计司", False),
    ],
)
def test_full_width_and_mixed_queries_follow_token_boundaries(q, found):
    document = "国家统计局：２０２４年国内ＧＤＰ增长5.0%"
    assert query_found(q, document) is found


def test_phrase_never_spans_two_fields():
    assert query_found("公开", "信息公", "开展工作") is False
    assert query_found("公开", "信息公开", "开展工作") is True


# --- document_tokens -------------------------------------------------------------


def test_document_tokens_are_capped_below_postgresql_position_limit():
    body = "政府信息公开工作年度报告" * 2000
    tokens = document_tokens("标题", "国办发〔2024〕12号", body).split()
    assert len(tokens) == MAX_DOCUMENT_TOKENS < 16_383
    assert tokens[:3] == ["标", "标题", "题"]
    assert tokens.count(FIELD_BREAK) == 2


def test_document_tokens_cap_can_be_lowered_and_skips_empty_fields():
    assert document_tokens("公开", "", "信息", body_limit=5) == (f"公 公开 开 {FIELD_BREAK} 信")
    assert document_tokens("", "，。") == ""


# --- tsquery and FTS5 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrases", "expected"),
    [
        ([["公开", "开信"]], "'公开' <-> '开信'"),
        ([["公开", "开信"], ["gdp"]], "('公开' <-> '开信') & 'gdp'"),
        ([["税*"]], "'税':*"),
        ([["it's"]], "'it''s'"),
        ([["a\\b"]], "'a\\\\b'"),
        ([[], ["x"]], "'x'"),
    ],
)
def test_pg_tsquery_quotes_and_escapes_every_lexeme(phrases, expected):
    assert to_pg_tsquery(phrases) == expected


@pytest.mark.parametrize(
    ("phrases", "expected"),
    [
        ([["公开", "开信"]], '"公开 开信"'),
        ([["公开"], ["gdp"]], '"公开" AND "gdp"'),
        ([["税*"]], '"税" *'),
        ([['say"hi']], '"say""hi"'),
        ([["a\\b"]], '"a\\b"'),
    ],
)
def test_fts5_match_quotes_phrases_and_doubles_double_quotes(phrases, expected):
    assert to_fts5_match(phrases) == expected


@pytest.mark.parametrize("convert", [to_pg_tsquery, to_fts5_match])
def test_empty_query_cannot_be_converted(convert):
    with pytest.raises(ValueError):
        convert([])


def test_fts5_match_runs_against_a_real_fts5_table():
    documents = {
        1: ("国务院办公厅关于印发某方案的通知", "国办发〔2024〕12号", "依申请公开"),
        2: ("统计局发布GDP数据", "国统字(2023)5号", "信息公开年度报告"),
        3: ('说明 "quoted" 文字', "", "税务信息"),
    }
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(tokens, tokenize='unicode61')")
    for rowid, fields in documents.items():
        db.execute("INSERT INTO t(rowid, tokens) VALUES (?, ?)", (rowid, document_tokens(*fields)))

    def search(q: str) -> set[int]:
        rows = db.execute("SELECT rowid FROM t WHERE t MATCH ?", (to_fts5_match(parse_query(q)),))
        return {row[0] for row in rows}

    assert search("国办发[2024]12号") == {1}
    assert search("12号") == {1}
    assert search("公开") == {1, 2}
    assert search("信息公开 GDP") == {2}
    assert search("税") == {3}
    assert search("办") == {1}
    assert search('"quoted"') == {3}
    assert search("公开 统计") == {2}
    assert search("申请公开年") == set()


# --- term_matches and highlight --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "q", "expected"),
    [
        ("国办发〔2024〕12号", "国办发[2024]12号", True),
        ("国办发2024-12号", "国办发[2024]12号", False),
        ("２０２４年ＧＤＰ", "2024年 gdp", True),
        ("信息公开", "信息 依申请", False),
        ("信息\n公开", "息公", False),
        ("任何文字", "  ", True),
    ],
)
def test_term_matches_is_substring_semantics_on_normalised_text(text, q, expected):
    assert term_matches(text, q) is expected


def test_highlight_escapes_html_and_marks_both_terms():
    text = "<script>alert(1)</script>关于GDP的统计说明"
    assert highlight(text, "gdp 统计") == (
        "&lt;script&gt;alert(1)&lt;/script&gt;关于<mark>GDP</mark>的<mark>统计</mark>说明"
    )


def test_highlight_merges_adjacent_and_overlapping_matches():
    assert highlight("关于GDP统计", "统计 gdp") == "关于<mark>GDP统计</mark>"


def test_highlight_marks_every_occurrence_and_merges_overlaps():
    assert highlight("信息公开、依申请公开", "公开 信息公开") == (
        "<mark>信息公开</mark>、依申请<mark>公开</mark>"
    )


def test_highlight_maps_full_width_positions_back_to_the_original():
    text = "２０２４年ＧＤＰ增长，国办发（2024）12号"
    assert highlight(text, "gdp增长 国办发[2024]12号") == (
        "２０２４年<mark>ＧＤＰ增长</mark>，<mark>国办发（2024）12号</mark>"
    )


def test_highlight_cuts_with_ellipses_around_the_first_match():
    text = "前" * 100 + "信息公开" + "后" * 100
    snippet = highlight(text, "信息公开", width=20)
    assert snippet == "…" + "前" * 5 + "<mark>信息公开</mark>" + "后" * 11 + "…"


def test_highlight_without_match_returns_escaped_start_of_text():
    assert highlight("a<b" + "文" * 200, "不存在", width=10) == "a&lt;b" + "文" * 7 + "…"
    assert highlight("短文", "") == "短文"


def test_highlight_keeps_combining_marks_with_their_letter():
    text = "Cafe\u0301 公开"
    assert highlight(text, "café") == "<mark>Cafe\u0301</mark> 公开"


# --- property: substrings are phrases ------------------------------------------------

PARAGRAPH = (
    "为深入贯彻落实《中华人民共和国政府信息公开条例》，根据国办发〔2019〕61号文件要求，"
    "本机关于２０２４年编制了政府信息公开指南和目录。索引号000014349/2024-00094，"
    "主动公开政府信息128条，受理依申请公开123件，其中当面申请5件、网上申请118件。"
    "Open Government Data 平台同步发布GDP统计等数据；行政复议0件，行政诉讼1件。"
)
_WORD_CHAR = re.compile(r"[^\W_]")


def _is_word_char(char: str) -> bool:
    return bool(_WORD_CHAR.fullmatch(char)) and not "\u4e00" <= char <= "\u9fff"


def _cuts_word(text: str, index: int) -> bool:
    """Whether ``index`` falls inside a run of letters/digits (not a token boundary)."""
    return 0 < index < len(text) and all(
        _is_word_char(char) for char in text[index - 1 : index + 1]
    )


def test_random_substrings_are_contiguous_phrases_of_the_document():
    rng = random.Random(20241127)
    text = normalize(PARAGRAPH)
    tokens = document_tokens("标题", PARAGRAPH).split()
    checked = 0
    for _ in range(600):
        length = rng.randint(2, 6)
        start = rng.randrange(len(text) - length)
        end = start + length
        cuts_word = (
            start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start])
        ) or (_is_word_char(text[end - 1]) and _is_word_char(text[end]))
        phrases = parse_query(text[start:end])
        if cuts_word or not phrases:
            continue
        checked += 1
        for phrase in phrases:
            assert phrase_in(phrase, tokens), (text[start:end], phrase)
        assert term_matches(PARAGRAPH, text[start:end])
    assert checked > 300
