"""The report shelf (issue 11): putting past annual reports on it and finding them again.

- :func:`archive_save` — one report of an organ and year, from an uploaded PDF, DOCX, HTML or
  text file or from pasted text; the text is extracted so that the report can be searched and
  read on the page; saving the same organ and year again replaces it;
- :func:`import_folder` — every report file of a folder at once (``manage.py
  import_report_archive``): the year from the file name, the organ from ``--organ`` or from the
  folder the file is in (named by the organ's 统一社会信用代码);
- :func:`search` — archived reports whose title or text contains the words.

URL: an archived report is read at ``/reports/{code}/{year}/``, the address of the report the
portal builds. When both exist the built report wins (it is the statutory one, with its
figures from the data); the archived one then stays reachable at ``…/{year}/archive/``.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from catalog.models import Organ
from catalog.uploads import delete_after_commit, discard_unless_committed, store_upload
from reports.shelf_models import ArchivedReport, ReportFormat, format_for_year

FIRST_YEAR = 2008
MAX_BYTES = 50 * 1024 * 1024
KINDS: dict[str, tuple[str, str]] = {
    # extension: (content type, label)
    ".pdf": ("application/pdf", "PDF"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word（DOCX）",
    ),
    ".html": ("text/html", "HTML"),
    ".htm": ("text/html", "HTML"),
    ".txt": ("text/plain", "TXT"),
}
_YEAR_IN_NAME = re.compile(r"(20[0-9]{2})")


def default_title(organ: Organ, year: int) -> str:
    return f"{organ.name}{year}年政府信息公开工作年度报告"


# --- Text extraction -----------------------------------------------------------------------------


class _HTMLText(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "section"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": [_("无法识别文件的文字编码，请另存为UTF-8后上传。")]})


def extract_text(data: bytes, extension: str) -> str:
    """The readable text of a report file; a clear ``ValidationError`` when it cannot be read."""
    try:
        if extension == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
        elif extension == ".docx":
            from docx import Document

            document = Document(io.BytesIO(data))
            text = "\n".join(p.text for p in document.paragraphs)
            for table in document.tables:
                for row in table.rows:
                    text += "\n" + "\t".join(cell.text for cell in row.cells)
        elif extension in (".html", ".htm"):
            parser = _HTMLText()
            parser.feed(_decode(data))
            text = html.unescape("".join(parser.parts))
        else:
            text = _decode(data)
    except ValidationError:
        raise
    except Exception as error:  # the parsers raise many kinds for a damaged file
        raise ValidationError(
            {
                "file": [
                    _("无法读取该文件（%(reason)s），请确认文件未损坏。")
                    % {"reason": type(error).__name__}
                ]
            }
        ) from error
    return re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")).strip()


def _check_kind(name: str, data: bytes) -> str:
    extension = Path(name).suffix.lower()
    if extension not in KINDS:
        raise ValidationError(
            {"file": [_("只能上传PDF、Word（.docx）、HTML或文本文件：%(name)s") % {"name": name}]}
        )
    # The content must match the extension (never trust the uploader's name alone).
    if extension == ".pdf" and not data.startswith(b"%PDF"):
        raise ValidationError({"file": [_("文件“%(name)s”不是PDF文件。") % {"name": name}]})
    if extension == ".docx" and not data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            {"file": [_("文件“%(name)s”不是Word（.docx）文件。") % {"name": name}]}
        )
    return extension


# --- Saving ---------------------------------------------------------------------------------------


def archive_save(
    *,
    actor: Any,
    organ: Organ,
    year: int,
    report_format: str = "",
    title: str = "",
    text: str = "",
    file_name: str = "",
    data: bytes | None = None,
    published_on: dt.date | None = None,
    today: dt.date | None = None,
) -> ArchivedReport:
    """Put one report on the shelf, replacing the one of the same organ and year."""
    today = today or dt.date.today()
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= year < today.year:
        errors["year"] = [
            _("年度应在%(first)d年至%(last)d年之间。")
            % {"first": FIRST_YEAR, "last": today.year - 1}
        ]
    if report_format and report_format not in ReportFormat.values:
        errors["format"] = [_("报告格式只能是2008、2019或2021。")]
    extension = ""
    if data is not None:
        if len(data) > MAX_BYTES:
            errors["file"] = [_("文件超过%(limit)d MB。") % {"limit": MAX_BYTES // 1048576}]
        elif not data.strip():
            # A zero-byte export (a failed download from the old site) is not a report.
            errors["file"] = [_("文件是空的，请确认后重新上传。")]
        else:
            try:
                extension = _check_kind(file_name, data)
                extracted = extract_text(data, extension)
            except ValidationError as error:
                errors.update(error.message_dict)
            else:
                text = text or extracted
    text = (text or "").strip()
    if data is None and not text:
        errors["text"] = [_("请上传报告文件或粘贴报告全文。")]
    if errors:
        raise ValidationError(errors)
    try:
        with discard_unless_committed() as written, transaction.atomic():
            report, _created = ArchivedReport.objects.select_for_update().get_or_create(
                organ=organ,
                year=year,
                defaults={"format": format_for_year(year), "title": "", "text": text or " "},
            )
            report.format = report_format or format_for_year(year)
            report.title = (title or default_title(organ, year))[:200]
            report.text = text
            report.published_on = published_on
            report.created_by = actor if getattr(actor, "pk", None) else None
            if data is not None:
                report.extension = extension
                report.content_type = KINDS[extension][0]
                report.file_name = Path(file_name).name[:200]
                replaced = report.file.name if report.file else ""
                store_upload(report.file, f"{year}{extension}", ContentFile(data), written)
                # The file it replaces goes only once the new one is saved and committed.
                if replaced and replaced != report.file.name:
                    delete_after_commit(report.file.storage, replaced)
            report.save()
    except ValidationError as error:  # only the storage can fail here
        raise ValidationError({"file": error.messages}) from error
    return report


@dataclass
class FolderResult:
    saved: list[str]
    errors: list[str]


def import_folder(
    folder: Path, *, organ: Organ | None, actor: Any = None, today: dt.date | None = None
) -> FolderResult:
    """Every report file under ``folder``: ``2015.pdf``, ``某局2016年年报.docx`` … (the year
    from the name); the organ is ``organ``, else the code naming the file's folder. A file
    that cannot be imported is reported and the others are kept (each report stands alone)."""
    result = FolderResult([], [])
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix.lower() not in KINDS:
            continue
        owner = organ or Organ.objects.filter(code=path.parent.name).first()
        years = [int(y) for y in _YEAR_IN_NAME.findall(path.stem)]
        if owner is None:
            result.errors.append(
                _("%(name)s：找不到所属机关（用--organ指定，或以机关统一社会信用代码命名文件夹）。")
                % {"name": path}
            )
            continue
        if not years:
            result.errors.append(_("%(name)s：文件名中没有年度。") % {"name": path})
            continue
        try:
            archive_save(
                actor=actor,
                organ=owner,
                year=years[0],
                file_name=path.name,
                data=path.read_bytes(),
                today=today,
            )
        except ValidationError as error:
            result.errors.append(f"{path}：{'；'.join(error.messages)}")
        else:
            result.saved.append(f"{owner.name} {years[0]}")
    return result


def search(words: str, organ_ids: set[int] | None = None) -> QuerySet[ArchivedReport]:
    """Archived reports containing every word of ``words`` in the title or the text."""
    reports = ArchivedReport.objects.select_related("organ")
    if organ_ids is not None:
        reports = reports.filter(organ_id__in=organ_ids)
    for word in words.split():
        reports = reports.filter(Q(title__icontains=word) | Q(text__icontains=word))
    return reports.order_by("-year", "organ__position", "organ_id")


def excerpt(text: str, words: str, width: int = 60) -> str:
    first = words.split()[0] if words.split() else ""
    at = text.find(first) if first else -1
    if at < 0:
        return text[: width * 2]
    start = max(at - width, 0)
    return ("…" if start else "") + text[start : at + width] + "…"
