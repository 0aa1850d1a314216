"""One guard for every spreadsheet the portal writes (XLSX and CSV): formula injection.

A cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some programs skip before reading the rest as a formula) is run as a formula by Excel, WPS and
LibreOffice when the file is opened: an organ name such as ``=HYPERLINK(…)`` becomes a live
link, ``=cmd|…`` used to start programs. Text from users must arrive as text.

- XLSX: the cell is stored as a string with Excel's "quote prefix" style, so it shows exactly
  as typed and stays text even when edited;
- CSV: has no types, so the text gets a leading apostrophe (OWASP's advice).
Numbers (``int``, ``Decimal``…) are left alone: a negative figure is not a formula.
"""

from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_value(value: Any) -> Any:
    """``value`` safe for a CSV cell."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Any) -> list[Any]:
    return [csv_value(value) for value in values]


def xlsx_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write ``value`` at (row, column) of an openpyxl sheet; text is always text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"  # openpyxl would store a leading "=" as a formula
        cell.quotePrefix = True
    return cell
