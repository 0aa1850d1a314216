"""条例第二十六条: proactively disclosed information is published within 20 working days of
the day it was formed or changed.

Working days belong to the official calendar, which lives with 依申请公开 (requests_app).
The catalog must not import it (dependencies flow catalog ← requests_app), so requests_app
registers its working-day counter here when it starts; without one nothing is flagged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from catalog.models import Item

# 条例第二十六条: 自该政府信息形成或者变更之日起20个工作日内及时公开
PUBLICATION_PERIOD = 20

AddWorkdays = Callable[[dt.date, int], tuple[dt.date, bool]]
_add_workdays: AddWorkdays | None = None


def register_workday_counter(add_workdays: AddWorkdays) -> None:
    """``add_workdays(start, n) -> (date, covered)`` on the official calendar."""
    global _add_workdays
    _add_workdays = add_workdays


@dataclass(frozen=True)
class PublicationTimeliness:
    start: dt.date  # 成文日期, or 变更日期 when the item was changed
    deadline: dt.date
    covered: bool
    late: bool


def timeliness(item: Item) -> PublicationTimeliness | None:
    """Whether a published item met the 20-working-day period; None when not knowable."""
    if _add_workdays is None or item.published_on is None or item.formed_on is None:
        return None
    start = max(item.formed_on, item.changed_on or item.formed_on)
    deadline, covered = _add_workdays(start, PUBLICATION_PERIOD)
    return PublicationTimeliness(
        start=start, deadline=deadline, covered=covered, late=item.published_on > deadline
    )
