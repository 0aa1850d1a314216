"""The annual report's statistics, by database aggregation (条例第五十条; 国办公开办函〔2021〕30号).

Every figure is a ``GROUP BY`` aggregate: :func:`compute_figures` runs the same handful of
queries whether an organ received ten applications or a million, and :func:`compute_annexes`
likewise (it reads each distinct pair of dates of the applications answered in the year, with
its count, to count working days, which SQL cannot do against the State Council's holiday
calendar).

Counting rules (domain.md "Annual report"; regulation.md §2.6 F6), for year Y:

- 一、本年新收: ``first_received_on`` in Y. After a 补正 (条例第三十条) the clock restarts but
  ``first_received_on`` keeps the original receipt, so the application stays in the year it
  first arrived;
- 二、上年结转: received before Y and not closed before Y (``closed_on`` empty or ≥ 1 January);
- 三、本年度办理结果: ``closed_on`` in Y, one row per outcome (F4: 部分公开 only as 部分公开);
- 四、结转下年度继续办理: received by 31 December and open at year end (``closed_on`` empty or
  after 31 December) — so a report built later for a past year still counts what was open then.

Table 二 (第二十条第（一）项) counts published catalog items of type 规章 / 行政规范性文件 of the
issuing organ (``Item.organ``; a joint document counts for its lead organ only, so that a
consolidated report never counts it twice):

- 本年制发件数: ``published_on`` in Y;
- 本年废止件数: validity 已废止 with ``repealed_on`` in Y. An item marked 已修改 is replaced by
  its revision, which is itself counted as 制发; it is not counted as 废止 (hence rule F8 is
  only a warning);
- 现行有效件数: published by 31 December and not yet repealed or replaced then (validity 有效,
  or ``repealed_on`` after 31 December).

The rest of table 二 (licensing, penalty, coercion decisions and the fee amount) is entered by
the reporter in ``AnnualReport.manual``. Table 四 counts appeals by the year they were filed,
with their result as currently recorded (尚未审结 until decided).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractMonth

from catalog.models import Item, Organ
from catalog.organs import organ_tree, subtree_ids
from reports.format import (
    APPEAL_KIND_KEYS,
    APPEAL_PART_KEYS,
    APPLICANT_TYPE_KEYS,
    MONEY_CELLS,
    OUTCOME_CODES,
    OUTCOMES_BY_CODE,
    RESULTS_TOTAL,
    TOTAL_COLUMN,
    Figures,
    empty_figures,
    fill_totals,
)
from reports.models import AnnualReport, Scope
from requests_app.calendar import current_calendar
from requests_app.models import OPEN_STATUSES, Appeal, Application, Status
from requests_app.workdays import WorkCalendar, workdays_between

# Table 二 rows computed from the catalog (第二十条第（一）项).
DOCUMENT_ROWS: dict[str, str] = {"rule": Item.DocType.RULE, "normative": Item.DocType.NORMATIVE}
# The rows entered by the reporter and the one cell each of them has.
MANUAL_CELLS: dict[str, str] = {
    "licensing": "decisions",
    "penalty": "decisions",
    "coercion": "decisions",
    "fees": "amount_10k_yuan",
}

OLDEST_OPEN_LIMIT = 10
# Chart groups of the monthly annex: 予以公开、部分公开 and the four groups of rows 三（三）–（六）.
CHART_GROUPS: tuple[tuple[str, str], ...] = (
    ("disclosed", "予以公开"),
    ("partially_disclosed", "部分公开"),
    ("withheld", "不予公开"),
    ("unavailable", "无法提供"),
    ("rejected", "不予处理"),
    ("other", "其他处理"),
)
# Key totals compared with the previous year (the 总计 column of table 三).
YEAR_ON_YEAR_ROWS: tuple[tuple[str, str], ...] = (
    ("new", "本年新收申请"),
    ("carried_over", "上年结转申请"),
    (RESULTS_TOTAL, "办理结果总计"),
    ("carried_forward", "结转下年度继续办理"),
)


# ---------------------------------------------------------------------------
# Scope and period
# ---------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The statistical period: 1 January to 31 December (regulation.md §2.2)."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def scope_organ_ids(organ: Organ, scope: str) -> set[int]:
    """The organs a report covers: the organ alone, or it and all its subordinates."""
    if scope == Scope.TREE:
        return subtree_ids(organ.pk)
    return {organ.pk}


def _applications(organ_ids: set[int]) -> QuerySet[Application]:
    # ``order_by()`` clears Meta.ordering, which would otherwise join the GROUP BY.
    return Application.objects.filter(organ_id__in=organ_ids).order_by()


def _open_at(day: dt.date) -> Q:
    """Not closed on ``day``: still open, or closed only afterwards."""
    return Q(closed_on__isnull=True) | Q(closed_on__gt=day)


def _touching(start: dt.date, end: dt.date) -> Q:
    """Applications that matter for a period: received by its end, not closed before it."""
    return Q(first_received_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))


# ---------------------------------------------------------------------------
# The statutory tables 二、三、四
# ---------------------------------------------------------------------------


def compute_figures(
    organ: Organ, year: int, *, scope: str, manual: Mapping[str, Any] | None = None
) -> Figures:
    """Tables 二、三、四 of ``organ``'s report for ``year`` (api.md shape, totals filled).

    ``manual`` is the reporter's table 二 input (``AnnualReport.manual``); when not given it is
    read from the report of that organ, year and scope, and is all zero when there is none.
    The fee amount is a ``Decimal``; every other cell an ``int``.

    Queries: the organ tree (cached), table 三 (flows and results in one pass), table 二,
    table 四 and — without ``manual`` — the report's manual figures.
    """
    organ_ids = scope_organ_ids(organ, scope)
    start, end = year_bounds(year)
    figures = empty_figures()
    rows = figures["applications"]["rows"]

    # One pass for the flows and the results: the rows touching the year or closed in it,
    # each count restricted to its own set by a FILTER clause (so the counts are those of
    # separate queries). Open applications group under outcome "".
    touching = _touching(start, end)
    closed = Q(closed_on__range=(start, end))
    table = (
        _applications(organ_ids)
        .filter(touching | closed)
        .values("outcome", "applicant_type")
        .annotate(
            new=Count("pk", filter=touching & Q(first_received_on__gte=start)),
            carried_over=Count("pk", filter=touching & Q(first_received_on__lt=start)),
            carried_forward=Count("pk", filter=touching & _open_at(end)),
            closed=Count("pk", filter=closed),
        )
    )
    for cell in table:
        column = cell["applicant_type"]
        if column not in APPLICANT_TYPE_KEYS:
            continue
        for row in ("new", "carried_over", "carried_forward"):
            rows[row][column] += cell[row]
        if cell["outcome"] in OUTCOME_CODES:
            rows[cell["outcome"]][column] += cell["closed"]

    figures["proactive"].update(_document_figures(organ_ids, start, end))
    figures["appeals"] = _appeal_figures(organ_ids, start, end)

    if manual is None:
        manual = (
            AnnualReport.objects.filter(organ=organ, year=year, scope=scope)
            .values_list("manual", flat=True)
            .first()
        )
    figures["proactive"].update(manual_figures(manual or {}))
    return fill_totals(figures)


def _document_figures(
    organ_ids: set[int], start: dt.date, end: dt.date
) -> dict[str, dict[str, int]]:
    """Table 二, 第二十条第（一）项: 规章 and 行政规范性文件 from the catalog."""
    out = {row: {"issued": 0, "repealed": 0, "in_force": 0} for row in DOCUMENT_ROWS}
    by_type = {doc_type: row for row, doc_type in DOCUMENT_ROWS.items()}
    documents = (
        Item.objects.filter(
            organ_id__in=organ_ids,
            status=Item.Status.PUBLISHED,
            doc_type__in=list(by_type),
            published_on__lte=end,
        )
        .order_by()
        .values("doc_type")
        .annotate(
            issued=Count("pk", filter=Q(published_on__gte=start)),
            repealed=Count(
                "pk",
                filter=Q(validity=Item.Validity.REPEALED, repealed_on__range=(start, end)),
            ),
            in_force=Count(
                "pk", filter=Q(validity=Item.Validity.IN_FORCE) | Q(repealed_on__gt=end)
            ),
        )
    )
    for document in documents:
        row = by_type[document["doc_type"]]
        out[row] = {key: document[key] for key in ("issued", "repealed", "in_force")}
    return out


def _appeal_figures(organ_ids: set[int], start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """Table 四: appeals filed in the year, by kind and current result (totals by fill_totals)."""
    appeals: dict[str, dict[str, int]] = {
        kind: dict.fromkeys(APPEAL_PART_KEYS, 0) for kind in APPEAL_KIND_KEYS
    }
    counts = (
        Appeal.objects.filter(application__organ_id__in=organ_ids, filed_on__range=(start, end))
        .order_by()
        .values("kind", "result")
        .annotate(n=Count("pk"))
    )
    for count in counts:
        if count["kind"] in appeals and count["result"] in APPEAL_PART_KEYS:
            appeals[count["kind"]][count["result"]] = count["n"]
    return appeals


def manual_figures(manual: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The reporter's table 二 rows from ``AnnualReport.manual``; missing cells are 0.

    Values are passed through as stored (only a fee string becomes a ``Decimal``) so that the
    balance checks report a corrupt value instead of this function hiding it.
    """
    out: dict[str, dict[str, Any]] = {}
    for row, column in MANUAL_CELLS.items():
        cells = manual.get(row) if isinstance(manual, Mapping) else None
        value = cells.get(column) if isinstance(cells, Mapping) else None
        if (row, column) in MONEY_CELLS:
            out[row] = {column: _to_decimal(value)}
        else:
            out[row] = {column: 0 if value is None else value}
    return out


def _to_decimal(value: Any) -> Any:
    if value is None:
        return Decimal("0")
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------


def decimal_string(value: Decimal) -> str:
    """A plain decimal string without exponent or trailing zeros: ``12.5``, ``100``, ``0``."""
    return format(value.normalize(), "f") if value.is_finite() else str(value)


def figures_to_json(figures: Any) -> Any:
    """A copy of ``figures`` that JSON can hold: the fee amount (a ``Decimal``) as a string."""
    if isinstance(figures, Mapping):
        return {key: figures_to_json(value) for key, value in figures.items()}
    if isinstance(figures, list | tuple):
        return [figures_to_json(value) for value in figures]
    if isinstance(figures, Decimal):
        return decimal_string(figures)
    return figures


# ---------------------------------------------------------------------------
# Annexes beyond the format (domain.md: never inside the statutory tables)
# ---------------------------------------------------------------------------


def compute_annexes(
    organ: Organ, year: int, *, scope: str, calendar: WorkCalendar | None = None
) -> dict[str, Any]:
    """Figures shown beside the report, JSON-ready (dates as ISO strings).

    - ``on_time``: applications that left the open states in the year, and how many of them did
      so by their stored ``due_on`` (the deadline fold as last refreshed, extensions and
      pauses included); those closed without a running clock (e.g. never corrected) have no
      ``due_on`` and are left out of the rate;
    - ``answer_workdays``: working days from ``received_on`` (the clock's start, after a 补正
      the corrected application's arrival) to the answer, for applications answered in the
      year; elapsed time, pauses included; median and 90th percentile (nearest rank);
    - ``oldest_open``: the ten applications received longest ago that were open at year end;
    - ``by_organ``: new / results / carried forward per organ of a consolidated report;
    - ``year_on_year``: the key totals of table 三 against the previous year;
    - ``by_month``: new applications and results by outcome group, month by month (a chart).

    A constant number of queries whatever the data size.
    """
    cal = calendar if calendar is not None else current_calendar()
    organ_ids = scope_organ_ids(organ, scope)
    start, end = year_bounds(year)
    flows = _annex_flows(organ_ids, year)
    closed = _closed_by_month(organ_ids, start, end)
    return {
        "on_time": _on_time(closed),
        "answer_workdays": _answer_workdays(organ_ids, start, end, cal),
        "oldest_open": _oldest_open(organ_ids, end, cal),
        "by_organ": _by_organ(organ, flows) if scope == Scope.TREE else [],
        "year_on_year": _year_on_year(flows, year),
        "by_month": _by_month(flows, closed),
    }


def _annex_flows(organ_ids: set[int], year: int) -> list[dict[str, Any]]:
    """One pass for the per-organ, year-on-year and new-by-month annexes.

    The rows of a two-year window (those touching the previous year or this one, or received
    this year), grouped by organ; every count carries its own set as a
    FILTER clause, so each equals what a separate query over that set would give.
    """
    start, end = year_bounds(year)
    previous_start, _previous_end = year_bounds(year - 1)
    window = _touching(previous_start, end)
    touching = _touching(start, end)
    received = Q(first_received_on__range=(start, end))
    # New by month as twelve FILTER counts rather than a GROUP BY on the month: PostgreSQL
    # cannot estimate the groups of an expression, and then sorts to disk and compiles JIT.
    by_month = {
        f"received_{month}": Count("pk", filter=received & Q(first_received_on__month=month))
        for month in range(1, 13)
    }
    return list(
        _applications(organ_ids)
        .filter(window | received)
        .values("organ_id")
        .annotate(
            **by_month,
            # Per organ (the touching set of the year).
            organ_new=Count("pk", filter=touching & Q(first_received_on__gte=start)),
            organ_results_total=Count("pk", filter=touching & Q(closed_on__range=(start, end))),
            organ_carried_forward=Count("pk", filter=touching & _open_at(end)),
            # The 总计 column of both years (the two-year window, as a comparison needs).
            **_year_totals(year - 1, window),
            **_year_totals(year, window),
        )
    )


def _closed_by_month(organ_ids: set[int], start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Applications closed in the year by month and outcome, with the on-time counts."""
    return list(
        _applications(organ_ids)
        .filter(closed_on__range=(start, end))
        .annotate(month=ExtractMonth("closed_on"))
        .values("month", "outcome")
        .annotate(
            closed=Count("pk"),
            with_deadline=Count("pk", filter=Q(due_on__isnull=False)),
            on_time=Count("pk", filter=Q(closed_on__lte=F("due_on"))),
        )
    )


def _on_time(closed: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {
        key: sum(row[key] for row in closed) for key in ("closed", "with_deadline", "on_time")
    }
    with_deadline = counts["with_deadline"]
    rate = round(100 * counts["on_time"] / with_deadline, 1) if with_deadline else None
    return {**counts, "late": with_deadline - counts["on_time"], "rate_percent": rate}


def nearest_rank(values: list[int], percent: int) -> int | None:
    """The nearest-rank percentile: the smallest value with ``percent``% of values ≤ it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(percent / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def _answer_workdays(
    organ_ids: set[int], start: dt.date, end: dt.date, cal: WorkCalendar
) -> dict[str, Any]:
    # One row per distinct (received_on, closed_on) pair with its count: a year's answers
    # share a few tens of thousands of pairs, so far fewer rows and workday computations.
    pairs = (
        _applications(organ_ids)
        .filter(status=Status.ANSWERED, closed_on__range=(start, end))
        .values("received_on", "closed_on")
        .annotate(n=Count("pk"))
    )
    histogram: dict[int, int] = {}
    for pair in pairs:
        days = workdays_between(cal, pair["received_on"], pair["closed_on"])
        histogram[days] = histogram.get(days, 0) + pair["n"]
    ordered = sorted(histogram.items())
    answered = sum(histogram.values())
    return {
        "answered": answered,
        "median": _weighted_median(ordered, answered),
        "p90": _weighted_nearest_rank(ordered, answered, 90),
        "max": ordered[-1][0] if ordered else None,
    }


def _value_at_rank(ordered: list[tuple[int, int]], rank: int) -> int:
    """The ``rank``-th smallest value (1-based) of a sorted ``(value, count)`` histogram."""
    seen = 0
    for value, count in ordered:
        seen += count
        if seen >= rank:
            return value
    raise IndexError(rank)


def _weighted_nearest_rank(ordered: list[tuple[int, int]], total: int, percent: int) -> int | None:
    """:func:`nearest_rank` over a histogram: the same rank, found by cumulative counts."""
    if not total:
        return None
    return _value_at_rank(ordered, max(math.ceil(percent / 100 * total), 1))


def _weighted_median(ordered: list[tuple[int, int]], total: int) -> float | int | None:
    """``statistics.median`` over a histogram: the middle value, or the mean of the two
    middle values (a float, as ``statistics.median`` gives) when the count is even."""
    if not total:
        return None
    if total % 2:
        return _value_at_rank(ordered, total // 2 + 1)
    return (_value_at_rank(ordered, total // 2) + _value_at_rank(ordered, total // 2 + 1)) / 2


def _oldest_open(organ_ids: set[int], end: dt.date, cal: WorkCalendar) -> list[dict[str, Any]]:
    rows = (
        _applications(organ_ids)
        .filter(first_received_on__lte=end)
        .filter(_open_at(end))
        .order_by("first_received_on", "pk")
        .values(
            "tracking_code",
            "organ__code",
            "organ__name",
            "first_received_on",
            "status",
        )[:OLDEST_OPEN_LIMIT]
    )
    labels = dict(Status.choices)
    return [
        {
            "tracking_code": row["tracking_code"],
            "organ": row["organ__code"],
            "organ_name": row["organ__name"],
            "first_received_on": row["first_received_on"].isoformat(),
            # The status today; an application closed since year end shows its outcome state.
            "status": row["status"],
            "status_label": str(labels.get(row["status"], row["status"])),
            "still_open": row["status"] in OPEN_STATUSES,
            # Working days from receipt to 31 December (the receipt day not counted).
            "workdays_at_year_end": workdays_between(cal, row["first_received_on"], end),
        }
        for row in rows
    ]


def _by_organ(organ: Organ, flows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[int, dict[str, int]] = {}
    for flow in flows:
        row = counts.setdefault(
            flow["organ_id"], {"new": 0, "results_total": 0, "carried_forward": 0}
        )
        for key in row:
            row[key] += flow[f"organ_{key}"]
    out = []
    # The cached tree gives names and the navigation order without another query.
    for node in _subtree_in_order(organ.pk):
        row = counts.get(node.id, {})
        out.append(
            {
                "organ": node.code,
                "organ_name": node.name,
                "depth": node.depth,
                "new": row.get("new", 0),
                "results_total": row.get("results_total", 0),
                "carried_forward": row.get("carried_forward", 0),
            }
        )
    return out


@dataclass(frozen=True)
class _NodeView:
    """An organ of the subtree with its depth below the report's organ (the cached tree's
    nodes are shared between callers, so their own ``depth`` is not written to)."""

    id: int
    code: str
    name: str
    depth: int


def _subtree_in_order(organ_id: int) -> list[_NodeView]:
    root = organ_tree().nodes.get(organ_id)
    if root is None:
        return []
    out: list[_NodeView] = []

    def walk(node: Any, depth: int) -> None:
        out.append(_NodeView(node.id, node.code, node.name, depth))
        for child in node.children:
            walk(child, depth + 1)

    walk(root, 0)
    return out


def _year_totals(year: int, within: Q) -> dict[str, Count]:
    """Aggregates of the 总计 column of table 三 in ``year``, named ``<row>_<year>``, each
    over the rows matching ``within`` (the comparison's two-year window)."""
    start, end = year_bounds(year)
    sets = {
        "new": Q(first_received_on__range=(start, end)),
        "carried_over": Q(first_received_on__lt=start)
        & (Q(closed_on__isnull=True) | Q(closed_on__gte=start)),
        RESULTS_TOTAL: Q(closed_on__range=(start, end)),
        "carried_forward": Q(first_received_on__lte=end) & _open_at(end),
    }
    return {f"{row}_{year}": Count("pk", filter=within & rows) for row, rows in sets.items()}


def _year_on_year(flows: list[dict[str, Any]], year: int) -> dict[str, Any]:
    previous = year - 1
    totals = {
        name: sum(flow[name] for flow in flows)
        for key, _label in YEAR_ON_YEAR_ROWS
        for name in (f"{key}_{year}", f"{key}_{previous}")
    }
    rows = []
    for key, label in YEAR_ON_YEAR_ROWS:
        current, before = totals[f"{key}_{year}"], totals[f"{key}_{previous}"]
        rows.append(
            {
                "key": key,
                "label": label,
                "current": current,
                "previous": before,
                "change": current - before,
                # Percent change; none when the previous year had nothing to compare with.
                "change_percent": round(100 * (current - before) / before, 1) if before else None,
            }
        )
    return {"year": year, "previous_year": previous, "column": TOTAL_COLUMN, "rows": rows}


def _chart_group(outcome: str) -> str | None:
    known = OUTCOMES_BY_CODE.get(outcome)
    if known is None:
        return None
    return known.group or known.code


def _by_month(flows: list[dict[str, Any]], closed: list[dict[str, Any]]) -> dict[str, Any]:
    months = {
        month: {"month": month, "new": 0, **{key: 0 for key, _label in CHART_GROUPS}}
        for month in range(1, 13)
    }
    for flow in flows:
        for month in range(1, 13):
            months[month]["new"] += flow[f"received_{month}"]
    for row in closed:
        group = _chart_group(row["outcome"])
        if group is not None:
            months[row["month"]][group] += row["closed"]
    return {
        "groups": [{"key": key, "label": label} for key, label in CHART_GROUPS],
        "months": [months[month] for month in range(1, 13)],
    }
