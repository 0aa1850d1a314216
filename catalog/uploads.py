"""Uploaded files are identified and validated by their content, never by their name.

- **Validation by parsing** (issue 8): a PDF must open with pypdf and have at least one page;
  an image must decode completely with Pillow; an OFD must be a ZIP archive with ``OFD.xml``
  (GB/T 33190-2016); Word and Excel files must be Office Open XML archives with their main part.
  The first bytes only choose which parser to try. A file renamed ``.pdf`` that is really an
  executable, a truncated scan or a ZIP bomb is refused with a message naming the file.
- **Names**: files are stored under random names (``random_name``); the name served to staff
  and citizens is the sanitised stem of the uploaded name plus the extension of the type found
  in the content (``served_name``): ``身份证.hta`` beginning with ``%PDF`` is served as
  ``身份证.pdf``, ``scan.pdf.bat`` as ``scan.pdf``.
- **Name and content disagree**: the file is *renamed*, not refused — the content decides.
  Refusing would turn away a citizen whose phone saved a JPEG as ``.png``; renaming means the
  uploader's extension never reaches anyone who opens the file. Content of a kind not allowed
  where it is uploaded is refused whatever the name says.

Used for catalog attachments and for applicants' scans (api.md: PDF/JPEG/PNG/OFD only for
applications).
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.crypto import get_random_string
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


# --- Parsing -------------------------------------------------------------------------------

# A ZIP member list or a decompressed total beyond these is not a document but a bomb.
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_UNCOMPRESSED = 512 * 1024 * 1024


class ParseError(Exception):
    """The content does not open as the kind its first bytes announce."""


def _check_zip(stream: IO[bytes], required: tuple[str, ...]) -> None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                raise ParseError("too many members")
            if sum(info.file_size for info in infos) > MAX_ZIP_UNCOMPRESSED:
                raise ParseError("uncompressed size too large")
            names = {info.filename for info in infos}
            missing = [name for name in required if name not in names]
            if missing:
                raise ParseError(f"missing {missing}")
            # Reads and checks the CRC of every member: a truncated archive fails here.
            if archive.testzip() is not None:
                raise ParseError("corrupt member")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ParseError(str(exc)) from exc


def _check_pdf(stream: IO[bytes]) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    stream.seek(0)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            # Opened without a password (owner-password-only files are common for scans);
            # a file that needs a user password cannot be read by the staff either.
            reader.decrypt("")
        pages = len(reader.pages)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ParseError(str(exc)) from exc
    except RecursionError as exc:  # a crafted object graph
        raise ParseError("recursion") from exc
    if pages < 1:
        raise ParseError("no pages")


def _check_image(stream: IO[bytes], expected: str) -> None:
    from PIL import Image

    stream.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow's decompression-bomb guard (about 89 million pixels; a 600 dpi A3 scan
            # has about 70 million) refuses instead of warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                if (image.format or "").lower() != expected:
                    raise ParseError(f"format {image.format}")
                image.load()  # decodes every pixel: a truncated scan fails here
    except ParseError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
        raise ParseError(str(exc)) from exc


def _parse(kind: FileKind, stream: IO[bytes]) -> None:
    """Open the file as ``kind``; ``ParseError`` when it does not open."""
    if kind.code == "pdf":
        _check_pdf(stream)
    elif kind.code in ("jpeg", "png", "gif"):
        _check_image(stream, kind.code)
    elif kind.code == "ofd":
        _check_zip(stream, ("OFD.xml",))
    elif kind.code == "docx":
        _check_zip(stream, ("[Content_Types].xml", "word/document.xml"))
    elif kind.code == "xlsx":
        _check_zip(stream, ("[Content_Types].xml", "xl/workbook.xml"))
    elif kind.code == "zip":
        _check_zip(stream, ())
    # doc / xls (OLE compound files): no parser in the stack; the signature decides.
    stream.seek(0)


# --- Names ------------------------------------------------------------------------------------

MAX_STEM = 100
# Characters no file system or browser should see in a download name: path separators,
# Windows-reserved characters, quotes and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f;]')
_EXTENSION_ALIASES = {".jpg": (".jpg", ".jpeg", ".jpe"), ".pdf": (".pdf",), ".png": (".png",)}


def sanitised_stem(name: str) -> str:
    """The uploaded name without folders, unsafe characters and its last extension."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("", base)
    # Bidirectional overrides can make "exe.pdf" look like "fdp.exe": drop format characters.
    base = "".join(c for c in base if unicodedata.category(c) != "Cf")
    base = " ".join(base.split())
    stem, dot, _ext = base.rpartition(".")
    stem = (stem if dot else base).strip(" .")
    return stem[:MAX_STEM].strip(" .")


def served_name(name: str, kind: FileKind) -> str:
    """``<sanitised stem><extension of the detected kind>``: never the uploader's extension."""
    stem = sanitised_stem(name)
    lowered = stem.lower()
    # "scan.pdf.bat" with PDF content: the stem already ends with the right extension.
    for alias in _EXTENSION_ALIASES.get(kind.extension, (kind.extension,)):
        if lowered.endswith(alias):
            stem = stem[: -len(alias)].rstrip(" .")
            break
    return f"{stem or _('附件')}{kind.extension}"


def served_name_for(name: str, content_type: str) -> str:
    """``served_name`` for a stored row that knows its content type (older rows included)."""
    kind = next((k for k in KINDS.values() if k.content_type == content_type), None)
    return served_name(name, kind) if kind is not None else sanitised_stem(name) or _("附件")


def random_name(kind: FileKind) -> str:
    """A stored file name that reveals nothing and cannot be guessed."""
    return get_random_string(32) + kind.extension


# --- The check --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    size: int
    sha256: str
    name: str  # the served name (``served_name``)


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
    labels = "、".join(sorted({KINDS[code].label for code in allowed}))
    if kind is None or kind.code not in allowed:
        raise ValidationError(
            _("文件“%(name)s”的内容不是允许的格式（%(labels)s）。")
            % {"name": name, "labels": labels},
            code="bad_type",
        )
    try:
        _parse(kind, upload)
    except ParseError:
        raise ValidationError(
            _("文件“%(name)s”无法作为%(kind)s文件打开，可能已损坏或并非%(kind)s文件。")
            % {"name": name, "kind": kind.label},
            code="unreadable",
        ) from None
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        kind=kind, size=size, sha256=digest.hexdigest(), name=served_name(name, kind)
    )


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


def delete_after_commit(storage: Any, name: str) -> None:
    """Delete a stored file once the current transaction has committed — never before, so a
    rollback keeps a row and its file together (a replaced file stays until its replacement
    is saved). A failure is logged; ``clean_orphan_media`` sweeps what is left behind."""

    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("未能删除已替换或已移除的文件 %s", name)

    transaction.on_commit(delete)
