"""Word in: a .docx becomes an item's body, and its header and signature block propose the
title, 文号 and 成文日期 (GB/T 9704-2012 lays them out: 发文机关标志, 发文字号, 标题 above the
主送机关; 成文日期 under the 落款).

mammoth turns the document's structure (headings, lists, tables, bold, images) into plain
HTML and ignores fonts and colours; the result then goes through the same allow-list as a
typed body (``catalog.sanitize``). Images are returned apart, with a placeholder ``src``
(``word-image-N``) for the caller to point at the attachment it stores them as.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import IO

import mammoth
from django.utils.html import strip_tags

from catalog.sanitize import clean_body

# Word's headings one level down: the page's <h1> is the item's title.
STYLE_MAP = "\n".join(
    [
        "p[style-name='Title'] => h2:fresh",
        "p[style-name='heading 1'] => h2:fresh",
        "p[style-name='Heading 1'] => h2:fresh",
        "p[style-name='heading 2'] => h3:fresh",
        "p[style-name='Heading 2'] => h3:fresh",
        "p[style-name='heading 3'] => h4:fresh",
        "p[style-name='Heading 3'] => h4:fresh",
        "p[style-name='heading 4'] => h5:fresh",
        "p[style-name='Heading 4'] => h5:fresh",
        "p[style-name='标题 1'] => h2:fresh",
        "p[style-name='标题 2'] => h3:fresh",
        "p[style-name='标题 3'] => h4:fresh",
        "p[style-name='标题'] => h2:fresh",
    ]
)
IMAGE_PLACEHOLDER = "word-image-{n}"

# 发文字号: 机关代字 + 〔年份〕 + 序号 + 号 (GB/T 9704-2012 7.2.4); Word documents often type
# the brackets as [], ［］, （） or 【】, which are read as 〔〕.
DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,16})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(\d{1,5})\s*号"
)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}
_DATE = re.compile(
    r"^\s*((?:19|20)\d{2}|[〇○Ｏ零一二三四五六七八九]{4})\s*年\s*"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*$"
)
_MASTHEAD = re.compile(r"(文件|简报|纪要|公报)$")  # 发文机关标志: “临江市人民政府文件”
_HEADER_NOISE = re.compile(r"^(\d{6}|[★*]?(绝密|机密|秘密|特急|加急|平急)|份号)")
_GENRE_END = re.compile(
    r"(通知|决定|意见|办法|规定|公告|通告|通报|报告|批复|函|方案|规划|计划|细则|公示|"
    r"决议|命令|令|纪要|条例|章程|规则|指南|名单|预算|决算|说明|答复|要点)$"
)


@dataclass
class WordImage:
    placeholder: str
    content_type: str
    data: bytes


@dataclass
class WordDocument:
    body: str  # sanitised HTML, images pointing at their placeholders
    title: str = ""
    doc_number: str = ""
    formed_on: dt.date | None = None
    images: list[WordImage] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _cn_number(text: str) -> int:
    """一 … 三十一 → 1 … 31 (the numbers of a date written in Chinese)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


def parse_date(text: str) -> dt.date | None:
    """``2026年3月2日`` or ``二〇二六年三月二日`` (a paragraph that is only a date)."""
    match = _DATE.match(text)
    if not match:
        return None
    year_text, month, day = match.groups()
    year = (
        int(year_text)
        if year_text.isdigit()
        else int("".join(str(_CN_DIGITS[c]) for c in year_text))
    )
    try:
        return dt.date(year, _cn_number(month), _cn_number(day))
    except (KeyError, ValueError):
        return None


def normalise_doc_number(text: str) -> str:
    match = DOC_NUMBER.search(text)
    if not match:
        return ""
    agency, year, serial = match.groups()
    return f"{agency}〔{year}〕{int(serial)}号"


@dataclass
class _Paragraph:
    text: str
    centred: bool
    heading: bool


def _paragraphs(data: bytes) -> list[_Paragraph]:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document(io.BytesIO(data))
    out = []
    for paragraph in document.paragraphs:
        text = re.sub(r"\s+", " ", paragraph.text).strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        heading = style.lower().startswith(("title", "heading 1")) or style in ("标题", "标题 1")
        out.append(
            _Paragraph(
                text=text,
                centred=paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER,
                heading=heading,
            )
        )
    return out


def propose_metadata(paragraphs: list[_Paragraph]) -> tuple[str, str, dt.date | None, set[str]]:
    """Title, 文号 and 成文日期 from the header and the signature block, and the texts of the
    header paragraphs they came from (left out of the body: the page shows them as metadata).
    """
    doc_number = ""
    header: set[str] = set()
    title_parts: list[str] = []
    # The header ends at the 主送机关 line ("各区县人民政府，市政府各部门：") or at the first
    # ordinary paragraph after the title; only the first few paragraphs are looked at.
    for index, paragraph in enumerate(paragraphs[:12]):
        text = paragraph.text
        if not doc_number and DOC_NUMBER.search(text) and len(text) <= 40:
            doc_number = normalise_doc_number(text)
            header.add(text)
            continue
        if _MASTHEAD.search(text) and index < 3 and not title_parts:
            header.add(text)
            continue
        if _HEADER_NOISE.match(text) and len(text) <= 12:
            header.add(text)
            continue
        if text.endswith(("：", ":")):
            break
        looks_like_title = paragraph.heading or paragraph.centred or "关于" in text
        if not title_parts and looks_like_title and len(text) <= 120:
            title_parts.append(text)
            header.add(text)
            if _GENRE_END.search(text):
                break
            continue
        if title_parts and (paragraph.centred or paragraph.heading) and len(text) <= 60:
            # A long title set on two lines.
            title_parts.append(text)
            header.add(text)
            if _GENRE_END.search(text):
                break
            continue
        break
    if not title_parts:
        first = next((p.text for p in paragraphs if p.text not in header), "")
        title_parts = [first] if len(first) <= 120 else []
    formed_on = None
    for paragraph in reversed(paragraphs[-10:]):
        formed_on = parse_date(paragraph.text.replace("（印章）", ""))
        if formed_on:
            break
    return "".join(title_parts), doc_number, formed_on, header


def _drop_leading_header(body: str, header: set[str]) -> str:
    """Remove the leading blocks whose text is a header line (masthead, 文号, title)."""
    block = re.compile(r"\s*<(p|h[2-6])\b[^>]*>(.*?)</\1>", re.S)
    position = 0
    while header:
        match = block.match(body, position)
        if not match:
            break
        text = re.sub(r"\s+", " ", strip_tags(match.group(2))).strip()
        if text not in header:
            break
        header.discard(text)
        position = match.end()
    return body[position:].lstrip()


def convert(stream: IO[bytes]) -> WordDocument:
    """Convert a .docx (already checked by content to be one) into a proposed item."""
    stream.seek(0)
    data = stream.read()
    images: list[WordImage] = []

    def keep_image(image: mammoth.documents.Image) -> dict[str, str]:
        with image.open() as handle:
            content = handle.read()
        number = len(images) + 1
        placeholder = IMAGE_PLACEHOLDER.format(n=number)
        images.append(WordImage(placeholder, image.content_type or "", content))
        # Every picture gets a text alternative (GB/T 37668-2019): the one written in Word,
        # or its number, the name its attachment gets (图1.png).
        return {"src": placeholder, "alt": image.alt_text or f"图{number}"}

    result = mammoth.convert_to_html(
        io.BytesIO(data),
        style_map=STYLE_MAP,
        convert_image=mammoth.images.img_element(keep_image),
    )
    title, doc_number, formed_on, header = propose_metadata(_paragraphs(data))
    body = clean_body(_drop_leading_header(result.value, set(header)))
    return WordDocument(
        body=body,
        title=title,
        doc_number=doc_number,
        formed_on=formed_on,
        images=images,
        messages=[message.message for message in result.messages],
    )
