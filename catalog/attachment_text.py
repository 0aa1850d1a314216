"""The text of an attachment, for the personal-data scan before review (catalog.pii).

PDF: the text layer (pypdf; a scan without one has no text to check). Word: paragraphs and
table cells (python-docx). Excel: every cell of every sheet (openpyxl, read-only). Other kinds
(images, OFD, old binary Office files, ZIP) yield no text. A file that cannot be read yields
no text rather than an error: the upload itself was already checked by content.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import IO

logger = logging.getLogger(__name__)

MAX_PDF_PAGES = 300
MAX_XLSX_CELLS = 500_000
MAX_TEXT = 5_000_000  # characters: enough for any real document, bounded for a hostile one


def extract_text(stream: IO[bytes], kind: str) -> str:
    """``kind`` is the code of ``catalog.uploads.KINDS`` found by content sniffing."""
    reader = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx}.get(kind)
    if reader is None:
        return ""
    stream.seek(0)
    data = io.BytesIO(stream.read())
    stream.seek(0)
    try:
        parts: list[str] = []
        size = 0
        for part in reader(data):
            parts.append(part)
            size += len(part) + 1
            if size > MAX_TEXT:
                break
        return "\n".join(parts)[:MAX_TEXT]
    except Exception:  # a damaged file has no text to scan; it is not a 500
        logger.warning("未能读取附件文本（%s）", kind, exc_info=True)
        return ""


def _pdf(data: IO[bytes]) -> Iterator[str]:
    from pypdf import PdfReader

    reader = PdfReader(data)
    for page in reader.pages[:MAX_PDF_PAGES]:
        yield page.extract_text() or ""


def _docx(data: IO[bytes]) -> Iterator[str]:
    import docx

    document = docx.Document(data)
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            # One line per row, cells apart, so two cells never read as one number.
            yield "\t".join(cell.text for cell in row.cells)
    for section in document.sections:
        for part in (section.header, section.footer):
            for paragraph in part.paragraphs:
                yield paragraph.text


def _xlsx(data: IO[bytes]) -> Iterator[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(data, read_only=True, data_only=True)
    cells = 0
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > MAX_XLSX_CELLS:
                    return
                values = [_cell_text(value) for value in row if value is not None]
                if values:
                    yield "\t".join(values)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    # An ID number typed into a number cell loses nothing up to 15 digits; longer ones are
    # stored as text by anyone who wants them intact, but an int keeps its digits too.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
