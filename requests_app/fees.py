"""信息处理费: the fee scales of 国办函〔2020〕109号 (《政府信息公开信息处理费管理办法》).

Pure and standard-library only. Both scales are 超额累进 (第三条): only the part inside a
band pays that band's rate. An organ picks one scale per application, never both (第三条);
charging at all is its discretion (条例第四十二条), so these functions only price.
Amounts are whole yuan as `Decimal`.
"""

from __future__ import annotations

from decimal import Decimal

# 第四条（一）: 同一申请人一个自然月内累计申请10件以下（含10件）的，不收费
FREE_ITEMS_PER_MONTH = 10
# 第四条（二）: 11—30件（含30件）的部分：100元/件
FIRST_CHARGED_BAND_END = 30
ITEM_BASE_RATE = Decimal(100)
# 第四条（三）: 31件以上的部分：以10件为一档，每增加一档，收费标准提高100元/件
ITEM_BAND_SIZE = 10
ITEM_BAND_STEP = Decimal(100)

# 第五条: (last page of the band or None for no limit, rate per page in yuan)
PAGE_BANDS: tuple[tuple[int | None, Decimal], ...] = (
    (30, Decimal(0)),  # （一）30页以下（含30页）的，不收费
    (100, Decimal(10)),  # （二）31—100页（含100页）的部分：10元/页
    (200, Decimal(20)),  # （三）101—200页（含200页）的部分：20元/页
    (None, Decimal(40)),  # （四）201页以上的部分：40元/页
)


def per_item_fee(nth_in_month: int) -> Decimal:
    """按件计收: the fee for the applicant's n-th application in a calendar month.

    Every application received that month counts, not only those charged 按件
    (regulation.md §3.5(a): "累计申请…件"). 1–10 free, 11–30 100元, 31–40 200元,
    41–50 300元, and so on.
    """
    if nth_in_month < 1:
        raise ValueError("the application's position in the month starts at 1")
    if nth_in_month <= FREE_ITEMS_PER_MONTH:
        return Decimal(0)
    if nth_in_month <= FIRST_CHARGED_BAND_END:
        return ITEM_BASE_RATE
    bands_above = (nth_in_month - FIRST_CHARGED_BAND_END - 1) // ITEM_BAND_SIZE + 1
    return ITEM_BASE_RATE + ITEM_BAND_STEP * bands_above


def per_item_month_total(count: int) -> Decimal:
    """按件计收: the month's total for an applicant with `count` applications in it."""
    if count < 0:
        raise ValueError("the number of applications must not be negative")
    return sum((per_item_fee(n) for n in range(1, count + 1)), Decimal(0))


def per_item_fees(already_in_month: int, pieces: int) -> Decimal:
    """按件计收 for one application split into `pieces` (第四条: 一事一申请).

    Its pieces take the positions after the `already_in_month` applications (or pieces)
    the applicant already has that month.
    """
    if already_in_month < 0 or pieces < 0:
        raise ValueError("counts must not be negative")
    return per_item_month_total(already_in_month + pieces) - per_item_month_total(already_in_month)


def per_page_fee(pages: int) -> Decimal:
    """按量计收 for one application of `pages` pages (第五条), marginal by band.

    E.g. 150 pages = 70 × 10 + 50 × 20 = 1700元 (regulation.md §3.5(b)).
    """
    if pages < 0:
        raise ValueError("the number of pages must not be negative")
    total = Decimal(0)
    band_start = 0  # pages already priced by lower bands
    for band_end, rate in PAGE_BANDS:
        upper = pages if band_end is None else min(pages, band_end)
        if upper > band_start:
            total += rate * (upper - band_start)
        if band_end is None or pages <= band_end:
            break
        band_start = band_end
    return total
