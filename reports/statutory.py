"""When an organ's annual report is due (条例第四十九条). Pure: dates in, dates out.

条例第四十九条第一款: 县级以上人民政府部门应当在每年1月31日前向本级政府信息公开工作主管部门
提交本行政机关上一年度政府信息公开工作年度报告并向社会公布。
条例第四十九条第二款: 县级以上地方人民政府的政府信息公开工作主管部门应当在每年3月31日前向社会
公布本级政府上一年度政府信息公开工作年度报告。

So a department's own report (and an office's or sub-district's, which its government collects
with the departments') is due on 31 January of the following year; a people's government's
report — the one its 政务公开办 publishes for the whole level — on 31 March. Each organ may set
its date explicitly (``Organ.report_due``); left on "按层级", the level decides: the organ at
the top of the tree and any organ named a 人民政府 are governments, everything else a department.
"""

from __future__ import annotations

import datetime as dt

JANUARY = "jan31"
MARCH = "mar31"
AUTO = ""

# 条例第四十九条: the month and day of each kind of deadline, in the year after the report year.
DUE_DAYS: dict[str, tuple[int, int]] = {JANUARY: (1, 31), MARCH: (3, 31)}


def default_due_kind(*, is_top: bool, name: str) -> str:
    """The deadline an organ's level gives it: a people's government 31 March (第四十九条第二款),
    a department 31 January (第四十九条第一款)."""
    if is_top or name.endswith("人民政府"):
        return MARCH
    return JANUARY


def due_kind(setting: str, *, is_top: bool, name: str) -> str:
    """The organ's own setting, or the default of its level when left on 按层级."""
    if setting in DUE_DAYS:
        return setting
    return default_due_kind(is_top=is_top, name=name)


def report_due_on(report_year: int, kind: str) -> dt.date:
    """The last day to publish the report on ``report_year`` (the following year's 1/31 or 3/31)."""
    month, day = DUE_DAYS[kind]
    return dt.date(report_year + 1, month, day)


def published_on_time(report_year: int, kind: str, published_on: dt.date | None) -> bool:
    """Published by the statutory date (a report never published is not on time)."""
    return published_on is not None and published_on <= report_due_on(report_year, kind)


def organ_due_kind(organ: object) -> str:
    """:func:`due_kind` of an ``Organ`` (reads ``report_due``, ``parent_id`` and ``name``)."""
    return due_kind(
        getattr(organ, "report_due", AUTO),
        is_top=getattr(organ, "parent_id", None) is None,
        name=getattr(organ, "name", ""),
    )
