"""The national format of the 政府信息公开工作年度报告, as data.

Source: 国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》, applied from the
2021 reports onward (条例第五十条 authorises the national authority to set the format). Every label
below is the published wording (regulation.md §2.2–2.5); renderers, exports, the API and the
checks all read these tables instead of repeating the strings.

Figures follow the shape of the public API (api.md, "Annual report"):

- ``proactive``: table 二, ``{row: {column: value}}``;
- ``applications``: table 三, ``{"columns": [...], "rows": {row: {column: count}}}``;
- ``appeals``: table 四, ``{kind: {result: count}}``.

Counts are ``int``. The one money figure, ``proactive.fees.amount_10k_yuan`` (万元, may be
fractional), is a ``decimal.Decimal`` here; the JSON layer serialises it.

This module uses only the standard library.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

# ---------------------------------------------------------------------------
# Section headings (regulation.md §2.2)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One of the six numbered sections of the report."""

    key: str
    heading: str
    kind: Literal["text", "table"]


SECTIONS: tuple[Section, ...] = (
    Section("overview", "一、总体情况", "text"),
    Section("proactive", "二、主动公开政府信息情况", "table"),
    Section("applications", "三、收到和处理政府信息公开申请情况", "table"),
    Section("appeals", "四、政府信息公开行政复议、行政诉讼情况", "table"),
    Section("problems", "五、存在的主要问题及改进情况", "text"),
    Section("other", "六、其他需要报告的事项", "text"),
)
SECTIONS_BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}

# api.md: ``sections`` carries 一、五、六 as text; 二、三、四 are the statutory tables.
TEXT_SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS if s.kind == "text")
TABLE_SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS if s.kind == "table")

# 国办公开办函〔2021〕30号 一（一）: 总体情况 covers these five aspects.
OVERVIEW_SUBHEADINGS: tuple[str, ...] = (
    "（一）主动公开",
    "（二）依申请公开",
    "（三）政府信息管理",
    "（四）政府信息公开平台建设",
    "（五）监督保障",
)


def report_title(organ_name: str, year: int) -> str:
    """The customary title "XX（机关全称）XXXX年政府信息公开工作年度报告"."""
    return f"{organ_name}{year}年政府信息公开工作年度报告"


def statistical_period(year: int) -> str:
    """The opening sentence stating the statistical period (calendar year)."""
    return f"本报告中所列数据统计期限为{year}年1月1日至12月31日。"


# ---------------------------------------------------------------------------
# Table 二 主动公开政府信息情况 (regulation.md §2.3)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A (key, label) pair: a row or a column of a table."""

    key: str
    label: str


@dataclass(frozen=True)
class ProactiveBlock:
    """One block of table 二: a caption row, a header row and its data rows."""

    caption: str
    rows: tuple[Field, ...]
    columns: tuple[Field, ...]
    # Entered by the reporter rather than computed from the catalog (domain.md).
    manual: bool


PROACTIVE_CONTENT_HEADER = "信息内容"

_DOCUMENT_COLUMNS = (
    Field("issued", "本年制发件数"),
    Field("repealed", "本年废止件数"),
    Field("in_force", "现行有效件数"),
)
_DECISIONS_COLUMNS = (Field("decisions", "本年处理决定数量"),)

PROACTIVE_BLOCKS: tuple[ProactiveBlock, ...] = (
    # 条例第二十条第（一）项: 行政法规、规章和规范性文件
    ProactiveBlock(
        "第二十条第（一）项",
        (Field("rule", "规章"), Field("normative", "行政规范性文件")),
        _DOCUMENT_COLUMNS,
        manual=False,
    ),
    # 条例第二十条第（五）项: 办理行政许可和其他对外管理服务事项
    ProactiveBlock(
        "第二十条第（五）项",
        (Field("licensing", "行政许可"),),
        _DECISIONS_COLUMNS,
        manual=True,
    ),
    # 条例第二十条第（六）项: 实施行政处罚、行政强制
    ProactiveBlock(
        "第二十条第（六）项",
        (Field("penalty", "行政处罚"), Field("coercion", "行政强制")),
        _DECISIONS_COLUMNS,
        manual=True,
    ),
    # 条例第二十条第（八）项: 行政事业性收费
    ProactiveBlock(
        "第二十条第（八）项",
        (Field("fees", "行政事业性收费"),),
        (Field("amount_10k_yuan", "本年收费金额（单位：万元）"),),
        manual=True,
    ),
)

# The widest block has three value columns; single-value blocks span them.
PROACTIVE_VALUE_COLUMNS = 3

# Cells that hold money rather than a count.
MONEY_CELLS: frozenset[tuple[str, str]] = frozenset({("fees", "amount_10k_yuan")})
# 万元 with at most four decimals is exact to the yuan.
FEE_DECIMAL_PLACES = 4


def proactive_cells() -> list[tuple[ProactiveBlock, Field, Field]]:
    """Every cell of table 二 in reading order, as (block, row, column)."""
    return [
        (block, row, column)
        for block in PROACTIVE_BLOCKS
        for row in block.rows
        for column in block.columns
    ]


MANUAL_PROACTIVE_ROWS: tuple[str, ...] = tuple(
    row.key for block in PROACTIVE_BLOCKS if block.manual for row in block.rows
)

# ---------------------------------------------------------------------------
# Table 三 收到和处理政府信息公开申请情况 (regulation.md §2.4)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantColumn:
    """A numeric column of table 三; ``group`` is the second-level header, if any."""

    key: str
    label: str
    group: str | None


APPLICANTS_CAPTION = "申请人情况"
ORGANISATION_GROUP = "法人或其他组织"

APPLICANT_COLUMNS: tuple[ApplicantColumn, ...] = (
    ApplicantColumn("natural_person", "自然人", None),
    ApplicantColumn("commercial", "商业企业", ORGANISATION_GROUP),
    ApplicantColumn("research", "科研机构", ORGANISATION_GROUP),
    ApplicantColumn("nonprofit", "社会公益组织", ORGANISATION_GROUP),
    ApplicantColumn("legal_services", "法律服务机构", ORGANISATION_GROUP),
    ApplicantColumn("other_org", "其他", ORGANISATION_GROUP),
    ApplicantColumn("total", "总计", None),
)
APPLICANT_COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in APPLICANT_COLUMNS)
APPLICANT_COLUMN_LABELS: dict[str, str] = {c.key: c.label for c in APPLICANT_COLUMNS}
# The six applicant types (api.md ``applicant_type``); 总计 is their sum (F3).
APPLICANT_TYPE_KEYS: tuple[str, ...] = APPLICANT_COLUMN_KEYS[:-1]
TOTAL_COLUMN = "total"


@dataclass(frozen=True)
class HeaderGroup:
    """A cell of the middle header row; spans its ``columns`` (no subtotal column)."""

    label: str
    columns: tuple[str, ...]

    @property
    def colspan(self) -> int:
        return len(self.columns)


# 自然人 | 法人或其他组织（商业企业 … 其他）| 总计. 自然人 and 总计 span the two lower header rows.
APPLICANT_HEADER: tuple[HeaderGroup, ...] = (
    HeaderGroup("自然人", ("natural_person",)),
    HeaderGroup(
        ORGANISATION_GROUP,
        ("commercial", "research", "nonprofit", "legal_services", "other_org"),
    ),
    HeaderGroup("总计", ("total",)),
)

# The note in the top-left header cell; "本列" = it holds per column (rule F1).
TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class Outcome:
    """An answer outcome and the leaf row of table 三 it is counted in.

    ``label`` is the short wording used in the portal (api.md); ``row_label`` is the verbatim row
    text of the format; ``ref`` is regulation.md's row code (R3.3.1 = 三（三）1).
    """

    code: str
    label: str
    row_label: str
    ref: str
    group: str | None
    legal_basis: str | None


@dataclass(frozen=True)
class OutcomeGroup:
    """A group label of rows 三（三）–（六): spans its sub-rows and has no subtotal row."""

    key: str
    label: str
    codes: tuple[str, ...]

    @property
    def rowspan(self) -> int:
        return len(self.codes)


OUTCOME_GROUPS: tuple[OutcomeGroup, ...] = (
    OutcomeGroup(
        "withheld",
        "（三）不予公开",
        (
            "withheld_state_secret",
            "withheld_prohibited",
            "withheld_security",
            "withheld_third_party",
            "withheld_internal",
            "withheld_process",
            "withheld_enforcement",
            "withheld_query",
        ),
    ),
    OutcomeGroup(
        "unavailable",
        "（四）无法提供",
        ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"),
    ),
    OutcomeGroup(
        "rejected",
        "（五）不予处理",
        (
            "rejected_petition",
            "rejected_repeated",
            "rejected_publication",
            "rejected_mass",
            "rejected_confirmation",
        ),
    ),
    OutcomeGroup(
        "other",
        "（六）其他处理",
        ("other_correction_lapsed", "other_fee_unpaid", "other_other"),
    ),
)
OUTCOME_GROUPS_BY_KEY: dict[str, OutcomeGroup] = {g.key: g for g in OUTCOME_GROUPS}

# Legal bases are our reading of which article each row reflects (regulation.md §2.6, [D]).
OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "disclosed",
        "予以公开",
        "（一）予以公开",
        "R3.1",
        None,
        "条例第三十六条第（一）项、第（二）项",
    ),
    Outcome(
        "partially_disclosed",
        "部分公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "R3.2",
        None,
        "条例第三十七条",
    ),
    Outcome(
        "withheld_state_secret",
        "属于国家秘密",
        "1.属于国家秘密",
        "R3.3.1",
        "withheld",
        "条例第十四条",
    ),
    Outcome(
        "withheld_prohibited",
        "其他法律行政法规禁止公开",
        "2.其他法律行政法规禁止公开",
        "R3.3.2",
        "withheld",
        "条例第十四条",
    ),
    Outcome(
        "withheld_security",
        '危及"三安全一稳定"',
        "3.危及“三安全一稳定”",
        "R3.3.3",
        "withheld",
        "条例第十四条",
    ),
    Outcome(
        "withheld_third_party",
        "保护第三方合法权益",
        "4.保护第三方合法权益",
        "R3.3.4",
        "withheld",
        "条例第十五条、第三十二条",
    ),
    Outcome(
        "withheld_internal",
        "属于三类内部事务信息",
        "5.属于三类内部事务信息",
        "R3.3.5",
        "withheld",
        "条例第十六条第一款",
    ),
    Outcome(
        "withheld_process",
        "属于四类过程性信息",
        "6.属于四类过程性信息",
        "R3.3.6",
        "withheld",
        "条例第十六条第二款",
    ),
    Outcome(
        "withheld_enforcement",
        "属于行政执法案卷",
        "7.属于行政执法案卷",
        "R3.3.7",
        "withheld",
        "条例第十六条第二款",
    ),
    Outcome(
        "withheld_query",
        "属于行政查询事项",
        "8.属于行政查询事项",
        "R3.3.8",
        "withheld",
        "条例第三十六条第（七）项",
    ),
    Outcome(
        "unavailable_not_held",
        "本机关不掌握相关政府信息",
        "1.本机关不掌握相关政府信息",
        "R3.4.1",
        "unavailable",
        "条例第三十六条第（四）项、第（五）项",
    ),
    Outcome(
        "unavailable_needs_creation",
        "没有现成信息需要另行制作",
        "2.没有现成信息需要另行制作",
        "R3.4.2",
        "unavailable",
        "条例第三十八条",
    ),
    Outcome(
        "unavailable_unclear",
        "补正后申请内容仍不明确",
        "3.补正后申请内容仍不明确",
        "R3.4.3",
        "unavailable",
        "条例第三十条",
    ),
    Outcome(
        "rejected_petition",
        "信访举报投诉类申请",
        "1.信访举报投诉类申请",
        "R3.5.1",
        "rejected",
        "条例第三十九条第一款",
    ),
    Outcome(
        "rejected_repeated",
        "重复申请",
        "2.重复申请",
        "R3.5.2",
        "rejected",
        "条例第三十六条第（六）项",
    ),
    Outcome(
        "rejected_publication",
        "要求提供公开出版物",
        "3.要求提供公开出版物",
        "R3.5.3",
        "rejected",
        "条例第三十九条第二款",
    ),
    Outcome(
        "rejected_mass",
        "无正当理由大量反复申请",
        "4.无正当理由大量反复申请",
        "R3.5.4",
        "rejected",
        "条例第三十五条",
    ),
    Outcome(
        "rejected_confirmation",
        "要求行政机关确认或重新出具已获取信息",
        "5.要求行政机关确认或重新出具已获取信息",
        "R3.5.5",
        "rejected",
        None,  # a category of practice, no single article
    ),
    Outcome(
        "other_correction_lapsed",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "R3.6.1",
        "other",
        "条例第三十条",
    ),
    Outcome(
        "other_fee_unpaid",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "R3.6.2",
        "other",
        "《政府信息公开信息处理费管理办法》",
    ),
    Outcome(
        "other_other",
        "其他",
        "3.其他",
        "R3.6.3",
        "other",
        None,  # e.g. the applicant withdrew
    ),
)
OUTCOMES_BY_CODE: dict[str, Outcome] = {o.code: o for o in OUTCOMES}
OUTCOME_CODES: tuple[str, ...] = tuple(o.code for o in OUTCOMES)
# For Django ``choices``.
OUTCOME_CHOICES: tuple[tuple[str, str], ...] = tuple((o.code, o.label) for o in OUTCOMES)


@dataclass(frozen=True)
class Table3Row:
    """A numbered row of table 三 (``ref`` as in regulation.md: R1, R3.7 …)."""

    key: str
    label: str
    ref: str
    group: str | None = None


RESULTS_CAPTION = "三、本年度办理结果"
RESULTS_TOTAL = "results_total"

TABLE3_ROWS: tuple[Table3Row, ...] = (
    Table3Row("new", "一、本年新收政府信息公开申请数量", "R1"),
    Table3Row("carried_over", "二、上年结转政府信息公开申请数量", "R2"),
    *(Table3Row(o.code, o.row_label, o.ref, o.group) for o in OUTCOMES),
    Table3Row(RESULTS_TOTAL, "（七）总计", "R3.7"),
    Table3Row("carried_forward", "四、结转下年度继续办理", "R4"),
)
TABLE3_ROW_KEYS: tuple[str, ...] = tuple(r.key for r in TABLE3_ROWS)
TABLE3_ROWS_BY_KEY: dict[str, Table3Row] = {r.key: r for r in TABLE3_ROWS}
# 三、本年度办理结果 spans the 21 leaf rows and （七）总计 (1+1+8+3+5+3+1 = 22).
RESULTS_ROWSPAN = len(OUTCOMES) + 1

# ---------------------------------------------------------------------------
# Table 四 政府信息公开行政复议、行政诉讼情况 (regulation.md §2.5)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealKind:
    """A block of table 四; both litigation blocks sit under 行政诉讼."""

    key: str
    label: str
    parent: str | None


LITIGATION_CAPTION = "行政诉讼"

APPEAL_KINDS: tuple[AppealKind, ...] = (
    AppealKind("review", "行政复议", None),
    AppealKind("litigation_direct", "未经复议直接起诉", LITIGATION_CAPTION),
    AppealKind("litigation_after_review", "复议后起诉", LITIGATION_CAPTION),
)
APPEAL_KIND_KEYS: tuple[str, ...] = tuple(k.key for k in APPEAL_KINDS)

APPEAL_RESULTS: tuple[Field, ...] = (
    Field("upheld", "结果维持"),
    Field("corrected", "结果纠正"),
    Field("other", "其他结果"),
    Field("pending", "尚未审结"),
    Field("total", "总计"),
)
APPEAL_RESULT_KEYS: tuple[str, ...] = tuple(r.key for r in APPEAL_RESULTS)
# The four results that add up to 总计 (rule F7).
APPEAL_PART_KEYS: tuple[str, ...] = APPEAL_RESULT_KEYS[:-1]

# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

Figures = dict[str, Any]


def empty_figures() -> Figures:
    """The complete figures of a report with nothing to report: every cell present, all zero.

    The fee amount is ``Decimal("0")``; every other cell is ``int`` 0.
    """
    proactive: dict[str, dict[str, int | Decimal]] = {}
    for _block, row, column in proactive_cells():
        zero: int | Decimal = Decimal("0") if (row.key, column.key) in MONEY_CELLS else 0
        proactive.setdefault(row.key, {})[column.key] = zero
    return {
        "proactive": proactive,
        "applications": {
            "columns": list(APPLICANT_COLUMN_KEYS),
            "rows": {row: dict.fromkeys(APPLICANT_COLUMN_KEYS, 0) for row in TABLE3_ROW_KEYS},
        },
        "appeals": {kind: dict.fromkeys(APPEAL_RESULT_KEYS, 0) for kind in APPEAL_KIND_KEYS},
    }


def fill_totals(figures: Figures) -> Figures:
    """Return a copy of ``figures`` with every derived cell computed from its parts.

    - ``results_total`` = the sum of the 21 outcome rows (rule F2), per applicant type;
    - the ``total`` column = the sum of the six applicant types (rule F3), on every row;
    - each appeal kind's ``total`` = its four results (rule F7).

    A missing row or cell of tables 三 and 四 counts as 0 and is filled in; table 二 is copied
    unchanged. The input is not modified.
    """
    result = copy.deepcopy(figures)

    applications = result.setdefault("applications", {})
    applications["columns"] = list(APPLICANT_COLUMN_KEYS)
    rows = applications.setdefault("rows", {})
    for key in TABLE3_ROW_KEYS:
        row = rows.setdefault(key, {})
        for column in APPLICANT_COLUMN_KEYS:
            row.setdefault(column, 0)

    for column in APPLICANT_TYPE_KEYS:
        rows[RESULTS_TOTAL][column] = sum(rows[code][column] for code in OUTCOME_CODES)
    for key in TABLE3_ROW_KEYS:
        rows[key][TOTAL_COLUMN] = sum(rows[key][column] for column in APPLICANT_TYPE_KEYS)

    appeals = result.setdefault("appeals", {})
    for kind in APPEAL_KIND_KEYS:
        cells = appeals.setdefault(kind, {})
        for part in APPEAL_PART_KEYS:
            cells.setdefault(part, 0)
        cells["total"] = sum(cells[part] for part in APPEAL_PART_KEYS)

    return result
