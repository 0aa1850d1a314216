"""政务公开监督: what a supervising office sees of every organ below it (条例第四十七条).

One row per organ of a subtree for a year or a month, plus a total row. Every figure is
counted by the same rules as the annual report (reports.statistics), so that the page and the
report built from the same data agree:

- ``items_published``: catalog items of the organ (``Item.organ``, the lead publisher) with
  ``published_on`` in the period; ``items_late`` those published later than 条例第二十六条
  allows (20 working days from 成文 or 变更), as ``reports.drafting`` counts them;
- ``applications.received``: ``first_received_on`` in the period (table 三 本年新收);
  ``answered``: ``closed_on`` in the period (table 三 办理结果总计); ``answered_on_time``: of
  those, closed by the stored ``due_on`` (the report's on-time annex); ``open``: received by the
  end of the period and not closed by then (table 三 结转下年度继续办理 for a year);
  ``overdue`` / ``due_soon`` are as of today (the desk's filters): still open, received by the
  end of the period, past ``due_on`` / due within 3 working days;
- ``median_workdays``: working days from ``received_on`` to the answer, of the applications
  answered (status 已答复) in the period — the report's ``answer_workdays`` median;
- ``appeals``: filed in the period (table 四), ``corrected`` = result 纠正;
- ``report``: the organ's own report (scope 本机关, or 本级汇总 for a government that only
  built that one) on the period's year: draft / published, first published when, and whether
  by its statutory date (条例第四十九条, reports.statutory).

Queries (ten, whatever the tree and the data; bench/supervision.md): the organs with their
settings and guides; items (one GROUP BY over a join with the per-day lateness thresholds);
items a year earlier; applications (one GROUP BY organ with FILTER counts); applications a
year earlier; received and answered per day (the trend, for a year); the answer-time histogram
(one GROUP BY over a join with the working-day ordinals); appeals; reports. The organ tree
itself comes from the cache.
"""

from __future__ import annotations

import calendar as month_calendar
import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Item, Organ
from catalog.organs import organ_tree
from catalog.publication import PUBLICATION_PERIOD, timeliness
from reports import statutory
from reports.models import AnnualReport, Scope
from reports.statistics import _weighted_median
from requests_app.deadlines import DUE_SOON_WORKDAYS
from requests_app.models import OPEN_STATUSES, Appeal, AppealResult, Application, Status
from requests_app.workdays import WorkCalendar, add_workdays, workdays_between

# 条例第十二条: a guide is kept up to date; untouched for 12 months it is flagged.
GUIDE_STALE_DAYS = 365
# Amber: an on-time rate below this share of answers (percent).
ON_TIME_AMBER_PERCENT = 90


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, 1)

    @property
    def end(self) -> dt.date:
        if self.month is None:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, self.month, month_calendar.monthrange(self.year, self.month)[1])

    def previous(self) -> Period:
        """The same period a year earlier (year-on-year)."""
        return Period(self.year - 1, self.month)


@dataclass
class Row:
    organ_id: int
    organ: str
    organ_name: str
    depth: int
    items_published: int = 0
    items_late: int = 0
    guide_updated_on: dt.date | None = None
    received: int = 0
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    answered: int = 0
    answered_on_time: int = 0
    median_workdays: float | int | None = None
    appeals_total: int = 0
    appeals_corrected: int = 0
    report_status: str = "none"
    report_published_at: dt.datetime | None = None
    report_due_on: dt.date | None = None
    report_on_time: bool | None = None
    previous_received: int = 0
    previous_items: int = 0
    flags: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The api.md shape of a row (plus the median, the due date and year-on-year)."""
        return {
            "organ": self.organ,
            "organ_name": self.organ_name,
            "items_published": self.items_published,
            "items_late": self.items_late,
            "guide_updated_on": self.guide_updated_on.isoformat()
            if self.guide_updated_on
            else None,
            "applications": {
                "received": self.received,
                "open": self.open,
                "overdue": self.overdue,
                "due_soon": self.due_soon,
                "answered": self.answered,
                "answered_on_time": self.answered_on_time,
                "median_workdays": self.median_workdays,
            },
            "appeals": {"total": self.appeals_total, "corrected": self.appeals_corrected},
            "report": {
                "status": self.report_status,
                "published_at": (
                    self.report_published_at.isoformat() if self.report_published_at else None
                ),
                "due_on": self.report_due_on.isoformat() if self.report_due_on else None,
                "on_time": self.report_on_time,
            },
            "previous": {
                "received": self.previous_received,
                "items_published": self.previous_items,
            },
            "flags": self.flags,
        }


@dataclass
class Supervision:
    organ: Organ
    period: Period
    today: dt.date
    rows: list[Row]
    total: Row
    # Applications received and answered in the subtree, month by month (the trend chart).
    months: list[dict[str, int]]


SUM_FIELDS = (
    "items_published",
    "items_late",
    "received",
    "open",
    "overdue",
    "due_soon",
    "answered",
    "answered_on_time",
    "appeals_total",
    "appeals_corrected",
    "previous_received",
    "previous_items",
)


def supervise(
    organ: Organ,
    period: Period,
    *,
    today: dt.date,
    calendar: WorkCalendar,
    visible: set[int] | None = None,
) -> Supervision:
    """The supervision table of ``organ``'s subtree (limited to ``visible`` organ ids)."""
    tree = organ_tree()
    nodes = []

    def walk(node: Any, depth: int) -> None:
        if visible is None or node.id in visible:
            nodes.append((node, depth))
        for child in node.children:
            walk(child, depth + 1)

    root = tree.nodes.get(organ.pk)
    if root is not None:
        walk(root, 0)
    rows = {
        node.id: Row(organ_id=node.id, organ=node.code, organ_name=node.name, depth=depth)
        for node, depth in nodes
    }
    ids = list(rows)
    histogram: dict[int, dict[int, int]] = {}
    months = [{"month": m, "received": 0, "answered": 0} for m in range(1, 13)]
    if ids:
        with _analytic_queries():
            _organ_settings(rows, period)
            _items(rows, ids, period, calendar)
            _previous_items(rows, ids, period)
            first = _applications(rows, ids, period, today, calendar)
            _previous_received(rows, ids, period)
            if period.month is None:
                _by_month(ids, period, months)
            histogram = _answer_histogram(rows, ids, period, calendar, first)
            _appeals(rows, ids, period)
            _reports(rows, ids, period, today)
    total = Row(organ_id=organ.pk, organ="total", organ_name=_("合计"), depth=0)
    for row in rows.values():
        for name in SUM_FIELDS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    merged: dict[int, int] = {}
    for counts in histogram.values():
        for days, n in counts.items():
            merged[days] = merged.get(days, 0) + n
    total.median_workdays = _weighted_median(sorted(merged.items()), sum(merged.values()))
    total.report_status = ""
    ordered = [rows[node.id] for node, _depth in nodes]
    for row in ordered:
        row.flags = flags(row, today)
    return Supervision(organ, period, today, ordered, total, months if period.month is None else [])


# --- Queries ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _analytic_queries() -> Iterator[None]:
    """On PostgreSQL, without JIT compilation: these GROUP BY queries cost enough for the
    planner to compile them, which takes longer (0.3–0.8 s measured, bench/supervision.md)
    than the compiled code saves on a few hundred thousand rows."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def _organ_settings(rows: dict[int, Row], period: Period) -> None:
    """Query 1: each organ's statutory report date setting and its guide's last update."""
    organs = Organ.objects.filter(pk__in=list(rows)).values(
        "id", "name", "parent_id", "report_due", "guide__updated_at"
    )
    for organ in organs:
        row = rows[organ["id"]]
        kind = statutory.due_kind(
            organ["report_due"], is_top=organ["parent_id"] is None, name=organ["name"]
        )
        row.report_due_on = statutory.report_due_on(period.year, kind)
        updated = organ["guide__updated_at"]
        row.guide_updated_on = timezone.localdate(updated) if updated else None


def lateness_thresholds(
    calendar: WorkCalendar, first: dt.date, last: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """For each publication day p in [first, last], the earliest start (成文 or 变更) day whose
    条例第二十六条 deadline is on or after p: an item published on p is late exactly when its
    start is before that day. The deadline grows with the start, so one sweep finds them all."""
    out: list[tuple[dt.date, dt.date]] = []
    start = first - dt.timedelta(days=PUBLICATION_PERIOD * 3)
    deadline = add_workdays(calendar, start, PUBLICATION_PERIOD).date
    day = first
    while day <= last:
        while deadline < day:
            start += dt.timedelta(days=1)
            deadline = add_workdays(calendar, start, PUBLICATION_PERIOD).date
        out.append((day, start))
        day += dt.timedelta(days=1)
    return out


def _values_table(
    alias: str, columns: tuple[str, str], second_type: str, pairs: Iterable[tuple[dt.date, Any]]
) -> tuple[str, list[Any]]:
    """``(VALUES …) AS alias(day, x)`` to join with, and its parameters, for SQLite and
    PostgreSQL alike (dates travel as ISO strings, which both compare as dates). Inline, not a
    CTE, so that PostgreSQL knows its size and hashes it rather than the table's rows."""
    params: list[Any] = []
    values = []
    for day, value in pairs:
        values.append("(%s, %s)")
        params.extend((day.isoformat(), _param(value)))
    if values and connection.vendor == "postgresql":
        # PostgreSQL types a VALUES list by its first row.
        values[0] = f"(%s::date, %s::{second_type})"
    if connection.vendor == "sqlite":
        # SQLite names VALUES columns column1, column2: a subquery renames them.
        names = f"column1 AS {columns[0]}, column2 AS {columns[1]}"
        return f"(SELECT {names} FROM (VALUES {', '.join(values)})) AS {alias}", params  # noqa: S608 - fixed names, placeholders
    return f"(VALUES {', '.join(values)}) AS {alias}({columns[0]}, {columns[1]})", params


def _param(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _in_list(ids: list[int]) -> tuple[str, list[int]]:
    return ", ".join(["%s"] * len(ids)), list(ids)


def _items(rows: dict[int, Row], ids: list[int], period: Period, calendar: WorkCalendar) -> None:
    """Items published in the period and those published late, per organ (one pass over the
    period's items joined with the lateness threshold of their publication day)."""
    thresholds, params = _values_table(
        "t", ("day", "threshold"), "date", lateness_thresholds(calendar, period.start, period.end)
    )
    item = Item._meta.db_table
    in_sql, in_params = _in_list(ids)
    sql = f"""
        SELECT i.organ_id, COUNT(*),
               SUM(CASE WHEN (CASE WHEN i.changed_on > i.formed_on THEN i.changed_on
                   ELSE i.formed_on END) < t.threshold THEN 1 ELSE 0 END)
        FROM {item} i JOIN {thresholds} ON t.day = i.published_on
        WHERE i.status = %s AND i.organ_id IN ({in_sql})
          AND i.published_on >= %s AND i.published_on <= %s
        GROUP BY i.organ_id
    """  # noqa: S608 - table names from the models, values as parameters
    params += [Item.Status.PUBLISHED.value, *in_params, _param(period.start), _param(period.end)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for organ_id, published, late in cursor.fetchall():
            row = rows[organ_id]
            row.items_published = int(published or 0)
            row.items_late = int(late or 0)


def _previous_items(rows: dict[int, Row], ids: list[int], period: Period) -> None:
    """Items published in the same period a year earlier (from the (organ, status, date)
    index alone)."""
    previous = period.previous()
    counts = (
        Item.objects.filter(
            organ_id__in=ids,
            status=Item.Status.PUBLISHED,
            published_on__range=(previous.start, previous.end),
        )
        .order_by()
        .values("organ_id")
        # COUNT(*), not COUNT(id): the (organ, date) index alone answers it.
        .annotate(n=Count("*"))
    )
    for count in counts:
        rows[count["organ_id"]].previous_items = count["n"]


def _applications(
    rows: dict[int, Row],
    ids: list[int],
    period: Period,
    today: dt.date,
    calendar: WorkCalendar,
) -> dt.date | None:
    """Query 3: the application counts per organ in one pass, each count with its own FILTER."""
    start, end = period.start, period.end
    open_statuses = [s.value for s in OPEN_STATUSES]
    soon = add_workdays(calendar, today, DUE_SOON_WORKDAYS).date
    received = Q(first_received_on__range=(start, end))
    closed = Q(closed_on__range=(start, end))
    by_end = Q(first_received_on__lte=end)
    open_now = by_end & Q(status__in=open_statuses)
    aggregates: dict[str, Any] = {
        "received": Count("pk", filter=received),
        "open": Count("pk", filter=by_end & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))),
        "overdue": Count("pk", filter=open_now & Q(due_on__lt=today)),
        "due_soon": Count("pk", filter=open_now & Q(due_on__gte=today, due_on__lte=soon)),
        "answered": Count("pk", filter=closed),
        "answered_on_time": Count("pk", filter=closed & Q(closed_on__lte=F("due_on"))),
        # Where the answer-time histogram's working-day ordinals must start.
        "first_answered_start": Min("received_on", filter=closed & Q(status=Status.ANSWERED)),
    }
    counts = (
        Application.objects.filter(organ_id__in=ids)
        .filter(
            received
            | closed
            | (by_end & Q(status__in=open_statuses))
            | (by_end & Q(closed_on__gt=end))
        )
        .order_by()
        .values("organ_id")
        .annotate(**aggregates)
    )
    first_start: dt.date | None = None
    for count in counts:
        row = rows[count["organ_id"]]
        begun = count["first_answered_start"]
        if begun is not None and (first_start is None or begun < first_start):
            first_start = begun
        for name in (
            "received",
            "open",
            "overdue",
            "due_soon",
            "answered",
            "answered_on_time",
        ):
            setattr(row, name, count[name])
    return first_start


def _previous_received(rows: dict[int, Row], ids: list[int], period: Period) -> None:
    """Applications received in the same period a year earlier (the (organ, received) index)."""
    previous = period.previous()
    counts = (
        Application.objects.filter(
            organ_id__in=ids, first_received_on__range=(previous.start, previous.end)
        )
        .order_by()
        .values("organ_id")
        # COUNT(*), not COUNT(id): the (organ, date) index alone answers it.
        .annotate(n=Count("*"))
    )
    for count in counts:
        rows[count["organ_id"]].previous_received = count["n"]


def _by_month(ids: list[int], period: Period, months: list[dict[str, int]]) -> None:
    """The trend: received and answered (办结) per month of the year in the whole table, from
    per-day counts (two index-only GROUP BYs on (organ, date) of at most 366 rows each)."""
    applications = Application.objects.filter(organ_id__in=ids).order_by()
    for key, field_name in (("received", "first_received_on"), ("answered", "closed_on")):
        days = (
            applications.filter(**{f"{field_name}__range": (period.start, period.end)})
            .values(field_name)
            .annotate(n=Count("*"))
        )
        for day in days:
            months[day[field_name].month - 1][key] += day["n"]


def workday_ordinals(
    calendar: WorkCalendar, first: dt.date, last: dt.date
) -> list[tuple[dt.date, int]]:
    """Each day of [first, last] with the number of working days after ``first`` up to it:
    ``workdays_between(a, b)`` is then the difference of the two ordinals."""
    out: list[tuple[dt.date, int]] = []
    day = first
    while day <= last:
        out.append((day, workdays_between(calendar, first, day)))
        day += dt.timedelta(days=1)
    return out


def _answer_histogram(
    rows: dict[int, Row],
    ids: list[int],
    period: Period,
    calendar: WorkCalendar,
    first: dt.date | None,
) -> dict[int, dict[int, int]]:
    """Query 4: working days to answer, per organ, as a histogram (the median of each organ and
    of the total are read from it). ``first``: the earliest clock start among the answers."""
    if first is None:
        return {}
    ordinals = workday_ordinals(calendar, first, period.end)
    received, params = _values_table("r", ("day", "n"), "integer", ordinals)
    closed, closed_params = _values_table(
        "c", ("day", "n"), "integer", [o for o in ordinals if o[0] >= period.start]
    )
    params += closed_params
    table = Application._meta.db_table
    in_sql, in_params = _in_list(ids)
    sql = f"""
        SELECT a.organ_id, c.n - r.n, COUNT(*)
        FROM {table} a
        JOIN {received} ON r.day = a.received_on
        JOIN {closed} ON c.day = a.closed_on
        WHERE a.status = %s AND a.closed_on >= %s AND a.closed_on <= %s
          AND a.organ_id IN ({in_sql})
        GROUP BY a.organ_id, c.n - r.n
    """  # noqa: S608 - table names from the models, values as parameters
    params += [Status.ANSWERED.value, _param(period.start), _param(period.end), *in_params]
    histogram: dict[int, dict[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for organ_id, days, n in cursor.fetchall():
            counts = histogram.setdefault(organ_id, {})
            # A clock that starts after the answer (never in valid data) counts as 0 days.
            key = max(int(days), 0)
            counts[key] = counts.get(key, 0) + int(n)
    for organ_id, counts in histogram.items():
        rows[organ_id].median_workdays = _weighted_median(
            sorted(counts.items()), sum(counts.values())
        )
    return histogram


def _appeals(rows: dict[int, Row], ids: list[int], period: Period) -> None:
    """Query 5: appeals filed in the period and those whose result was 纠正 (table 四)."""
    counts = (
        Appeal.objects.filter(
            application__organ_id__in=ids, filed_on__range=(period.start, period.end)
        )
        .order_by()
        .values("application__organ_id")
        .annotate(total=Count("pk"), corrected=Count("pk", filter=Q(result=AppealResult.CORRECTED)))
    )
    for count in counts:
        row = rows[count["application__organ_id"]]
        row.appeals_total = count["total"]
        row.appeals_corrected = count["corrected"]


def _reports(rows: dict[int, Row], ids: list[int], period: Period, today: dt.date) -> None:
    """Query 6: each organ's report on the year, with the first publication of it."""
    reports = (
        AnnualReport.objects.filter(organ_id__in=ids, year=period.year)
        .order_by()
        .values("organ_id", "scope", "status")
        .annotate(first_published=Min("versions__published_at"))
    )
    best: dict[int, dict[str, Any]] = {}
    for report in reports:
        current = best.get(report["organ_id"])
        # The organ's own report first; a government's consolidated one when it has no other.
        if current is None or (report["scope"] == Scope.ORGAN and current["scope"] != Scope.ORGAN):
            best[report["organ_id"]] = report
    for organ_id, row in rows.items():
        report = best.get(organ_id)
        published_at = report["first_published"] if report else None
        if report is not None:
            row.report_status = report["status"]
            row.report_published_at = published_at
        published_on = timezone.localdate(published_at) if published_at else None
        if published_on is not None:
            row.report_on_time = row.report_due_on is None or published_on <= row.report_due_on
        elif row.report_due_on is not None and today > row.report_due_on:
            row.report_on_time = False


# --- Flags ------------------------------------------------------------------------------------


def flags(row: Row, today: dt.date) -> dict[str, str]:
    """``red`` for what breaks the 条例 now, ``amber`` for what is about to or slips."""
    out: dict[str, str] = {}
    if row.overdue:
        out["overdue"] = "red"
    if row.due_soon:
        out["due_soon"] = "amber"
    if row.items_late:
        out["items_late"] = "amber"
    if row.guide_updated_on is None or (today - row.guide_updated_on).days > GUIDE_STALE_DAYS:
        out["guide_updated_on"] = "amber"
    if row.answered and row.answered_on_time * 100 < row.answered * ON_TIME_AMBER_PERCENT:
        out["answered_on_time"] = "amber"
    if row.appeals_corrected:
        out["appeals"] = "amber"
    if row.report_on_time is False:
        out["report"] = "red"
    elif row.report_status != "published" and row.report_due_on is not None:
        if 0 <= (row.report_due_on - today).days <= 30:
            out["report"] = "amber"
    return out


# --- The lists behind the figures that no other list can show -------------------------------


@dataclass(frozen=True)
class LateItem:
    item: Item
    start: dt.date  # 成文日期, or 变更日期 when later
    deadline: dt.date  # 条例第二十六条: the 20th working day after ``start``


def late_items(organ: Organ, period: Period, calendar: WorkCalendar) -> list[LateItem]:
    """The organ's own items behind ``items_late``: published in the period, later than 20
    working days after they were formed or changed — by the thresholds ``_items`` counts with,
    so the list and the figure agree. Newest publication first."""
    thresholds = dict(lateness_thresholds(calendar, period.start, period.end))
    items = (
        Item.objects.filter(
            organ_id=organ.pk,
            status=Item.Status.PUBLISHED,
            published_on__range=(period.start, period.end),
        )
        .only("pk", "title", "index_no", "formed_on", "changed_on", "published_on", "organ_id")
        .order_by("-published_on", "-pk")
    )
    out = []
    for item in items:
        # The catalog's own reading of 第二十六条 (start and deadline), filtered by the
        # figure's thresholds.
        timing = timeliness(item)
        if timing is not None and timing.start < thresholds[item.published_on]:
            out.append(LateItem(item=item, start=timing.start, deadline=timing.deadline))
    return out


def appeals_filed(organ: Organ, period: Period) -> list[Appeal]:
    """The organ's appeals behind ``appeals`` (filed in the period; table 四), newest first."""
    return list(
        Appeal.objects.filter(
            application__organ_id=organ.pk, filed_on__range=(period.start, period.end)
        )
        .select_related("application")
        .order_by("-filed_on", "-pk")
    )
