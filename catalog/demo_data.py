"""Word lists and text builders for ``manage.py seed_demo``: a fictional 临江市 and its organs.

Everything here is invented (the city, its 行政区划代码 339900, the addresses, the
``*.linjiang.example`` domains and the telephone numbers); the wording follows the usual
shape of Chinese government documents so the demo portal looks alive. The module is pure:
``plan_items`` turns a fixed random seed into the same list of items every time, which is
what makes the command idempotent (items are keyed on organ + title).
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass, field
from typing import Any

from catalog.validators import credit_code_check_character

CITY = "临江市"
SEED = 20260101
FIRST_DAY = dt.date(2025, 1, 2)
LAST_DAY = dt.date(2026, 12, 31)
OFFICE_HOURS = "周一至周五上午9:00-12:00，下午13:30-17:00（法定节假日除外）"
GROUPINGS = (
    "机构职能",
    "政策文件",
    "规划计划",
    "财政信息",
    "人事信息",
    "统计信息",
    "行政执法",
    "工作动态",
    "通知公告",
    "政府信息公开制度",
)
AUDIENCES = ("公民", "法人", "其他组织")
RULE_SERIES = "临江市人民政府令"


# --- Organs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    phrase: str  # 工作名称: “做好2026年{phrase}工作”
    keyword: str  # 主题词
    topic: str  # 主题分类 “一级\\二级”
    article20: int  # 条例第二十条类别


def subjects(*rows: str) -> tuple[Subject, ...]:
    out = []
    for row in rows:
        phrase, keyword, topic, article20 = row.split("|")
        out.append(Subject(phrase, keyword, topic, int(article20)))
    return tuple(out)


@dataclass(frozen=True)
class OrganSpec:
    key: str  # also the prefix of the demo usernames (``edu_publisher``)
    name: str
    short_name: str
    parent: str | None
    kind: str  # government | department | subdistrict
    region: str  # 行政区划代码 (fictional)
    org_serial: int  # first 8 digits of the 组织机构代码
    doc_prefix: str  # 机关代字 of the 发文字号
    domain: str
    area: str  # 工作领域, used in texts
    address: str
    postal_code: str
    phone: str
    fax: str
    addressee: str  # 主送机关 of its notices
    weight: int  # share of the randomly planned items
    subjects: tuple[Subject, ...]
    measures: tuple[str, ...] = ()  # names of 办法 issued as 行政规范性文件
    statistics: tuple[str, ...] = ()
    penalties: int = 0
    recruits: str = ""  # who it recruits (公开招聘), empty for none
    scope_extra: str = ""

    @property
    def place(self) -> str:
        """The jurisdiction named in its documents (临江市 / 江北区)."""
        return "江北区" if self.region == "339902" else CITY

    @property
    def credit_code(self) -> str:
        return credit_code_for(self.region, self.org_serial)

    @property
    def answer_number_pattern(self) -> str:
        """答复书 numbers with the organ's own 机关代字, as real letters carry them:
        临教发 → 临教信复〔2026〕12号."""
        return self.doc_prefix.removesuffix("发") + "信复〔{year}〕{n}号"

    @property
    def email(self) -> str:
        return f"xxgk@{self.domain}.linjiang.example"

    @property
    def website(self) -> str:
        return f"https://{self.domain}.linjiang.example/"


def organisation_code(serial: int) -> str:
    """A 9-character 组织机构代码 with its GB 11714 check character."""
    body = f"{serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code_for(region: str, serial: int) -> str:
    """统一社会信用代码 of a 机关 (登记管理部门 1, 机构类别 1) per GB 32100-2015."""
    first17 = f"11{region}{organisation_code(serial)}"
    return first17 + credit_code_check_character(first17)


CITY_ADDRESSEE = "各区、县（市）人民政府，市政府各部门、各直属单位："
DISTRICT_ADDRESSEE = "各街道办事处，区政府各部门、各直属单位："

ORGANS: tuple[OrganSpec, ...] = (
    OrganSpec(
        key="city",
        name="临江市人民政府",
        short_name="市政府",
        parent=None,
        kind="government",
        region="339900",
        org_serial=24910001,
        doc_prefix="临政发",
        domain="www",
        area="经济社会发展",
        address="临江市滨江大道1号市民中心1号楼",
        postal_code="339000",
        phone="0599-88060001",
        fax="0599-88060002",
        addressee=CITY_ADDRESSEE,
        weight=5,
        subjects=subjects(
            "优化营商环境|营商环境|国民经济管理、国有资产监管\\宏观经济|3",
            "安全生产|安全生产|市场监管、安全生产监管\\安全生产监管|13",
            "防汛防台|防汛|综合政务\\应急管理|12",
            "重大项目建设|重大项目|国民经济管理、国有资产监管\\重大建设项目|10",
            "政务公开|政务公开|综合政务\\政务公开|15",
            "乡村振兴|乡村振兴|农业、林业、水利\\农业、畜牧业、渔业|11",
            "城市更新|城市更新|城乡建设、环境保护\\城乡建设（含住房）|10",
            "数字政府建设|数字政府|综合政务\\电子政务|15",
            "民生实事项目|民生实事|民政、扶贫、救灾\\社会福利|11",
            "冬春火灾防控|消防|公安、安全、司法\\公安|12",
        ),
        measures=(
            "重大行政决策程序实施办法",
            "政府投资项目审批管理办法",
            "公共资源交易管理办法",
        ),
        scope_extra="市政府规章和市政府、市政府办公室制发的行政规范性文件；国民经济和社会发展规划；",
    ),
    OrganSpec(
        key="office",
        name="临江市人民政府办公室",
        short_name="市政府办公室",
        parent="city",
        kind="department",
        region="339900",
        org_serial=24910028,
        doc_prefix="临政办发",
        domain="ban",
        area="政务服务",
        address="临江市滨江大道1号市民中心1号楼",
        postal_code="339000",
        phone="0599-88060101",
        fax="0599-88060102",
        addressee=CITY_ADDRESSEE,
        weight=4,
        subjects=subjects(
            "政务服务“一网通办”|一网通办|综合政务\\电子政务|5",
            "12345政务服务便民热线|政务热线|综合政务\\政务督查|15",
            "政府信息公开|政府信息公开|综合政务\\政务公开|15",
            "人大代表建议和政协提案办理|建议提案|综合政务\\政务督查|15",
            "突发事件应急预案管理|应急预案|综合政务\\应急管理|12",
            "政务督查|督查|综合政务\\政务督查|15",
        ),
        measures=(
            "突发事件应急预案管理办法",
            "政务服务事项管理办法",
            "12345政务服务便民热线管理办法",
        ),
        scope_extra="市政府办公室制发的行政规范性文件；政务服务事项目录；",
    ),
    OrganSpec(
        key="ndrc",
        name="临江市发展和改革委员会",
        short_name="市发展改革委",
        parent="city",
        kind="department",
        region="339900",
        org_serial=24910044,
        doc_prefix="临发改",
        domain="fgw",
        area="发展改革",
        address="临江市滨江大道1号市民中心3号楼",
        postal_code="339000",
        phone="0599-88061201",
        fax="0599-88061202",
        addressee="各区、县（市）发展改革局，市级有关单位：",
        weight=3,
        subjects=subjects(
            "重点建设项目|重点项目|国民经济管理、国有资产监管\\重大建设项目|10",
            "粮食安全保障|粮食|国民经济管理、国有资产监管\\宏观经济|11",
            "重要民生商品价格监测|价格|国民经济管理、国有资产监管\\物价|3",
            "社会信用体系建设|社会信用|财政、金融、审计\\社会信用体系建设|15",
            "节能降碳|节能|城乡建设、环境保护\\节能与资源综合利用|3",
            "招标投标监管|招标投标|国民经济管理、国有资产监管\\经济体制改革|9",
            "民营经济发展|民营经济|国民经济管理、国有资产监管\\经济体制改革|3",
        ),
        measures=("政府投资项目管理办法", "公共信用信息管理办法", "重点建设项目管理办法"),
        statistics=("国民经济运行情况", "重点项目建设进展情况"),
        scope_extra="国民经济和社会发展规划、专项规划及其实施情况；重大建设项目批准和实施情况；",
    ),
    OrganSpec(
        key="edu",
        name="临江市教育局",
        short_name="市教育局",
        parent="city",
        kind="department",
        region="339900",
        org_serial=24910052,
        doc_prefix="临教发",
        domain="jyj",
        area="教育",
        address="临江市文教路88号",
        postal_code="339000",
        phone="0599-88062301",
        fax="0599-88062302",
        addressee="各区、县（市）教育局，市直属各学校：",
        weight=4,
        subjects=subjects(
            "义务教育招生入学|招生入学|科技、教育\\教育|11",
            "中小学校园安全|校园安全|科技、教育\\教育|11",
            "学前教育普及普惠|学前教育|科技、教育\\教育|11",
            "校外培训机构监管|校外培训|科技、教育\\教育|11",
            "教师队伍建设|教师|科技、教育\\教育|11",
            "家庭经济困难学生资助|学生资助|科技、教育\\教育|11",
            "中小学课后服务|课后服务|科技、教育\\教育|11",
            "职业教育产教融合|职业教育|科技、教育\\教育|11",
        ),
        measures=(
            "中小学校课后服务管理办法",
            "校外培训机构管理办法",
            "家庭经济困难学生资助管理办法",
            "民办学校分类管理实施办法",
        ),
        recruits="中小学教师",
        scope_extra="教育事业发展规划，招生入学政策，学生资助政策及其实施情况；",
    ),
    OrganSpec(
        key="finance",
        name="临江市财政局",
        short_name="市财政局",
        parent="city",
        kind="department",
        region="339900",
        org_serial=24910079,
        doc_prefix="临财",
        domain="czj",
        area="财政",
        address="临江市滨江大道1号市民中心2号楼",
        postal_code="339000",
        phone="0599-88063401",
        fax="0599-88063402",
        addressee="市级各部门、各单位，各区、县（市）财政局：",
        weight=3,
        subjects=subjects(
            "预算绩效管理|绩效管理|财政、金融、审计\\财政|7",
            "政府采购|政府采购|财政、金融、审计\\财政|9",
            "政府债务管理|政府债务|财政、金融、审计\\财政|7",
            "惠民惠农财政补贴资金“一卡通”|一卡通|财政、金融、审计\\财政|11",
            "行政事业单位国有资产管理|国有资产|国民经济管理、国有资产监管\\国有资产监管|7",
            "会计监督|会计|财政、金融、审计\\财政|15",
        ),
        measures=("财政专项资金管理办法", "预算绩效管理办法", "政府采购内部控制管理办法"),
        statistics=("一般公共预算收支情况",),
        scope_extra="财政预算、决算信息，政府集中采购项目的目录、标准及实施情况；",
    ),
    OrganSpec(
        key="hrss",
        name="临江市人力资源和社会保障局",
        short_name="市人力社保局",
        parent="city",
        kind="department",
        region="339900",
        org_serial=24910087,
        doc_prefix="临人社发",
        domain="rsj",
        area="人力资源和社会保障",
        address="临江市民生路16号",
        postal_code="339000",
        phone="0599-88064501",
        fax="0599-88064502",
        addressee="各区、县（市）人力资源和社会保障局，市级有关单位：",
        weight=4,
        subjects=subjects(
            "稳就业|就业|劳动、人事、监察\\劳动就业|11",
            "高校毕业生就业创业|高校毕业生|劳动、人事、监察\\劳动就业|11",
            "根治欠薪|欠薪|劳动、人事、监察\\劳动就业|11",
            "企业职工基本养老保险|养老保险|劳动、人事、监察\\社会保障|11",
            "工伤保险|工伤保险|劳动、人事、监察\\社会保障|11",
            "技能人才培养|技能人才|劳动、人事、监察\\劳动就业|11",
        ),
        measures=("就业补助资金管理办法", "技能人才评价管理办法", "创业担保贷款管理办法"),
        statistics=("城镇新增就业情况", "社会保险基金运行情况"),
        recruits="事业单位工作人员",
        scope_extra="促进就业、社会保障方面的政策、措施及其实施情况；事业单位公开招聘信息；",
    ),
    OrganSpec(
        key="eco",
        name="临江市生态环境局",
        short_name="市生态环境局",
        parent="city",
        kind="department",
        region="339900",
        org_serial=24910095,
        doc_prefix="临环发",
        domain="sthjj",
        area="生态环境",
        address="临江市湖滨路21号",
        postal_code="339000",
        phone="0599-88065601",
        fax="0599-88065602",
        addressee="各区、县（市）生态环境分局，市级有关单位：",
        weight=3,
        subjects=subjects(
            "大气污染防治|大气污染|城乡建设、环境保护\\环境监测、保护与治理|13",
            "水污染防治|水污染|城乡建设、环境保护\\环境监测、保护与治理|13",
            "土壤污染防治|土壤|城乡建设、环境保护\\环境监测、保护与治理|13",
            "建设项目环境影响评价|环评|城乡建设、环境保护\\环境监测、保护与治理|5",
            "排污许可管理|排污许可|城乡建设、环境保护\\环境监测、保护与治理|5",
            "危险废物规范化管理|危险废物|城乡建设、环境保护\\环境监测、保护与治理|13",
        ),
        measures=(
            "排污权有偿使用和交易管理办法",
            "生态环境损害赔偿管理办法",
            "企业环境信用评价办法",
        ),
        statistics=("环境空气质量状况", "地表水环境质量状况"),
        penalties=8,
        scope_extra="环境质量状况，建设项目环境影响评价审批结果，环境行政处罚决定；",
    ),
    OrganSpec(
        key="housing",
        name="临江市住房和城乡建设局",
        short_name="市住房城乡建设局",
        parent="city",
        kind="department",
        region="339900",
        org_serial=24910108,
        doc_prefix="临建发",
        domain="zjj",
        area="住房和城乡建设",
        address="临江市建设路120号",
        postal_code="339000",
        phone="0599-88066701",
        fax="0599-88066702",
        addressee="各区、县（市）住房和城乡建设局，各有关单位：",
        weight=3,
        subjects=subjects(
            "城镇老旧小区改造|老旧小区|城乡建设、环境保护\\城乡建设（含住房）|10",
            "保障性住房建设|保障性住房|城乡建设、环境保护\\城乡建设（含住房）|11",
            "建筑施工安全|建筑施工|市场监管、安全生产监管\\安全生产监管|13",
            "物业服务管理|物业|城乡建设、环境保护\\城乡建设（含住房）|15",
            "房地产市场监管|房地产|城乡建设、环境保护\\城乡建设（含住房）|15",
            "城镇燃气安全|燃气|市场监管、安全生产监管\\安全生产监管|13",
        ),
        measures=("公共租赁住房管理办法", "物业专项维修资金管理办法", "建筑市场信用管理办法"),
        statistics=("商品房销售情况",),
        scope_extra="保障性住房分配、城镇老旧小区改造计划及其实施情况；",
    ),
    OrganSpec(
        key="amr",
        name="临江市市场监督管理局",
        short_name="市市场监管局",
        parent="city",
        kind="department",
        region="339900",
        org_serial=24910116,
        doc_prefix="临市监",
        domain="scjgj",
        area="市场监管",
        address="临江市新华路66号",
        postal_code="339000",
        phone="0599-88067801",
        fax="0599-88067802",
        addressee="各区、县（市）市场监督管理局，局机关各处室、直属各单位：",
        weight=3,
        subjects=subjects(
            "食品安全监管|食品安全|市场监管、安全生产监管\\食品药品监管|13",
            "特种设备安全|特种设备|市场监管、安全生产监管\\质量监督|13",
            "产品质量监督抽查|产品质量|市场监管、安全生产监管\\质量监督|13",
            "知识产权保护|知识产权|科技、教育\\知识产权|15",
            "经营主体登记注册|登记注册|市场监管、安全生产监管\\工商|5",
            "消费者权益保护|消费维权|市场监管、安全生产监管\\工商|15",
        ),
        measures=("食品小作坊登记管理办法", "特种设备安全监督管理办法", "知识产权专项资金管理办法"),
        statistics=("食品安全监督抽检信息", "经营主体发展情况"),
        penalties=10,
        scope_extra="食品安全监督抽检信息，产品质量监督抽查结果，行政处罚决定；",
    ),
    OrganSpec(
        key="jb",
        name="临江市江北区人民政府",
        short_name="江北区政府",
        parent="city",
        kind="government",
        region="339902",
        org_serial=24920011,
        doc_prefix="江政发",
        domain="jiangbei",
        area="区域发展",
        address="临江市江北区江北大道200号",
        postal_code="339100",
        phone="0599-87010001",
        fax="0599-87010002",
        addressee=DISTRICT_ADDRESSEE,
        weight=4,
        subjects=subjects(
            "江北新城建设|新城建设|城乡建设、环境保护\\城市规划|10",
            "河长制|河长制|农业、林业、水利\\水利|13",
            "文明城市创建|文明城市|文化、广电、新闻出版\\文化|15",
            "森林防火|森林防火|农业、林业、水利\\林业|12",
            "为民办实事|民生实事|民政、扶贫、救灾\\社会福利|11",
            "安全生产|安全生产|市场监管、安全生产监管\\安全生产监管|13",
        ),
        measures=("农村集体资产管理办法", "社区工作者管理办法"),
        scope_extra="区政府和区政府办公室制发的行政规范性文件；区级重大建设项目批准和实施情况；",
    ),
    OrganSpec(
        key="jb_edu",
        name="临江市江北区教育局",
        short_name="江北区教育局",
        parent="jb",
        kind="department",
        region="339902",
        org_serial=24920038,
        doc_prefix="江教",
        domain="jbjy",
        area="教育",
        address="临江市江北区学府路9号",
        postal_code="339100",
        phone="0599-87012301",
        fax="0599-87012302",
        addressee="各街道办事处，区属各中小学、幼儿园：",
        weight=2,
        subjects=subjects(
            "义务教育招生入学|招生入学|科技、教育\\教育|11",
            "中小学校园安全|校园安全|科技、教育\\教育|11",
            "学前教育普及普惠|学前教育|科技、教育\\教育|11",
            "中小学课后服务|课后服务|科技、教育\\教育|11",
        ),
        measures=("中小学校课后服务实施办法",),
        recruits="中小学教师",
        scope_extra="区内中小学、幼儿园招生入学政策；",
    ),
    OrganSpec(
        key="jb_finance",
        name="临江市江北区财政局",
        short_name="江北区财政局",
        parent="jb",
        kind="department",
        region="339902",
        org_serial=24920046,
        doc_prefix="江财",
        domain="jbcz",
        area="财政",
        address="临江市江北区江北大道200号",
        postal_code="339100",
        phone="0599-87013401",
        fax="0599-87013402",
        addressee="区级各部门、各单位，各街道办事处：",
        weight=2,
        subjects=subjects(
            "预算绩效管理|绩效管理|财政、金融、审计\\财政|7",
            "政府采购|政府采购|财政、金融、审计\\财政|9",
            "惠民惠农财政补贴资金“一卡通”|一卡通|财政、金融、审计\\财政|11",
        ),
        measures=("区级财政专项资金管理办法",),
        scope_extra="区级财政预算、决算信息；",
    ),
    OrganSpec(
        key="jb_binjiang",
        name="临江市江北区滨江街道办事处",
        short_name="滨江街道",
        parent="jb",
        kind="subdistrict",
        region="339902",
        org_serial=24920054,
        doc_prefix="滨街",
        domain="binjiang",
        area="基层治理",
        address="临江市江北区滨江路18号",
        postal_code="339101",
        phone="0599-87015501",
        fax="0599-87015502",
        addressee="各社区居民委员会，街道各办（中心）：",
        weight=1,
        subjects=subjects(
            "生活垃圾分类|垃圾分类|城乡建设、环境保护\\环境监测、保护与治理|13",
            "居家养老服务|养老服务|民政、扶贫、救灾\\社会福利|11",
            "退役军人服务保障|退役军人|民政、扶贫、救灾\\优抚安置|11",
            "安全生产|安全生产|市场监管、安全生产监管\\安全生产监管|13",
        ),
        scope_extra="街道辖区内的民生服务事项和社区工作信息；",
    ),
    OrganSpec(
        key="jb_wangjiang",
        name="临江市江北区望江街道办事处",
        short_name="望江街道",
        parent="jb",
        kind="subdistrict",
        region="339902",
        org_serial=24920062,
        doc_prefix="望街",
        domain="wangjiang",
        area="基层治理",
        address="临江市江北区望江东路55号",
        postal_code="339102",
        phone="0599-87016601",
        fax="0599-87016602",
        addressee="各社区居民委员会，街道各办（中心）：",
        weight=1,
        subjects=subjects(
            "生活垃圾分类|垃圾分类|城乡建设、环境保护\\环境监测、保护与治理|13",
            "社区网格化管理|网格化|民政、扶贫、救灾\\社会福利|15",
            "居家养老服务|养老服务|民政、扶贫、救灾\\社会福利|11",
            "防汛防台|防汛|综合政务\\应急管理|12",
        ),
        scope_extra="街道辖区内的民生服务事项和社区工作信息；",
    ),
)

ORGANS_BY_KEY = {spec.key: spec for spec in ORGANS}

# Demo staff: every role for the city government, two departments and the district.
STAFF_ORGANS = ("city", "edu", "hrss", "jb")
STAFF_ROLES = ("publisher", "reviewer", "handler", "approver", "reporter")
# The demo staff's names, organ by organ in the order of STAFF_ORGANS and STAFF_ROLES: the
# workspace shows people by name. Their mail goes to ``<username>@demo.invalid`` (a domain
# reserved never to exist, RFC 2606), printed by the demo's mail backend.
STAFF_NAMES = (
    ("王芳", "李明", "张丽", "刘建国", "陈静"),
    ("杨帆", "赵敏", "黄磊", "周红", "吴涛"),
    ("徐莉", "孙强", "马琳", "朱伟", "胡萍"),
    ("郭靖", "何云", "林峰", "高洁", "罗军"),
)
DEMO_MAIL_DOMAIN = "demo.invalid"
# Printed by the command and named in the README: a demo value, never a real credential.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105


# --- Guides (条例第十二条) -------------------------------------------------------------------


def office_name(spec: OrganSpec) -> str:
    if spec.kind == "government":
        return f"{spec.place}人民政府办公室（政务公开办公室）"
    if spec.kind == "subdistrict":
        return f"{spec.short_name}党政办公室"
    if spec.key == "office":
        return "临江市人民政府办公室政务公开处"
    return f"{spec.name}办公室"


def review_body(spec: OrganSpec) -> str:
    """The 行政复议机关 (行政复议法第二十四条): a department's or 派出机关's government; for a
    government, the next-higher government."""
    if spec.kind == "government":
        parent = ORGANS_BY_KEY.get(spec.parent or "")
        return parent.name if parent else "上一级人民政府"
    parent = ORGANS_BY_KEY[spec.parent or "city"]
    return parent.name if parent.kind == "government" else "临江市人民政府"


def guide_content(spec: OrganSpec, index_prefix: str) -> dict[str, str]:
    """Every field of the organ's 政府信息公开指南, in the usual wording."""
    office = office_name(spec)
    return {
        "office_name": office,
        "address": spec.address,
        "office_hours": OFFICE_HOURS,
        "phone": spec.phone,
        "fax": spec.fax,
        "email": spec.email,
        "postal_code": spec.postal_code,
        "website": spec.website,
        "scope": (
            f"{spec.name}依照《中华人民共和国政府信息公开条例》第十九条、第二十条的规定，"
            "主动公开下列政府信息：（一）机关职能、机构设置、办公地址、办公时间、联系方式、"
            f"负责人姓名；（二）{spec.scope_extra}（三）本机关制定的行政规范性文件及其解读；"
            "（四）本机关的财政预算、决算信息；（五）法律、法规、规章和国家有关规定规定应当"
            "主动公开的其他政府信息。主动公开的政府信息，自该信息形成或者变更之日起20个工作日内"
            "通过本平台“政府信息公开”专栏予以公开（条例第二十六条）。"
        ),
        "classification": (
            "本机关主动公开的政府信息按主题分类、体裁分类、组配分类和服务对象分类编排。"
            f"组配分类包括：{'、'.join(GROUPINGS)}；服务对象分类包括：{'、'.join(AUDIENCES)}。"
            f"每条信息均有唯一的索引号，由本机关组织机构代码、发布年份和顺序号组成，"
            f"如“{index_prefix}/2026-00001”。"
        ),
        "application_procedure": (
            "（一）提出申请。公民、法人或者其他组织向本机关申请获取政府信息的，可以通过以下方式"
            "提交《政府信息公开申请表》：1.网上申请：登录本平台“依申请公开”栏目在线填写提交；"
            f"2.当面申请：工作时间到{spec.address}{office}当面提交；3.信函申请：邮寄至上述地址，"
            f"邮政编码{spec.postal_code}，请在信封左下角注明“政府信息公开申请”字样；"
            f"4.传真申请：{spec.fax}。\n"
            "（二）申请内容。申请应当包括申请人的姓名或者名称、身份证明、联系方式；申请公开的"
            "政府信息的名称、文号或者便于本机关查询的其他特征性描述；申请公开的政府信息的形式要求，"
            "包括获取信息的方式、途径（条例第二十九条）。\n"
            "（三）补正。申请内容不明确的，本机关自收到申请之日起7个工作日内一次性告知申请人作出"
            "补正，说明需要补正的事项和合理的补正期限；答复期限自本机关收到补正的申请之日起计算。\n"
            "（四）答复。本机关能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起"
            "20个工作日内予以答复；需要延长答复期限的，经政府信息公开工作机构负责人同意并告知"
            "申请人，延长的期限最长不超过20个工作日。征求第三方和其他机关意见所需时间不计算在"
            "答复期限内（条例第三十三条）。申请人可以凭查询码在本平台“申请查询”栏目查看办理进度。"
        ),
        "fees": (
            "本机关依申请提供政府信息，不收取费用。但是，申请人申请公开政府信息的数量、频次明显"
            "超过合理范围的，依照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
            "收取信息处理费，按件计收或者按量计收，不同时适用两种标准：\n"
            "（一）按件计收：同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；"
            "11—30件（含30件）的部分，100元/件；31件以上的部分，以10件为一档，每增加一档，"
            "收费标准提高100元/件。\n"
            "（二）按量计收：同一申请中，30页以下（含30页）的，不收费；31—100页（含100页）的"
            "部分，10元/页；101—200页（含200页）的部分，20元/页；201页以上的部分，40元/页。\n"
            "申请人应当在收到收费通知次日起20个工作日内缴纳费用，逾期未缴纳的视为放弃申请，"
            "本机关不再处理该政府信息公开申请。"
        ),
        "remedies": (
            f"公民、法人或者其他组织对本机关作出的不予公开政府信息的决定不服的，依照《中华人民共和国"
            f"行政复议法》第二十三条的规定，应当先向{review_body(spec)}申请行政复议；对行政复议决定"
            "不服的，可以再依法向人民法院提起行政诉讼。申请行政复议的期限为自知道或者应当知道该行政"
            "行为之日起60日内。认为本机关在政府信息公开工作中侵犯其合法权益的其他情形，可以依法申请"
            "行政复议或者提起行政诉讼，也可以向上一级行政机关或者临江市人民政府办公室（政府信息公开"
            "工作主管部门）投诉、举报（条例第五十一条）。投诉举报电话：0599-88060199。"
        ),
    }


# --- Items -----------------------------------------------------------------------------------


@dataclass
class ItemPlan:
    """One planned directory item; ``key`` (organ + title) makes seeding idempotent."""

    organ: str
    title: str
    kind: str
    genre: str
    grouping: str
    topic: str
    article20: int | None
    doc_type: str
    published_on: dt.date
    formed_on: dt.date
    subject_terms: list[str]
    summary: str = ""
    body: str = ""
    doc_number: str = ""
    doc_series: str = ""  # serial counter of the 文号, "" for none
    audience: str = ""
    co_organs: list[str] = field(default_factory=list)
    repeal: tuple[str, dt.date] | None = None  # (validity, date)
    attachment: str = ""  # name of a generated PDF attachment, "" for none
    draft: bool = False
    pending: bool = False  # submitted by the organ's publisher, waiting for a reviewer

    @property
    def key(self) -> tuple[str, str]:
        return (self.organ, self.title)


def topic_of(measure: str) -> str:
    """``"校外培训机构管理办法"`` → ``"校外培训机构"``: what a 办法 regulates."""
    for suffix in ("管理实施办法", "实施办法", "管理办法", "评价办法", "办法"):
        if measure.endswith(suffix):
            return measure.removesuffix(suffix)
    return measure


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts if text)


def signature(spec: OrganSpec, day: dt.date) -> str:
    return paragraphs(spec.name, cn_date(day))


def last_period(day: dt.date) -> tuple[int, str]:
    """The period completed before ``day``: (year, 第一季度 | 上半年 | 前三季度 | "" = 全年)."""
    quarter = (day.month - 1) // 3
    if quarter == 0:
        return day.year - 1, ""
    return day.year, {1: "第一季度", 2: "上半年", 3: "前三季度"}[quarter]


class Planner:
    """Builds the deterministic list of demo items from ``SEED``."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.plans: list[ItemPlan] = []
        self.titles: set[tuple[str, str]] = set()

    # -- helpers ------------------------------------------------------------------------------

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))

    def add(self, plan: ItemPlan) -> bool:
        if plan.key in self.titles:
            return False
        self.titles.add(plan.key)
        if not plan.audience:
            plan.audience = self.rng.choice(AUDIENCES)
        self.plans.append(plan)
        return True

    def formed_before(self, published_on: dt.date) -> dt.date:
        # 条例第二十六条: published within 20 working days of being formed; a few days earlier.
        return published_on - dt.timedelta(days=self.rng.randint(1, 9))

    def contact_line(self, spec: OrganSpec) -> str:
        unit = self.rng.choice(["综合处", "办公室", "业务科"])
        return f"联系人：{spec.short_name}{unit}，联系电话：{spec.phone}。"

    # -- documents ----------------------------------------------------------------------------

    def notice(self, spec: OrganSpec, subject: Subject, day: dt.date) -> ItemPlan:
        year = day.year
        strengthen = self.rng.random() < 0.35
        title = (
            f"{spec.name}关于进一步加强{subject.phrase}工作的通知"
            if strengthen
            else f"{spec.name}关于做好{year}年{subject.phrase}工作的通知"
        )
        tasks = self.rng.sample(TASK_PARAGRAPHS, 3)
        numbers = ("一", "二", "三", "四")
        body = paragraphs(
            spec.addressee,
            f"为深入贯彻落实党中央、国务院和省委、省政府关于{spec.area}工作的决策部署，进一步做好"
            f"{year}年{subject.phrase}工作，切实维护人民群众切身利益，经研究，现将有关事项通知如下：",
            *(
                f"{numbers[i]}、{text.format(phrase=subject.phrase, short=spec.short_name)}"
                for i, text in enumerate(tasks)
            ),
            f"四、加强信息报送。各单位要明确一名联络员，于每季度末5日前将工作进展情况报送"
            f"{spec.short_name}，重要情况随时报告。",
            self.contact_line(spec),
        ) + signature(spec, day)
        return ItemPlan(
            organ=spec.key,
            title=title,
            kind="notice",
            genre="通知",
            grouping="政策文件",
            topic=subject.topic,
            article20=subject.article20,
            doc_type="other",
            published_on=day,
            formed_on=self.formed_before(day),
            subject_terms=[subject.keyword, spec.area, "通知"],
            summary=f"对{year}年{subject.phrase}工作作出部署，明确工作任务、责任分工和时间要求。",
            body=body,
            doc_series=spec.doc_prefix,
        )

    def measures(self, spec: OrganSpec, measure: str, day: dt.date) -> ItemPlan:
        co_organs: list[str] = []
        issuers = spec.name
        if spec.kind == "department" and spec.key not in ("office",) and self.rng.random() < 0.3:
            partner = "finance" if spec.key != "finance" else "ndrc"
            if spec.region == "339902":
                partner = "jb_finance" if spec.key != "jb_finance" else "jb_edu"
            co_organs = [partner]
            issuers = f"{spec.name} {ORGANS_BY_KEY[partner].name}"
        full_name = f"{spec.place}{measure}"
        title = f"{issuers}关于印发《{full_name}》的通知"
        articles = [
            f"第一条　为了规范{topic_of(measure)}工作，保障公民、法人和其他组织的合法权益，"
            "根据有关法律、法规和规章的规定，"
            f"结合本{'区' if spec.place == '江北区' else '市'}实际，制定本办法。",
            f"第二条　本办法适用于{spec.place}行政区域内的相关管理和服务活动。",
            f"第三条　{spec.name}负责本办法的组织实施；发展改革、财政、市场监管等部门按照各自职责"
            "做好相关工作。",
            "第四条　有关单位应当建立健全内部管理制度，明确工作流程和岗位责任，依法公开办事依据、"
            "条件、程序和结果，接受社会监督。",
            "第五条　对违反本办法规定的，由主管部门责令限期改正；情节严重的，依法依规追究责任。",
            f"第六条　本办法自{cn_date(day + dt.timedelta(days=30))}起施行，有效期五年。",
        ]
        body = (
            paragraphs(
                spec.addressee,
                f"《{full_name}》已经{spec.short_name}研究同意，现印发给你们，请认真贯彻执行。",
            )
            + signature(spec, day)
            + f"<h3>{full_name}</h3>"
            + paragraphs(*articles)
        )
        return ItemPlan(
            organ=spec.key,
            title=title,
            kind="measures",
            genre="通知",
            grouping="政策文件",
            topic=self.rng.choice(spec.subjects).topic,
            article20=1,
            doc_type="normative",
            published_on=day,
            formed_on=self.formed_before(day),
            subject_terms=[measure.removesuffix("办法")[:6], "管理办法", "规范性文件"],
            summary=f"印发《{full_name}》，自发布之日起30日后施行，有效期五年。",
            body=body,
            doc_series=spec.doc_prefix,
            co_organs=co_organs,
            attachment=f"{full_name}.pdf" if self.rng.random() < 0.5 else "",
        )

    def opinion(self, spec: OrganSpec, subject: Subject, day: dt.date) -> list[ItemPlan]:
        title = f"{spec.name}关于加强{subject.phrase}工作的实施意见"
        body = paragraphs(
            spec.addressee,
            f"为进一步加强{subject.phrase}工作，推动{spec.area}事业高质量发展，结合本地实际，"
            "提出如下实施意见。",
            f"一、总体要求。坚持以人民为中心的发展思想，到{day.year + 2}年，{subject.phrase}"
            "工作体制机制更加健全，服务能力明显提升，群众满意度持续提高。",
            f"二、主要任务。（一）完善制度体系。梳理{subject.phrase}相关制度，及时清理不适应"
            "形势要求的规定。（二）提升服务水平。推进事项标准化、规范化、便利化办理。"
            "（三）强化监督管理。建立健全日常监管与专项检查相结合的工作机制。",
            "三、保障措施。加强组织领导，落实经费保障，强化考核评价，加强宣传引导，营造良好氛围。",
            f"本意见自{cn_date(day + dt.timedelta(days=30))}起施行，有效期五年。",
        ) + signature(spec, day)
        opinion = ItemPlan(
            organ=spec.key,
            title=title,
            kind="opinion",
            genre="意见",
            grouping="政策文件",
            topic=subject.topic,
            article20=1,
            doc_type="normative",
            published_on=day,
            formed_on=self.formed_before(day),
            subject_terms=[subject.keyword, "实施意见", "规范性文件"],
            summary=f"从总体要求、主要任务和保障措施三个方面，对加强{subject.phrase}工作提出实施意见。",
            body=body,
            doc_series=spec.doc_prefix,
        )
        reading = ItemPlan(
            organ=spec.key,
            title=f"《{title}》政策解读",
            kind="reading",
            genre="政策解读",
            grouping="政策文件",
            topic=subject.topic,
            article20=1,
            doc_type="other",
            published_on=day,
            formed_on=day,
            subject_terms=[subject.keyword, "政策解读"],
            summary=f"解读《{title}》的起草背景、主要内容和创新举措。",
            body=paragraphs(
                f"一、起草背景。为贯彻落实上级关于{subject.phrase}的部署要求，解决工作中存在的"
                "制度不健全、标准不统一等问题，起草了本实施意见。",
                "二、起草过程。起草过程中，通过座谈会、书面征求意见、网上公开征求意见等方式，广泛听取"
                "社会各界意见建议，并经合法性审核和集体审议。",
                "三、主要内容。实施意见共分三个部分：总体要求、主要任务和保障措施。",
                f"四、解读机关及联系方式。解读机关：{spec.name}；联系电话：{spec.phone}。",
            ),
        )
        return [opinion, reading]

    def bulletin(self, spec: OrganSpec, subject: Subject, day: dt.date) -> ItemPlan:
        year, period = last_period(day)
        title = f"{spec.name}关于{year}年{period}{subject.phrase}工作情况的通报"
        return ItemPlan(
            organ=spec.key,
            title=title,
            kind="bulletin",
            genre="通报",
            grouping="工作动态",
            topic=subject.topic,
            article20=subject.article20,
            doc_type="other",
            published_on=day,
            formed_on=self.formed_before(day),
            subject_terms=[subject.keyword, "通报"],
            summary=f"通报{year}年{period}{subject.phrase}工作进展、存在问题和下一步工作安排。",
            body=paragraphs(
                spec.addressee,
                f"{year}年{period}，各单位认真落实{subject.phrase}工作部署，总体进展顺利，"
                "现将有关情况通报如下：",
                f"一、总体情况。共完成年度重点任务{self.rng.randint(12, 40)}项，占全年任务的"
                f"{self.rng.randint(45, 98)}%；组织开展专项检查{self.rng.randint(3, 15)}次，"
                f"发现并督促整改问题{self.rng.randint(10, 90)}个。",
                "二、存在问题。部分单位思想重视不够，工作进度滞后；个别单位台账资料不完整，"
                "信息报送不及时。",
                "三、下一步工作。各单位要对照问题清单逐项整改，于30日内将整改情况书面报送。",
            )
            + signature(spec, day),
            doc_series=spec.doc_prefix,
        )

    def announcement(self, spec: OrganSpec, subject: Subject, day: dt.date) -> ItemPlan:
        title = f"{spec.name}关于{subject.phrase}有关事项的公告"
        return ItemPlan(
            organ=spec.key,
            title=title,
            kind="announcement",
            genre="公告",
            grouping="通知公告",
            topic=subject.topic,
            article20=subject.article20,
            doc_type="other",
            published_on=day,
            formed_on=self.formed_before(day),
            subject_terms=[subject.keyword, "公告"],
            summary=f"公告{subject.phrase}的办理条件、程序和咨询方式。",
            body=paragraphs(
                f"根据有关法律、法规规定，现将{subject.phrase}有关事项公告如下：",
                "一、适用范围。本公告适用于本行政区域内的公民、法人和其他组织。",
                "二、办理方式。可通过本平台、政务服务网或者到政务服务中心窗口办理，实行一次告知、"
                "限时办结。",
                f"三、咨询方式。咨询电话：{spec.phone}（{OFFICE_HOURS}）。",
                "特此公告。",
            )
            + signature(spec, day),
            doc_series=spec.doc_prefix,
        )

    def plan_doc(self, spec: OrganSpec, subject: Subject, day: dt.date) -> ItemPlan:
        kind = self.rng.choice(["工作要点", "工作方案", "实施方案"])
        title = f"{spec.name}{day.year}年{subject.phrase}{kind}"
        return ItemPlan(
            organ=spec.key,
            title=title,
            kind="plan",
            genre="计划",
            grouping="规划计划",
            topic=subject.topic,
            article20=3,
            doc_type="other",
            published_on=day,
            formed_on=self.formed_before(day),
            subject_terms=[subject.keyword, kind],
            summary=f"明确{day.year}年{subject.phrase}的目标任务、重点举措和责任分工。",
            body=paragraphs(
                f"为扎实推进{day.year}年{subject.phrase}工作，制定本{kind}。",
                f"一、工作目标。到{day.year}年底，{subject.phrase}各项指标全面完成，"
                "群众获得感、满意度进一步提升。",
                "二、重点任务。（一）健全工作机制；（二）补齐短板弱项；（三）推进数字化改革；"
                "（四）加强队伍建设。",
                "三、工作要求。各责任单位要细化任务清单，明确完成时限，确保各项任务按期完成。",
            )
            + signature(spec, day),
            doc_series=spec.doc_prefix if self.rng.random() < 0.5 else "",
        )

    def news(self, spec: OrganSpec, subject: Subject, day: dt.date) -> ItemPlan:
        meeting = self.rng.choice(["工作推进会", "专题会议", "工作座谈会", "业务培训会"])
        title = f"{spec.short_name}召开{day.year}年{subject.phrase}{meeting}"
        return ItemPlan(
            organ=spec.key,
            title=title,
            kind="news",
            genre="其他",
            grouping="工作动态",
            topic=subject.topic,
            article20=None,
            doc_type="other",
            published_on=day,
            formed_on=day,
            subject_terms=[subject.keyword, "工作动态"],
            summary=f"{spec.short_name}召开{subject.phrase}{meeting}，部署下一阶段重点工作。",
            body=paragraphs(
                f"{cn_date(day)}，{spec.name}召开{day.year}年{subject.phrase}{meeting}，总结前一阶段"
                "工作，分析当前形势，部署下一阶段重点任务。",
                f"会议指出，{subject.phrase}工作事关群众切身利益，要坚持问题导向，"
                "以钉钉子精神抓好各项任务落实。",
                "会议要求，各单位要压实工作责任，加强协同配合，确保各项目标任务按期完成。",
            ),
        )

    def reply(self, spec: OrganSpec, subject: Subject, day: dt.date) -> ItemPlan:
        # A government answers the 请示 of a lower government or of its 派出机关 (街道).
        children = [s for s in ORGANS if s.parent == spec.key and s.kind != "department"]
        child = self.rng.choice(children)
        title = f"{spec.name}关于同意{child.name}{day.year}年{subject.phrase}实施方案的批复"
        return ItemPlan(
            organ=spec.key,
            title=title,
            kind="reply",
            genre="批复",
            grouping="政策文件",
            topic=subject.topic,
            article20=subject.article20,
            doc_type="other",
            published_on=day,
            formed_on=self.formed_before(day),
            subject_terms=[subject.keyword, "批复"],
            summary=f"原则同意{child.short_name}报送的{subject.phrase}实施方案。",
            body=paragraphs(
                f"{child.name}：",
                f"你单位《关于报请审批{day.year}年{subject.phrase}实施方案的请示》收悉。经研究，"
                "批复如下：",
                "一、原则同意该实施方案，请认真组织实施。",
                "二、要加强组织领导，落实工作责任，确保各项任务按期完成。",
                "三、实施过程中的重大问题，请及时报告。",
            )
            + signature(spec, day),
            doc_series=spec.doc_prefix,
        )

    # -- fixed items per organ -------------------------------------------------------------

    def fixed(self, spec: OrganSpec) -> None:
        functions_day = self.day_between(dt.date(2025, 1, 6), dt.date(2025, 1, 24))
        self.add(
            ItemPlan(
                organ=spec.key,
                title=f"{spec.name}主要职责、内设机构和联系方式",
                kind="functions",
                genre="其他",
                grouping="机构职能",
                topic="综合政务\\政务公开",
                article20=2,
                doc_type="other",
                published_on=functions_day,
                formed_on=functions_day - dt.timedelta(days=2),
                subject_terms=["机构职能", "内设机构"],
                summary=f"{spec.name}的主要职责、内设机构、办公地址、办公时间和联系方式。",
                body=paragraphs(
                    f"一、主要职责。贯彻执行国家和省、市关于{spec.area}工作的方针政策和法律法规，"
                    f"拟订{spec.place}{spec.area}发展规划和政策措施并组织实施；承担{spec.area}"
                    "领域的监督管理和公共服务职责；完成上级交办的其他任务。",
                    "二、内设机构。办公室、政策法规科、业务管理科、监督检查科、财务审计科。",
                    f"三、办公地址：{spec.address}；邮政编码：{spec.postal_code}。",
                    f"四、办公时间：{OFFICE_HOURS}。",
                    f"五、联系电话：{spec.phone}；传真：{spec.fax}。",
                ),
            )
        )
        system_day = self.day_between(dt.date(2025, 2, 10), dt.date(2025, 3, 28))
        self.add(
            ItemPlan(
                organ=spec.key,
                title=f"{spec.name}政府信息公开工作制度",
                kind="system",
                genre="其他",
                grouping="政府信息公开制度",
                topic="综合政务\\政务公开",
                article20=15,
                doc_type="other",
                published_on=system_day,
                formed_on=self.formed_before(system_day),
                subject_terms=["政府信息公开", "工作制度"],
                summary="规定本机关政府信息主动公开、依申请公开、保密审查和监督考核的工作程序。",
                body=paragraphs(
                    "第一条　为了规范本机关政府信息公开工作，根据《中华人民共和国政府信息公开"
                    "条例》，制定本制度。",
                    f"第二条　{office_name(spec)}是本机关政府信息公开工作机构，"
                    "负责本机关政府信息公开的日常工作。",
                    "第三条　公开政府信息前，应当依照《中华人民共和国保守国家秘密法》等规定"
                    "进行审查。",
                    "第四条　主动公开的政府信息，自形成或者变更之日起20个工作日内予以公开。",
                    "第五条　依申请公开按照受理、登记、审核、答复的程序办理，"
                    "在法定期限内答复申请人。",
                    "第六条　本制度自印发之日起施行。",
                ),
            )
        )
        for year in (2025, 2026):
            budget_day = self.day_between(dt.date(year, 2, 3), dt.date(year, 2, 27))
            revenue = self.rng.randint(800, 48000)
            self.add(
                ItemPlan(
                    organ=spec.key,
                    title=f"{spec.name}{year}年部门预算",
                    kind="budget",
                    genre="其他",
                    grouping="财政信息",
                    topic="财政、金融、审计\\财政",
                    article20=7,
                    doc_type="other",
                    published_on=budget_day,
                    formed_on=self.formed_before(budget_day),
                    subject_terms=["部门预算", str(year)],
                    summary=f"公开{spec.name}{year}年收支预算总体情况、“三公”经费预算等信息。",
                    body=paragraphs(
                        "一、部门主要职能及预算单位构成。本部门预算包括部门本级及所属事业单位预算。",
                        f"二、收支预算总体情况。{year}年收入预算"
                        f"{revenue}.{self.rng.randint(10, 99)}万元，支出预算与收入预算相同，"
                        f"比上年{self.rng.choice(['增加', '减少'])}"
                        f"{self.rng.randint(1, 12)}.{self.rng.randint(0, 9)}%。",
                        f"三、“三公”经费预算。{year}年“三公”经费预算"
                        f"{self.rng.randint(3, 60)}.{self.rng.randint(10, 99)}万元，"
                        "其中因公出国（境）费0万元，公务接待费和公务用车运行维护费按照厉行节约的要求从严控制。",
                        "四、名词解释。一般公共预算拨款收入：指本级财政当年拨付的资金。",
                    ),
                )
            )
            final_day = self.day_between(dt.date(year, 8, 4), dt.date(year, 8, 29))
            self.add(
                ItemPlan(
                    organ=spec.key,
                    title=f"{spec.name}{year - 1}年度部门决算",
                    kind="final_accounts",
                    genre="其他",
                    grouping="财政信息",
                    topic="财政、金融、审计\\财政",
                    article20=7,
                    doc_type="other",
                    published_on=final_day,
                    formed_on=self.formed_before(final_day),
                    subject_terms=["部门决算", str(year - 1)],
                    summary=f"公开{spec.name}{year - 1}年度收入支出决算、“三公”经费支出等信息。",
                    body=paragraphs(
                        f"一、收入支出决算总体情况。{year - 1}年度收入总计"
                        f"{self.rng.randint(800, 48000)}.{self.rng.randint(10, 99)}万元，"
                        "支出总计与收入总计相同。",
                        "二、“三公”经费支出决算情况。“三公”经费支出控制在年初预算以内。",
                        "三、绩效评价情况。本部门对重点项目开展绩效自评，自评结果良好。",
                    ),
                )
            )

    def statistics(self, spec: OrganSpec) -> None:
        releases = [
            (2025, "第一季度", dt.date(2025, 4, 18)),
            (2025, "上半年", dt.date(2025, 7, 18)),
            (2025, "前三季度", dt.date(2025, 10, 20)),
            (2025, "", dt.date(2026, 1, 23)),
            (2026, "第一季度", dt.date(2026, 4, 17)),
            (2026, "上半年", dt.date(2026, 7, 17)),
            (2026, "前三季度", dt.date(2026, 10, 20)),
            (2026, "", dt.date(2027, 1, 22)),
        ]
        for name in spec.statistics:
            for year, period, day in releases:
                day += dt.timedelta(days=self.rng.randint(0, 4))
                value = self.rng.randint(60, 980)
                change = self.rng.randint(-40, 120) / 10
                self.add(
                    ItemPlan(
                        organ=spec.key,
                        title=f"{year}年{period}{spec.place}{name}",
                        kind="statistics",
                        genre="统计数据",
                        grouping="统计信息",
                        topic="国民经济管理、国有资产监管\\统计",
                        article20=4,
                        doc_type="other",
                        published_on=day,
                        formed_on=day - dt.timedelta(days=2),
                        subject_terms=[name[:4], "统计数据"],
                        summary=f"{year}年{period or '全年'}{spec.place}{name}。",
                        body=paragraphs(
                            f"{year}年{period or '全年'}，{spec.place}{name}总体平稳、稳中有进。",
                        )
                        + (
                            '<table><caption>主要指标</caption><thead><tr><th scope="col">指标'
                            '</th><th scope="col">数值</th><th scope="col">同比增减（%）</th>'
                            f"</tr></thead><tbody><tr><td>{name[:6]}总量</td><td>{value}</td>"
                            f"<td>{change:+.1f}</td></tr><tr><td>达标率</td><td>"
                            f"{self.rng.randint(80, 99)}%</td><td>"
                            f"{self.rng.randint(-20, 40) / 10:+.1f}</td></tr></tbody></table>"
                        )
                        + paragraphs("注：本数据为初步统计数，最终以统计年鉴公布数据为准。"),
                    )
                )

    def recruitment(self, spec: OrganSpec) -> None:
        for year in (2025, 2026):
            notice_day = self.day_between(dt.date(year, 3, 2), dt.date(year, 4, 15))
            posts = self.rng.randint(12, 160)
            self.add(
                ItemPlan(
                    organ=spec.key,
                    title=f"{spec.name}{year}年公开招聘{spec.recruits}公告",
                    kind="recruit",
                    genre="公告",
                    grouping="人事信息",
                    topic="劳动、人事、监察\\人事工作",
                    article20=14,
                    doc_type="other",
                    published_on=notice_day,
                    formed_on=self.formed_before(notice_day),
                    subject_terms=["公开招聘", spec.recruits],
                    summary=f"{year}年公开招聘{spec.recruits}{posts}名的岗位、条件和报名办法。",
                    body=paragraphs(
                        f"根据《事业单位人事管理条例》等规定，{spec.name}{year}年面向社会公开招聘"
                        f"{spec.recruits}{posts}名。现将有关事项公告如下：",
                        "一、招聘原则。坚持德才兼备，公开、平等、竞争、择优。",
                        "二、报考条件。具有中华人民共和国国籍，遵守宪法和法律，具有岗位所需的专业"
                        "或者技能条件，身体健康。",
                        "三、报名方式。采取网上报名方式，报名时间为公告发布之日起7日内。",
                        "四、考试和考察。笔试、面试成绩按比例合成总成绩，依次确定考察和体检人选。",
                        f"五、咨询电话：{spec.phone}。",
                    ),
                )
            )
            list_day = notice_day + dt.timedelta(days=self.rng.randint(70, 100))
            self.add(
                ItemPlan(
                    organ=spec.key,
                    title=f"{spec.name}{year}年公开招聘{spec.recruits}拟聘用人员名单公示",
                    kind="recruit",
                    genre="公告",
                    grouping="人事信息",
                    topic="劳动、人事、监察\\人事工作",
                    article20=14,
                    doc_type="other",
                    published_on=list_day,
                    formed_on=list_day - dt.timedelta(days=1),
                    subject_terms=["公开招聘", "拟聘用人员"],
                    summary=f"公示{year}年公开招聘{spec.recruits}拟聘用人员名单，公示期7个工作日。",
                    body=paragraphs(
                        f"经笔试、面试、考察和体检，确定{spec.recruits}拟聘用人员"
                        f"{posts - self.rng.randint(0, 3)}名，现予公示（名单详见附件）。",
                        "公示期为7个工作日。公示期间，对拟聘用人员有异议的，可以书面实名向"
                        f"{spec.name}反映，联系电话：{spec.phone}。",
                    ),
                    attachment=f"{year}年拟聘用人员名单.pdf",
                )
            )

    def penalties(self, spec: OrganSpec) -> None:
        series = spec.doc_prefix.removesuffix("发") + "罚"
        for _ in range(spec.penalties):
            day = self.day_between(FIRST_DAY, LAST_DAY)
            company = (
                f"{CITY}{self.rng.choice(COMPANY_WORDS)}{self.rng.choice(COMPANY_TRADES)}有限公司"
            )
            fine = self.rng.choice([5000, 10000, 20000, 30000, 50000, 80000, 100000])
            plan = ItemPlan(
                organ=spec.key,
                title=f"{spec.name}行政处罚决定书（{company}）",
                kind="penalty",
                genre="其他",
                grouping="行政执法",
                topic=self.rng.choice(spec.subjects).topic,
                article20=6,
                doc_type="other",
                published_on=day,
                formed_on=self.formed_before(day),
                subject_terms=["行政处罚", company],
                summary=f"对{company}作出罚款{fine}元的行政处罚决定。",
                body=paragraphs(
                    f"当事人：{company}",
                    f"经查，当事人存在违反{spec.area}管理规定的违法行为，有现场检查笔录、"
                    "询问笔录、抽样检验报告等证据为证。",
                    "本机关已依法告知当事人拟作出行政处罚的事实、理由、依据以及依法享有的陈述、"
                    "申辩和要求听证的权利，当事人在规定期限内未提出陈述、申辩和听证要求。",
                    f"依据有关法律法规的规定，本机关决定：责令当事人改正违法行为，并处罚款{fine}元。",
                    "当事人如不服本处罚决定，可以在收到本决定书之日起六十日内依法申请行政复议，"
                    "或者在六个月内依法向人民法院提起行政诉讼。",
                )
                + signature(spec, day),
                doc_series=series,
            )
            self.add(plan)

    def rules(self, spec: OrganSpec) -> None:
        """市政府规章 (doc_type rule), numbered as 临江市人民政府令."""
        for name in CITY_RULES:
            day = self.day_between(FIRST_DAY, dt.date(2026, 10, 30))
            self.add(
                ItemPlan(
                    organ=spec.key,
                    title=f"{CITY}{name}",
                    kind="rule",
                    genre="命令（令）",
                    grouping="政策文件",
                    topic=self.rng.choice(spec.subjects).topic,
                    article20=1,
                    doc_type="rule",
                    published_on=day,
                    formed_on=self.formed_before(day),
                    subject_terms=[name.removesuffix("管理办法").removesuffix("规定"), "政府规章"],
                    summary=f"《{CITY}{name}》已经市人民政府常务会议审议通过，现予公布。",
                    body=paragraphs(
                        f"《{CITY}{name}》已经{cn_date(self.formed_before(day))}市人民政府第"
                        f"{self.rng.randint(30, 90)}次常务会议审议通过，现予公布，"
                        f"自{cn_date(day + dt.timedelta(days=30))}起施行。",
                        "第一条　为了加强城市管理，维护公共秩序，保障公民、法人和其他组织的"
                        "合法权益，根据有关法律、法规，结合本市实际，制定本办法。",
                        "第二条　本市行政区域内的相关活动及其监督管理，适用本办法。",
                        "第三条　市人民政府相关主管部门按照职责分工负责本办法的实施。",
                        "第四条　违反本办法规定的，由有关主管部门依法予以处理。",
                        "第五条　本办法自公布之日起30日后施行。",
                    )
                    + signature(spec, day),
                    doc_series=RULE_SERIES,
                    attachment=f"{CITY}{name}.pdf",
                )
            )

    # -- the random part ----------------------------------------------------------------------

    def random_item(self, spec: OrganSpec) -> list[ItemPlan]:
        day = self.day_between(FIRST_DAY, LAST_DAY)
        subject = self.rng.choice(spec.subjects)
        kinds = ["notice"] * 5 + ["news"] * 4 + ["bulletin"] * 2 + ["announcement"] * 2
        kinds += ["plan"] * 2
        if spec.measures:
            kinds += ["measures"] * 2
        if spec.kind != "subdistrict":
            kinds += ["opinion"]
        if spec.kind == "government":
            kinds += ["reply"]
        kind = self.rng.choice(kinds)
        if kind == "measures":
            return [self.measures(spec, self.rng.choice(spec.measures), day)]
        if kind == "opinion":
            return self.opinion(spec, subject, day)
        builder = {
            "notice": self.notice,
            "news": self.news,
            "bulletin": self.bulletin,
            "announcement": self.announcement,
            "plan": self.plan_doc,
            "reply": self.reply,
        }[kind]
        return [builder(spec, subject, day)]

    def run(self, random_items: int) -> list[ItemPlan]:
        for spec in ORGANS:
            self.fixed(spec)
            self.statistics(spec)
            if spec.recruits:
                self.recruitment(spec)
            if spec.penalties:
                self.penalties(spec)
        self.rules(ORGANS_BY_KEY["city"])
        weighted = [spec for spec in ORGANS for _ in range(spec.weight)]
        added = attempts = 0
        while added < random_items and attempts < random_items * 10:
            attempts += 1
            for plan in self.random_item(self.rng.choice(weighted)):
                added += self.add(plan)
        self.plans.sort(key=lambda p: (p.published_on, p.organ, p.title))
        self.number_documents()
        self.plan_repeals()
        self.plans.extend(self.drafts())
        self.plans.extend(pending_reviews())
        return self.plans

    def number_documents(self) -> None:
        """发文字号 ``临教发〔2026〕12号``: serial per series and year, in date order."""
        serials: dict[tuple[str, int], int] = {}
        for plan in self.plans:
            if not plan.doc_series:
                continue
            if plan.doc_series == RULE_SERIES:
                # 政府令 numbers run on across the years.
                serial = serials.get((RULE_SERIES, 0), 150) + 1
                serials[(RULE_SERIES, 0)] = serial
                plan.doc_number = f"{RULE_SERIES}第{serial}号"
                continue
            year = plan.formed_on.year
            # Not every numbered document of an organ is published: the serial skips a few.
            serial = serials.get((plan.doc_series, year), self.rng.randint(0, 5)) + 1
            serials[(plan.doc_series, year)] = serial + self.rng.randint(0, 2)
            plan.doc_number = f"{plan.doc_series}〔{year}〕{serial}号"

    def plan_repeals(self) -> None:
        """Some 规章 and 行政规范性文件 of 2025 were later repealed or amended (年报第二部分)."""
        for plan in self.plans:
            if plan.doc_type == "other" or plan.published_on.year != 2025:
                continue
            if self.rng.random() < 0.3:
                validity = self.rng.choice(["repealed", "repealed", "amended"])
                when = plan.published_on + dt.timedelta(days=self.rng.randint(150, 420))
                plan.repeal = (validity, when)

    def drafts(self) -> list[ItemPlan]:
        out = []
        for key in ("city", "edu", "hrss", "eco", "jb", "jb_edu"):
            spec = ORGANS_BY_KEY[key]
            subject = self.rng.choice(spec.subjects)
            out.append(
                ItemPlan(
                    organ=key,
                    title=f"{spec.name}关于做好2027年{subject.phrase}工作的通知",
                    kind="draft",
                    genre="通知",
                    grouping="政策文件",
                    topic=subject.topic,
                    article20=subject.article20,
                    doc_type="other",
                    published_on=LAST_DAY,  # not used: drafts are not published
                    formed_on=dt.date(2026, 1, 5),
                    subject_terms=[subject.keyword, "通知"],
                    summary=f"（草稿）部署2027年{subject.phrase}工作。",
                    body=paragraphs(spec.addressee, "（正文待补充）"),
                    draft=True,
                )
            )
        return out


def demo_resident_id(region: str, birthday: dt.date, serial: int) -> str:
    """An invented 18-digit ID number with a valid GB 11643 check digit (region 339900 does
    not exist), so the personal-data scan finds it as it would find a real one."""
    first17 = f"{region}{birthday:%Y%m%d}{serial:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return (
        first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    )


def pending_reviews() -> list[ItemPlan]:
    """Two items waiting for review (条例第十七条): a 低保 list that still shows ID and mobile
    numbers in full — the incident the review exists to stop — and a clean notice."""
    rows = [
        ("王某某", demo_resident_id("339901", dt.date(1956, 3, 14), 21), "13905710012", "2"),
        ("李某某", demo_resident_id("339902", dt.date(1948, 11, 2), 46), "13757120034", "1"),
        ("陈某某", demo_resident_id("339901", dt.date(1971, 7, 28), 83), "15867130056", "3"),
    ]
    table = "".join(
        f"<tr><td>{name}</td><td>{number}</td><td>{phone}</td><td>{people}</td></tr>"
        for name, number, phone, people in rows
    )
    welfare = ItemPlan(
        organ="jb",
        title="江北区2026年第二批城乡最低生活保障对象名单公示",
        kind="pending",
        genre="公示",
        grouping="通知公告",
        topic="民政、扶贫、救灾\\社会福利",
        article20=11,
        doc_type="other",
        published_on=LAST_DAY,  # set by the reviewer's approval
        formed_on=dt.date(2026, 6, 1),
        subject_terms=["最低生活保障", "公示"],
        summary="公示2026年第二批新增城乡最低生活保障对象。",
        body=paragraphs(
            "根据《社会救助暂行办法》，经个人申请、街道审核，现将2026年第二批新增城乡最低"
            "生活保障对象名单公示如下，公示期7天。",
        )
        + "<table><thead><tr><th>姓名</th><th>身份证号</th><th>联系电话</th><th>保障人数</th>"
        "</tr></thead><tbody>" + table + "</tbody></table>",
        pending=True,
    )
    notice = ItemPlan(
        organ="edu",
        title="临江市教育局关于2026年秋季学期中小学开学工作的通知",
        kind="pending",
        genre="通知",
        grouping="通知公告",
        topic="科技、教育\\教育",
        article20=11,
        doc_type="other",
        published_on=LAST_DAY,
        formed_on=dt.date(2026, 8, 20),
        subject_terms=["开学", "通知"],
        summary="部署2026年秋季学期中小学开学工作。",
        body=paragraphs("各区县教育局，市直属各学校：", "现就2026年秋季学期开学工作通知如下。"),
        pending=True,
    )
    return [welfare, notice]


def plan_items(random_items: int = 320) -> list[ItemPlan]:
    """The demo items, the same list on every run (dates up to ``LAST_DAY``; the command
    publishes those not in the future)."""
    return Planner().run(random_items)


TASK_PARAGRAPHS = (
    "提高思想认识。{phrase}工作事关人民群众切身利益，各单位要切实增强责任感和紧迫感，把"
    "{phrase}工作摆上重要议事日程，主要负责同志亲自部署、亲自推动，确保各项任务落到实处。",
    "明确工作任务。要对照年度目标任务，细化工作举措，明确时间节点和责任分工，建立工作台账，"
    "实行清单化管理、项目化推进，对工作中发现的问题及时研究解决。",
    "加强协调配合。各有关单位要按照职责分工，密切协作，形成工作合力；涉及多个部门的事项，"
    "由牵头单位负责统筹协调，重大问题及时向{short}报告。",
    "强化督促检查。{short}将适时组织开展督导检查，对工作成效明显的单位予以通报表扬，对工作"
    "推进不力的单位进行约谈并督促整改。",
    "做好宣传引导。要充分利用政府网站、政务新媒体等渠道，加强政策宣传解读，及时回应社会关切，"
    "营造良好社会氛围。",
    "守牢安全底线。要坚持底线思维，健全风险排查和应急处置机制，防范化解各类风险隐患。",
)
COMPANY_WORDS = ("恒达", "鑫源", "华茂", "瑞丰", "宏图", "博远", "嘉禾", "永盛", "汇通", "润景")
COMPANY_TRADES = ("商贸", "食品", "建材", "餐饮管理", "化工", "物流", "电器", "环保科技")
CITY_RULES = (
    "养犬管理规定",
    "电动自行车管理办法",
    "公共数据管理办法",
    "历史文化名城保护办法",
    "城市绿化管理办法",
    "扬尘污染防治管理办法",
)


def demo_pdf(title: str) -> bytes:
    """A small valid one-page PDF (ASCII text; real attachments are scans or exports)."""
    text = f"Linjiang demo attachment #{zlib.crc32(title.encode()) % 100000:05d}".encode()
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def as_dict(plan: ItemPlan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "doc_number": plan.doc_number,
        "subject_terms": plan.subject_terms,
        "summary": plan.summary,
        "article20": plan.article20,
        "doc_type": plan.doc_type,
        "formed_on": plan.formed_on,
        "body": plan.body,
    }
