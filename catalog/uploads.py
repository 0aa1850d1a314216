"""Uploaded files are identified by their content, never by their name.

A file renamed ``.pdf`` that is really an executable is refused. Used for catalog
attachments and for applicants' scans (api.md: PDF/JPEG/PNG/OFD only for applications).
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    extension: str
    content_type: str


KINDS = {
    kind.code: kind
    for kind in (
        FileKind("pdf", "PDF", ".pdf", "application/pdf"),
        FileKind("ofd", "OFD", ".ofd", "application/ofd"),
        FileKind("jpeg", "JPEG", ".jpg", "image/jpeg"),
        FileKind("png", "PNG", ".png", "image/png"),
        FileKind("gif", "GIF", ".gif", "image/gif"),
        FileKind(
            "docx",
            "Word",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileKind(
            "xlsx",
            "Excel",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileKind("doc", "Word 97", ".doc", "application/msword"),
        FileKind("xls", "Excel 97", ".xls", "application/vnd.ms-excel"),
        FileKind("zip", "ZIP", ".zip", "application/zip"),
    )
}

APPLICATION_KINDS = frozenset({"pdf", "ofd", "jpeg", "png"})
ITEM_KINDS = frozenset(KINDS)


def sniff(head: bytes, stream: IO[bytes] | None = None, name: str = "") -> FileKind | None:
    """The kind of a file from its first bytes (and, for ZIP containers, its member names)."""
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return KINDS["gif"]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An OLE compound file: Word 97 or Excel 97; the name decides which.
        return KINDS["xls"] if name.lower().endswith(".xls") else KINDS["doc"]
    if head.startswith(b"PK\x03\x04") and stream is not None:
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            stream.seek(0)
        if "OFD.xml" in names:  # GB/T 33190-2016 版式文档
            return KINDS["ofd"]
        if "word/document.xml" in names:
            return KINDS["docx"]
        if "xl/workbook.xml" in names:
            return KINDS["xlsx"]
        return KINDS["zip"]
    return None


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    size: int
    sha256: str


def check_upload(
    upload: IO[bytes], *, name: str, size: int, allowed: frozenset[str], max_bytes: int
) -> CheckedUpload:
    """Refuse oversized files and files whose content is not an allowed kind."""
    if size > max_bytes:
        raise ValidationError(
            _("文件“%(name)s”超过大小上限（%(limit)d MB）。")
            % {"name": name, "limit": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    kind = sniff(head, upload, name)
    if kind is None or kind.code not in allowed:
        labels = "、".join(sorted({KINDS[code].label for code in allowed}))
        raise ValidationError(
            _("文件“%(name)s”的内容不是允许的格式（%(labels)s）。")
            % {"name": name, "labels": labels},
            code="bad_type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(kind=kind, size=size, sha256=digest.hexdigest())


# --- Writing uploads to media storage --------------------------------------------------------

STORAGE_FAILED = "storage_failed"


_enclosing: contextvars.ContextVar[list[FieldFile] | None] = contextvars.ContextVar(
    "discard_unless_committed", default=None
)


@contextmanager
def discard_unless_committed() -> Iterator[list[FieldFile]]:
    """Collect the files written for one database change; delete them if it fails.

    Wrap it *around* ``transaction.atomic()`` so that a failure at commit time counts too:
    a rolled-back application or attachment row never leaves its file behind in storage.
    Blocks nest: files of an inner block that succeeded are handed to the enclosing block, so
    a view that saves an item and its attachments in one transaction loses them all together.
    """
    written: list[FieldFile] = []
    outer = _enclosing.get()
    token = _enclosing.set(written)
    try:
        yield written
    except BaseException:
        for field_file in written:
            try:
                field_file.storage.delete(field_file.name)
            except Exception:
                logger.exception("未能删除未提交的上传文件 %s", field_file.name)
        raise
    else:
        if outer is not None:
            outer.extend(written)
    finally:
        _enclosing.reset(token)


def store_upload(
    field_file: FieldFile, name: str, content: IO[bytes], written: list[FieldFile]
) -> None:
    """Write ``content`` under ``name``; a storage failure is a Chinese ValidationError.

    Storage backends fail in their own ways (``OSError`` for a full or read-only disk, boto's
    errors for object storage): every one of them becomes the same message to the user.
    """
    try:
        field_file.save(name, content, save=False)
    except Exception as exc:
        logger.exception("上传文件写入存储失败")
        raise ValidationError(
            _("附件暂时无法保存，本次提交未被受理，请稍后重新提交。"), code=STORAGE_FAILED
        ) from exc
    written.append(field_file)
