"""The 政府信息公开申请答复书: the answer letter of an application, as text, DOCX and PDF.

条例第三十六至三十九条 decide what an answer says; 行政复议法第二十三条 (in force 2024-01-01)
decides what a refusal must tell the applicant about the remedy. The statutory wording lives in
``templates/requests_app/letters/<group>.txt`` (style.md: statutory wording of letters lives
in templates), one template per outcome group, each extending ``_base.txt``.

A template renders one paragraph per line; blank lines are dropped. A line may start with a
layout marker (``::title``, ``::center``, ``::right``, ``::plain``); unmarked lines are body
paragraphs, indented by two characters as Chinese letters are. The DOCX and PDF writers only
lay out these paragraphs, so the three formats always say the same thing.
"""

from __future__ import annotations

import functools
import io
import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.deadlines import format_date
from requests_app.models import (
    Application,
    DeliveryMethod,
    EventType,
    Outcome,
    Status,
)
from requests_app.tracking import display_tracking_code, released_files_of

logger = logging.getLogger(__name__)

TITLE = "政府信息公开申请答复书"

# The outcome groups, one template each (the sub-rows of table 三 share a template).
DISCLOSED = "disclosed"
PARTIALLY_DISCLOSED = "partially_disclosed"
WITHHELD = "withheld"
UNAVAILABLE = "unavailable"
REJECTED = "rejected"
OTHER = "other"
GROUPS = (DISCLOSED, PARTIALLY_DISCLOSED, WITHHELD, UNAVAILABLE, REJECTED, OTHER)

# 行政复议法第二十三条第一款第四项: "申请政府信息公开，行政机关不予公开" must go to 行政复议
# before a lawsuit, and the answer must say so (same article, second paragraph). A partial
# answer withholds the rest (条例第三十七条), so it carries the same notice (regulation.md §7).
PRIOR_REVIEW_GROUPS = frozenset({WITHHELD, PARTIALLY_DISCLOSED})

# GB/T 9704-2012 sets official letters in Song (宋体) and 仿宋 faces. The PDF embeds Debian's
# AR PL SungtiL GB (fonts-arphic-gbsn00lp, a Song face drawn for GB 2312: all 6,763 hanzi of
# GB 2312 measured present; bench/letters.md), then AR PL UMing CN (fonts-arphic-uming, also
# complete), then WenQuanYi Micro Hei (a sans face, so only a last resort before the
# non-embedded STSong-Light CID font).
PDF_FONT_FILES = (
    ("ARPLSungtiLGB", Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"), 0),
    ("ARPLUMingCN", Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
    ("WenQuanYiMicroHei", Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
)
# Names the DOCX asks Word/WPS for; the reader's own Chinese fonts render them
# (GB/T 9704-2012: title in 小标宋, body in 仿宋_GB2312).
DOCX_BODY_FONT = "仿宋"
DOCX_TITLE_FONT = "宋体"

# 附件说明: two characters of 16 pt, then the three characters of “附件：” (in points).
ANNEX_INDENT = 32 + 48

_MARKER = re.compile(r"^::(title|center|right|plain|annexmore|annex)\s+")
# A user's line that starts like a marker must stay text (full-width colons read the same).
_USER_MARKER = re.compile(r"^(\s*)::", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of the letter and how it is laid out."""

    text: str
    # "title" (centred, large), "center", "right" (seal line and date), "plain" (no indent),
    # "body" (first line indented by two characters), or the 附件说明 of GB/T 9704-2012
    # 7.3.4: "annex" (a blank line above, two characters in, “附件：1. …”) and "annexmore"
    # (“2. …”, aligned under the “1.”).
    style: str = "body"


def outcome_group(outcome: str) -> str:
    """The template group of an outcome code (api.md outcomes = rows of table 三)."""
    if outcome == Outcome.DISCLOSED:
        return DISCLOSED
    if outcome == Outcome.PARTIALLY_DISCLOSED:
        return PARTIALLY_DISCLOSED
    for prefix in (WITHHELD, UNAVAILABLE, REJECTED, OTHER):
        if outcome.startswith(prefix + "_") and outcome in Outcome.values:
            return prefix
    raise ValueError(f"unknown outcome {outcome!r}")


def requires_prior_review(outcome: str) -> bool:
    """Whether the answer must tell the applicant to apply for 行政复议 first."""
    return outcome_group(outcome) in PRIOR_REVIEW_GROUPS


# --- Context --------------------------------------------------------------------------------


def _user_text(text: str) -> str:
    """Text typed by staff or the applicant, safe to place on its own lines of the letter."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return _USER_MARKER.sub(r"\1：：", text)


def _one_line(text: str) -> str:
    """The request as quoted in the letter's first paragraph: one line, spaces collapsed."""
    return re.sub(r"\s+", " ", _user_text(text))


def _quoted(text: str) -> str:
    """The request quoted inside “…”。: one line, without the closing punctuation the
    applicant typed, so the sentence does not end “…。”。"""
    return _one_line(text).rstrip("。．.，,；;：: ")


def _base_url(explicit: str | None) -> str:
    if explicit is not None:
        return explicit.rstrip("/")
    portal = getattr(settings, "PORTAL", {}) or {}
    return str(portal.get("BASE_URL", "") or "").rstrip("/")


def _item_context(application: Application, base_url: str) -> dict[str, str] | None:
    """The published catalog item an answer points to (条例第三十六条第一项), if any."""
    item = application.linked_item
    if item is None or not item.is_published:
        # A draft must never be cited to the public as 已主动公开.
        return None
    try:
        url = base_url + item.get_absolute_url()
    except NoReverseMatch:
        url = ""
    return {
        "title": item.title,
        "index_no": item.index_no or "",
        "doc_number": item.doc_number,
        "published_on": format_date(item.published_on) if item.published_on else "",
        "url": url,
    }


def _review_body(application: Application) -> str:
    """The 行政复议机关 named in the remedy notice.

    行政复议法第二十四条: a department's acts are reviewed by the people's government at its
    level, a government's by the government above it. In the organ tree both are the organ's
    parent; a root organ has no parent recorded, so the notice names the body generically.
    """
    parent = application.organ.parent
    return parent.name if parent is not None else _("有管辖权的行政复议机关")


def _event_date(application: Application, event_type: str) -> str:
    event = application.events.filter(type=event_type).order_by("-date", "-id").first()
    return format_date(event.date) if event is not None else ""


def _optional_date(value: date | None) -> str:
    return format_date(value) if value else ""


def released_names(application: Application) -> list[str]:
    """The served names of the files that went out with the answer (条例第三十六条第二项:
    the information itself), in upload order; none for other outcomes."""
    return [f.name for f in released_files_of(application)]


def _track_url(base_url: str) -> str:
    try:
        return base_url + reverse("requests:track") if base_url else ""
    except NoReverseMatch:
        return ""


def letter_context(
    application: Application,
    *,
    base_url: str | None = None,
    today: date | None = None,
    masked: bool = False,
) -> dict[str, Any]:
    """Everything the letter templates need, as plain strings.

    ``base_url`` (e.g. ``https://xxgk.example.gov.cn``) makes the linked item's address
    absolute; by default ``settings.PORTAL["BASE_URL"]`` when set, else a site-relative path.
    ``masked`` names the applicant as the tracking page does (张*): the letter behind a
    tracking code shows no more than the page unless the applicant proves who he is.
    """
    if not application.outcome:
        raise ValueError("申请尚未办结，不能生成答复书")
    answered_on = application.closed_on or today or timezone.localdate()
    group = outcome_group(application.outcome)
    code = display_tracking_code(application.tracking_code)
    base = _base_url(base_url)
    return {
        "title": TITLE,
        "group": group,
        "outcome": application.outcome,
        "outcome_label": str(Outcome(application.outcome).label),
        # The organ's own 发文字号 (Organ.answer_number_pattern); letters answered before
        # numbering existed keep 〔年份〕第<tracking code>号.
        "reference": application.letter_number or f"〔{answered_on.year}〕第{code}号",
        "tracking_code": code,
        "applicant": _one_line(
            application.masked_name if masked else application.applicant_display_name
        ),
        # 条例第三十一条: the receipt date (after a 补正 still the original one).
        "received_on": format_date(application.first_received_on),
        "description": _quoted(application.description),
        "reply": _user_text(application.reply),
        "referral": _one_line(application.referral),
        "linked_item": _item_context(application, base),
        # GB/T 9704-2012 7.3.4 附件说明: the released files, and where to get them online.
        "annexes": released_names(application),
        "online_delivery": application.delivery_method == DeliveryMethod.ONLINE,
        "track_url": _track_url(base),
        "correction_requested_on": _optional_date(application.correction_requested_on),
        "correction_due_on": _optional_date(application.correction_due_on),
        "fee_notice_on": _optional_date(application.fee_notice_on),
        # 条例第三十五条: when the reasons were asked for, by when, and whether they came.
        "reasons_requested_on": _optional_date(application.reasons_requested_on),
        "reasons_due_on": _optional_date(application.reasons_due_on),
        "reasons_lapsed": application.closed_on is not None
        and application.outcome == Outcome.REJECTED_MASS
        and application.status == Status.CLOSED,
        "fee_payment_due_on": _optional_date(application.fee_payment_due_on),
        "withdrawn_on": (
            _event_date(application, EventType.WITHDRAW)
            if application.outcome == Outcome.OTHER_OTHER
            else ""
        ),
        "prior_review": group in PRIOR_REVIEW_GROUPS,
        "review_body": _review_body(application),
        "organ_name": application.organ.name,
        "answered_on": format_date(answered_on),
    }


# --- Text -----------------------------------------------------------------------------------


def _parse(rendered: str) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for raw in rendered.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = _MARKER.match(line)
        if match:
            paragraphs.append(Paragraph(line[match.end() :].strip(), match.group(1)))
        else:
            paragraphs.append(Paragraph(line))
    return paragraphs


def letter_paragraphs(application: Application, **options: Any) -> list[Paragraph]:
    """The letter as laid-out paragraphs (``options`` go to :func:`letter_context`)."""
    context = letter_context(application, **options)
    rendered = render_to_string(f"requests_app/letters/{context['group']}.txt", context)
    return _parse(rendered)


def render_letter_text(application: Application, **options: Any) -> list[str]:
    """The letter as a list of paragraphs of plain text."""
    return [p.text for p in letter_paragraphs(application, **options)]


def letter_filename(application: Application, ext: str) -> str:
    """``政府信息公开申请答复书-ABCD-EFGH-JKMN.docx`` (ASCII-safe apart from the title)."""
    ext = ext.lstrip(".").lower()
    return f"{TITLE}-{display_tracking_code(application.tracking_code)}.{ext}"


# --- DOCX -----------------------------------------------------------------------------------


def set_east_asian_font(target: Any, name: str) -> None:
    """python-docx sets only the Latin font; Chinese text needs ``w:eastAsia`` too.

    ``target`` is a run or a style. Used for letters here and for the annual report's DOCX.
    """
    from docx.oxml.ns import qn

    target.font.name = name
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), name)
    # Heading styles name theme fonts, which would win over the names above.
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)


def letter_docx(application: Application, **options: Any) -> bytes:
    """The letter as a Word document: real paragraphs, centred title, Chinese fonts set."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    # A4 with the margins of GB/T 9704 (党政机关公文格式): 3.7 cm top, 2.8 cm left.
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    # The type area is 156 × 225 mm (GB/T 9704-2012 5.2.1).
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    set_east_asian_font(normal, DOCX_BODY_FONT)
    normal.font.size = Pt(16)  # 三号 (GB/T 9704-2012 7.1)

    alignments = {
        "title": WD_ALIGN_PARAGRAPH.CENTER,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "plain": WD_ALIGN_PARAGRAPH.LEFT,
        "body": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "annex": WD_ALIGN_PARAGRAPH.LEFT,
        "annexmore": WD_ALIGN_PARAGRAPH.LEFT,
    }
    for paragraph in letter_paragraphs(application, **options):
        p = document.add_paragraph()
        p.alignment = alignments[paragraph.style]
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = Pt(29)  # 22 lines on the type area
        run = p.add_run(paragraph.text)
        if paragraph.style == "title":
            set_east_asian_font(run, DOCX_TITLE_FONT)
            run.font.size = Pt(22)
            run.bold = True
            p.paragraph_format.space_after = Pt(18)
        else:
            set_east_asian_font(run, DOCX_BODY_FONT)
        if paragraph.style == "body":
            p.paragraph_format.first_line_indent = Pt(32)  # two characters of 16 pt
        elif paragraph.style in ("annex", "annexmore"):
            p.paragraph_format.left_indent = Pt(ANNEX_INDENT)
            if paragraph.style == "annex":
                p.paragraph_format.first_line_indent = Pt(-48)
                p.paragraph_format.space_before = Pt(29)  # 正文下空一行
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------


@functools.cache
def pdf_font_name() -> str:
    """Register the Chinese font once: the first of ``PDF_FONT_FILES`` present (embedded as a
    subset, so the text renders everywhere and can be selected), else reportlab's built-in
    STSong-Light, which needs no file but is not embedded (stack.md)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for name, path, index in PDF_FONT_FILES:
        if not path.exists():
            continue
        try:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
            return name
        except Exception:
            # A broken font file must not stop the letter: try the next one.
            logger.exception("无法加载字体%s", path)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _pdf_styles(font: str) -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    # GB/T 9704-2012 7.1/5.2.2: body in 三号 (16 pt), 22 lines of 28 characters on the
    # 156 × 225 mm type area, so a line pitch of 225 mm / 22 ≈ 29 pt; first line indented
    # by two characters. wordWrap="CJK" breaks lines between any two characters.
    body = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=16,
        leading=29,
        firstLineIndent=32,
        alignment=TA_JUSTIFY,
        wordWrap="CJK",
        spaceAfter=4,
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontSize=22,
            leading=32,
            firstLineIndent=0,
            alignment=TA_CENTER,
            spaceAfter=14,
        ),
        "center": ParagraphStyle("center", parent=body, firstLineIndent=0, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=body, firstLineIndent=0, alignment=TA_RIGHT),
        "plain": ParagraphStyle("plain", parent=body, firstLineIndent=0, alignment=TA_LEFT),
        # 附件说明 (GB/T 9704-2012 7.3.4): a blank line below the body, two characters in;
        # the numbers stand under one another, after the three characters of “附件：”.
        "annex": ParagraphStyle(
            "annex",
            parent=body,
            leftIndent=ANNEX_INDENT,
            firstLineIndent=-48,
            alignment=TA_LEFT,
            spaceBefore=29,
        ),
        "annexmore": ParagraphStyle(
            "annexmore", parent=body, leftIndent=ANNEX_INDENT, firstLineIndent=0, alignment=TA_LEFT
        ),
        "body": body,
    }


def letter_pdf(application: Application, **options: Any) -> bytes:
    """The letter as an A4 PDF whose Chinese text is embedded and selectable."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph as PdfParagraph
    from reportlab.platypus import SimpleDocTemplate, Spacer

    paragraphs = letter_paragraphs(application, **options)
    styles = _pdf_styles(pdf_font_name())
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        topMargin=3.7 * cm,
        bottomMargin=3.5 * cm,
        leftMargin=2.8 * cm,
        rightMargin=2.6 * cm,
        title=TITLE,
        author=application.organ.name,
    )
    flowables: list[Any] = []
    previous = ""
    for paragraph in paragraphs:
        if paragraph.style == "right" and previous != "right":
            flowables.append(Spacer(1, 24))  # room for the seal above the organ's name
        # Paragraph text is reportlab mini-markup: escape what the staff typed.
        flowables.append(PdfParagraph(escape(paragraph.text), styles[paragraph.style]))
        previous = paragraph.style
    document.build(flowables)
    return buffer.getvalue()
