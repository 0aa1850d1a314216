"""The report shelf (reports.shelf): past annual reports beside the built ones.

The texts are two of the sample reports of /work/shared/seeds (范文, in the pre-2019 style),
copied to tests/reports/data so that the tests run on a clean clone.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from catalog import organs as catalog_organs
from catalog.models import StaffRole
from reports import shelf
from reports.models import AnnualReport, PublishedReport
from reports.shelf_models import ArchivedReport
from tests.factories import make_organ, make_staff

pytestmark = pytest.mark.django_db

SAMPLES = (Path(__file__).parent / "data" / "sample_reports.txt").read_text(encoding="utf-8")
FIRST, SECOND = (part.strip() for part in SAMPLES.split("====="))


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def organ() -> Any:
    made = make_organ("某市人口和计划生育委员会")
    catalog_organs.invalidate()
    return made


def docx_bytes(paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def test_a_pasted_report_is_listed_read_at_the_report_address_and_found(
    organ: Any, client: Any
) -> None:
    shelf.archive_save(actor=None, organ=organ, year=2012, text=FIRST)
    assert ArchivedReport.objects.get().format == "2008"  # 2008–2018: the 2007 条例's format

    page = client.get(f"/reports/{organ.code}/2012/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "某市人口和计划生育委员会2012年政府信息公开工作年度报告" in html
    assert "加强组织领导" in html and "往年报告（存档）" in html

    column = client.get(f"/reports/?organ={organ.code}").content.decode()
    assert f"/reports/{organ.code}/2012/archive/" in column and "（存档）" in column

    # The site search box searches the catalog; its results lead on to the reports.
    directory = client.get("/items/?q=工作例会").content.decode()
    link = "/reports/?q=%E5%B7%A5%E4%BD%9C%E4%BE%8B%E4%BC%9A"
    assert f'href="{link}"' in directory
    found = client.get(link).content.decode()
    assert "包含“工作例会”的往年报告（1篇）" in found
    assert client.get("/reports/?q=没有这句话").content.decode().count("没有找到") == 1


def test_the_built_report_wins_at_the_shared_address(organ: Any, client: Any) -> None:
    shelf.archive_save(actor=None, organ=organ, year=2025, text=SECOND)
    report = AnnualReport.objects.create(organ=organ, year=2025, status="published")
    PublishedReport.objects.create(
        report=report, version=1, sections={"overview": "本平台生成的报告"}, figures={}
    )
    built = client.get(f"/reports/{organ.code}/2025/")
    assert "往年报告（存档）" not in built.content.decode()
    archived = client.get(f"/reports/{organ.code}/2025/archive/").content.decode()
    assert "往年报告（存档）" in archived and "查看本平台生成的同年度报告" in archived


def test_uploads_are_read_by_content_and_their_text_extracted(organ: Any) -> None:
    docx = shelf.archive_save(
        actor=None,
        organ=organ,
        year=2016,
        file_name="2016年报.docx",
        data=docx_bytes(FIRST.split("\n")),
    )
    assert "完善工作网络" in docx.text and docx.file.name.endswith("2016.docx")
    pdf = shelf.archive_save(
        actor=None, organ=organ, year=2017, file_name="r.pdf", data=pdf_bytes("Annual report 2017")
    )
    assert "Annual report 2017" in pdf.text
    page = "<html><script>alert(1)</script><p>一、概述</p><p>二、主动公开</p></html>"
    html = shelf.archive_save(
        actor=None, organ=organ, year=2019, file_name="2019.html", data=page.encode("gbk")
    )
    assert html.text == "一、概述\n二、主动公开" and html.format == "2019"


def test_replacing_a_report_deletes_the_old_file_only_after_the_commit(
    organ: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = shelf.archive_save(
        actor=None, organ=organ, year=2016, file_name="a.pdf", data=pdf_bytes("First edition")
    )
    storage, old = first.file.storage, first.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = shelf.archive_save(
            actor=None, organ=organ, year=2016, file_name="b.pdf", data=pdf_bytes("Second")
        )
        assert storage.exists(old)  # not yet committed: the old file is still there
    for callback in callbacks:
        callback()
    assert second.pk == first.pk and second.file.name != old
    assert storage.exists(second.file.name) and not storage.exists(old)


def test_a_storage_failure_keeps_the_shelved_report_and_its_file(
    organ: Any, monkeypatch: Any
) -> None:
    first = shelf.archive_save(
        actor=None, organ=organ, year=2016, file_name="a.pdf", data=pdf_bytes("First edition")
    )
    storage, old = first.file.storage, first.file.name

    def full_disk(name: str, content: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "_save", full_disk)
    with pytest.raises(ValidationError) as refused:
        shelf.archive_save(
            actor=None, organ=organ, year=2016, file_name="b.pdf", data=pdf_bytes("Second")
        )
    assert "暂时无法保存" in refused.value.message_dict["file"][0]
    report = ArchivedReport.objects.get()
    assert report.file.name == old and storage.exists(old)
    assert "First edition" in report.text


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"year": 2007, "text": "x"}, "year", "年度应在2008年至2025年之间。"),
        ({"year": 2026, "text": "x"}, "year", "年度应在2008年至2025年之间。"),
        ({"year": 2015}, "text", "请上传报告文件或粘贴报告全文。"),
        ({"year": 2015, "file_name": "a.pdf", "data": b"<html>"}, "file", "不是PDF文件"),
        ({"year": 2015, "file_name": "a.exe", "data": b"MZ"}, "file", "只能上传PDF"),
        ({"year": 2015, "file_name": "a.docx", "data": b"PK\x03\x04x"}, "file", "无法读取该文件"),
        ({"year": 2015, "file_name": "2015.txt", "data": b""}, "file", "文件是空的"),
        ({"year": 2015, "file_name": "2015.pdf", "data": b" \n"}, "file", "文件是空的"),
    ],
)
def test_bad_input_names_the_field_in_chinese(
    organ: Any, kwargs: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        shelf.archive_save(actor=None, organ=organ, **kwargs)
    assert message in " ".join(raised.value.message_dict[field])
    assert not ArchivedReport.objects.exists()


def test_a_folder_is_imported_in_one_go(organ: Any, tmp_path: Path) -> None:
    other = make_organ("某市教育局")
    (tmp_path / organ.code).mkdir()
    (tmp_path / organ.code / "2013.txt").write_text(FIRST, encoding="gbk", errors="ignore")
    (tmp_path / organ.code / "某委2014年政府信息公开工作年度报告.docx").write_bytes(
        docx_bytes([SECOND])
    )
    (tmp_path / other.code).mkdir()
    (tmp_path / other.code / "2015.html").write_text(f"<p>{SECOND}</p>", encoding="utf-8")
    (tmp_path / other.code / "说明.txt").write_text("没有年度", encoding="utf-8")
    (tmp_path / "unknown").mkdir()
    (tmp_path / "unknown" / "2016.txt").write_text("x", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_report_archive", str(tmp_path), stdout=out, stderr=err)
    assert "已导入3份报告，2个文件未导入" in out.getvalue()
    assert "文件名中没有年度" in err.getvalue() and "找不到所属机关" in err.getvalue()
    assert sorted(ArchivedReport.objects.values_list("organ__name", "year")) == [
        ("某市人口和计划生育委员会", 2013),
        ("某市人口和计划生育委员会", 2014),
        ("某市教育局", 2015),
    ]
    # Again: replaced, not duplicated.
    call_command("import_report_archive", str(tmp_path), stdout=out, stderr=err)
    assert ArchivedReport.objects.count() == 3


def test_staff_upload_and_original_file_download(organ: Any, client: Any) -> None:
    client.force_login(make_staff(organ, [StaffRole.REPORTER]))
    data = docx_bytes(["一、总体情况", "二、主动公开政府信息情况"])
    response = client.post(
        "/staff/reports/archive/",
        {"organ": organ.pk, "year": 2018, "file": SimpleUploadedFile("报告.docx", data)},
    )
    assert response.status_code == 302
    download = client.get(f"/reports/{organ.code}/2018/archive/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == data
    refused = client.post("/staff/reports/archive/", {"organ": organ.pk, "year": 2018})
    assert refused.status_code == 400
    assert "请上传报告文件或粘贴报告全文。" in refused.content.decode()
