"""Uploads (issue 8): validated by parsing, stored under random names, served under the
sanitised stem plus the extension of the detected type; mismatches are renamed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog import uploads
from catalog.models import Attachment
from catalog.uploads import APPLICATION_KINDS, ITEM_KINDS, KINDS, check_upload, served_name
from requests_app.models import Application, ApplicationAttachment
from tests import files
from tests.factories import make_item, make_organ, make_staff
from tests.requests_app.factories import application_data

MB = 1024 * 1024


def check(name: str, content: bytes, allowed: frozenset[str] = APPLICATION_KINDS) -> Any:
    return check_upload(
        io.BytesIO(content), name=name, size=len(content), allowed=allowed, max_bytes=10 * MB
    )


@pytest.mark.parametrize(
    ("uploaded", "kind", "served"),
    [
        ("身份证.hta", "pdf", "身份证.pdf"),
        ("scan.pdf.bat", "pdf", "scan.pdf"),
        ("scan.PDF.exe", "pdf", "scan.pdf"),
        ("照片.png", "jpeg", "照片.jpg"),
        ("照片.JPEG", "jpeg", "照片.jpg"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\户口本.jpg", "png", "户口本.png"),
        ("report\u202efdp.exe", "pdf", "reportfdp.pdf"),  # right-to-left override dropped
        ('a<b>:"c|?*.pdf', "pdf", "abc.pdf"),
        ("  .hidden.pdf  ", "pdf", "hidden.pdf"),
        (".pdf", "pdf", "附件.pdf"),
        ("", "ofd", "附件.ofd"),
        ("x" * 300 + ".pdf", "pdf", "x" * 100 + ".pdf"),
    ],
)
def test_served_name_is_the_sanitised_stem_with_the_detected_extension(uploaded, kind, served):
    assert served_name(uploaded, KINDS[kind]) == served


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("身份证.hta", files.pdf(), "pdf"),
        ("scan.pdf.bat", files.pdf(3), "pdf"),
        ("照片.png", files.jpeg(), "jpeg"),
        ("照片.jpg", files.png(), "png"),
        ("电子证照.ofd", files.ofd(), "ofd"),
    ],
)
def test_a_valid_file_is_accepted_and_named_by_its_content(name, content, code):
    checked = check(name, content)
    assert checked.kind.code == code
    assert checked.name.endswith(KINDS[code].extension)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _pdf_without_pages() -> bytes:
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


FIRST_BYTES_ONLY = {
    # Each begins with the right signature; only parsing finds them out.
    "pdf_header_only": ("scan.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"),
    "pdf_without_pages": ("scan.pdf", _pdf_without_pages()),
    "pdf_truncated": ("scan.pdf", files.pdf()[:60]),
    "png_truncated": ("photo.png", files.png()[:40]),
    "png_signature_then_junk": ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    "jpeg_signature_then_junk": ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
    "ofd_corrupt_member": ("a.ofd", files.ofd()[:-30]),
}


@pytest.mark.parametrize("case", sorted(FIRST_BYTES_ONLY))
def test_a_file_that_only_begins_like_a_document_is_refused(case):
    name, content = FIRST_BYTES_ONLY[case]
    with pytest.raises(ValidationError) as exc:
        check(name, content)
    assert name in exc.value.messages[0]


def test_a_zip_without_ofd_xml_is_no_ofd_and_not_allowed_for_applications():
    with pytest.raises(ValidationError) as exc:
        check("证照.ofd", _zip({"Doc_0/Document.xml": b"<Document/>"}))
    assert exc.value.code == "bad_type"


def test_office_files_for_items_must_be_complete_ooxml_archives():
    assert check("表.xlsx", files.xlsx(), ITEM_KINDS).kind.code == "xlsx"
    assert check("文.docx", files.docx(), ITEM_KINDS).kind.code == "docx"
    broken = _zip({"word/document.xml": b"<w:document/>"})  # no [Content_Types].xml
    with pytest.raises(ValidationError):
        check("文.docx", broken, ITEM_KINDS)


def test_a_zip_bomb_is_refused_before_it_is_inflated(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", 10_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", b"<ofd/>")
        archive.writestr("Doc_0/big.bin", b"\x00" * 50_000)
    with pytest.raises(ValidationError):
        check("bomb.ofd", buffer.getvalue())


def test_an_executable_named_pdf_is_refused():
    with pytest.raises(ValidationError) as exc:
        check("scan.pdf", files.EXE)
    assert exc.value.code == "bad_type"


# --- Through the API and the pages ------------------------------------------------------------


@pytest.mark.django_db
class TestApplicationScans:
    def submit(self, api: Any, organ: Any, *uploads_: SimpleUploadedFile) -> Any:
        import json

        payload = application_data(organ=organ.code)
        payload["applicant"] = json.dumps(payload["applicant"], ensure_ascii=False)
        payload["attachments"] = list(uploads_)
        return api.post("/api/v1/applications/", payload, format="multipart")

    def test_a_hta_that_is_a_pdf_is_stored_randomly_and_served_as_pdf(self, api, settings):
        organ = make_organ()
        response = self.submit(
            api,
            organ,
            SimpleUploadedFile("身份证.hta", files.pdf(), content_type="application/hta"),
            SimpleUploadedFile("scan.pdf.bat", files.pdf(), content_type="application/x-bat"),
        )
        assert response.status_code == 201, response.json()
        stored = list(ApplicationAttachment.objects.order_by("id"))
        assert [a.name for a in stored] == ["身份证.pdf", "scan.pdf"]
        for attachment in stored:
            path = Path(attachment.file.name)
            assert path.suffix == ".pdf" and len(path.stem) == 32
            assert "身份证" not in path.name and "scan" not in path.name
        api.force_authenticate(make_staff(organ, ["handler"]))
        detail = api.get(f"/api/v1/applications/{response.json()['id']}/").json()
        first = detail["attachments"][0]
        assert {k: first[k] for k in ("name", "content_type")} == {
            "name": "身份证.pdf",
            "content_type": "application/pdf",
        }
        assert set(first) == {"id", "name", "content_type", "size", "url"}
        download = api.get(first["url"])
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        assert "filename*=utf-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.pdf" in download["Content-Disposition"]

    def test_only_staff_who_see_the_application_download_its_scans(self, api):
        organ = make_organ()
        response = self.submit(api, organ, SimpleUploadedFile("a.pdf", files.pdf()))
        app = Application.objects.get(pk=response.json()["id"])
        url = f"/api/v1/applications/{app.pk}/attachments/{app.attachments.get().pk}/"
        assert api.get(url).status_code == 401
        api.force_authenticate(make_staff(organ, ["publisher"]))
        assert api.get(url).status_code == 404
        api.force_authenticate(make_staff(make_organ("邻市人民政府"), ["handler"]))
        assert api.get(url).status_code == 404

    def test_a_truncated_scan_is_refused_and_nothing_saved(self, api):
        organ = make_organ()
        response = self.submit(api, organ, SimpleUploadedFile("身份证.png", files.png()[:50]))
        assert response.status_code == 400
        assert "身份证.png" in response.json()["attachments"][0]
        assert not Application.objects.exists()


@pytest.mark.django_db
def test_an_item_attachment_is_stored_randomly_and_served_under_its_content_type(api):
    organ = make_organ()
    item = make_item(organ)
    api.force_authenticate(make_staff(organ, ["publisher"]))
    response = api.post(
        f"/api/v1/items/{item.pk}/attachments/",
        {"file": SimpleUploadedFile("预算表.pdf.exe", files.pdf())},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.name == "预算表.pdf"
    assert "预算表" not in attachment.file.name and len(Path(attachment.file.name).stem) == 32
    download = Client().get(attachment.get_absolute_url())
    assert download["Content-Type"] == "application/pdf"
    assert ".exe" not in download["Content-Disposition"]
