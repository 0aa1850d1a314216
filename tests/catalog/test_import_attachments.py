"""Attachments imported with a catalog (issue 11): a ZIP uploaded on the staff import page is
checked exactly as ``manage.py import_items --attachments`` checks it (one code path,
catalog.importing.AttachmentSource): per row found, missing or refused by the upload rules,
nothing half-applied, unsafe archives refused as a whole, GBK names decoded."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from catalog import importing
from catalog.import_models import ItemImport
from catalog.models import Attachment, Item, Organ, StaffRole
from tests import files
from tests.catalog.test_importing import HEADER, row, xlsx
from tests.factories import make_organ, make_staff

pytestmark = pytest.mark.django_db

PDF = files.pdf()


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def organ() -> Organ:
    return make_organ("某市教育局", index_prefix="000014349")


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def gbk_zip(name: str, data: bytes) -> bytes:
    """A ZIP as Chinese Windows' built-in archiver writes it: the name in GBK bytes and the
    UTF-8 flag unset (zipfile itself always writes UTF-8 names, so the bytes are swapped in
    afterwards; the CRC covers the content, not the name)."""
    raw = name.encode("gbk")
    placeholder = "x" * len(raw)
    archive = make_zip({placeholder: data})
    assert archive.count(placeholder.encode()) == 2  # local header and central directory
    return archive.replace(placeholder.encode(), raw)


def catalog_rows() -> bytes:
    return xlsx(
        [
            row("有附件的通知", 附件="方案.pdf；图表.png"),
            row("附件是伪装的程序", 附件="说明.pdf", 成文日期="2019-03-02"),
            row("附件缺失的通知", 附件="不存在.pdf", 成文日期="2019-03-03"),
            row("附件格式不允许", 附件="记录.txt", 成文日期="2019-03-04"),
            row("没有附件的通知", 成文日期="2019-03-05"),
        ]
    )


def attachments_zip() -> bytes:
    return make_zip(
        {
            "附件/方案.pdf": PDF,
            "附件/图片/图表.png": files.png(),
            "说明.pdf": files.EXE,  # an executable named .pdf
            "记录.txt": "纯文本".encode(),
        }
    )


def upload(client: Any, organ: Organ, archive: bytes | None, **extra: Any) -> Any:
    data: dict[str, Any] = {
        "organ": organ.pk,
        "file": SimpleUploadedFile("catalog.xlsx", extra.pop("sheet", None) or catalog_rows()),
    }
    if archive is not None:
        data["attachments"] = SimpleUploadedFile("附件.zip", archive, "application/zip")
    return client.post("/staff/items/import/", data)


def post(client: Any, batch: ItemImport, **extra: str) -> Any:
    """The review form as the page sends it: the (guessed) mapping of every column."""
    mapping, _unmapped = importing.guess_mapping(HEADER)
    fields = {f"map-{index}": mapping.get(name, "") for index, name in enumerate(HEADER)}
    return client.post(f"/staff/items/import/{batch.pk}/", {**fields, **extra})


def test_preview_lists_each_rows_attachments_and_confirm_imports_the_valid_rows(
    organ: Organ, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    response = upload(client, organ, attachments_zip())
    batch = ItemImport.objects.get()
    assert response.status_code == 302
    stored = batch.attachments_zip.name
    assert stored and default_storage.exists(stored)

    page = client.get(f"/staff/items/import/{batch.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "方案.pdf：已找到" in html and "图表.png：已找到" in html
    assert "不存在.pdf：<strong>缺失</strong>" in html
    assert "找不到附件“不存在.pdf”。" in html
    # Refused by the upload rules, with their Chinese reason.
    assert "说明.pdf：<strong>不予导入</strong>" in html
    assert "文件“说明.pdf”的内容不是允许的格式" in html
    assert "记录.txt：<strong>不予导入</strong>" in html
    assert "附件：找到2个，缺失1个，不予导入2个。" in html
    assert "有错误3" in html

    # Errors and no "valid rows only": nothing at all is imported.
    refused = post(client, batch, action="import")
    assert "有3行存在错误，未导入任何信息" in refused.content.decode()
    assert not Item.objects.exists() and not Attachment.objects.exists()
    assert default_storage.exists(stored)  # still there for another try

    with django_capture_on_commit_callbacks(execute=True):
        done = post(client, batch, action="import", valid_only="on")
    assert done.status_code == 302
    # The result is told once (the staff layout shows the page's messages).
    assert client.get(done.url).content.decode().count("导入完成：新增2条") == 1
    assert sorted(Item.objects.values_list("title", flat=True)) == [
        "有附件的通知",
        "没有附件的通知",
    ]
    item = Item.objects.get(title="有附件的通知")
    assert [a.name for a in item.attachments.order_by("position")] == ["方案.pdf", "图表.png"]
    # Applied: the uploaded ZIP is gone from media storage.
    batch.refresh_from_db()
    assert not batch.attachments_zip and not default_storage.exists(stored)

    # The citizen finds the attachment on the item's public page.
    public = client.__class__().get(f"/items/{item.pk}/").content.decode()
    assert "方案.pdf" in public
    attachment = item.attachments.get(name="方案.pdf")
    download = client.__class__().get(f"/items/{item.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200


def test_a_missing_attachment_is_a_row_error_like_any_other(organ: Organ, client: Any) -> None:
    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    sheet = xlsx(
        [row("甲通知", 附件="方案.pdf"), row("乙通知", 附件="缺.pdf", 成文日期="2019-03-02")]
    )
    upload(client, organ, make_zip({"方案.pdf": PDF}), sheet=sheet)
    batch = ItemImport.objects.get()
    post(client, batch, action="import")
    assert not Item.objects.exists()
    post(client, batch, action="import", valid_only="on")
    assert list(Item.objects.values_list("title", flat=True)) == ["甲通知"]
    assert Attachment.objects.get().name == "方案.pdf"


def test_gbk_names_from_chinese_windows_are_decoded(organ: Organ, client: Any) -> None:
    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    archive = gbk_zip("方案.pdf", PDF)
    assert zipfile.ZipFile(io.BytesIO(archive)).namelist() != ["方案.pdf"]  # as zipfile reads it
    upload(client, organ, archive, sheet=xlsx([row("甲通知", 附件="方案.pdf")]))
    batch = ItemImport.objects.get()
    assert "方案.pdf：已找到" in client.get(f"/staff/items/import/{batch.pk}/").content.decode()
    post(client, batch, action="import")
    assert Item.objects.get().attachments.get().name == "方案.pdf"


@pytest.mark.parametrize(
    ("members", "limits", "message"),
    [
        (
            {"炸弹.pdf": b"\0" * (2 * 1024 * 1024)},
            {"MAX_ZIP_UNCOMPRESSED": 1024 * 1024},
            "附件压缩包解压后超过1 MB，可能是恶意构造的压缩包",
        ),
        (
            {"../../etc/方案.pdf": PDF},
            {},
            "附件压缩包中的“../../etc/方案.pdf”含有绝对路径或“..”",
        ),
        ({"/etc/方案.pdf": PDF}, {}, "含有绝对路径"),
        (
            {f"{n}.pdf": PDF for n in range(6)},
            {"MAX_ZIP_ENTRIES": 5},
            "附件压缩包中的文件超过5个",
        ),
    ],
)
def test_unsafe_archives_are_refused_as_a_whole_with_a_clear_message(
    organ: Organ,
    client: Any,
    monkeypatch: Any,
    members: dict[str, bytes],
    limits: dict[str, int],
    message: str,
) -> None:
    for name, value in limits.items():
        monkeypatch.setattr(importing, name, value)
    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    response = upload(client, organ, make_zip(members))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="id_attachments_error"' in html
    assert not ItemImport.objects.exists()


def test_something_that_is_not_a_zip_is_refused(organ: Organ, client: Any) -> None:
    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    response = upload(client, organ, PDF)
    assert response.status_code == 400
    assert "不是有效的ZIP压缩包" in response.content.decode()


def test_a_request_over_request_max_bytes_is_refused_before_it_is_read(
    organ: Organ, client: Any, settings: Any
) -> None:
    settings.REQUEST_MAX_BYTES = 256 * 1024
    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    big = make_zip({"大.bin": os.urandom(400 * 1024)})  # random bytes do not deflate
    response = upload(client, organ, big)
    assert response.status_code == 413
    assert "请求内容超过" in response.content.decode()
    assert not ItemImport.objects.exists()


def test_stale_previews_lose_their_zip(
    organ: Organ, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    upload(client, organ, attachments_zip())
    batch = ItemImport.objects.get()
    stored = batch.attachments_zip.name
    assert importing.discard_stale_attachments() == 0
    later = dt.datetime(2026, 6, 9, 10, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert importing.discard_stale_attachments(later) == 1
    batch.refresh_from_db()
    assert not batch.attachments_zip and not default_storage.exists(stored)


def test_the_command_applies_the_same_checks(organ: Organ, tmp_path: Path) -> None:
    sheet = tmp_path / "catalog.xlsx"
    sheet.write_bytes(xlsx([row("甲通知", 附件="说明.pdf")]))
    archive = tmp_path / "files.zip"
    archive.write_bytes(make_zip({"说明.pdf": files.EXE}))
    out = io.StringIO()
    with pytest.raises(CommandError, match="有1行存在错误"):
        call_command(
            "import_items", str(sheet), organ=organ.code, attachments=str(archive), stdout=out
        )
    assert "附件“说明.pdf”不予导入：文件“说明.pdf”的内容不是允许的格式" in out.getvalue()
    archive.write_bytes(make_zip({"../说明.pdf": PDF}))
    with pytest.raises(CommandError, match="含有绝对路径"):
        call_command("import_items", str(sheet), organ=organ.code, attachments=str(archive))
    assert not Item.objects.exists()


def test_a_damaged_member_is_refused_not_a_crash(organ: Organ) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("方案.pdf", PDF)
    data = bytearray(buffer.getvalue())
    middle = bytes(data).find(PDF) + len(PDF) // 2
    data[middle] ^= 0xFF  # the CRC no longer matches
    source = importing.AttachmentSource.from_file(io.BytesIO(bytes(data)))
    check = source.check("方案.pdf")
    assert (check.status, check.reason) == (
        "refused",
        "无法从压缩包中读取“方案.pdf”，压缩包可能已损坏。",
    )
