"""Import an old system's catalog (目录) from a spreadsheet: XLSX or CSV (issue 11).

Used by ``manage.py import_items`` and the staff workspace's import page alike:

1. :func:`read_table` reads the file into a header and rows of strings and dates. It accepts
   XLSX (merged cells are filled from their top-left cell; a title row above the header is
   skipped) and CSV in UTF-8 or GBK/GB18030; anything else gets a Chinese message naming what
   is wrong, never an exception the caller did not ask for (:class:`ImportFileError`).
2. :func:`guess_mapping` maps the columns as old systems name them (标题、索引号、文号、
   发布机构、成文日期、发布日期、主题分类、体裁、有效性、正文、附件 …) onto item fields; the
   caller may override it (the mapping step) for the rest.
3. :func:`plan_import` validates every row and says, per row, what will happen and why not
   (in Chinese): create, update (the same row imported before: same 索引号, or same title,
   文号 and 成文日期) or error; it also lists personal data found in the text.
4. :func:`apply_import` writes the plan in one transaction: all rows or none, unless the
   caller chose to import the valid rows only. Imported items are published on their original
   dates, keep a valid old 索引号 (marked legacy, and this portal's own serials for that organ
   and year are moved past it so they never collide), get their search tokens at once, and
   new 索引号 are issued for rows without one.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import services
from catalog.import_models import ImportedItem, ItemImport
from catalog.models import IndexSerial, Item, Organ, Term, Topic
from catalog.sanitize import clean_body
from catalog.uploads import delete_after_commit, discard_unless_committed
from disclosure_portal import versions

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
HEADER_SEARCH_ROWS = 10
BATCH = 500
PREVIEW_ROWS = 10

# Item fields an import can fill, with the column names old systems export (first = label).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("标题", "信息名称", "名称", "文件名称", "题名", "文件标题", "信息标题"),
    "index_no": ("索引号", "信息索引号", "索引编号"),
    "doc_number": ("文号", "发文字号", "发文文号", "文件编号"),
    "publisher": ("发布机构", "发文机关", "发布单位", "公开机构", "发文单位", "公开主体"),
    "formed_on": ("成文日期", "生成日期", "形成日期", "制发日期", "印发日期", "成文时间"),
    "published_on": ("发布日期", "公开日期", "发布时间", "公开时间"),
    "changed_on": ("变更日期", "修改日期"),
    "topic": ("主题分类", "主题", "分类", "所属主题", "主题类别", "信息分类"),
    "genre": ("体裁", "体裁分类", "文种", "所属体裁"),
    "validity": ("有效性", "效力状态", "时效性", "是否有效"),
    "repealed_on": ("废止日期", "失效日期"),
    "doc_type": ("文件类型",),
    "subject_terms": ("主题词", "关键词", "关键字"),
    "summary": ("内容概述", "摘要", "内容摘要"),
    "body": ("正文", "内容", "全文"),
    "attachments": ("附件", "附件名称", "附件文件"),
}
FIELD_LABELS: dict[str, str] = {key: names[0] for key, names in FIELD_ALIASES.items()}
IGNORE = ""

VALIDITY_WORDS: dict[str, str] = {
    "": Item.Validity.IN_FORCE,
    "有效": Item.Validity.IN_FORCE,
    "现行有效": Item.Validity.IN_FORCE,
    "是": Item.Validity.IN_FORCE,
    "已修改": Item.Validity.AMENDED,
    "修改": Item.Validity.AMENDED,
    "已修订": Item.Validity.AMENDED,
    "已废止": Item.Validity.REPEALED,
    "废止": Item.Validity.REPEALED,
    "失效": Item.Validity.REPEALED,
    "已失效": Item.Validity.REPEALED,
    "否": Item.Validity.REPEALED,
}
DOC_TYPE_WORDS: dict[str, str] = {
    "": Item.DocType.OTHER,
    "规章": Item.DocType.RULE,
    "政府规章": Item.DocType.RULE,
    "行政规范性文件": Item.DocType.NORMATIVE,
    "规范性文件": Item.DocType.NORMATIVE,
    "其他": Item.DocType.OTHER,
}
# Excel's day zero for the 1900 date system (serial 1 = 1900-01-01, with Lotus's leap bug).
EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_SERIAL = re.compile(r"^\s*\d{4,5}(\.\d+)?\s*$")
_SPLIT_LIST = re.compile(r"[;；,，、|\n]+")
_SPLIT_TERMS = re.compile(r"[\s;；,，、|]+")


class ImportFileError(Exception):
    """The file cannot be read as a table; the message says why, in Chinese."""


@dataclass
class Table:
    header: list[str]
    rows: list[list[Any]]
    # The spreadsheet row number (1-based, as the user sees it) of each row.
    numbers: list[int]


@dataclass
class RowPlan:
    number: int
    action: str = "create"  # create | update | unchanged | error
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    title: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    existing: int | None = None  # the item a re-import updates
    legacy_index: bool = False
    attachments: list[str] = field(default_factory=list)
    attachment_checks: list[AttachmentCheck] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.number,
            "action": self.action,
            "title": self.title,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": self.findings,
            "attachments": [
                {"name": c.name, "status": c.status, "reason": c.reason}
                for c in self.attachment_checks
            ],
        }


@dataclass
class Plan:
    organ: Organ
    mapping: dict[str, str]
    unmapped: list[str]
    rows: list[RowPlan]

    @property
    def errors(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action == "error"]

    def counts(self) -> dict[str, int]:
        out = {"rows": len(self.rows), "create": 0, "update": 0, "unchanged": 0, "error": 0}
        out["findings"] = 0
        out |= {"found": 0, "missing": 0, "refused": 0}  # attachments
        for row in self.rows:
            out[row.action] += 1
            out["findings"] += len(row.findings)
            for check in row.attachment_checks:
                out[check.status] += 1
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts(),
            "mapping": self.mapping,
            "unmapped": self.unmapped,
            "rows": [row.as_json() for row in self.rows],
        }


# --- Reading the file ---------------------------------------------------------------------------


def read_table(data: bytes, name: str) -> Table:
    """The header and data rows of an XLSX or CSV file (see the module docstring)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("文件超过%(limit)d MB，请拆分后分批导入。") % {"limit": MAX_FILE_BYTES // 1048576}
        )
    if not data.strip():
        raise ImportFileError(_("文件是空的。"))
    suffix = Path(name).suffix.lower()
    if data[:4] == b"PK\x03\x04":
        grid = _xlsx_grid(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_("这是旧版Excel（.xls）文件，请在Excel中另存为.xlsx或CSV后再导入。"))
    elif suffix in (".xlsx", ".xlsm"):
        raise ImportFileError(_("文件不是有效的Excel（.xlsx）文件，可能已损坏。"))
    else:
        grid = _csv_grid(data)
    return _find_header(grid)


def _xlsx_grid(data: bytes) -> list[list[Any]]:
    """The first sheet's cells. Read in openpyxl's streaming mode (several times faster on
    large exports), which does not report merged cells: their ranges are read from the
    sheet's XML, and every cell of a range takes the top-left cell's value."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        grid = [list(row) for row in sheet.iter_rows(values_only=True)]
        merged = _merged_ranges(data, workbook)
        workbook.close()
    except Exception as error:  # openpyxl raises many kinds for a broken archive
        raise ImportFileError(
            _("无法读取该Excel文件（%(reason)s），请确认文件未损坏并另存为.xlsx后重试。")
            % {"reason": type(error).__name__}
        ) from error
    for min_col, min_row, max_col, max_row in merged:
        if min_row - 1 >= len(grid):
            continue
        top = grid[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else None
        for r in range(min_row, min(max_row, len(grid)) + 1):
            cells = grid[r - 1]
            if len(cells) < max_col:
                cells.extend([None] * (max_col - len(cells)))
            for c in range(min_col, max_col + 1):
                cells[c - 1] = value
    return grid


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+):([A-Z]+\d+)"')


def _merged_ranges(data: bytes, workbook: Any) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range of the first sheet."""
    from openpyxl.utils.cell import range_boundaries

    sheet = workbook.worksheets[0]
    path = getattr(sheet, "_worksheet_path", None) or "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            xml = archive.read(path.lstrip("/"))
        except KeyError:
            return []
    out = []
    for first, last in _MERGE_CELL.findall(xml):
        bounds = range_boundaries(f"{first.decode()}:{last.decode()}")
        out.append(tuple(int(b) for b in bounds))  # type: ignore[arg-type]
    return out  # type: ignore[return-value]


def _csv_grid(data: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("无法识别CSV文件的编码，请另存为UTF-8或GBK编码后重试。"))
    if "\x00" in text:
        raise ImportFileError(_("文件不是CSV或Excel（.xlsx）表格。"))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ImportFileError(_("CSV文件格式有误：%(reason)s") % {"reason": error}) from error


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


DATE_FIELDS = frozenset({"formed_on", "published_on", "changed_on", "repealed_on"})


def preview_text(value: Any, field: str | None) -> str:
    """A cell as the import will read it, for the preview: a date column's Excel serial or
    text as the date it means (2019-06-01, not 43617 or 2019-06-01 00:00:00); a cell that
    cannot be read as a date stays as written (the report names the row)."""
    if field in DATE_FIELDS:
        try:
            day = parse_date(value)
        except ValueError:
            return cell_text(value)
        return day.isoformat() if day else ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return cell_text(value)


def _find_header(grid: list[list[Any]]) -> Table:
    """The header is the top row naming the most known columns (a title row above it, as
    old systems export, names none)."""
    known = {alias for aliases in FIELD_ALIASES.values() for alias in aliases}
    best, best_hits = -1, 0
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for v in row if _normal_header(cell_text(v)) in known)
        if hits > best_hits:
            best, best_hits = index, hits
    if best < 0:
        raise ImportFileError(
            _("前%(n)d行中找不到表头：表头应包含“标题”“发布日期”等列名。")
            % {"n": HEADER_SEARCH_ROWS}
        )
    names = [_normal_header(cell_text(v)) for v in grid[best]]
    body = grid[best + 1 :]
    numbers = range(best + 2, best + 2 + len(body))
    kept = [(n, r) for n, r in zip(numbers, body, strict=True) if any(cell_text(v) for v in r)]
    if len(kept) > MAX_ROWS:
        raise ImportFileError(_("文件超过%(limit)d行，请拆分后分批导入。") % {"limit": MAX_ROWS})
    return Table(header=names, rows=[r for _n, r in kept], numbers=[n for n, _r in kept])


def _normal_header(name: str) -> str:
    # “标题*”, “发布日期（必填）”, full-width spaces: the column's name without decoration.
    return re.sub(r"[\s*＊:：]|[（(].*?[)）]", "", name)


def guess_mapping(header: list[str]) -> tuple[dict[str, str], list[str]]:
    """Column name → field for the names old systems use; the other columns (unmapped)."""
    by_alias = {alias: key for key, aliases in FIELD_ALIASES.items() for alias in aliases}
    mapping: dict[str, str] = {}
    unmapped: list[str] = []
    for name in header:
        if not name:
            continue
        key = by_alias.get(name)
        if key is not None and key not in mapping.values():
            mapping[name] = key
        else:
            unmapped.append(name)
    return mapping, unmapped


# --- Values ---------------------------------------------------------------------------------------


def parse_date(value: Any) -> dt.date | None:
    """A date cell as old systems export it: a real date, an Excel serial, or text such as
    2019-03-05, 2019/3/5, 2019.3.5, 2019年3月5日, 20190305 (a time after it is ignored).
    Raises ``ValueError`` for anything else; None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(float(value))
    text = str(value).strip()
    if not text:
        return None
    for pattern in (_DATE_TEXT, _COMPACT_DATE):
        if match := pattern.match(text):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    if _SERIAL.match(text):
        return _from_serial(float(text))
    raise ValueError(text)


def _from_serial(serial: float) -> dt.date:
    # Serials of 1950–2100 only: anything else is a number, not a date.
    if not 18264 <= serial <= 73415:
        raise ValueError(serial)
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


# --- Personal data (条例第十五条) ---------------------------------------------------------------


def personal_data_scanner() -> Callable[[str], list[Any]]:
    """The catalog's personal-data scan (catalog.pii, the one reviewers see), returning each
    finding's kind and masked excerpt: the one hook through which imports look for personal
    data (条例第十五条)."""
    from catalog import pii

    def scan_text(text: str) -> list[dict[str, str]]:
        found = pii.scan(text)
        return [
            {"kind": f.kind, "excerpt": shown}
            for f, shown in zip(found, pii.excerpts(text, found), strict=True)
        ]

    return scan_text


def _finding_json(finding: Any, where: str) -> dict[str, str]:
    get = finding.get if isinstance(finding, dict) else lambda k: getattr(finding, k, "")
    return {"kind": str(get("kind")), "where": where, "excerpt": str(get("excerpt"))}


# --- Planning -------------------------------------------------------------------------------------


@dataclass
class _Vocabulary:
    topics: dict[str, Topic]
    genres: dict[str, Term]

    @classmethod
    def load(cls, organ: Organ) -> _Vocabulary:
        topics: dict[str, Topic] = {}
        for topic in Topic.objects.select_related("parent"):
            topics.setdefault(topic.name, topic)
            topics[str(topic)] = topic
            if topic.parent_id:
                topics[f"{topic.parent.name}/{topic.name}"] = topic
        genres = {
            t.name: t
            for t in Term.objects.filter(kind=Term.Kind.GENRE).filter(
                Q(organ__isnull=True) | Q(organ=organ)
            )
        }
        return cls(topics, genres)


def source_key(index_no: str, title: str, doc_number: str, formed_on: dt.date | None) -> str:
    """How a later import of the same row finds it: the old 索引号, else a digest."""
    if index_no:
        return f"index:{index_no}"[:80]
    raw = f"{title}\x1f{doc_number}\x1f{formed_on.isoformat() if formed_on else ''}"
    return "row:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def plan_import(
    table: Table,
    organ: Organ,
    *,
    mapping: dict[str, str] | None = None,
    attachments: AttachmentSource | None = None,
    today: dt.date | None = None,
) -> Plan:
    """Validate every row; nothing is written."""
    today = today or timezone.localdate()
    guessed, unmapped = guess_mapping(table.header)
    if mapping is not None:
        unknown = {v for v in mapping.values() if v and v not in FIELD_ALIASES}
        if unknown:
            raise ImportFileError(
                _("未知的字段：%(fields)s") % {"fields": "、".join(sorted(unknown))}
            )
        guessed = {k: v for k, v in mapping.items() if v and k in table.header}
        unmapped = [h for h in table.header if h and h not in guessed]
    mapping = guessed
    missing = [FIELD_LABELS[f] for f in ("title",) if f not in mapping.values()]
    if "published_on" not in mapping.values() and "formed_on" not in mapping.values():
        missing.append(FIELD_LABELS["published_on"])
    if missing:
        raise ImportFileError(
            _("找不到必需的列：%(columns)s。请在列对应中指定。") % {"columns": "、".join(missing)}
        )
    columns = {key: table.header.index(name) for name, key in mapping.items()}
    vocabulary = _Vocabulary.load(organ)
    scan = personal_data_scanner()

    plans = [
        _plan_row(number, row, columns, organ, vocabulary, scan, attachments, today)
        for number, row in zip(table.numbers, table.rows, strict=True)
    ]
    _resolve_keys(plans, organ)
    return Plan(organ=organ, mapping=mapping, unmapped=unmapped, rows=plans)


def _plan_row(
    number: int,
    row: list[Any],
    columns: dict[str, int],
    organ: Organ,
    vocabulary: _Vocabulary,
    scan: Callable[[str], list[Any]],
    attachments: AttachmentSource | None,
    today: dt.date,
) -> RowPlan:
    def raw(key: str) -> Any:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    def text(key: str) -> str:
        return cell_text(raw(key))

    plan = RowPlan(number=number)
    errors, warnings = plan.errors, plan.warnings
    title = text("title")
    plan.title = title[:300]
    if not title:
        errors.append(_("“标题”为空。"))
    elif len(title) > 300:
        errors.append(_("“标题”超过300个字。"))

    dates: dict[str, dt.date | None] = {}
    for key in ("formed_on", "published_on", "changed_on", "repealed_on"):
        try:
            dates[key] = parse_date(raw(key))
        except (ValueError, OverflowError):
            dates[key] = None
            errors.append(
                _("“%(column)s”不是有效的日期：%(value)s")
                % {"column": FIELD_LABELS[key], "value": text(key)[:30]}
            )
    published = dates["published_on"] or dates["formed_on"]
    formed = dates["formed_on"] or dates["published_on"]
    if published is None and not any("日期" in e for e in errors):
        errors.append(_("“发布日期”和“成文日期”都为空。"))
    if published and published > today:
        errors.append(_("“发布日期”晚于今天。"))
    if formed and published and formed > published:
        errors.append(_("“成文日期”晚于“发布日期”。"))
    if dates["changed_on"] and formed and dates["changed_on"] < formed:
        errors.append(_("“变更日期”早于“成文日期”。"))

    validity = VALIDITY_WORDS.get(text("validity"))
    if validity is None:
        errors.append(
            _("“有效性”应为有效、已修改或已废止：%(value)s") % {"value": text("validity")}
        )
        validity = Item.Validity.IN_FORCE
    repealed = dates["repealed_on"]
    if validity != Item.Validity.IN_FORCE and repealed is None:
        errors.append(_("“有效性”为已修改或已废止时须填写“废止日期”。"))
    doc_type = DOC_TYPE_WORDS.get(text("doc_type"))
    if doc_type is None:
        errors.append(
            _("“文件类型”应为规章、行政规范性文件或其他：%(value)s") % {"value": text("doc_type")}
        )
        doc_type = Item.DocType.OTHER

    topic = None
    if name := text("topic"):
        topic = vocabulary.topics.get(
            name.replace("／", "/").replace("\\", "/")
        ) or vocabulary.topics.get(name.split("/")[-1].split("\\")[-1])
        if topic is None:
            warnings.append(_("主题分类“%(value)s”不在主题词表中，已留空。") % {"value": name})
    genre = None
    if name := text("genre"):
        genre = vocabulary.genres.get(name)
        if genre is None:
            warnings.append(_("体裁“%(value)s”不在体裁表中，已留空。") % {"value": name})
    publisher = text("publisher")
    if publisher and publisher not in (organ.name, organ.short_name):
        warnings.append(
            _("发布机构“%(value)s”与导入机关“%(organ)s”不同，按导入机关登记。")
            % {"value": publisher, "organ": organ.name}
        )
    doc_number = text("doc_number")
    if len(doc_number) > 100:
        errors.append(_("“文号”超过100个字。"))
    index_no = text("index_no")
    if len(index_no) > 40:
        warnings.append(_("原索引号超过40个字符，将重新编号。"))
        index_no = ""

    body = text("body")
    summary = text("summary")
    for where, value in (("title", title), ("summary", summary), ("body", body)):
        for finding in scan(value) if value else []:
            plan.findings.append(_finding_json(finding, where))

    plan.attachments = [n.strip() for n in _SPLIT_LIST.split(text("attachments")) if n.strip()]
    if plan.attachments:
        if attachments is None:
            warnings.append(_("未提供附件文件夹或压缩包，附件未导入。"))
            plan.attachments = []
        else:
            # Each named file: found, missing or refused; the last two make the row an error
            # (imports never half-apply: an item without its attachment is not imported).
            plan.attachment_checks = [attachments.check(n) for n in plan.attachments]
            for check in plan.attachment_checks:
                if check.status == "missing":
                    errors.append(check.reason)
                elif check.status == "refused":
                    errors.append(
                        _("附件“%(name)s”不予导入：%(reason)s")
                        % {"name": check.name, "reason": check.reason}
                    )

    plan.key = source_key(index_no, title, doc_number, formed)
    plan.values = {
        "title": title[:300],
        "doc_number": doc_number[:100],
        "index_no": index_no,
        "formed_on": formed,
        "published_on": published,
        "changed_on": dates["changed_on"],
        "repealed_on": repealed if validity != Item.Validity.IN_FORCE else None,
        "validity": validity,
        "doc_type": doc_type,
        "topic": topic,
        "genre": genre,
        "summary": summary,
        "subject_terms": [t for t in _SPLIT_TERMS.split(text("subject_terms")) if t][:20],
        "body": body,
    }
    if errors:
        plan.action = "error"
    return plan


def _resolve_keys(plans: list[RowPlan], organ: Organ) -> None:
    """Create or update, and whether each old 索引号 can be kept (one query each)."""
    seen: dict[str, int] = {}
    for plan in plans:
        if plan.action == "error":
            continue
        if plan.key in seen:
            plan.action = "error"
            plan.errors.append(
                _("与第%(row)d行重复（同一索引号或同一标题、文号和成文日期）。")
                % {"row": seen[plan.key]}
            )
        else:
            seen[plan.key] = plan.number
    keys = [p.key for p in plans if p.action != "error"]
    existing = dict(
        ImportedItem.objects.filter(organ=organ, source_key__in=keys).values_list(
            "source_key", "item_id"
        )
    )
    numbers = [p.values["index_no"] for p in plans if p.values.get("index_no")]
    taken = dict(Item.objects.filter(index_no__in=numbers).values_list("index_no", "pk"))
    # A row imported before says "unchanged" when applying it would rewrite nothing.
    before = Item.objects.in_bulk(list(existing.values()))
    for plan in plans:
        if plan.action == "error":
            continue
        plan.existing = existing.get(plan.key)
        item = before.get(plan.existing) if plan.existing else None
        if item is None:
            plan.action = "create"
        else:
            plan.action = "update" if _differs(item, plan) else "unchanged"
        number = plan.values["index_no"]
        if number:
            owner = taken.get(number)
            if owner is not None and owner != plan.existing:
                plan.warnings.append(
                    _("原索引号%(number)s已被其他信息使用，将重新编号。") % {"number": number}
                )
                plan.values["index_no"] = ""
            else:
                plan.legacy_index = True


# --- Applying -------------------------------------------------------------------------------------


# A ZIP of attachments (the command's --attachments, the staff page's upload): beyond these it
# is refused as a whole before any member is read (a ZIP bomb declares what it expands to;
# zipfile never inflates a member past its declared size).
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNCOMPRESSED = 2 * 1024 * 1024 * 1024
# UTF-8 names flag (APPNOTE 4.4.4 bit 11): without it the name is in the archiver's code page,
# which Python reads as cp437 — on Chinese Windows it is GBK.
_ZIP_UTF8_FLAG = 0x800


@dataclass(frozen=True)
class AttachmentCheck:
    """What the import will do with one file named in the 附件 column."""

    name: str
    status: str  # found | missing | refused
    reason: str = ""


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author saw it: names from Chinese Windows (no UTF-8 flag)
    are GBK bytes that zipfile decoded as cp437."""
    if info.flag_bits & _ZIP_UTF8_FLAG:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unsafe_member(name: str) -> bool:
    """An absolute path, a drive, or a ``..`` step: a name meant to escape the folder."""
    normal = name.replace("\\", "/")
    parts = normal.split("/")
    return normal.startswith("/") or re.match(r"^[A-Za-z]:", normal) is not None or ".." in parts


class AttachmentSource:
    """Attachment files named in the 附件 column: a folder or a ZIP archive (a path, or an open
    file such as the staff page's upload kept in media storage).

    One code path for ``manage.py import_items --attachments`` and the staff import page:
    the archive is refused as a whole when it is unsafe (too many entries, too large once
    expanded, names that climb out of the folder); each named file is then found, missing or
    refused by the upload rules (``catalog.uploads.check_upload``), once per name.
    """

    def __init__(self, path: Path | None = None, *, file: IO[bytes] | None = None) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._names: dict[str, str] = {}
        self._sizes: dict[str, int] = {}
        self._checks: dict[str, AttachmentCheck] = {}
        if file is None and path is not None and path.is_dir():
            for entry in path.rglob("*"):
                if entry.is_file():
                    self._names.setdefault(entry.name, str(entry))
                    self._sizes.setdefault(entry.name, entry.stat().st_size)
            return
        label = path.name if path is not None else getattr(file, "name", "") or "ZIP"
        try:
            self._zip = zipfile.ZipFile(file if file is not None else path)  # type: ignore[arg-type]
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise ImportFileError(
                _("附件应为文件夹或ZIP压缩包，“%(name)s”不是有效的ZIP压缩包。")
                % {"name": Path(label).name}
            ) from error
        self._check_archive(infos)
        for info in infos:
            if not info.is_dir():
                base = Path(zip_member_name(info).replace("\\", "/")).name
                self._names.setdefault(base, info.filename)
                self._sizes.setdefault(base, info.file_size)

    @classmethod
    def from_file(cls, file: IO[bytes]) -> AttachmentSource:
        return cls(file=file)

    def _check_archive(self, infos: list[zipfile.ZipInfo]) -> None:
        if len(infos) > MAX_ZIP_ENTRIES:
            raise ImportFileError(
                _("附件压缩包中的文件超过%(limit)d个，请拆分后分批导入。")
                % {"limit": MAX_ZIP_ENTRIES}
            )
        if sum(info.file_size for info in infos) > MAX_ZIP_UNCOMPRESSED:
            raise ImportFileError(
                _("附件压缩包解压后超过%(limit)d MB，可能是恶意构造的压缩包，未予处理。")
                % {"limit": MAX_ZIP_UNCOMPRESSED // 1048576}
            )
        for info in infos:
            name = zip_member_name(info)
            if _unsafe_member(name):
                raise ImportFileError(
                    _(
                        "附件压缩包中的“%(name)s”含有绝对路径或“..”，可能是恶意构造的压缩包，未予处理。"
                    )
                    % {"name": name[:100]}
                )

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def has(self, name: str) -> bool:
        return _base(name) in self._names

    def read(self, name: str) -> bytes:
        stored = self._names[_base(name)]
        if self._zip is not None:
            return self._zip.read(stored)
        return Path(stored).read_bytes()

    def check(self, name: str) -> AttachmentCheck:
        """Found, missing, or refused with the upload rules' reason (in Chinese); once per
        file however many rows name it."""
        base = _base(name)
        if base not in self._checks:
            self._checks[base] = self._verdict(name, base)
        return self._checks[base]

    def _verdict(self, name: str, base: str) -> AttachmentCheck:
        from django.conf import settings

        from catalog.uploads import ITEM_KINDS, check_upload

        limit = settings.ITEM_ATTACHMENT_MAX_BYTES
        if base not in self._names:
            return AttachmentCheck(base, "missing", _("找不到附件“%(name)s”。") % {"name": base})
        if self._sizes[base] > limit:
            # Refused by its declared size, before a byte of it is inflated.
            return AttachmentCheck(
                base,
                "refused",
                _("文件“%(name)s”超过大小上限（%(limit)d MB）。")
                % {"name": base, "limit": limit // 1048576},
            )
        try:
            data = self.read(name)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
            # A damaged member, or one that expands past its declared size (bad CRC).
            return AttachmentCheck(
                base,
                "refused",
                _("无法从压缩包中读取“%(name)s”，压缩包可能已损坏。") % {"name": base},
            )
        try:
            check_upload(
                io.BytesIO(data), name=base, size=len(data), allowed=ITEM_KINDS, max_bytes=limit
            )
        except ValidationError as error:
            return AttachmentCheck(base, "refused", "；".join(error.messages))
        return AttachmentCheck(base, "found")


def _base(name: str) -> str:
    return Path(name.replace("\\", "/")).name


def apply_import(
    plan: Plan,
    *,
    actor: Any,
    batch: ItemImport,
    valid_only: bool = False,
    attachments: AttachmentSource | None = None,
) -> dict[str, int]:
    """Write the plan: every row or nothing (``valid_only``: the rows without errors).

    Raises ``ValidationError`` when a row has an error and ``valid_only`` is off; the batch is
    then recorded as refused and nothing else is written.
    """
    if plan.errors and not valid_only:
        batch.status = ItemImport.Status.REFUSED
        batch.summary = plan.as_json()
        batch.save()
        raise ValidationError(
            _("有%(n)d行存在错误，未导入任何信息。可更正后重新导入，或选择“仅导入无误的行”。")
            % {"n": len(plan.errors)}
        )
    # Unchanged rows too: their attachments may be new, and the rows are re-checked below.
    rows = [row for row in plan.rows if row.action != "error"]
    organ = plan.organ
    now = timezone.now()
    # The attachments' files are deleted again should anything fail before the commit.
    with discard_unless_committed(), transaction.atomic():
        _reserve_legacy_serials(organ, rows)
        new_numbers = _claim_serials(
            organ, [r for r in rows if not r.values["index_no"] and r.action == "create"]
        )
        updates = Item.objects.in_bulk([r.existing for r in rows if r.existing])
        created: list[tuple[RowPlan, Item]] = []
        changed: list[Item] = []
        for row in rows:
            item = updates.get(row.existing) if row.existing else None
            if item is None:
                item = Item(organ=organ, created_by=_user(actor), created_at=now)
                _fill(item, row, new_numbers.get(row.number), now)
                created.append((row, item))
            elif _differs(item, row):
                # A row imported before and changed since: only what changed is rewritten
                # (re-importing the same file rewrites nothing).
                _fill(item, row, None, now)
                item.save(update_fields=UPDATED_FIELDS)
                changed.append(item)
        for start in range(0, len(created), BATCH):
            Item.objects.bulk_create([item for _row, item in created[start : start + BATCH]])
        if created:
            # bulk_create sends no signal: every worker's directory follows this commit.
            versions.bump(versions.CATALOG)
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    item=item,
                    organ=organ,
                    source_key=row.key,
                    legacy_index=row.legacy_index,
                    batch=batch,
                    updated_at=now,
                )
                for row, item in created
            ],
            batch_size=BATCH,
        )
        ImportedItem.objects.filter(item__in=[item.pk for item in changed]).update(
            batch=batch, updated_at=now
        )
        items_by_row = {row.number: item for row, item in created}
        items_by_row |= {row.number: updates[row.existing] for row in rows if row.existing}
        if attachments is not None:
            for row in rows:
                _attach(row, items_by_row[row.number], attachments, actor)
        batch.status = ItemImport.Status.APPLIED
        batch.summary = {
            **plan.as_json(),
            "applied": {
                "create": len(created),
                "update": len(changed),
                "unchanged": len(rows) - len(created) - len(changed),
            },
        }
        batch.save()
    return {
        "create": len(created),
        "update": len(changed),
        "unchanged": len(rows) - len(created) - len(changed),
        "skipped": len(plan.errors),
    }


UPDATED_FIELDS = [
    "title",
    "doc_number",
    "formed_on",
    "published_on",
    "changed_on",
    "repealed_on",
    "validity",
    "doc_type",
    "topic",
    "genre",
    "summary",
    "subject_terms",
    "body",
    "search_tokens",
    "updated_at",
]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _differs(item: Item, row: RowPlan) -> bool:
    values = row.values
    for name in UPDATED_FIELDS[:-2]:
        expected = values[name]
        if name == "body":
            expected = clean_body(expected) if expected else ""
        current = getattr(item, name)
        if name in ("topic", "genre"):
            current, expected = item.__dict__[f"{name}_id"], getattr(expected, "pk", None)
        if current != expected:
            return True
    return item.status != Item.Status.PUBLISHED


def _fill(item: Item, row: RowPlan, new_number: str | None, now: dt.datetime) -> None:
    values = row.values
    for name in UPDATED_FIELDS[:-2]:
        setattr(item, name, values[name])
    item.body = clean_body(values["body"]) if values["body"] else ""
    item.status = Item.Status.PUBLISHED
    if not item.index_no:
        item.index_no = values["index_no"] or new_number
    item.updated_at = now
    item.search_tokens = services.item_search_tokens(item)


_OWN_INDEX = re.compile(r"^(?P<prefix>[^/]+)/(?P<year>\d{4})-(?P<serial>\d{1,9})$")


def _reserve_legacy_serials(organ: Organ, rows: Iterable[RowPlan]) -> None:
    """Old numbers in this portal's own format (``{prefix}/{YYYY}-{NNNNN}`` of this organ)
    move the organ's serial for that year past them, so a number issued later never equals
    one taken over (目录系统实施指引: serials are unique per organ and year)."""
    highest: dict[int, int] = {}
    prefix = organ.effective_index_prefix
    for row in rows:
        match = _OWN_INDEX.match(row.values["index_no"] or "")
        if match and match["prefix"] == prefix:
            year = int(match["year"])
            highest[year] = max(highest.get(year, 0), int(match["serial"]))
    for year, serial in highest.items():
        counter, _created = IndexSerial.objects.select_for_update().get_or_create(
            organ=organ, year=year
        )
        if counter.last < serial:
            counter.last = serial
            counter.save(update_fields=["last"])


def _claim_serials(organ: Organ, rows: list[RowPlan]) -> dict[int, str]:
    """New 索引号 for rows without one, a block per year claimed with one locked update."""
    by_year: dict[int, list[RowPlan]] = {}
    for row in rows:
        by_year.setdefault(row.values["published_on"].year, []).append(row)
    out: dict[int, str] = {}
    prefix = organ.effective_index_prefix
    for year, year_rows in sorted(by_year.items()):
        counter, _created = IndexSerial.objects.select_for_update().get_or_create(
            organ=organ, year=year
        )
        first = counter.last + 1
        counter.last += len(year_rows)
        counter.save(update_fields=["last"])
        for offset, row in enumerate(year_rows):
            out[row.number] = f"{prefix}/{year}-{first + offset:05d}"
    return out


def _attach(row: RowPlan, item: Item, source: AttachmentSource, actor: Any) -> None:
    known = set(item.attachments.values_list("sha256", flat=True)) if item.pk else set()
    for name in row.attachments:
        data = source.read(name)
        if hashlib.sha256(data).hexdigest() in known:
            continue  # the same file imported before
        upload = SimpleUploadedFile(Path(name).name, data)
        try:
            services.attachment_add(actor=actor, item=item, upload=upload)
        except ValidationError as error:
            raise ValidationError(
                _("第%(row)d行的附件无法导入：%(reason)s")
                % {"row": row.number, "reason": "；".join(error.messages)}
            ) from error


# A preview left unconfirmed this long no longer needs its ZIP of attachments.
STALE_ATTACHMENTS = dt.timedelta(days=7)


def discard_attachments_zip(batch: ItemImport) -> None:
    """Delete the batch's uploaded ZIP of attachments from media storage (after the commit)."""
    if not batch.attachments_zip:
        return
    storage, name = batch.attachments_zip.storage, batch.attachments_zip.name
    ItemImport.objects.filter(pk=batch.pk).update(attachments_zip="")
    batch.attachments_zip = ""  # type: ignore[assignment]
    delete_after_commit(storage, name)


def discard_stale_attachments(now: dt.datetime | None = None) -> int:
    """Delete the ZIPs of attachments of previews never confirmed within STALE_ATTACHMENTS."""
    cutoff = (now or timezone.now()) - STALE_ATTACHMENTS
    stale = list(ItemImport.objects.filter(created_at__lt=cutoff).exclude(attachments_zip=""))
    for batch in stale:
        discard_attachments_zip(batch)
    return len(stale)


def open_batch(*, organ: Organ, actor: Any, name: str, data: bytes) -> ItemImport:
    return ItemImport.objects.create(
        organ=organ,
        file_name=Path(name).name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=_user(actor),
    )


def read_upload(upload: IO[bytes], name: str, size: int) -> bytes:
    """The uploaded file's bytes, refusing one over the limit before reading it."""
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("文件超过%(limit)d MB，请拆分后分批导入。") % {"limit": MAX_FILE_BYTES // 1048576}
        )
    return upload.read()
