"""Balance checks of the annual report figures (regulation.md §2.6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reports.checks import CheckFailure, check_figures, has_errors
from reports.format import APPLICANT_COLUMN_KEYS, OUTCOME_CODES, empty_figures, fill_totals

# The 2025 "测试市" fixture quoted in regulation.md §2.6 (F2, F7): the 总计 column.
FIXTURE_NEW = 14069
FIXTURE_CARRIED_OVER = 560
FIXTURE_RESULTS = [5548, 2168, 13, 30, 11, 51, 104, 85, 286, 150, 3222]
FIXTURE_RESULTS += [180, 19, 203, 148, 0, 101, 5, 318, 203, 965]
FIXTURE_CARRIED_FORWARD = 819
# Part of the fixture attributed to 商业企业 so that two columns carry data; it balances on
# its own (100 + 5 = 50 + 20 + 30 + 5), hence so does 自然人 = total − 商业企业.
COMMERCIAL = {
    "new": 100,
    "carried_over": 5,
    "disclosed": 50,
    "partially_disclosed": 20,
    "unavailable_not_held": 30,
    "carried_forward": 5,
}


def fixture_2025() -> dict[str, Any]:
    """The 2025 fixture's tables 三 and 四, split over 自然人 and 商业企业, totals filled."""
    figures = empty_figures()
    totals = {
        "new": FIXTURE_NEW,
        "carried_over": FIXTURE_CARRIED_OVER,
        **dict(zip(OUTCOME_CODES, FIXTURE_RESULTS, strict=True)),
        "carried_forward": FIXTURE_CARRIED_FORWARD,
    }
    rows = figures["applications"]["rows"]
    for key, total in totals.items():
        rows[key]["commercial"] = COMMERCIAL.get(key, 0)
        rows[key]["natural_person"] = total - COMMERCIAL.get(key, 0)
    figures["appeals"]["review"].update(upheld=376, corrected=97, other=196, pending=121)
    figures["appeals"]["litigation_direct"].update(upheld=16, corrected=1, other=12, pending=27)
    figures["appeals"]["litigation_after_review"].update(
        upheld=74, corrected=1, other=30, pending=51
    )
    return fill_totals(figures)


def small_report() -> dict[str, Any]:
    """自然人: 3 new + 1 carried over = 2 disclosed + 1 withheld + 1 carried forward."""
    figures = empty_figures()
    rows = figures["applications"]["rows"]
    rows["new"]["natural_person"] = 3
    rows["carried_over"]["natural_person"] = 1
    rows["disclosed"]["natural_person"] = 2
    rows["withheld_internal"]["natural_person"] = 1
    rows["carried_forward"]["natural_person"] = 1
    figures["proactive"]["rule"].update(issued=2, repealed=1, in_force=11)
    return fill_totals(figures)


def rules(failures: list[CheckFailure]) -> set[str]:
    return {failure.rule for failure in failures}


class TestFixture2025:
    def test_total_column_reproduces_the_published_numbers(self) -> None:
        rows = fixture_2025()["applications"]["rows"]
        assert rows["new"]["total"] == 14069
        assert rows["carried_over"]["total"] == 560
        assert [rows[code]["total"] for code in OUTCOME_CODES] == FIXTURE_RESULTS
        assert rows["results_total"]["total"] == 13810
        assert rows["carried_forward"]["total"] == 819
        assert 14069 + 560 == 13810 + 819 == 14629

    def test_appeal_totals_reproduce_the_published_numbers(self) -> None:
        appeals = fixture_2025()["appeals"]
        assert [appeals[kind]["total"] for kind in appeals] == [790, 56, 156]

    def test_fixture_passes_every_check(self) -> None:
        figures = fixture_2025()
        previous = dict(figures["applications"]["rows"]["carried_over"])
        assert check_figures(figures, previous_carried_forward=previous) == []

    def test_empty_report_passes_every_check(self) -> None:
        assert check_figures(empty_figures()) == []


class TestF1Balance:
    def test_balanced_columns_pass(self) -> None:
        assert check_figures(small_report()) == []

    def test_unbalanced_column_is_reported_with_its_numbers(self) -> None:
        figures = small_report()
        rows = figures["applications"]["rows"]
        rows["withheld_internal"]["natural_person"] = 0
        figures = fill_totals(figures)

        failures = check_figures(figures)

        assert (
            CheckFailure(
                "F1",
                "表三 一+二 ≠ 三(七)+四 / 自然人",
                "自然人列：本年新收(3)+上年结转(1)=4，但办理结果总计(2)+结转下年度(1)=3",
                "error",
            )
            in failures
        )
        assert {f.cell for f in failures} == {
            "表三 一+二 ≠ 三(七)+四 / 自然人",
            "表三 一+二 ≠ 三(七)+四 / 总计",
        }
        assert has_errors(failures)


class TestF2ResultsTotal:
    def test_results_total_that_is_not_the_sum_of_the_leaf_rows_fails(self) -> None:
        figures = small_report()
        rows = figures["applications"]["rows"]
        rows["results_total"]["natural_person"] = 2
        rows["carried_forward"]["natural_person"] = 2  # keep F1 satisfied
        rows["results_total"]["total"] = 2
        rows["carried_forward"]["total"] = 2

        failures = check_figures(figures)

        assert failures == [
            CheckFailure(
                "F2",
                "表三 三(七) ≠ 三(一)至三(六)之和 / 自然人",
                "自然人列：办理结果总计为2，但（一）至（六）各项之和为3",
            ),
            CheckFailure(
                "F2",
                "表三 三(七) ≠ 三(一)至三(六)之和 / 总计",
                "总计列：办理结果总计为2，但（一）至（六）各项之和为3",
            ),
        ]


class TestF3TotalColumn:
    def test_total_column_that_is_not_the_sum_of_six_types_fails(self) -> None:
        figures = small_report()
        rows = figures["applications"]["rows"]
        rows["disclosed"]["total"] = 5

        failures = check_figures(figures)

        assert rules(failures) == {"F2", "F3"}
        f3 = [f for f in failures if f.rule == "F3"]
        assert len(f3) == 1
        assert f3[0].cell == "表三 总计 ≠ 六类申请人之和 / （一）予以公开"
        assert f3[0].message.startswith("（一）予以公开：总计列为5，")
        assert f3[0].message.endswith("六列之和为2")

    def test_grouped_row_names_its_group(self) -> None:
        figures = small_report()
        figures["applications"]["rows"]["withheld_internal"]["total"] = 0
        f3 = [f for f in check_figures(figures) if f.rule == "F3"]
        assert [f.cell for f in f3] == [
            "表三 总计 ≠ 六类申请人之和 / （三）不予公开5.属于三类内部事务信息"
        ]


class TestF5CarryOver:
    def test_carried_over_equal_to_last_years_carried_forward_passes(self) -> None:
        previous = dict.fromkeys(APPLICANT_COLUMN_KEYS, 0) | {"natural_person": 1, "total": 1}
        assert check_figures(small_report(), previous_carried_forward=previous) == []

    def test_carried_over_different_from_last_years_carried_forward_fails(self) -> None:
        previous = dict.fromkeys(APPLICANT_COLUMN_KEYS, 0) | {"natural_person": 4, "total": 4}

        failures = check_figures(small_report(), previous_carried_forward=previous)

        assert [(f.rule, f.cell, f.message) for f in failures] == [
            (
                "F5",
                "表三 二 ≠ 上年四 / 自然人",
                "自然人列：上年结转为1，但上年度报告的结转下年度继续办理为4",
            ),
            (
                "F5",
                "表三 二 ≠ 上年四 / 总计",
                "总计列：上年结转为1，但上年度报告的结转下年度继续办理为4",
            ),
        ]

    def test_not_checked_without_last_year(self) -> None:
        figures = small_report()
        assert check_figures(figures, previous_carried_forward=None) == []


class TestF7AppealTotals:
    def test_total_that_is_not_the_sum_of_four_results_fails(self) -> None:
        figures = fixture_2025()
        figures["appeals"]["litigation_direct"]["total"] = 55

        failures = check_figures(figures)

        assert failures == [
            CheckFailure(
                "F7",
                "表四 行政诉讼 未经复议直接起诉 / 总计",
                "行政诉讼 未经复议直接起诉：总计为55，"
                "但结果维持(16)+结果纠正(1)+其他结果(12)+尚未审结(27)=56",
            )
        ]


class TestF8InForce:
    def test_consistent_in_force_count_passes(self) -> None:
        failures = check_figures(small_report(), previous_in_force={"rule": 10, "normative": 0})
        assert failures == []

    def test_inconsistent_in_force_count_is_only_a_warning(self) -> None:
        failures = check_figures(small_report(), previous_in_force={"rule": 12})

        assert [(f.rule, f.cell, f.severity) for f in failures] == [
            ("F8", "表二 规章 / 现行有效件数", "warning")
        ]
        assert failures[0].message.startswith(
            "规章：上年现行有效(12)+本年制发(2)−本年废止(1)=13，但现行有效件数为11"
        )
        assert not has_errors(failures)

    def test_not_checked_without_last_year(self) -> None:
        figures = small_report()
        figures["proactive"]["normative"]["in_force"] = 7
        assert check_figures(figures) == []


class TestValues:
    @pytest.mark.parametrize(
        ("path", "cell"),
        [
            (("proactive", "licensing", "decisions"), "表二 行政许可 / 本年处理决定数量"),
            (("proactive", "rule", "issued"), "表二 规章 / 本年制发件数"),
            (("appeals", "review", "pending"), "表四 行政复议 / 尚未审结"),
            (
                ("applications", "rows", "rejected_repeated", "research"),
                "表三 （五）不予处理2.重复申请 / 科研机构",
            ),
        ],
    )
    def test_negative_number_is_an_error(self, path: tuple[str, ...], cell: str) -> None:
        figures = empty_figures()
        node = figures
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = -1

        failures = check_figures(figures)

        assert CheckFailure("non_negative", cell, "数值不能为负数，当前为-1") in failures

    def test_negative_fee_is_an_error(self) -> None:
        figures = empty_figures()
        figures["proactive"]["fees"]["amount_10k_yuan"] = Decimal("-0.5")
        assert [(f.rule, f.cell) for f in check_figures(figures)] == [
            ("non_negative", "表二 行政事业性收费 / 本年收费金额（单位：万元）")
        ]

    @pytest.mark.parametrize(
        "amount", [Decimal("0.0380"), Decimal("12.5"), Decimal("1.23450"), 3, "0.04", 0.1]
    )
    def test_fee_with_at_most_four_decimals_passes(self, amount: object) -> None:
        figures = empty_figures()
        figures["proactive"]["fees"]["amount_10k_yuan"] = amount
        assert check_figures(figures) == []

    @pytest.mark.parametrize("amount", [Decimal("0.00001"), "1.23456"])
    def test_fee_with_more_than_four_decimals_fails(self, amount: object) -> None:
        figures = empty_figures()
        figures["proactive"]["fees"]["amount_10k_yuan"] = amount
        failures = check_figures(figures)
        assert [(f.rule, f.severity) for f in failures] == [("fee_precision", "error")]

    @pytest.mark.parametrize("amount", ["abc", Decimal("NaN"), None, True])
    def test_fee_that_is_not_a_number_fails(self, amount: object) -> None:
        figures = empty_figures()
        figures["proactive"]["fees"]["amount_10k_yuan"] = amount
        assert rules(check_figures(figures)) == {"shape"}

    @pytest.mark.parametrize("value", [1.5, "3", None, True])
    def test_count_that_is_not_an_integer_fails(self, value: object) -> None:
        figures = empty_figures()
        figures["proactive"]["penalty"]["decisions"] = value
        failures = check_figures(figures)
        assert [(f.rule, f.cell) for f in failures] == [
            ("shape", "表二 行政处罚 / 本年处理决定数量")
        ]

    def test_missing_cell_is_reported_and_left_out_of_the_arithmetic(self) -> None:
        figures = small_report()
        del figures["applications"]["rows"]["carried_forward"]["natural_person"]

        failures = check_figures(figures)

        assert [(f.rule, f.cell, f.message) for f in failures] == [
            ("shape", "表三 四、结转下年度继续办理 / 自然人", "缺少该项数据")
        ]

    def test_wrong_column_order_is_reported(self) -> None:
        figures = empty_figures()
        figures["applications"]["columns"].reverse()
        assert [(f.rule, f.cell) for f in check_figures(figures)] == [("shape", "表三 列")]
