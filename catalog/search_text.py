"""Text layer of the catalog's Chinese full-text search (standard library only).

Neither PostgreSQL (no zhparser/pg_jieba in Debian) nor SQLite (the FTS5 trigram
tokenizer returns nothing for two-character queries) can split Chinese, so both
databases index a column of tokens made here (design measured in notes/search.md).
One tokenizer serves both: PostgreSQL reads the column with
``to_tsvector('simple', tokens)`` and SQLite with an FTS5 ``unicode61`` table.

Normalisation (:func:`normalize`), applied to documents and queries alike:
NFKC (full-width Latin and digits become half-width, ``﹝`` becomes ``〔`` …),
lower case, then every 文号 bracket – ``〔〕 [] () （） 【】 ［］ 〖〗 〘〙`` – becomes
``〔〕``, so ``国办发[2024]12号`` and ``国办发（2024）12号`` read as ``国办发〔2024〕12号``
(domain.md「Catalog」: a 文号 may be typed with any of these brackets). NFKC is
applied per character cluster (a character and the combining marks after it), so
that :func:`highlight` can map every normalised position back to the original.

Character classes of the normalised text:

* CJK – ideographs (Unified, Extensions A–I, compatibility) and ``〇``;
* word – any other letter or digit (Latin, digits, Greek, kana …);
* separator – everything else, brackets included. Brackets are separators rather
  than tokens because PostgreSQL's parser (outside the C locale) and FTS5 both
  drop punctuation, and a dropped token inside a phrase would shift positions.

Tokens:

* a word run is one token (split into chunks of :data:`MAX_WORD_CHARS` so that
  PostgreSQL never drops it as too long);
* a CJK run ``c1…cn`` of a document gives ``c1, c1c2, c2c3, …, c(n-1)cn, cn``: the
  overlapping bigrams, framed by its first and last character as unigrams (a run
  of one character gives that character once). The framing unigrams let a query
  whose CJK part is cut off by a word or a bracket, like ``12号`` against
  ``第12号码`` or ``发〔2024〕`` against ``国办发〔2024〕``, still be a phrase of
  the document;
* a query term gives the same tokens, except that a CJK run touching the start
  (end) of the term omits its first (last) unigram, since the document may go on
  with more ideographs there. A term that is a single ideograph becomes the prefix
  token ``字*``: every occurrence of an ideograph in a document is the first
  character of some token (of its bigram, or of the closing unigram).

Guarantee: let ``t`` be a query term (no whitespace) and ``d`` one indexed field.
If ``normalize(t)`` occurs in ``normalize(d)`` and the occurrence neither starts
nor ends inside a word run (``12号`` finds ``第12号``, ``2号`` does not;
``gdp`` finds ``GDP增长``, not ``GDPs``), then the tokens of ``t`` are a
contiguous run of the tokens of ``d`` (a prefix token matching any token that
starts with it), provided that run lies within the indexed token cap. The
converse does not hold – tokens drop separators, so ``国办发〔2024〕12号`` also
matches ``国办发2024-12号`` – which is why :func:`term_matches` exists as a
substring recheck.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from itertools import islice

__all__ = [
    "FIELD_BREAK",
    "MAX_DOCUMENT_TOKENS",
    "MAX_WORD_CHARS",
    "PREFIX_MARK",
    "document_tokens",
    "highlight",
    "normalize",
    "parse_query",
    "query_tokens",
    "term_matches",
    "to_fts5_match",
    "to_pg_tsquery",
    "tokenize",
]

#: Placed between the fields of a document so that no phrase spans two fields.
#: Plain ASCII letters, so both ``to_tsvector('simple', …)`` and FTS5 ``unicode61``
#: keep it as one token; :func:`tokenize` never emits it (see ``_word_tokens``).
FIELD_BREAK = "zzfieldbreakzz"

#: PostgreSQL records token positions only up to 16,383; later tokens all share
#: position 16,383 and phrase queries there fail. Stay below it.
MAX_DOCUMENT_TOKENS = 16_000

#: PostgreSQL ignores words over 2,047 bytes; 100 characters is at most 400 bytes.
MAX_WORD_CHARS = 100

#: Suffix of a prefix token (a one-ideograph query term): ``'字':*`` / ``"字" *``.
PREFIX_MARK = "*"

# After NFKC the full-width forms （）［］ are already ASCII ( ) [ ], and ﹝﹞ are 〔〕.
_BRACKETS = str.maketrans(
    {
        "[": "〔",
        "(": "〔",
        "【": "〔",
        "〖": "〔",
        "〘": "〔",
        "]": "〕",
        ")": "〕",
        "】": "〕",
        "〗": "〕",
        "〙": "〕",
    }
)

# 〇 (U+3007) is the ideographic zero of dates such as 二〇二四年.
_CJK = (
    "\u3007"
    "\u3400-\u4dbf"  # Extension A
    "\u4e00-\u9fff"  # Unified Ideographs
    "\uf900-\ufaff"  # Compatibility Ideographs
    "\U00020000-\U000323af"  # Extensions B–I, Compatibility Supplement
)
_TOKEN_RE = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<word>(?:(?![{_CJK}])[^\\W_])+)")

# Normalised form of every single character met so far that is not a combining mark
# (a combining mark joins the cluster before it). Text made only of such characters
# is normalised by table look-up alone.
_CHAR_CACHE: dict[str, str] = {}
_CHAR_CACHE_LIMIT = 65_536


# --- normalisation -----------------------------------------------------------


def _normalize_cluster(cluster: str) -> str:
    result = unicodedata.normalize("NFKC", cluster).lower().translate(_BRACKETS)
    if (
        len(cluster) == 1
        and not unicodedata.combining(cluster)
        and len(_CHAR_CACHE) < _CHAR_CACHE_LIMIT
    ):
        _CHAR_CACHE[cluster] = result
    return result


def _clusters(text: str) -> Iterator[tuple[int, int]]:
    """Spans of a character followed by its combining marks (NFKC composes them)."""
    start = 0
    for index in range(1, len(text)):
        if not unicodedata.combining(text[index]):
            yield start, index
            start = index
    if text:
        yield start, len(text)


def _cached_pieces(text: str) -> list[str] | None:
    """Per-character normalised pieces, or None when a character is not cached."""
    try:
        return [_CHAR_CACHE[char] for char in text]
    except KeyError:
        return None


def normalize(text: str) -> str:
    """NFKC, lower case and one form of 文号 brackets (``〔〕``); see the module doc."""
    pieces = _cached_pieces(text)
    if pieces is None:
        pieces = [_normalize_cluster(text[a:b]) for a, b in _clusters(text)]
    return "".join(pieces)


def _normalize_with_map(text: str) -> tuple[str, list[int], list[int]]:
    """Normalised text plus, per normalised character, its original cluster span."""
    pieces = _cached_pieces(text)
    if pieces is not None and all(len(piece) == 1 for piece in pieces):
        return "".join(pieces), list(range(len(text))), list(range(1, len(text) + 1))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for a, b in _clusters(text):
        piece = _normalize_cluster(text[a:b])
        parts.append(piece)
        starts.extend([a] * len(piece))
        ends.extend([b] * len(piece))
    return "".join(parts), starts, ends


# --- tokens --------------------------------------------------------------------


def _word_tokens(word: str) -> Iterator[str]:
    for index in range(0, len(word), MAX_WORD_CHARS):
        chunk = word[index : index + MAX_WORD_CHARS]
        # Injective escape keeping FIELD_BREAK out of the token stream: a word that
        # starts with it gets one more "x", so no text can produce the sentinel.
        yield chunk + "x" if chunk.startswith(FIELD_BREAK) else chunk


def _cjk_tokens(run: str, *, first: bool, last: bool) -> list[str]:
    """Bigrams of ``run``, framed by its first/last character when asked."""
    if len(run) == 1:
        return [run if first or last else run + PREFIX_MARK]
    tokens = [run[index : index + 2] for index in range(len(run) - 1)]
    if first:
        tokens.insert(0, run[0])
    if last:
        tokens.append(run[-1])
    return tokens


def _tokens(normalized: str, *, query: bool) -> Iterator[str]:
    for match in _TOKEN_RE.finditer(normalized):
        run = match.group("cjk")
        if run is None:
            yield from _word_tokens(match.group("word"))
        elif query:
            # Where the term ends, the document may continue the run: no unigram.
            yield from _cjk_tokens(run, first=match.start() > 0, last=match.end() < len(normalized))
        else:
            yield from _cjk_tokens(run, first=True, last=True)


def tokenize(text: str) -> list[str]:
    """Index tokens of one document field (normalised first); see the module doc."""
    return list(_tokens(normalize(text), query=False))


def query_tokens(term: str) -> list[str]:
    """Phrase tokens of one query term (one whitespace-free piece of the query)."""
    return list(_tokens(normalize(term), query=True))


def document_tokens(*fields: str, body_limit: int = MAX_DOCUMENT_TOKENS) -> str:
    """Space-joined tokens of the fields, for the indexed column.

    Pass title, 文号, 主题词, 索引号, summary and body, in that order: the fields are
    separated by :data:`FIELD_BREAK` and the whole is cut after ``body_limit``
    tokens (separators included), so only the end of a long body goes unindexed.
    The default keeps every position below PostgreSQL's 16,383 limit.
    """
    tokens: list[str] = []
    for field in fields:
        if len(tokens) >= body_limit:
            break
        field_tokens = list(islice(_tokens(normalize(field or ""), query=False), body_limit))
        if not field_tokens:
            continue
        if tokens:
            tokens.append(FIELD_BREAK)
        tokens.extend(field_tokens)
    return " ".join(tokens[:body_limit])


# --- queries -------------------------------------------------------------------


def _terms(q: str) -> list[tuple[str, list[str]]]:
    """Distinct normalised terms of ``q`` that yield tokens, with their tokens."""
    terms: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for term in normalize(q).split():
        tokens = list(_tokens(term, query=True))
        if tokens and term not in seen:
            seen.add(term)
            terms.append((term, tokens))
    return terms


def parse_query(q: str) -> list[list[str]]:
    """One phrase per whitespace-separated term of ``q``; the phrases are ANDed.

    Terms without any letter, digit or ideograph are dropped, so an empty list
    means "no search". A one-ideograph term gives ``["字*"]`` (see
    :data:`PREFIX_MARK`); a 索引号 ``000014349/2024-00094`` gives the phrase
    ``["000014349", "2024", "00094"]``.
    """
    phrases: list[list[str]] = []
    for _term, tokens in _terms(q):
        if tokens not in phrases:
            phrases.append(tokens)
    return phrases


def _split_prefix(token: str) -> tuple[str, bool]:
    if token.endswith(PREFIX_MARK):
        return token[: -len(PREFIX_MARK)], True
    return token, False


def _pg_lexeme(token: str) -> str:
    text, prefix = _split_prefix(token)
    quoted = "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if prefix else quoted


def to_pg_tsquery(phrases: list[list[str]]) -> str:
    """Raw ``tsquery`` text of the phrases, for ``%s::tsquery`` or ``to_tsquery('simple', %s)``.

    The cast takes the lexemes verbatim, which is right: tokens are already what
    ``to_tsvector('simple', …)`` stores (lower-case, one word each).

    ``[["公开", "开信"], ["gdp"]]`` → ``('公开' <-> '开信') & 'gdp'``.
    Raises ``ValueError`` for no phrases: an empty ``tsquery`` matches nothing.
    """
    parts: list[str] = []
    for phrase in phrases:
        if not phrase:
            continue
        part = " <-> ".join(_pg_lexeme(token) for token in phrase)
        parts.append(part)
    if not parts:
        raise ValueError("no search terms")
    if len(parts) == 1:
        return parts[0]
    return " & ".join(f"({part})" if " <-> " in part else part for part in parts)


def _fts5_phrase(phrase: list[str]) -> str:
    texts: list[str] = []
    prefix = False
    for position, token in enumerate(phrase):
        text, prefix = _split_prefix(token)
        if prefix and position != len(phrase) - 1:
            # FTS5 can mark only the last token of a string as a prefix.
            raise ValueError("prefix token must end its phrase")
        texts.append(text.replace('"', '""'))
    string = '"' + " ".join(texts) + '"'
    return string + " *" if prefix else string


def to_fts5_match(phrases: list[list[str]]) -> str:
    """FTS5 ``MATCH`` expression: ``"公开 开信" AND "gdp"``.

    Raises ``ValueError`` for no phrases (FTS5 rejects an empty expression).
    """
    parts = [_fts5_phrase(phrase) for phrase in phrases if phrase]
    if not parts:
        raise ValueError("no search terms")
    return " AND ".join(parts)


# --- recheck and snippets ------------------------------------------------------


def term_matches(text: str, q: str) -> bool:
    """Whether every term of ``q`` is a substring of ``text``, both normalised.

    The exact check behind the token search (which also accepts the same tokens
    with other separators). To check several fields, join them with ``"\\n"``:
    terms contain no whitespace, so no match can span two fields. A query
    without terms matches everything.
    """
    normalized = normalize(text)
    return all(term in normalized for term, _tokens in _terms(q))


def _match_spans(text: str, q: str) -> list[tuple[int, int]]:
    """Merged original-text spans of every occurrence of every term of ``q``."""
    normalized, starts, ends = _normalize_with_map(text)
    spans: list[tuple[int, int]] = []
    for term, _tokens in _terms(q):
        index = normalized.find(term)
        while index != -1:
            spans.append((starts[index], ends[index + len(term) - 1]))
            index = normalized.find(term, index + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _window(text: str, first: int, width: int) -> tuple[int, int]:
    """``width`` characters around ``first``, a quarter of them before it."""
    start = max(0, first - width // 4)
    end = min(len(text), start + width)
    start = max(0, end - width)
    # Never cut a character from its combining marks.
    while 0 < start and unicodedata.combining(text[start]):
        start -= 1
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return start, end


def highlight(text: str, q: str, *, width: int = 120) -> str:
    """HTML snippet of plain ``text`` around the first match of a term of ``q``.

    ``width`` characters of the original text, every occurrence of every term
    wrapped in ``<mark>``, ``…`` where the text was cut; without a match, the
    start of the text. Everything else is escaped, so the result is safe HTML.
    """
    spans = _match_spans(text, q)
    start, end = _window(text, spans[0][0] if spans else 0, width)
    pieces: list[str] = ["…"] if start > 0 else []
    cursor = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        pieces.append(html.escape(text[cursor:span_start]))
        pieces.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(html.escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)
