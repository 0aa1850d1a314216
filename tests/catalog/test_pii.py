"""The personal-data scan (catalog.pii): pure, no database; tables of cases."""

from __future__ import annotations

import pytest

from catalog import pii
from catalog.validators import credit_code_check_character


def resident_id(first17: str) -> str:
    return first17 + pii.id_check_character(first17)


ID = resident_id("33010219900307123")  # 330102 1990-03-07 123 + check digit
OLD_ID = "330102760307123"  # 15 digits, born 1976-03-07


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in pii.scan(text)]


def test_check_digit_follows_gb_11643() -> None:
    # The worked example of GB 11643-1999 Annex A.
    assert pii.id_check_character("11010519491231002") == "X"
    assert pii.is_resident_id("11010519491231002X")
    assert pii.is_resident_id("11010519491231002x")
    assert not pii.is_resident_id("110105194912310021")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"身份证号：{ID}", ["resident_id"]),
        (f"身份证号：{ID[:6]} {ID[6:14]} {ID[14:]}", ["resident_id"]),
        (
            f"公民身份号码{ID.translate(str.maketrans('0123456789', '０１２３４５６７８９'))}",
            ["resident_id"],
        ),
        (f"老身份证{OLD_ID}，", ["resident_id"]),
        ("联系电话：13812345678", ["mobile"]),
        ("手机 138-1234-5678；", ["mobile"]),
        ("电话+86 139 1234 5678", ["mobile"]),
        ("（+86）15912345678", ["mobile"]),
        ("卡号：6222 0212 3456 7890 128", ["bank_card"]),
        ("收款账号6222021234567890128", ["bank_card"]),
        ("邮箱：zhang.san@example.cn", ["email"]),
    ],
)
def test_personal_data_is_found(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected


def credit_code(first17: str) -> str:
    return first17 + credit_code_check_character(first17)


@pytest.mark.parametrize(
    "text",
    [
        # 统一社会信用代码 are not personal data, even an all-digit one that is also a
        # well-formed ID number.
        f"统一社会信用代码：{credit_code('91330100MA2H3K4L5')}",
        f"统一社会信用代码：{credit_code('11330100002491588')}",
        "临政办发〔2026〕12号",
        "索引号：002491588/2026-00012",
        "2026年3月2日",
        "联系电话：0571-87654321",
        "电话（0571）87654321转8001",
        "罚款人民币13000000元",
        "订单号20260302123456789012",
        "营业执照注册号：330100000123456",
        # Wrong check digit: not an ID number (a typo, or another kind of number).
        ID[:-1] + ("0" if ID[-1] != "0" else "1"),
        # Already masked.
        "3301**********1234，138****5678",
        "1234567812345678",  # Luhn-valid but no issuer prefix and no account label
    ],
)
def test_numbers_that_are_not_personal_data_are_not_flagged(text: str) -> None:
    assert kinds(text) == []


def test_id_number_labelled_as_a_credit_code_is_not_flagged_but_unlabelled_is() -> None:
    # One in 31 valid ID numbers also passes the GB 32100 check of a credit code.
    candidates = (resident_id(f"11010519900101{i:03d}") for i in range(1000))
    number = next(n for n in candidates if pii._credit_code_valid(n))
    assert kinds(f"统一社会信用代码：{number}") == []
    assert kinds(f"身份证：{number}") == ["resident_id"]


@pytest.mark.parametrize(
    ("value", "kind", "masked"),
    [
        (ID, "resident_id", ID[:4] + "*" * 10 + ID[-4:]),
        ("13812345678", "mobile", "138****5678"),
        ("138-1234-5678", "mobile", "138-****-5678"),
        ("+86 139 1234 5678", "mobile", "+86 139 **** 5678"),
        ("6222021234567890128", "bank_card", "6222***********0128"),
        ("zhang.san@example.cn", "email", "z********@example.cn"),
    ],
)
def test_mask_keeps_the_ends_and_the_length(value: str, kind: str, masked: str) -> None:
    assert pii.mask(value, kind) == masked
    assert len(pii.mask(value, kind)) == len(value)


def test_excerpt_shows_context_with_every_number_masked() -> None:
    text = f"低保对象：张某某，身份证号{ID}，电话13812345678，保障人数2人。"
    report = pii.report(text, "body")
    assert [r["kind"] for r in report] == ["resident_id", "mobile"]
    for row in report:
        assert row["where"] == "body"
        assert ID not in row["excerpt"] and "13812345678" not in row["excerpt"]
        # Not even the neighbour cut in half at the window's edge.
        assert ID[4:14] not in row["excerpt"]
    assert "张某某，身份证号3301**********" in report[0]["excerpt"]


def test_a_long_roster_is_reported_whole_with_the_same_excerpts_as_one_by_one() -> None:
    """A 5,000-row 名单 in a released spreadsheet: every number found once, each excerpt the
    one ``excerpt`` gives alone (the batched path only skips the quadratic work)."""
    rows = []
    for n in range(5000):
        birth = f"19{50 + n % 50:02d}{1 + n % 12:02d}{1 + n % 28:02d}"
        rows.append(f"{n + 1}\t李{n}\t{resident_id(f'330102{birth}{n % 1000:03d}')}")
        rows.append(f"\t1{38 + n % 2}{n:08d}\t幸福村{n}号")
    text = "\n".join(rows)
    found = pii.scan(text)
    assert [f.kind for f in found].count("resident_id") == 5000
    assert [f.kind for f in found].count("mobile") == 5000
    report = pii.report(text, "attachment:名单.xlsx")
    assert len(report) == 10000
    for index in (0, 1, 2, 4999, 5000, 9998, 9999):
        assert report[index]["excerpt"] == pii.excerpt(text, found[index], found)
    # Numbers side by side: each one's excerpt masks its neighbours too.
    packed = f"{ID}，{ID}、13812345678、13912345678"
    packed_found = pii.scan(packed)
    assert [f.kind for f in packed_found] == ["resident_id", "resident_id", "mobile", "mobile"]
    for finding, shown in zip(packed_found, pii.excerpts(packed, packed_found), strict=True):
        assert shown == pii.excerpt(packed, finding, packed_found)
        assert ID not in shown and "13812345678" not in shown and "13912345678" not in shown


def test_numbers_split_by_inline_tags_are_found_and_masked_in_place() -> None:
    body = (
        f"<p>身份证号<strong>{ID[:6]}</strong>{ID[6:]}</p>"
        "<table><tr><td>13812345678</td></tr></table>"
    )
    _text, found = pii.scan_html(body)
    assert [f.kind for f in found] == ["resident_id", "mobile"]
    masked, count = pii.mask_html(body)
    assert count == 2
    assert masked == (
        f"<p>身份证号<strong>{ID[:4]}**</strong>********{ID[-4:]}</p>"
        "<table><tr><td>138****5678</td></tr></table>"
    )
    assert pii.scan_html(masked)[1] == []


def test_adjacent_table_cells_do_not_run_into_one_number() -> None:
    # Two cells of digits side by side must not be read as a 19-digit card number.
    body = "<table><tr><td>62220212</td><td>34567890128</td></tr></table>"
    assert pii.scan_html(body)[1] == []
