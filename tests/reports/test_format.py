"""The national format of the annual report as data (regulation.md §2.2–2.5, api.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.format import (
    APPEAL_KIND_KEYS,
    APPEAL_KINDS,
    APPEAL_RESULT_KEYS,
    APPEAL_RESULTS,
    APPLICANT_COLUMN_KEYS,
    APPLICANT_COLUMNS,
    APPLICANT_HEADER,
    APPLICANT_TYPE_KEYS,
    MANUAL_PROACTIVE_ROWS,
    OUTCOME_CODES,
    OUTCOME_GROUPS,
    OUTCOMES,
    OUTCOMES_BY_CODE,
    OVERVIEW_SUBHEADINGS,
    PROACTIVE_BLOCKS,
    RESULTS_ROWSPAN,
    SECTIONS,
    TABLE3_NOTE,
    TABLE3_ROW_KEYS,
    TABLE3_ROWS,
    TABLE3_ROWS_BY_KEY,
    TABLE_SECTION_KEYS,
    TEXT_SECTION_KEYS,
    empty_figures,
    fill_totals,
)

# api.md "Outcomes": code and Chinese wording, in order.
API_OUTCOMES = [
    ("disclosed", "予以公开"),
    ("partially_disclosed", "部分公开"),
    ("withheld_state_secret", "属于国家秘密"),
    ("withheld_prohibited", "其他法律行政法规禁止公开"),
    ("withheld_security", '危及"三安全一稳定"'),
    ("withheld_third_party", "保护第三方合法权益"),
    ("withheld_internal", "属于三类内部事务信息"),
    ("withheld_process", "属于四类过程性信息"),
    ("withheld_enforcement", "属于行政执法案卷"),
    ("withheld_query", "属于行政查询事项"),
    ("unavailable_not_held", "本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "没有现成信息需要另行制作"),
    ("unavailable_unclear", "补正后申请内容仍不明确"),
    ("rejected_petition", "信访举报投诉类申请"),
    ("rejected_repeated", "重复申请"),
    ("rejected_publication", "要求提供公开出版物"),
    ("rejected_mass", "无正当理由大量反复申请"),
    ("rejected_confirmation", "要求行政机关确认或重新出具已获取信息"),
    (
        "other_correction_lapsed",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other_fee_unpaid",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("other_other", "其他"),
]

# regulation.md §2.4 "Rows (exact wording and numbering)": key, ref, label, group label.
TABLE3_EXPECTED = [
    ("new", "R1", "一、本年新收政府信息公开申请数量", None),
    ("carried_over", "R2", "二、上年结转政府信息公开申请数量", None),
    ("disclosed", "R3.1", "（一）予以公开", None),
    (
        "partially_disclosed",
        "R3.2",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        None,
    ),
    ("withheld_state_secret", "R3.3.1", "1.属于国家秘密", "（三）不予公开"),
    ("withheld_prohibited", "R3.3.2", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    ("withheld_security", "R3.3.3", "3.危及“三安全一稳定”", "（三）不予公开"),
    ("withheld_third_party", "R3.3.4", "4.保护第三方合法权益", "（三）不予公开"),
    ("withheld_internal", "R3.3.5", "5.属于三类内部事务信息", "（三）不予公开"),
    ("withheld_process", "R3.3.6", "6.属于四类过程性信息", "（三）不予公开"),
    ("withheld_enforcement", "R3.3.7", "7.属于行政执法案卷", "（三）不予公开"),
    ("withheld_query", "R3.3.8", "8.属于行政查询事项", "（三）不予公开"),
    ("unavailable_not_held", "R3.4.1", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    ("unavailable_needs_creation", "R3.4.2", "2.没有现成信息需要另行制作", "（四）无法提供"),
    ("unavailable_unclear", "R3.4.3", "3.补正后申请内容仍不明确", "（四）无法提供"),
    ("rejected_petition", "R3.5.1", "1.信访举报投诉类申请", "（五）不予处理"),
    ("rejected_repeated", "R3.5.2", "2.重复申请", "（五）不予处理"),
    ("rejected_publication", "R3.5.3", "3.要求提供公开出版物", "（五）不予处理"),
    ("rejected_mass", "R3.5.4", "4.无正当理由大量反复申请", "（五）不予处理"),
    (
        "rejected_confirmation",
        "R3.5.5",
        "5.要求行政机关确认或重新出具已获取信息",
        "（五）不予处理",
    ),
    (
        "other_correction_lapsed",
        "R3.6.1",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    (
        "other_fee_unpaid",
        "R3.6.2",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    ("other_other", "R3.6.3", "3.其他", "（六）其他处理"),
    ("results_total", "R3.7", "（七）总计", None),
    ("carried_forward", "R4", "四、结转下年度继续办理", None),
]


class TestSections:
    def test_six_headings_in_order_verbatim(self) -> None:
        assert [s.heading for s in SECTIONS] == [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
        ]

    def test_text_sections_are_the_api_keys_for_one_five_and_six(self) -> None:
        assert TEXT_SECTION_KEYS == ("overview", "problems", "other")
        assert TABLE_SECTION_KEYS == ("proactive", "applications", "appeals")
        assert [s.heading[0] for s in SECTIONS if s.kind == "text"] == ["一", "五", "六"]

    def test_overview_has_the_five_subheadings(self) -> None:
        assert OVERVIEW_SUBHEADINGS == (
            "（一）主动公开",
            "（二）依申请公开",
            "（三）政府信息管理",
            "（四）政府信息公开平台建设",
            "（五）监督保障",
        )


class TestApplicantColumns:
    def test_seven_columns_in_api_order(self) -> None:
        assert APPLICANT_COLUMN_KEYS == (
            "natural_person",
            "commercial",
            "research",
            "nonprofit",
            "legal_services",
            "other_org",
            "total",
        )
        assert APPLICANT_TYPE_KEYS == APPLICANT_COLUMN_KEYS[:6]

    def test_labels_and_organisation_group(self) -> None:
        assert [(c.label, c.group) for c in APPLICANT_COLUMNS] == [
            ("自然人", None),
            ("商业企业", "法人或其他组织"),
            ("科研机构", "法人或其他组织"),
            ("社会公益组织", "法人或其他组织"),
            ("法律服务机构", "法人或其他组织"),
            ("其他", "法人或其他组织"),
            ("总计", None),
        ]

    def test_header_has_no_organisation_subtotal_column(self) -> None:
        assert [(g.label, g.colspan) for g in APPLICANT_HEADER] == [
            ("自然人", 1),
            ("法人或其他组织", 5),
            ("总计", 1),
        ]
        covered = [key for group in APPLICANT_HEADER for key in group.columns]
        assert tuple(covered) == APPLICANT_COLUMN_KEYS


class TestOutcomes:
    def test_codes_and_labels_follow_the_api_exactly(self) -> None:
        assert [(o.code, o.label) for o in OUTCOMES] == API_OUTCOMES

    def test_there_are_twenty_one_leaf_rows(self) -> None:
        assert len(OUTCOMES) == 21
        assert len(set(OUTCOME_CODES)) == 21

    def test_group_rowspans_are_eight_three_five_three(self) -> None:
        assert [(g.label, g.rowspan) for g in OUTCOME_GROUPS] == [
            ("（三）不予公开", 8),
            ("（四）无法提供", 3),
            ("（五）不予处理", 5),
            ("（六）其他处理", 3),
        ]

    def test_groups_list_exactly_the_outcomes_that_name_them(self) -> None:
        for group in OUTCOME_GROUPS:
            assert group.codes == tuple(o.code for o in OUTCOMES if o.group == group.key)
        grouped = {code for group in OUTCOME_GROUPS for code in group.codes}
        assert {o.code for o in OUTCOMES if o.group is None} == {
            "disclosed",
            "partially_disclosed",
        }
        assert grouped | {"disclosed", "partially_disclosed"} == set(OUTCOME_CODES)

    @pytest.mark.parametrize(
        ("code", "basis"),
        [
            ("withheld_state_secret", "条例第十四条"),
            ("partially_disclosed", "条例第三十七条"),
            ("withheld_query", "条例第三十六条第（七）项"),
            ("unavailable_needs_creation", "条例第三十八条"),
            ("rejected_mass", "条例第三十五条"),
            ("other_other", None),
        ],
    )
    def test_legal_basis(self, code: str, basis: str | None) -> None:
        assert OUTCOMES_BY_CODE[code].legal_basis == basis


class TestTable3Rows:
    def test_twenty_five_rows_with_the_api_keys(self) -> None:
        assert len(TABLE3_ROWS) == 25
        assert TABLE3_ROW_KEYS == (
            "new",
            "carried_over",
            *OUTCOME_CODES,
            "results_total",
            "carried_forward",
        )

    @pytest.mark.parametrize(("key", "ref", "label", "group_label"), TABLE3_EXPECTED)
    def test_row_label_and_numbering_are_verbatim(
        self, key: str, ref: str, label: str, group_label: str | None
    ) -> None:
        row = TABLE3_ROWS_BY_KEY[key]
        assert (row.ref, row.label) == (ref, label)
        groups = {g.key: g.label for g in OUTCOME_GROUPS}
        assert (groups[row.group] if row.group else None) == group_label

    def test_rows_are_in_the_published_order(self) -> None:
        assert [(r.key, r.ref, r.label) for r in TABLE3_ROWS] == [
            (key, ref, label) for key, ref, label, _group in TABLE3_EXPECTED
        ]

    def test_results_caption_spans_twenty_two_rows(self) -> None:
        assert RESULTS_ROWSPAN == 1 + 1 + 8 + 3 + 5 + 3 + 1 == 22

    def test_balance_note_is_verbatim(self) -> None:
        assert TABLE3_NOTE == (
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        )


class TestTable2And4:
    def test_proactive_blocks(self) -> None:
        assert [
            (
                block.caption,
                [(r.key, r.label) for r in block.rows],
                [(c.key, c.label) for c in block.columns],
            )
            for block in PROACTIVE_BLOCKS
        ] == [
            (
                "第二十条第（一）项",
                [("rule", "规章"), ("normative", "行政规范性文件")],
                [
                    ("issued", "本年制发件数"),
                    ("repealed", "本年废止件数"),
                    ("in_force", "现行有效件数"),
                ],
            ),
            (
                "第二十条第（五）项",
                [("licensing", "行政许可")],
                [("decisions", "本年处理决定数量")],
            ),
            (
                "第二十条第（六）项",
                [("penalty", "行政处罚"), ("coercion", "行政强制")],
                [("decisions", "本年处理决定数量")],
            ),
            (
                "第二十条第（八）项",
                [("fees", "行政事业性收费")],
                [("amount_10k_yuan", "本年收费金额（单位：万元）")],
            ),
        ]

    def test_reporter_enters_licensing_penalty_coercion_and_fees(self) -> None:
        assert MANUAL_PROACTIVE_ROWS == ("licensing", "penalty", "coercion", "fees")

    def test_appeal_kinds_and_results(self) -> None:
        assert [(k.key, k.label, k.parent) for k in APPEAL_KINDS] == [
            ("review", "行政复议", None),
            ("litigation_direct", "未经复议直接起诉", "行政诉讼"),
            ("litigation_after_review", "复议后起诉", "行政诉讼"),
        ]
        assert [(r.key, r.label) for r in APPEAL_RESULTS] == [
            ("upheld", "结果维持"),
            ("corrected", "结果纠正"),
            ("other", "其他结果"),
            ("pending", "尚未审结"),
            ("total", "总计"),
        ]


class TestEmptyFigures:
    def test_every_cell_of_every_table_is_zero(self) -> None:
        figures = empty_figures()
        assert figures["proactive"] == {
            "rule": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative": {"issued": 0, "repealed": 0, "in_force": 0},
            "licensing": {"decisions": 0},
            "penalty": {"decisions": 0},
            "coercion": {"decisions": 0},
            "fees": {"amount_10k_yuan": Decimal("0")},
        }
        assert figures["applications"]["columns"] == list(APPLICANT_COLUMN_KEYS)
        rows = figures["applications"]["rows"]
        assert list(rows) == list(TABLE3_ROW_KEYS)
        assert all(list(row) == list(APPLICANT_COLUMN_KEYS) for row in rows.values())
        assert {value for row in rows.values() for value in row.values()} == {0}
        assert figures["appeals"] == {
            kind: dict.fromkeys(APPEAL_RESULT_KEYS, 0) for kind in APPEAL_KIND_KEYS
        }

    def test_fee_amount_is_a_decimal_and_counts_are_ints(self) -> None:
        figures = empty_figures()
        assert type(figures["proactive"]["fees"]["amount_10k_yuan"]) is Decimal
        assert type(figures["proactive"]["rule"]["issued"]) is int

    def test_each_call_returns_an_independent_structure(self) -> None:
        first = empty_figures()
        first["applications"]["rows"]["new"]["natural_person"] = 5
        assert empty_figures()["applications"]["rows"]["new"]["natural_person"] == 0


class TestFillTotals:
    def test_total_column_results_total_and_appeal_totals_are_computed(self) -> None:
        figures = empty_figures()
        rows = figures["applications"]["rows"]
        rows["new"].update(natural_person=4, commercial=2, other_org=1)
        rows["disclosed"].update(natural_person=2, research=1)
        rows["withheld_process"]["natural_person"] = 1
        rows["other_other"]["commercial"] = 3
        figures["appeals"]["review"].update(upheld=2, corrected=1, other=0, pending=4)

        filled = fill_totals(figures)

        filled_rows = filled["applications"]["rows"]
        assert filled_rows["new"]["total"] == 7
        assert filled_rows["disclosed"]["total"] == 3
        assert filled_rows["results_total"]["natural_person"] == 3
        assert filled_rows["results_total"]["commercial"] == 3
        assert filled_rows["results_total"]["research"] == 1
        assert filled_rows["results_total"]["total"] == 7
        assert filled["appeals"]["review"]["total"] == 7
        assert filled["appeals"]["litigation_direct"]["total"] == 0

    def test_stale_totals_are_overwritten(self) -> None:
        figures = empty_figures()
        figures["applications"]["rows"]["new"]["total"] = 99
        figures["applications"]["rows"]["results_total"]["natural_person"] = 99
        figures["appeals"]["review"]["total"] = 99
        filled = fill_totals(figures)
        assert filled["applications"]["rows"]["new"]["total"] == 0
        assert filled["applications"]["rows"]["results_total"]["natural_person"] == 0
        assert filled["appeals"]["review"]["total"] == 0

    def test_input_is_not_modified(self) -> None:
        figures = empty_figures()
        figures["applications"]["rows"]["new"]["natural_person"] = 5
        fill_totals(figures)
        assert figures["applications"]["rows"]["new"]["total"] == 0

    def test_missing_cells_count_as_zero_and_are_filled_in(self) -> None:
        figures = {
            "proactive": empty_figures()["proactive"],
            "applications": {"rows": {"new": {"natural_person": 2}}},
            "appeals": {"review": {"upheld": 1}},
        }
        filled = fill_totals(figures)
        assert list(filled["applications"]["rows"]) == list(TABLE3_ROW_KEYS)
        assert filled["applications"]["rows"]["new"]["total"] == 2
        assert filled["applications"]["rows"]["carried_over"]["research"] == 0
        assert filled["appeals"]["review"] == {
            "upheld": 1,
            "corrected": 0,
            "other": 0,
            "pending": 0,
            "total": 1,
        }
        assert filled["appeals"]["litigation_after_review"]["total"] == 0
