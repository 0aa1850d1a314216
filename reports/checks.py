"""Balance checks for the figures of an annual report (regulation.md §2.6, rules F1–F8).

A report whose figures fail an ``error`` check cannot be published (domain.md, "Annual report");
a ``warning`` is shown to the reporter but does not block. The checks verify figures as
published or edited; :func:`reports.format.fill_totals` computes the derived cells in the first
place.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from reports.format import (
    APPEAL_KINDS,
    APPEAL_PART_KEYS,
    APPEAL_RESULTS,
    APPLICANT_COLUMN_KEYS,
    APPLICANT_COLUMN_LABELS,
    APPLICANT_COLUMNS,
    APPLICANT_TYPE_KEYS,
    FEE_DECIMAL_PLACES,
    MONEY_CELLS,
    OUTCOME_CODES,
    OUTCOME_GROUPS_BY_KEY,
    RESULTS_TOTAL,
    TABLE3_ROWS,
    TABLE3_ROWS_BY_KEY,
    TOTAL_COLUMN,
    Figures,
    proactive_cells,
)

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

# Rule codes beyond the numbered rules of regulation.md §2.6.
SHAPE = "shape"  # a cell is missing or not a number of the right kind
NON_NEGATIVE = "non_negative"
FEE_PRECISION = "fee_precision"

# Table 二 rows whose 现行有效件数 is carried from year to year (rule F8).
IN_FORCE_ROWS: tuple[str, ...] = ("rule", "normative")


@dataclass(frozen=True)
class CheckFailure:
    """One failed check: which rule, which cell (a human path), and what is wrong, in Chinese."""

    rule: str
    cell: str
    message: str
    severity: Severity = ERROR


def has_errors(failures: Iterable[CheckFailure]) -> bool:
    """Whether any failure blocks publication."""
    return any(failure.severity == ERROR for failure in failures)


def check_figures(
    figures: Figures,
    *,
    previous_carried_forward: Mapping[str, int] | None = None,
    previous_in_force: Mapping[str, int] | None = None,
) -> list[CheckFailure]:
    """Check a report's figures and return every failure (an empty list when all pass).

    ``previous_carried_forward`` is last year's row 四 (结转下年度继续办理) by applicant column;
    ``previous_in_force`` is last year's 现行有效件数 by table 二 row (``rule``, ``normative``).
    The year-to-year rules F5 and F8 run only for what is given. Cells that are missing or of
    the wrong kind are reported once (rule ``shape``) and left out of the arithmetic.
    """
    failures: list[CheckFailure] = []
    proactive = _proactive_values(figures, failures)
    rows = _application_values(figures, failures)
    appeals = _appeal_values(figures, failures)

    failures += _check_balance(rows)  # F1
    failures += _check_results_total(rows)  # F2
    failures += _check_total_column(rows)  # F3
    if previous_carried_forward is not None:
        failures += _check_carry_over(rows, previous_carried_forward)  # F5
    failures += _check_appeal_totals(appeals)  # F7
    if previous_in_force is not None:
        failures += _check_in_force(proactive, previous_in_force)  # F8
    return failures


# ---------------------------------------------------------------------------
# Reading and validating cells
# ---------------------------------------------------------------------------

_MISSING = object()


def _lookup(figures: Any, *path: str) -> Any:
    node = figures
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _count(value: Any, cell: str, failures: list[CheckFailure]) -> int | None:
    """A count cell: a non-negative ``int`` (``bool`` is not a count)."""
    if value is _MISSING:
        failures.append(CheckFailure(SHAPE, cell, "缺少该项数据"))
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        failures.append(CheckFailure(SHAPE, cell, f"应为整数，当前为{value!r}"))
        return None
    if value < 0:
        failures.append(CheckFailure(NON_NEGATIVE, cell, f"数值不能为负数，当前为{value}"))
    return value


def _amount(value: Any, cell: str, failures: list[CheckFailure]) -> Decimal | None:
    """A money cell in 万元: non-negative, finite, at most four decimal places."""
    if value is _MISSING:
        failures.append(CheckFailure(SHAPE, cell, "缺少该项数据"))
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        failures.append(CheckFailure(SHAPE, cell, f"应为金额数字，当前为{value!r}"))
        return None
    try:
        # repr() keeps a float's shortest decimal form (0.1 → "0.1", not its binary expansion).
        amount = Decimal(repr(value) if isinstance(value, float) else value)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        failures.append(CheckFailure(SHAPE, cell, f"应为金额数字，当前为{value!r}"))
        return None
    if amount < 0:
        failures.append(CheckFailure(NON_NEGATIVE, cell, f"数值不能为负数，当前为{amount}"))
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > FEE_DECIMAL_PLACES:
        failures.append(
            CheckFailure(
                FEE_PRECISION,
                cell,
                f"金额以万元为单位，最多保留{FEE_DECIMAL_PLACES}位小数，当前为{amount}",
            )
        )
    return amount


def _proactive_values(
    figures: Figures, failures: list[CheckFailure]
) -> dict[tuple[str, str], int | Decimal | None]:
    values: dict[tuple[str, str], int | Decimal | None] = {}
    for _block, row, column in proactive_cells():
        cell = f"表二 {row.label} / {column.label}"
        raw = _lookup(figures, "proactive", row.key, column.key)
        if (row.key, column.key) in MONEY_CELLS:
            values[row.key, column.key] = _amount(raw, cell, failures)
        else:
            values[row.key, column.key] = _count(raw, cell, failures)
    return values


def _table3_row_name(key: str) -> str:
    row = TABLE3_ROWS_BY_KEY[key]
    if row.group is None:
        return row.label
    return f"{OUTCOME_GROUPS_BY_KEY[row.group].label}{row.label}"


def _application_values(
    figures: Figures, failures: list[CheckFailure]
) -> dict[str, dict[str, int | None]]:
    columns = _lookup(figures, "applications", "columns")
    if columns is not _MISSING and list(columns) != list(APPLICANT_COLUMN_KEYS):
        failures.append(
            CheckFailure(
                SHAPE,
                "表三 列",
                "申请人列应依次为：" + "、".join(c.label for c in APPLICANT_COLUMNS),
            )
        )
    rows: dict[str, dict[str, int | None]] = {}
    for row in TABLE3_ROWS:
        rows[row.key] = {
            column: _count(
                _lookup(figures, "applications", "rows", row.key, column),
                f"表三 {_table3_row_name(row.key)} / {APPLICANT_COLUMN_LABELS[column]}",
                failures,
            )
            for column in APPLICANT_COLUMN_KEYS
        }
    return rows


def _appeal_values(
    figures: Figures, failures: list[CheckFailure]
) -> dict[str, dict[str, int | None]]:
    return {
        kind.key: {
            result.key: _count(
                _lookup(figures, "appeals", kind.key, result.key),
                f"表四 {_appeal_kind_name(kind.key)} / {result.label}",
                failures,
            )
            for result in APPEAL_RESULTS
        }
        for kind in APPEAL_KINDS
    }


def _appeal_kind_name(key: str) -> str:
    kind = next(k for k in APPEAL_KINDS if k.key == key)
    return kind.label if kind.parent is None else f"{kind.parent} {kind.label}"


def _all_known(*values: int | Decimal | None) -> bool:
    return all(value is not None for value in values)


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------


def _check_balance(rows: dict[str, dict[str, int | None]]) -> list[CheckFailure]:
    """F1, per column — the printed 勾稽 note: 第一项加第二项之和，等于第三项加第四项之和."""
    failures = []
    for column in APPLICANT_COLUMN_KEYS:
        new = rows["new"][column]
        carried_over = rows["carried_over"][column]
        results = rows[RESULTS_TOTAL][column]
        carried_forward = rows["carried_forward"][column]
        if new is None or carried_over is None or results is None or carried_forward is None:
            continue
        if new + carried_over != results + carried_forward:
            label = APPLICANT_COLUMN_LABELS[column]
            failures.append(
                CheckFailure(
                    "F1",
                    f"表三 一+二 ≠ 三(七)+四 / {label}",
                    f"{label}列：本年新收({new})+上年结转({carried_over})={new + carried_over}，"
                    f"但办理结果总计({results})+结转下年度({carried_forward})"
                    f"={results + carried_forward}",
                )
            )
    return failures


def _check_results_total(rows: dict[str, dict[str, int | None]]) -> list[CheckFailure]:
    """F2: （七）总计 is the sum of the 21 leaf rows; the format has no subtotal rows."""
    failures = []
    for column in APPLICANT_COLUMN_KEYS:
        parts = [rows[code][column] for code in OUTCOME_CODES]
        total = rows[RESULTS_TOTAL][column]
        if total is None or not _all_known(*parts):
            continue
        expected = sum(part for part in parts if part is not None)
        if total != expected:
            label = APPLICANT_COLUMN_LABELS[column]
            failures.append(
                CheckFailure(
                    "F2",
                    f"表三 三(七) ≠ 三(一)至三(六)之和 / {label}",
                    f"{label}列：办理结果总计为{total}，但（一）至（六）各项之和为{expected}",
                )
            )
    return failures


def _check_total_column(rows: dict[str, dict[str, int | None]]) -> list[CheckFailure]:
    """F3: the 总计 column is the sum of the six applicant types, row by row."""
    failures = []
    type_labels = "、".join(APPLICANT_COLUMN_LABELS[c] for c in APPLICANT_TYPE_KEYS)
    for row in TABLE3_ROWS:
        parts = [rows[row.key][column] for column in APPLICANT_TYPE_KEYS]
        total = rows[row.key][TOTAL_COLUMN]
        if total is None or not _all_known(*parts):
            continue
        expected = sum(part for part in parts if part is not None)
        if total != expected:
            name = _table3_row_name(row.key)
            failures.append(
                CheckFailure(
                    "F3",
                    f"表三 总计 ≠ 六类申请人之和 / {name}",
                    f"{name}：总计列为{total}，但{type_labels}六列之和为{expected}",
                )
            )
    return failures


def _check_carry_over(
    rows: dict[str, dict[str, int | None]], previous_carried_forward: Mapping[str, int]
) -> list[CheckFailure]:
    """F5: 二、上年结转 of year N equals 四、结转下年度继续办理 of year N−1, per column."""
    failures = []
    for column in APPLICANT_COLUMN_KEYS:
        if column not in previous_carried_forward:
            continue
        carried_over = rows["carried_over"][column]
        previous = previous_carried_forward[column]
        if carried_over is None or carried_over == previous:
            continue
        label = APPLICANT_COLUMN_LABELS[column]
        failures.append(
            CheckFailure(
                "F5",
                f"表三 二 ≠ 上年四 / {label}",
                f"{label}列：上年结转为{carried_over}，"
                f"但上年度报告的结转下年度继续办理为{previous}",
            )
        )
    return failures


def _check_appeal_totals(appeals: dict[str, dict[str, int | None]]) -> list[CheckFailure]:
    """F7: each 总计 of table 四 is 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
    failures = []
    labels = {result.key: result.label for result in APPEAL_RESULTS}
    for kind in APPEAL_KINDS:
        cells = appeals[kind.key]
        parts = [cells[key] for key in APPEAL_PART_KEYS]
        total = cells["total"]
        if total is None or not _all_known(*parts):
            continue
        expected = sum(part for part in parts if part is not None)
        if total != expected:
            name = _appeal_kind_name(kind.key)
            terms = "+".join(f"{labels[key]}({cells[key]})" for key in APPEAL_PART_KEYS)
            failures.append(
                CheckFailure(
                    "F7",
                    f"表四 {name} / 总计",
                    f"{name}：总计为{total}，但{terms}={expected}",
                )
            )
    return failures


def _check_in_force(
    proactive: dict[tuple[str, str], int | Decimal | None],
    previous_in_force: Mapping[str, int],
) -> list[CheckFailure]:
    """F8, a warning only: 现行有效(N) = 现行有效(N−1) + 本年制发 − 本年废止.

    Real data need not satisfy it — a revision counts as 制发 without repealing anything — so
    it never blocks publication (regulation.md §2.6).
    """
    failures = []
    labels = {row.key: row.label for _block, row, _column in proactive_cells()}
    for row in IN_FORCE_ROWS:
        if row not in previous_in_force:
            continue
        issued = proactive[row, "issued"]
        repealed = proactive[row, "repealed"]
        in_force = proactive[row, "in_force"]
        if issued is None or repealed is None or in_force is None:
            continue
        previous = previous_in_force[row]
        expected = previous + issued - repealed
        if in_force != expected:
            failures.append(
                CheckFailure(
                    "F8",
                    f"表二 {labels[row]} / 现行有效件数",
                    f"{labels[row]}：上年现行有效({previous})+本年制发({issued})"
                    f"−本年废止({repealed})={expected}，但现行有效件数为{in_force}；"
                    "修订计入制发时可能出现差异，请核实",
                    WARNING,
                )
            )
    return failures
