"""Plain-text rendering of tables 二、三、四."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reports.format import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    OUTCOME_GROUPS,
    PROACTIVE_BLOCKS,
    RESULTS_CAPTION,
    SECTIONS,
    TABLE3_NOTE,
    TABLE3_ROWS,
    empty_figures,
    fill_totals,
)
from reports.text import display_width, pad, render_text


def sample_figures() -> dict[str, Any]:
    figures = empty_figures()
    rows = figures["applications"]["rows"]
    rows["new"].update(natural_person=1234, legal_services=7)
    rows["disclosed"].update(natural_person=1000, legal_services=7)
    rows["other_fee_unpaid"]["natural_person"] = 34
    rows["carried_forward"]["natural_person"] = 200
    figures["proactive"]["rule"].update(issued=3, repealed=1, in_force=42)
    figures["proactive"]["fees"]["amount_10k_yuan"] = Decimal("12.0350")
    figures["appeals"]["litigation_after_review"].update(upheld=2, pending=1)
    return fill_totals(figures)


def render(scope: str = "organ") -> str:
    return render_text(sample_figures(), organ_name="测试市人民政府", year=2025, scope=scope)


def line_with(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(label))


class TestDisplayWidth:
    @pytest.mark.parametrize(
        ("text", "width"),
        [("", 0), ("abc", 3), ("自然人", 6), ("（七）总计", 10), ("3.危及“三安全一稳定”", 20)],
    )
    def test_cjk_characters_take_two_cells(self, text: str, width: int) -> None:
        assert display_width(text) == width

    def test_pad_counts_display_cells(self) -> None:
        assert pad("总计", 6) == "总计  "
        assert pad("12", 6, "right") == "    12"
        assert pad("总计", 8, "center") == "  总计  "


class TestRenderText:
    def test_title_and_statistical_period(self) -> None:
        lines = render().splitlines()
        assert lines[0] == "测试市人民政府2025年政府信息公开工作年度报告"
        assert "本报告中所列数据统计期限为2025年1月1日至12月31日。" in lines

    def test_consolidated_scope_is_stated_in_the_title(self) -> None:
        title = render("tree").splitlines()[0]
        assert title == "测试市人民政府2025年政府信息公开工作年度报告（本机关及所属机关汇总）"

    def test_contains_the_three_table_headings_only(self) -> None:
        text = render()
        for section in SECTIONS:
            assert (section.heading in text) == (section.kind == "table")

    def test_contains_every_table3_row_label_and_group(self) -> None:
        text = render()
        for row in TABLE3_ROWS:
            assert row.label in text
        for group in OUTCOME_GROUPS:
            assert group.label in text
        assert RESULTS_CAPTION in text
        assert TABLE3_NOTE in text

    def test_contains_every_header_of_tables_two_and_four(self) -> None:
        text = render()
        labels = [c.label for c in APPLICANT_COLUMNS] + ["法人或其他组织", "申请人情况"]
        for block in PROACTIVE_BLOCKS:
            labels += [block.caption, *(r.label for r in block.rows)]
            labels += [c.label for c in block.columns]
        labels += [k.label for k in APPEAL_KINDS] + [r.label for r in APPEAL_RESULTS]
        labels += ["行政诉讼", "信息内容"]
        for label in labels:
            assert label in text, label

    def test_rows_show_their_numbers_in_column_order(self) -> None:
        text = render()
        assert line_with(text, "一、本年新收").split()[1:] == [
            "1234",
            "0",
            "0",
            "0",
            "7",
            "0",
            "1241",
        ]
        assert line_with(text, "  （七）总计").split()[1:] == [
            "1034",
            "0",
            "0",
            "0",
            "7",
            "0",
            "1041",
        ]
        assert line_with(text, "规章").split() == ["规章", "3", "1", "42"]
        assert line_with(text, "行政事业性收费").split() == ["行政事业性收费", "12.0350"]
        assert line_with(text, "  复议后起诉").split() == ["复议后起诉", "2", "0", "0", "1", "3"]

    def test_numeric_columns_of_table_three_are_aligned(self) -> None:
        text = render()
        body = [line for line in text.splitlines() if line.endswith(("1241", "1041", "200"))]
        assert len(body) == 3
        assert len({display_width(line) for line in body}) == 1
        # The long labels and the short ones reach the same column.
        long_row = line_with(text, "    2.申请人逾期未按收费通知要求缴纳费用")
        assert display_width(long_row) == display_width(body[0])

    def test_group_label_lines_carry_no_numbers(self) -> None:
        text = render()
        assert line_with(text, "  （三）不予公开").strip() == "（三）不予公开"
        assert line_with(text, RESULTS_CAPTION).strip() == RESULTS_CAPTION

    def test_ends_with_a_newline(self) -> None:
        assert render().endswith("\n")
