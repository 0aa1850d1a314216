"""The 答复书: wording per outcome group, remedy notice, DOCX and PDF with selectable text."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from typing import Any

import pytest
from django.http import HttpResponse
from django.urls import include, path

from requests_app import letters
from requests_app.models import (
    ApplicantType,
    Application,
    Channel,
    DeliveryForm,
    DeliveryMethod,
    Event,
    EventType,
    Outcome,
    Status,
)
from tests.factories import make_item, make_organ

pytestmark = pytest.mark.django_db

ANSWERED_ON = dt.date(2026, 9, 18)


def _item_view(request: Any, pk: int) -> HttpResponse:
    return HttpResponse()


# A URL map with the public item page only, for the test that needs its address.
urlpatterns = [
    path("items/<int:pk>/", include(([path("", _item_view, name="item")], "catalog"))),
]


def _answered(organ: Any, outcome: str, **fields: Any) -> Application:
    """An application answered on ANSWERED_ON with ``outcome``, built with the ORM."""
    values: dict[str, Any] = {
        "organ": organ,
        "tracking_code": "ABCDEFGHJKMN",
        "channel": Channel.ONLINE,
        "applicant_type": ApplicantType.NATURAL_PERSON,
        "name": "张三",
        "description": "2025年度本市道路维修工程的招标文件",
        "delivery_form": DeliveryForm.ELECTRONIC,
        "delivery_method": DeliveryMethod.EMAIL,
        "first_received_on": dt.date(2026, 8, 20),
        "received_on": dt.date(2026, 8, 20),
        "status": Status.CLOSED if outcome.startswith("other_") else Status.ANSWERED,
        "outcome": outcome,
        "reply": "详见附件。",
        "closed_on": ANSWERED_ON,
    }
    values.update(fields)
    return Application.objects.create(**values)


@pytest.fixture
def organ() -> Any:
    government = make_organ("测试市人民政府")
    return make_organ("测试市交通运输局", parent=government)


def _flat(text: str) -> str:
    """Extracted text without the line breaks the layout put inside sentences."""
    return re.sub(r"\s+", "", text)


def _docx_text(data: bytes) -> tuple[Any, str]:
    from docx import Document

    document = Document(io.BytesIO(data))
    return document, "\n".join(p.text for p in document.paragraphs)


def _pdf_text(data: bytes, tmp_path: Any) -> str:
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


@pytest.mark.parametrize(
    ("outcome", "group"),
    [
        (Outcome.DISCLOSED, "disclosed"),
        (Outcome.PARTIALLY_DISCLOSED, "partially_disclosed"),
        (Outcome.WITHHELD_PROCESS, "withheld"),
        (Outcome.WITHHELD_QUERY, "withheld"),
        (Outcome.UNAVAILABLE_NOT_HELD, "unavailable"),
        (Outcome.REJECTED_REPEATED, "rejected"),
        (Outcome.OTHER_FEE_UNPAID, "other"),
        (Outcome.OTHER_OTHER, "other"),
    ],
)
def test_each_outcome_belongs_to_one_template_group(outcome: str, group: str) -> None:
    assert letters.outcome_group(outcome) == group


def test_every_outcome_has_a_decision_paragraph(organ: Any) -> None:
    """No outcome code falls through its group template without a decision sentence."""
    for outcome in Outcome.values:
        application = _answered(
            organ, outcome, tracking_code=f"CODE{len(outcome):02d}{outcome[:6]}"
        )
        text = letters.render_letter_text(application)
        decision = text[4]  # title, reference, salutation, receipt, then the decision
        assert re.search("条例|国办函|作出如下处理", decision), outcome
        application.delete()


def test_letter_frame_names_applicant_receipt_request_organ_and_date(organ: Any) -> None:
    application = _answered(organ, Outcome.WITHHELD_PROCESS, reply="该文件为内部讨论稿。")

    text = letters.render_letter_text(application)

    assert text[0] == "政府信息公开申请答复书"
    assert text[1] == "〔2026〕第ABCD-EFGH-JKMN号"
    assert text[2] == "张三："
    assert "2026年8月20日" in text[3]
    assert "2025年度本市道路维修工程的招标文件" in text[3]
    assert "过程性信息" in text[4] and "第十六条第二款" in text[4]
    assert "该文件为内部讨论稿。" in text
    assert text[-2:] == ["测试市交通运输局", "2026年9月18日"]


def test_organisation_applicant_is_addressed_by_its_name(organ: Any) -> None:
    application = _answered(
        organ,
        Outcome.DISCLOSED,
        applicant_type=ApplicantType.COMMERCIAL,
        name="",
        organization="某某建设有限公司",
    )
    assert letters.render_letter_text(application)[2] == "某某建设有限公司："


@pytest.mark.parametrize(
    "outcome",
    [Outcome.WITHHELD_STATE_SECRET, Outcome.WITHHELD_THIRD_PARTY, Outcome.PARTIALLY_DISCLOSED],
)
def test_refusal_requires_administrative_review_first(organ: Any, outcome: str) -> None:
    """行政复议法第二十三条第一款第四项: 复议前置, naming the 复议机关 and the 60 days."""
    remedy = letters.render_letter_text(_answered(organ, outcome))[-4]

    assert "应当先" in remedy
    assert "第二十三条第一款第四项" in remedy
    assert "60日内" in remedy
    assert "向测试市人民政府申请行政复议" in remedy
    assert "也可以" not in remedy


@pytest.mark.parametrize(
    "outcome", [Outcome.DISCLOSED, Outcome.UNAVAILABLE_NOT_HELD, Outcome.REJECTED_MASS]
)
def test_other_answers_offer_review_or_lawsuit(organ: Any, outcome: str) -> None:
    remedy = letters.render_letter_text(_answered(organ, outcome))[-4]

    assert "应当先" not in remedy
    assert "申请行政复议，也可以" in remedy
    assert "6个月内依法向人民法院提起行政诉讼" in remedy


def test_root_organ_names_the_review_body_generically() -> None:
    root = make_organ("测试省人民政府")
    remedy = letters.render_letter_text(_answered(root, Outcome.WITHHELD_INTERNAL))[-4]
    assert "向有管辖权的行政复议机关申请行政复议" in remedy


@pytest.mark.urls("tests.requests_app.test_letters")
def test_disclosed_answer_cites_the_published_item_with_its_address(organ: Any) -> None:
    item = make_item(organ, "测试市2025年道路维修工程招标公告", published_on=dt.date(2026, 3, 2))
    application = _answered(organ, Outcome.DISCLOSED, linked_item=item)

    decision = letters.render_letter_text(application, base_url="https://xxgk.example.gov.cn/")[4]

    assert "第三十六条第一项" in decision
    assert "已经主动公开" in decision
    assert "《测试市2025年道路维修工程招标公告》" in decision
    assert f"索引号：{item.index_no}" in decision
    assert f"网址：https://xxgk.example.gov.cn/items/{item.pk}/" in decision


def test_draft_item_is_never_cited_as_published(organ: Any) -> None:
    item = make_item(organ, "尚未发布的草稿", publish=False)
    application = _answered(organ, Outcome.DISCLOSED, linked_item=item, referral="电子邮件发送")

    decision = letters.render_letter_text(application)[4]

    assert "尚未发布的草稿" not in decision
    assert "第三十六条第二项" in decision
    assert "电子邮件发送" in decision


def test_not_held_with_a_responsible_organ_cites_item_five(organ: Any) -> None:
    application = _answered(
        organ, Outcome.UNAVAILABLE_NOT_HELD, referral="测试市住房和城乡建设局，电话0571-12345678"
    )
    decision = letters.render_letter_text(application)[4]
    assert "第三十六条第五项" in decision
    assert "测试市住房和城乡建设局" in decision


def test_withdrawal_letter_states_the_withdrawal_date(organ: Any) -> None:
    application = _answered(organ, Outcome.OTHER_OTHER)
    Event.objects.create(application=application, type=EventType.WITHDRAW, date=ANSWERED_ON)

    assert "您已于2026年9月18日撤回该政府信息公开申请" in letters.render_letter_text(application)[4]


def test_user_text_cannot_inject_layout_markers(organ: Any) -> None:
    application = _answered(organ, Outcome.DISCLOSED, reply="::right 伪造的落款")
    paragraphs = letters.letter_paragraphs(application)
    injected = [p for p in paragraphs if "伪造的落款" in p.text]
    assert [p.style for p in injected] == ["body"]


def test_letter_is_not_html_escaped(organ: Any) -> None:
    application = _answered(organ, Outcome.DISCLOSED, description="A&B公司<合同>")
    assert "“A&B公司<合同>”" in letters.render_letter_text(application)[3]


def test_open_application_has_no_letter(organ: Any) -> None:
    application = _answered(organ, "", status=Status.RECEIVED, closed_on=None)
    with pytest.raises(ValueError, match="尚未办结"):
        letters.render_letter_text(application)


def test_docx_has_real_paragraphs_centred_title_and_east_asian_font(organ: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    application = _answered(organ, Outcome.WITHHELD_SECURITY)

    document, text = _docx_text(letters.letter_docx(application))

    title = document.paragraphs[0]
    assert title.text == "政府信息公开申请答复书"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    fonts = title.runs[0]._element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == letters.DOCX_TITLE_FONT
    assert [p.text for p in document.paragraphs] == letters.render_letter_text(application)
    assert "测试市交通运输局" in text
    assert "张三：" in text
    assert "危及国家安全、公共安全、经济安全、社会稳定" in text
    assert "应当先" in text and "行政复议" in text
    assert document.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
@pytest.mark.parametrize(
    ("outcome", "wording"),
    [
        (Outcome.WITHHELD_ENFORCEMENT, "属于行政执法案卷信息"),
        (Outcome.REJECTED_PETITION, "信访、投诉、举报"),
        (Outcome.PARTIALLY_DISCLOSED, "能够作区分处理"),
    ],
)
def test_pdf_text_is_selectable_chinese(
    organ: Any, tmp_path: Any, outcome: str, wording: str
) -> None:
    application = _answered(organ, outcome, reply="请注意：A&B<说明>")

    data = letters.letter_pdf(application)

    assert data.startswith(b"%PDF")
    text = _flat(_pdf_text(data, tmp_path))
    assert "政府信息公开申请答复书" in text
    assert "测试市交通运输局" in text
    assert "张三" in text
    assert wording in text
    assert "行政复议" in text
    assert "A&B<说明>" in text


def test_pdf_embeds_a_song_face_when_the_debian_font_is_present(organ: Any) -> None:
    name, path, _index = letters.PDF_FONT_FILES[0]
    if not path.exists():
        pytest.skip("fonts-arphic-gbsn00lp not installed")
    data = letters.letter_pdf(_answered(organ, Outcome.DISCLOSED))
    assert letters.pdf_font_name() == name == "ARPLSungtiLGB"
    assert b"/FontFile2" in data  # an embedded TrueType subset, not a reference
    from reportlab.pdfbase.ttfonts import TTFontFile

    assert TTFontFile(str(path)).name in data  # BousungEG-Light-GB: the Song face itself


def test_pdf_takes_the_next_font_when_the_first_is_missing(
    organ: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    present = [entry for entry in letters.PDF_FONT_FILES[1:] if entry[1].exists()]
    if not present:
        pytest.skip("no fallback font installed")
    monkeypatch.setattr(
        letters, "PDF_FONT_FILES", ((("Missing", tmp_path / "none.ttf", 0), *tuple(present)))
    )
    letters.pdf_font_name.cache_clear()
    try:
        assert letters.pdf_font_name() == present[0][0]
    finally:
        letters.pdf_font_name.cache_clear()


def test_filenames_carry_the_tracking_code(organ: Any) -> None:
    application = _answered(organ, Outcome.DISCLOSED)
    assert (
        letters.letter_filename(application, "pdf") == "政府信息公开申请答复书-ABCD-EFGH-JKMN.pdf"
    )
    assert letters.letter_filename(application, ".DOCX").endswith(".docx")


def test_pdf_falls_back_to_the_builtin_cid_font_without_the_font_file(
    organ: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letters, "PDF_FONT_FILES", (("Missing", tmp_path / "missing.ttc", 0),))
    letters.pdf_font_name.cache_clear()
    try:
        data = letters.letter_pdf(_answered(organ, Outcome.DISCLOSED))
        assert letters.pdf_font_name() == "STSong-Light"
    finally:
        letters.pdf_font_name.cache_clear()
    assert data.startswith(b"%PDF")
    assert b"STSong-Light" in data
