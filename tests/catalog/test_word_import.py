"""Word in (issue 10): real .docx files built with python-docx become clean bodies, pictures
become attachments, and the header and signature block propose title, 文号 and 成文日期."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx.enum.text import WD_ALIGN_PARAGRAPH
from PIL import Image

from catalog import word_import
from catalog.models import Item, Organ
from tests.factories import make_organ, make_staff

TITLE_LINES = ("临江市人民政府办公室关于印发", "临江市2026年政务公开工作要点的通知")


def centred(document: Any, text: str) -> None:
    document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (180, 30, 30)).save(out, "PNG")
    return out.getvalue()


def official_document(
    *, date_line: str = "2026年3月2日", number: str = "临政办发［2026］12号"
) -> bytes:
    """A 公文 laid out after GB/T 9704-2012: masthead, 文号, a two-line title, 主送, body with
    a heading, lists, a table and a picture, 落款 and 成文日期."""
    document = docx.Document()
    centred(document, "临江市人民政府办公室文件")
    centred(document, number)
    for line in TITLE_LINES:
        centred(document, line)
    document.add_paragraph("各区县人民政府，市政府各部门：")
    document.add_paragraph("现将《临江市2026年政务公开工作要点》印发给你们，请认真贯彻执行。")
    document.add_heading("一、总体要求", level=1)
    document.add_heading("（一）工作目标", level=2)
    document.add_paragraph("健全制度", style="List Number")
    document.add_paragraph("完善平台", style="List Number")
    document.add_paragraph("加强培训", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "任务"
    table.cell(0, 1).text = "责任单位"
    table.cell(1, 0).text = "政策解读"
    table.cell(1, 1).text = "市政府办公室"
    document.add_picture(io.BytesIO(png()))
    document.add_paragraph("临江市人民政府办公室")
    document.add_paragraph(date_line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class TestConversion:
    def test_structure_is_kept_and_header_lines_become_metadata(self) -> None:
        result = word_import.convert(io.BytesIO(official_document()))

        assert result.title == "".join(TITLE_LINES)
        assert result.doc_number == "临政办发〔2026〕12号"
        assert result.formed_on == dt.date(2026, 3, 2)
        body = result.body
        # The masthead, 文号 and title are the page's metadata header, not body text.
        assert "文件" not in body.split("<p>各区县")[0] and "临政办发" not in body
        assert body.startswith("<p>各区县人民政府，市政府各部门：</p>")
        assert "<h2>一、总体要求</h2>" in body and "<h3>（一）工作目标</h3>" in body
        assert "<ol><li>健全制度</li><li>完善平台</li></ol>" in body
        assert "<ul><li>加强培训</li></ul>" in body
        assert "<table>" in body and "<td><p>政策解读</p></td>" in body
        assert '<img alt="图1" src="word-image-1">' in body  # a text alternative always
        assert [image.content_type for image in result.images] == ["image/png"]
        assert body.endswith("<p>2026年3月2日</p>")

    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("二〇二六年三月二日", dt.date(2026, 3, 2)),
            ("2026年12月31日", dt.date(2026, 12, 31)),
            ("二〇二五年十二月二十一日", dt.date(2025, 12, 21)),
            ("2026年2月30日", None),
        ],
    )
    def test_written_date_in_the_signature_block(self, line: str, expected: Any) -> None:
        result = word_import.convert(io.BytesIO(official_document(date_line=line)))
        assert result.formed_on == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("临政办发〔2026〕12号", "临政办发〔2026〕12号"),
            ("临教发[2026]3号", "临教发〔2026〕3号"),
            ("临人社函（2025）007号", "临人社函〔2025〕7号"),
            ("【2026】12号", ""),
        ],
    )
    def test_doc_numbers_are_normalised_to_the_standard_brackets(
        self, text: str, expected: str
    ) -> None:
        assert word_import.normalise_doc_number(text) == expected

    def test_scripts_and_styles_never_reach_the_body(self) -> None:
        document = docx.Document()
        document.add_paragraph('<script>alert("x")</script><p style="color:red">正文</p>')
        out = io.BytesIO()
        document.save(out)

        body = word_import.convert(out).body

        # Typed markup is text, shown as typed; no real tag carries a script or a style.
        assert "<script" not in body and not re.search(r"<[a-z][^>]*\bstyle=", body)
        assert "&lt;script&gt;" in body


@pytest.mark.django_db
class TestImportPage:
    @pytest.fixture
    def organ(self) -> Organ:
        return make_organ("临江市人民政府办公室", publication_review=True)

    def test_publisher_uploads_a_word_file_and_gets_a_draft_with_the_picture_attached(
        self, organ: Organ
    ) -> None:
        client = Client()
        client.force_login(make_staff(organ, ["publisher"]))
        upload = SimpleUploadedFile("要点.docx", official_document())

        response = client.post("/staff/items/word/", {"organ": organ.pk, "file": upload})

        item = Item.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/staff/items/{item.pk}/edit/"
        assert item.status == "draft" and item.title == "".join(TITLE_LINES)
        assert item.doc_number == "临政办发〔2026〕12号"
        assert item.formed_on == dt.date(2026, 3, 2)
        picture = item.attachments.get()
        assert picture.name == "图1.png" and picture.content_type == "image/png"
        assert f'<img alt="图1" src="/items/{item.pk}/attachments/{picture.pk}/">' in item.body
        page = client.get(response["Location"]).content.decode()
        assert "已从 Word 导入" in page
        # The editor is served locally and the textarea stays for browsers without scripts.
        assert re.search(r'<script src="/static/vendor/pell/pell\.min\.js" nonce="[^"]+">', page)
        assert 'data-rich-text="true"' in page and "<textarea" in page

    def test_a_file_that_is_not_word_is_refused_next_to_the_field(self, organ: Organ) -> None:
        client = Client()
        client.force_login(make_staff(organ, ["publisher"]))
        fake = SimpleUploadedFile("要点.docx", b"%PDF-1.4\n%%EOF\n")

        response = client.post("/staff/items/word/", {"organ": organ.pk, "file": fake})

        assert response.status_code == 200
        assert "不是允许的格式（Word）" in response.content.decode()
        assert not Item.objects.exists()

    def test_an_old_doc_or_wps_file_is_refused_with_how_to_convert_it(self, organ: Organ) -> None:
        # Word 97–2003 (.doc) and WPS (.wps) files are OLE compound files: the publisher
        # is told to save them as .docx, not that "Word" is not an allowed format.
        client = Client()
        client.force_login(make_staff(organ, ["publisher"]))
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
        upload = SimpleUploadedFile("关于开展安全检查的通知.doc", ole)

        response = client.post("/staff/items/word/", {"organ": organ.pk, "file": upload})

        assert response.status_code == 200
        page = response.content.decode()
        assert "旧版 Word（.doc）或 WPS 文件" in page and "另存为" in page
        assert "不是允许的格式" not in page
        assert not Item.objects.exists()

    def test_a_damaged_word_package_is_a_clear_error_not_a_500(self, organ: Organ) -> None:
        client = Client()
        client.force_login(make_staff(organ, ["publisher"]))
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr("word/document.xml", "<not-xml")
        upload = SimpleUploadedFile("坏文件.docx", archive.getvalue())

        response = client.post("/staff/items/word/", {"organ": organ.pk, "file": upload})

        assert response.status_code == 200
        # The upload check opens the package before mammoth sees it (catalog.uploads).
        assert "无法作为Word文件打开" in response.content.decode()
        assert not Item.objects.exists()
