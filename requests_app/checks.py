"""System check: the working-day calendar must know next year's official holiday schedule.

The State Council publishes each year's 部分节假日安排 in the autumn, and chinese-calendar only
covers the years it shipped with (regulation.md §5.5). A deadline running into a year without
the schedule is counted provisionally (weekends and the statutory holidays, no 调休) and
flagged (domain.md "Working days"), so from 1 November (Beijing time) the operator is warned
until an administrator has entered next year's schedule as overrides and marked the year
complete. A year already begun without its schedule
is warned about as well: every deadline of that year is then provisional.

Registered by ``RequestsAppConfig.ready()`` importing this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
# From this month on, next year's schedule is due (it is usually published in October or
# November).
WARN_FROM_MONTH = 11


def _today() -> date:
    """Today in Beijing, whatever the server's or Django's time zone."""
    return timezone.localdate(timezone=SHANGHAI)


def uncovered_years(covered: Any, today: date) -> list[int]:
    """The years that should have an official schedule by ``today`` and do not.

    ``covered`` is a ``year -> bool`` callable (``WorkCalendar.is_covered``).
    """
    years = [today.year]
    if today.month >= WARN_FROM_MONTH:
        years.append(today.year + 1)
    return [year for year in years if not covered(year)]


def _warning(year: int) -> checks.Warning:
    return checks.Warning(
        f"{year}年的法定节假日安排尚未录入：答复期限跨入{year}年的申请暂按周末和法定节日推算"
        f"（不含调休和补假），期限可能不准确。",
        hint=(
            f"国务院办公厅发布{year}年部分节假日安排的通知后，请将其中的放假日和调休上班日"
            f"录入为节假日调整（/admin/requests_app/calendaroverride/），"
            f"然后在 /admin/ 将{year}年标记为已录入，"
            f"或调用 POST /api/v1/calendar/{year}/complete/。"
        ),
        id="requests_app.W001",
    )


@checks.register()
def check_calendar_coverage(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if app_configs is not None and not any(c.label == "requests_app" for c in app_configs):
        return []
    from requests_app.calendar import current_calendar

    try:
        calendar = current_calendar()
    except DatabaseError:
        # Before ``migrate`` has created the tables (the check runs before migrating too).
        return []
    return [_warning(year) for year in uncovered_years(calendar.is_covered, _today())]
