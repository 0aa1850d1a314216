"""信息处理费 scales of 国办函〔2020〕109号, with the worked examples of regulation.md §3.5."""

from __future__ import annotations

from decimal import Decimal

import pytest

from requests_app.fees import per_item_fee, per_item_fees, per_item_month_total, per_page_fee


@pytest.mark.parametrize(
    ("nth", "fee"),
    [
        (1, 0),
        (10, 0),  # 第四条（一）: 10件以下（含10件）不收费
        (11, 100),  # 第四条（二）
        (30, 100),
        (31, 200),  # 第四条（三）: from the 31st, +100元 per band of 10
        (35, 200),  # regulation.md §3.5(a)
        (40, 200),
        (41, 300),
        (50, 300),
        (51, 400),
        (60, 400),
        (61, 500),
    ],
)
def test_per_item_fee_of_the_nth_application_in_a_month(nth, fee):
    assert per_item_fee(nth) == Decimal(fee)


@pytest.mark.parametrize(
    ("count", "total"),
    [
        (0, 0),
        (10, 0),
        (11, 100),
        (30, 2000),
        (35, 3000),  # regulation.md §3.5(a): 20 × 100 + 5 × 200
        (40, 4000),
        (41, 4300),
    ],
)
def test_per_item_month_total_is_progressive(count, total):
    assert per_item_month_total(count) == Decimal(total)


@pytest.mark.parametrize(
    ("already", "pieces", "fee"),
    [
        (0, 10, 0),
        (9, 2, 100),  # the 10th is free, the 11th is not
        (29, 2, 300),  # the 30th at 100, the 31st at 200
        (34, 1, 200),  # the same as per_item_fee(35)
        (5, 0, 0),
    ],
)
def test_per_item_fees_for_an_application_split_into_pieces(already, pieces, fee):
    assert per_item_fees(already, pieces) == Decimal(fee)


@pytest.mark.parametrize(
    ("pages", "fee"),
    [
        (0, 0),
        (30, 0),  # 第五条（一）: 30页以下（含30页）不收费
        (31, 10),
        (100, 700),  # 70 × 10
        (101, 720),
        (150, 1700),  # regulation.md §3.5(b): 70 × 10 + 50 × 20
        (200, 2700),
        (201, 2740),
        (250, 4700),  # 70 × 10 + 100 × 20 + 50 × 40
    ],
)
def test_per_page_fee_is_marginal_by_band(pages, fee):
    assert per_page_fee(pages) == Decimal(fee)


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (per_item_fee, (0,)),
        (per_item_fee, (-1,)),
        (per_item_month_total, (-1,)),
        (per_item_fees, (-1, 1)),
        (per_item_fees, (1, -1)),
        (per_page_fee, (-1,)),
    ],
)
def test_negative_or_zero_position_is_rejected(function, args):
    with pytest.raises(ValueError):
        function(*args)


def test_fees_are_decimals():
    assert isinstance(per_item_fee(35), Decimal)
    assert isinstance(per_page_fee(150), Decimal)
