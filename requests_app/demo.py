"""Demo 政府信息公开申请 for ``manage.py seed_demo``: every state of the workflow, 2025 to today.

``seed_demo`` calls :func:`seed` after the catalog (organs, staff accounts, items) is in place.
About 150 applications are planned from a fixed random seed and driven through the real
services (``requests_app.services``) with dated steps, so tracking codes, events, deadlines
and the annual report's statistics come out exactly as in production:

- history since January 2025: answered with outcomes weighted roughly as in published annual
  reports (予以公开 most, then 本机关不掌握, 部分公开, the 不予公开 grounds, 不予处理 …), some
  after a 补正, a consultation (条例第三十二条), an extension (条例第三十三条第二款) or a paid
  信息处理费 (国办函〔2020〕109号), a few answered late, and some closed because the correction
  or the fee lapsed, or withdrawn;
- the current queue: applications just received, due within three working days, overdue,
  awaiting a 补正, consulting a third party, awaiting a fee, extended;
- a few 行政复议 and 行政诉讼 on answers (table 四 of the annual report).

Dates are relative to today (``timezone.localdate()``) and never in the future: a planned step
that would fall after today is simply not taken yet, which leaves the application open.
Applicants give no e-mail address, so seeding never sends mail (the services only mail
applicants who gave one). Idempotent: when the demo organs already have applications,
nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from catalog.demo_data import (
    CITY,
    ORGANS,
    ORGANS_BY_KEY,
    STAFF_ORGANS,
    demo_pdf,
    organisation_code,
)
from catalog.models import Item, Organ
from catalog.validators import credit_code_check_character
from requests_app import services
from requests_app.calendar import current_calendar
from requests_app.deadlines import is_due_soon, is_overdue
from requests_app.models import (
    OPEN_STATUSES,
    AppealKind,
    AppealResult,
    ApplicantType,
    Application,
    Channel,
    DeliveryForm,
    DeliveryMethod,
    Event,
    EventType,
    FeeBasis,
    IdType,
    Outcome,
    Status,
)
from requests_app.workdays import WorkCalendar, add_workdays, next_workday

SEED = 20250102
FIRST_DAY = dt.date(2025, 1, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Applications with a history (most of them finished); the current queue comes on top.
HISTORY_COUNT = 129

# --- Word lists ------------------------------------------------------------------------------

# Share of the applications per organ: the city government and the departments closest to
# daily life (housing, education, social security) receive the most.
ORGAN_WEIGHTS: dict[str, int] = {
    "city": 22,
    "office": 4,
    "ndrc": 6,
    "edu": 13,
    "finance": 7,
    "hrss": 12,
    "eco": 8,
    "housing": 14,
    "amr": 8,
    "jb": 10,
    "jb_edu": 4,
    "jb_finance": 3,
    "jb_binjiang": 3,
    "jb_wangjiang": 3,
}
# The current queue sits mostly with the organs that have demo staff accounts.
QUEUE_ORGAN_WEIGHTS: dict[str, int] = {
    "city": 5,
    "edu": 4,
    "hrss": 4,
    "jb": 3,
    "housing": 2,
    "jb_edu": 1,
    "eco": 1,
}
# 申请方式 as in real reports: mostly in person, then online, e-mail, letter, fax.
CHANNEL_WEIGHTS: dict[str, int] = {
    Channel.IN_PERSON: 48,
    Channel.ONLINE: 32,
    Channel.EMAIL: 9,
    Channel.LETTER: 8,
    Channel.FAX: 3,
}
APPLICANT_TYPE_WEIGHTS: dict[str, int] = {
    ApplicantType.NATURAL_PERSON: 74,
    ApplicantType.COMMERCIAL: 12,
    ApplicantType.RESEARCH: 3,
    ApplicantType.NONPROFIT: 3,
    ApplicantType.LEGAL_SERVICES: 6,
    ApplicantType.OTHER_ORG: 2,
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝"
)
GIVEN_NAMES = (
    "建国", "秀英", "志强", "丽华", "海燕", "伟", "芳", "敏", "静", "磊", "军", "洋", "勇",
    "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "文斌",
    "晓东", "红梅", "国庆", "玉兰", "志刚", "雪梅", "子涵", "浩然", "雨欣", "思远", "春生",
    "德明", "金凤", "卫东", "新民", "淑珍", "永红", "俊杰", "佳怡", "宇航",
)  # fmt: skip
# 县级行政区划代码 of the fictional 临江市 (339900) used in the applicants' ID numbers.
ID_REGIONS = ("339901", "339902", "339903", "339921", "339981")
ROADS = (
    "滨江大道", "解放路", "文教路", "建设路", "民生路", "湖滨路", "新华路", "江北大道",
    "学府路", "望江路", "青山路", "人民路", "中山路", "环城东路",
)  # fmt: skip
COMMUNITIES = ("望江花园", "滨江新村", "青山苑", "文教小区", "东湖公寓", "建设新村", "江景豪庭")

# (登记管理部门和机构类别代码 of GB 32100-2015, name): 91 企业, 12 事业单位, 51 社会团体,
# 52 民办非企业单位, 31 律师事务所, Y1 其他.
ORGANISATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    ApplicantType.COMMERCIAL: (
        ("91", f"{CITY}宏达建材有限公司"),
        ("91", f"{CITY}恒通物流有限公司"),
        ("91", f"{CITY}鑫源房地产开发有限公司"),
        ("91", f"{CITY}瑞丰食品有限公司"),
        ("91", f"{CITY}华茂建筑工程有限公司"),
        ("91", "临江江北博远环保科技有限公司"),
        ("91", f"{CITY}嘉禾商贸有限公司"),
        ("91", f"{CITY}永盛化工有限公司"),
    ),
    ApplicantType.RESEARCH: (
        ("12", "临江大学"),
        ("12", f"{CITY}社会科学院"),
        ("12", "临江职业技术学院"),
    ),
    ApplicantType.NONPROFIT: (
        ("51", f"{CITY}绿水环境保护促进会"),
        ("51", f"{CITY}消费者权益保护协会"),
        ("52", f"{CITY}阳光助残服务中心"),
    ),
    ApplicantType.LEGAL_SERVICES: (
        ("31", "临江明正律师事务所"),
        ("31", "临江衡平律师事务所"),
        ("31", "临江江北公信律师事务所"),
    ),
    ApplicantType.OTHER_ORG: (
        ("Y1", f"{CITY}江北区望江花园业主委员会"),
        ("Y1", f"{CITY}江北区滨江社区居民委员会"),
    ),
}

# What people ask each organ for. ``{year}`` is the year of receipt or the one before,
# ``{community}``/``{road}`` a place of the city.
REQUESTS: dict[str, tuple[str, ...]] = {
    "city": (
        "申请公开{year}年临江市重大建设项目清单及年度投资计划。",
        "请求提供{road}拓宽改造工程的征收补偿方案及市政府批复文件。",
        "申请公开市政府关于同意设立临江经济技术开发区东区的批复。",
        "申请公开江北区青山村集体土地征收的征地批复文件及征地补偿安置方案。",
        "申请公开{year}年市政府民生实事项目的确定依据和完成情况。",
        "申请公开临江市城市更新三年行动计划及首批实施项目名单。",
    ),
    "office": (
        "申请公开{year}年12345政务服务便民热线受理工单的办理情况统计。",
        "申请获取《临江市突发事件总体应急预案》全文。",
        "申请公开{year}年市人大代表关于{road}交通拥堵问题建议的办理答复。",
        "申请公开{year}年政务服务事项目录及办事指南的调整情况。",
    ),
    "ndrc": (
        "申请公开临江港综合物流园区项目可行性研究报告的批复文件。",
        "请求提供{year}年临江市政府投资项目计划表。",
        "申请公开城区管道天然气配气价格调整的成本监审结论和听证会纪要。",
        "申请公开{year}年临江市重点建设项目的年度投资完成情况。",
    ),
    "edu": (
        "申请公开{year}年临江市区义务教育学校学区划分方案。",
        "请求提供临江市第七中学新校区建设项目的立项批复及资金来源。",
        "申请公开{year}年市直属学校教师公开招聘的面试成绩及拟聘用名单。",
        "申请公开校外培训机构白名单及各机构办学许可证核发情况。",
        "申请公开{year}年家庭经济困难学生资助资金的分配文件。",
    ),
    "finance": (
        "申请公开{year}年临江市本级一般公共预算支出明细表。",
        "请求提供{year}年市级部门“三公”经费预算执行情况。",
        "申请公开临江市{year}年政府专项债券资金的使用项目清单。",
        "申请公开{year}年惠民惠农财政补贴资金“一卡通”发放的政策依据及标准。",
    ),
    "hrss": (
        "申请公开{year}年临江市最低工资标准调整的依据文件。",
        "申请公开{year}年就业补助资金的分配和使用情况。",
        "申请公开{year}年事业单位公开招聘的资格复审结果和体检名单。",
        "请求提供本人工伤认定决定书及认定所依据的调查材料。",
        "申请公开临江市企业职工基本养老保险待遇调整的实施文件。",
    ),
    "eco": (
        "申请公开临江化工园区年产5万吨精细化工项目的环境影响报告书全本及审批意见。",
        "请求提供{year}年第三季度城区大气自动监测站的PM2.5小时浓度数据。",
        "申请公开{year}年重点排污单位名录及自行监测数据。",
        "申请公开临江水质净化厂提标改造项目的环评批复。",
    ),
    "housing": (
        "申请公开{year}年临江市老旧小区改造项目的资金使用明细。",
        "请求提供{community}小区物业专项维修资金的使用审批材料。",
        "申请公开{year}年公共租赁住房的分配名单及资格审核标准。",
        "申请公开城东棚户区改造项目的房屋征收决定及补偿方案。",
        "申请公开{community}二期项目的建设工程竣工验收备案材料。",
    ),
    "amr": (
        "申请公开{year}年食品安全监督抽检不合格产品的核查处置情况。",
        "申请公开临江市电梯维保单位的年度信用评价结果。",
        "申请公开{year}年产品质量监督抽查的结果通报。",
        "申请公开{road}农贸市场改造后的市场开办者备案材料。",
    ),
    "jb": (
        "申请公开江北新城核心区控制性详细规划的批复文件。",
        "请求提供江北区青山村土地征收补偿款的发放明细（本户部分）。",
        "申请公开江北区{year}年为民办实事项目的完成情况。",
        "申请公开江北区{road}沿线违法建筑专项整治的实施方案。",
    ),
    "jb_edu": (
        "申请公开江北区{year}年小学一年级招生的学区划分及入学资格审核标准。",
        "请求提供江北区第二实验小学扩建工程的招标文件及中标结果。",
        "申请公开江北区{year}年中小学课后服务收费标准及批复文件。",
    ),
    "jb_finance": (
        "申请公开江北区{year}年区级部门预算汇总表。",
        "请求提供江北区惠民惠农补贴资金“一卡通”发放明细（本村部分）。",
        "申请公开江北区{year}年政府采购意向公开情况。",
    ),
    "jb_binjiang": (
        "申请公开滨江街道{year}年老旧小区加装电梯补助资金的发放情况。",
        "请求提供滨江街道关于{community}违法建筑拆除的决定书及相关程序材料。",
        "申请公开滨江街道{year}年最低生活保障对象的审核公示材料。",
    ),
    "jb_wangjiang": (
        "申请公开望江街道{year}年城乡居民最低生活保障对象名单公示情况。",
        "请求提供望江街道{community}垃圾分类设施建设的资金来源及验收材料。",
        "申请公开望江街道{year}年为民办实事项目清单。",
    ),
}

# Some outcomes only make sense for a particular kind of request: those get their own.
OUTCOME_REQUESTS: dict[str, tuple[str, ...]] = {
    Outcome.WITHHELD_STATE_SECRET: ("申请公开临江市人民防空工程布局规划的具体点位和设计图纸。",),
    Outcome.WITHHELD_PROHIBITED: ("申请获取他人在本机关登记的身份证号码、家庭住址等个人信息。",),
    Outcome.WITHHELD_SECURITY: ("申请公开城区供水水源地取水口的精确坐标及安防设施布置图。",),
    Outcome.WITHHELD_THIRD_PARTY: (
        "申请公开{company}报送的投标文件中的技术方案和报价明细。",
        "申请公开{company}申报项目补助时提交的财务报表和生产工艺资料。",
    ),
    Outcome.WITHHELD_INTERNAL: ("申请公开{organ}内设处室工作人员的考勤记录和年度考核结果。",),
    Outcome.WITHHELD_PROCESS: (
        "申请公开{organ}研究{year}年城东片区改造方案的会议记录、讨论稿和请示报告。",
        "申请公开{organ}就{road}改造工程与有关单位往来的磋商函件。",
    ),
    Outcome.WITHHELD_ENFORCEMENT: (
        "申请公开{organ}对{company}立案调查的全部执法案卷材料，包括询问笔录和现场检查笔录。",
    ),
    Outcome.WITHHELD_QUERY: (
        "申请查询本人名下房屋的不动产登记信息及抵押登记情况。",
        "申请查询本人{year}年社会保险缴费记录。",
    ),
    Outcome.UNAVAILABLE_NEEDS_CREATION: (
        "请求对临江市近五年各区县教育、卫生财政投入情况进行汇总分析，并提供统计对比表。",
        "请求按街道统计{year}年{organ}办理的全部事项数量并制作分析报告。",
    ),
    Outcome.UNAVAILABLE_UNCLEAR: ("申请公开有关拆迁的文件。", "申请公开关于我家的那份通知。"),
    Outcome.REJECTED_PETITION: (
        "反映{company}长期拖欠工人工资的问题，要求{organ}依法查处并公开处理结果。",
        "投诉{community}小区物业公司违规收取停车费，要求责令整改并退还费用。",
    ),
    Outcome.REJECTED_PUBLICATION: ("申请提供《临江统计年鉴（{year}）》纸质版一册。",),
    Outcome.REJECTED_MASS: ("申请公开{organ}自2000年以来制发的全部文件目录、全文及办理材料。",),
    Outcome.REJECTED_CONFIRMATION: (
        "要求{organ}对本人已获取的《{year}年度项目补助资金分配表》复印件加盖公章予以确认。",
    ),
    Outcome.OTHER_OTHER: ("申请获取{company}的企业登记档案资料。",),
}

# The answer letter's gist per outcome (条例第三十六至三十九条).
REPLIES: dict[str, str] = {
    Outcome.DISCLOSED: "经审查，您申请获取的政府信息属于公开范围，现将有关信息提供给您，请查收。",
    Outcome.PARTIALLY_DISCLOSED: (
        "经审查，您申请获取的政府信息中涉及个人隐私的内容不予公开，其余部分予以公开"
        "（条例第三十七条），现将可以公开的部分提供给您。"
    ),
    Outcome.WITHHELD_STATE_SECRET: (
        "经审查，您申请获取的政府信息已依法确定为国家秘密，根据《中华人民共和国政府信息公开条例》"
        "第十四条的规定，不予公开。"
    ),
    Outcome.WITHHELD_PROHIBITED: (
        "经审查，您申请获取的信息属于法律、行政法规禁止公开的信息，根据条例第十四条的规定，"
        "不予公开。"
    ),
    Outcome.WITHHELD_SECURITY: (
        "经审查，您申请获取的政府信息公开后可能危及公共安全，根据条例第十四条的规定，不予公开。"
    ),
    Outcome.WITHHELD_THIRD_PARTY: (
        "经审查，您申请获取的政府信息涉及第三方商业秘密。本机关已书面征求第三方意见，第三方不同意"
        "公开，且不公开不会对公共利益造成重大影响，根据条例第十五条的规定，不予公开。"
    ),
    Outcome.WITHHELD_INTERNAL: (
        "经审查，您申请获取的信息属于本机关的人事管理等内部事务信息，根据条例第十六条第一款的"
        "规定，不予公开。"
    ),
    Outcome.WITHHELD_PROCESS: (
        "经审查，您申请获取的信息属于本机关在履行行政管理职能过程中形成的讨论记录、过程稿、"
        "磋商信函、请示报告等过程性信息，根据条例第十六条第二款的规定，不予公开。"
    ),
    Outcome.WITHHELD_ENFORCEMENT: (
        "经审查，您申请获取的信息属于行政执法案卷信息，根据条例第十六条第二款的规定，不予公开。"
    ),
    Outcome.WITHHELD_QUERY: (
        "您申请获取的信息属于行政查询事项，请携带本人有效身份证件到相关窗口按照查询规定办理。"
    ),
    Outcome.UNAVAILABLE_NOT_HELD: (
        "经检索，本机关未制作或者获取您申请公开的政府信息，根据条例第三十六条第（四）项的规定，"
        "告知您该政府信息不存在。"
    ),
    Outcome.UNAVAILABLE_NEEDS_CREATION: (
        "您申请获取的信息需要本机关对现有政府信息进行加工、分析，根据条例第三十八条的规定，"
        "本机关不予提供。"
    ),
    Outcome.UNAVAILABLE_UNCLEAR: (
        "本机关已告知您补正申请，您补正后的申请内容仍不明确，本机关无法确定您所需的政府信息，"
        "无法向您提供。"
    ),
    Outcome.REJECTED_PETITION: (
        "您提出的申请实质上是投诉举报，根据条例第三十九条第一款的规定，本机关不作为政府信息公开"
        "申请处理，已转相关业务处室按照投诉举报渠道办理。"
    ),
    Outcome.REJECTED_REPEATED: (
        "您的申请与此前已经答复的申请内容相同，根据条例第三十六条第（六）项的规定，本机关不再"
        "重复处理。"
    ),
    Outcome.REJECTED_PUBLICATION: (
        "您申请获取的是公开出版物，根据条例第三十九条第二款的规定，请通过公开发行渠道获取。"
    ),
    Outcome.REJECTED_MASS: (
        "您申请公开政府信息的数量明显超过合理范围，经本机关要求说明理由，您的理由不合理，根据"
        "条例第三十五条的规定，本机关不予处理。"
    ),
    Outcome.REJECTED_CONFIRMATION: (
        "您要求本机关确认或者重新出具已获取的信息，根据条例第三十九条第二款的规定，本机关不作为"
        "政府信息公开申请处理。"
    ),
    Outcome.OTHER_OTHER: (
        "您申请获取的信息属于企业登记资料，有关法律、行政法规对其获取有特别规定，根据条例第三十六条"
        "第（七）项的规定，请依照有关规定到登记机关查询。"
    ),
}
LINKED_REPLY = (
    "您申请获取的政府信息已经主动公开，根据条例第三十六条第（一）项的规定，告知您获取途径："
    "登录临江市政府信息公开平台查阅《{title}》。"
)
NOT_HELD_REFERRALS = (
    "经了解，该信息可能由临江市自然资源和规划局掌握，建议向该局申请，联系电话0599-88068801。",
    "经了解，该信息可能由临江市交通运输局掌握，建议向该局申请，联系电话0599-88069101。",
    "",
)

# Outcomes of answers, weighted roughly as in the annual reports of Chinese cities.
ANSWER_OUTCOME_WEIGHTS: dict[str, int] = {
    Outcome.DISCLOSED: 46,
    Outcome.PARTIALLY_DISCLOSED: 8,
    Outcome.WITHHELD_STATE_SECRET: 1,
    Outcome.WITHHELD_PROHIBITED: 1,
    Outcome.WITHHELD_SECURITY: 1,
    Outcome.WITHHELD_THIRD_PARTY: 1,
    Outcome.WITHHELD_INTERNAL: 1,
    Outcome.WITHHELD_PROCESS: 2,
    Outcome.WITHHELD_ENFORCEMENT: 1,
    Outcome.WITHHELD_QUERY: 1,
    Outcome.UNAVAILABLE_NOT_HELD: 20,
    Outcome.UNAVAILABLE_NEEDS_CREATION: 4,
    Outcome.REJECTED_PETITION: 5,
    Outcome.REJECTED_REPEATED: 3,
    Outcome.REJECTED_PUBLICATION: 1,
    Outcome.REJECTED_MASS: 1,
    Outcome.REJECTED_CONFIRMATION: 2,
    Outcome.OTHER_OTHER: 3,
}
# How a finished application got there (weights for the history).
PATH_WEIGHTS: dict[str, int] = {
    "answer": 60,
    "answer_late": 5,
    "correction_answer": 9,
    "consult_answer": 7,
    "extend_answer": 6,
    "fee_answer": 3,
    "lapse_correction": 4,
    "lapse_fee": 2,
    "withdraw": 4,
}
# Received just before the turn of the year and answered in January: the 2025 reports carry
# them forward (结转下年度继续办理) and the 2026 reports carry them over.
YEAR_END: tuple[tuple[str, dt.date], ...] = (
    ("city", dt.date(2025, 12, 24)),
    ("city", dt.date(2025, 12, 29)),
    ("edu", dt.date(2025, 12, 26)),
    ("jb", dt.date(2025, 12, 30)),
)
# The current queue: (path, working days since receipt); every open status is in it.
QUEUE: tuple[tuple[str, int], ...] = (
    ("fresh", 1),
    ("fresh", 2),
    ("fresh", 4),
    ("fresh", 18),  # due within three working days
    ("fresh", 19),
    ("fresh", 24),  # overdue
    ("fresh", 29),
    ("awaiting_correction", 3),
    ("awaiting_correction", 6),
    ("consulting", 8),
    ("consulting", 12),
    ("awaiting_fee", 7),
    ("awaiting_fee", 10),
    ("corrected", 15),
    ("consulted", 20),
    ("extended", 22),
    ("fee_paid", 14),
    ("awaiting_reasons", 6),
)

CORRECTION_NOTES = (
    "请补充所需政府信息的名称、文号或者便于查询的其他特征性描述（如形成时间、涉及的具体项目名称）。",
    "申请表未注明所需信息涉及的具体地块和年份，请予以补正。",
    "请提供申请人有效身份证件复印件，并明确所需信息的具体内容。",
)
CONSULTED_PARTIES = (
    "{company}（第三方）",
    "临江市自然资源和规划局",
    "临江市公安局",
    "{community}业主委员会（第三方）",
)
EXTENSION_REASONS = (
    "所需信息形成时间较早、涉及多个处室，需要调档查阅和逐件审查，不能在法定期限内答复。",
    "申请内容涉及的信息量较大，需要逐页进行保密审查和区分处理。",
    "所需信息需与相关部门会商确认公开属性，不能在法定期限内答复。",
)
WITHDRAW_NOTES = (
    "申请人来电表示已通过其他途径获取所需信息，申请撤回。",
    "申请人书面提出撤回申请。",
)
FEE_NOTE = "请于缴费期限内通过政务服务网“非税收入缴款”栏目或到市民中心收费窗口缴纳。"


# --- Planning --------------------------------------------------------------------------------


@dataclass
class Step:
    """One workflow action ``gap`` working days after the previous step (or the receipt)."""

    action: str
    gap: int
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    organ: str
    received_on: dt.date
    submitted_at: dt.datetime
    channel: str
    applicant_type: str
    applicant: dict[str, str]
    description: str
    delivery_form: str
    delivery_method: str
    steps: list[Step]
    assign: bool


def workdays_back(cal: WorkCalendar, day: dt.date, n: int) -> dt.date:
    """The working day ``n`` working days before ``day`` (``day`` itself when n is 0)."""
    d = day
    counted = 0
    while counted < n:
        d -= dt.timedelta(days=1)
        if cal.is_workday(d):
            counted += 1
    return d


def resident_id(rng: random.Random) -> str:
    """A valid 18-digit 居民身份证号码 (GB 11643-1999 check digit) of the fictional city."""
    birth = dt.date(1952, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 50))
    first17 = f"{rng.choice(ID_REGIONS)}{birth:%Y%m%d}{rng.randint(10, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def organisation_credit_code(prefix: str, name: str) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015), the same for the same organisation every run."""
    serial = 30_000_000 + zlib.crc32(name.encode()) % 60_000_000
    region = "339902" if "江北" in name else "339900"
    first17 = f"{prefix}{region}{organisation_code(serial)}"
    return first17 + credit_code_check_character(first17)


class Planner:
    """Turns the fixed random seed into the list of demo applications."""

    def __init__(self, cal: WorkCalendar, today: dt.date, organs: dict[str, Organ]) -> None:
        self.rng = random.Random(SEED)
        self.cal = cal
        self.today = today
        self.organs = organs
        self.outcomes = self._outcome_pool()

    # -- small helpers ----------------------------------------------------------------------

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def phone(self) -> str:
        return f"0599-8{self.rng.randint(1_000_000, 9_999_999)}"

    def address(self, *, home: bool) -> tuple[str, str]:
        district, postal = self.rng.choice((("江北区", "339100"), ("", "339000")))
        street = f"{self.rng.choice(ROADS)}{self.rng.randint(1, 300)}号"
        if home:
            street += (
                f"{self.rng.randint(1, 30)}幢{self.rng.randint(1, 6)}0{self.rng.randint(1, 4)}室"
            )
        return f"{CITY}{district}{street}", postal

    def company(self) -> str:
        return self.rng.choice(ORGANISATIONS[ApplicantType.COMMERCIAL])[1]

    def _outcome_pool(self) -> list[str]:
        """The answers' outcomes in proportion to their weights, each at least once (the
        report's table 三 is varied), in random order."""
        answers = round(HISTORY_COUNT * 0.85)
        total = sum(ANSWER_OUTCOME_WEIGHTS.values())
        pool = [
            outcome
            for outcome, weight in ANSWER_OUTCOME_WEIGHTS.items()
            for _ in range(max(1, round(weight * answers / total)))
        ]
        self.rng.shuffle(pool)
        return pool

    def next_outcome(self) -> str:
        if self.outcomes:
            return self.outcomes.pop()
        return self.pick(ANSWER_OUTCOME_WEIGHTS)

    # -- the parts of a plan ----------------------------------------------------------------

    def applicant(self, applicant_type: str) -> dict[str, str]:
        person = applicant_type == ApplicantType.NATURAL_PERSON
        address, postal_code = self.address(home=person)
        contact = {"phone": self.phone(), "address": address, "postal_code": postal_code}
        if person:
            return {
                "name": self.person_name(),
                "id_type": IdType.RESIDENT_ID,
                "id_number": resident_id(self.rng),
                **contact,
            }
        prefix, name = self.rng.choice(ORGANISATIONS[applicant_type])
        return {
            "organization": name,
            "credit_code": organisation_credit_code(prefix, name),
            "legal_representative": self.person_name(),
            "contact_name": self.person_name(),
            **contact,
        }

    def description(self, organ_key: str, outcome: str | None, received_on: dt.date) -> str:
        templates = OUTCOME_REQUESTS.get(outcome or "") or REQUESTS[organ_key]
        year = received_on.year - self.rng.choice((0, 0, 1))
        return self.rng.choice(templates).format(
            year=year,
            road=self.rng.choice(ROADS),
            community=self.rng.choice(COMMUNITIES),
            company=self.company(),
            organ=ORGANS_BY_KEY[organ_key].short_name,
        )

    def delivery(self, channel: str) -> tuple[str, str]:
        if channel in (Channel.ONLINE, Channel.EMAIL):
            method = self.rng.choice(
                (DeliveryMethod.ONLINE, DeliveryMethod.ONLINE, DeliveryMethod.POST)
            )
        elif channel == Channel.IN_PERSON:
            method = self.rng.choice((DeliveryMethod.PICKUP, DeliveryMethod.POST))
        else:
            method = DeliveryMethod.POST
        form = DeliveryForm.ELECTRONIC if method == DeliveryMethod.ONLINE else DeliveryForm.PAPER
        return form, method

    def submitted_at(self, channel: str, received_on: dt.date) -> dt.datetime:
        """When it was handed in: online ones also at night and over the weekend before
        (received on the next working day, 条例第三十一条); paper ones in office hours."""
        day = received_on
        if channel == Channel.ONLINE:
            hour = self.rng.randint(7, 22)
            before = received_on - dt.timedelta(days=self.rng.choice((1, 2)))
            days_off = [
                received_on - dt.timedelta(days=k)
                for k in range(1, (received_on - before).days + 1)
            ]
            if self.rng.random() < 0.25 and not any(self.cal.is_workday(d) for d in days_off):
                day = before
        else:
            hour = self.rng.randint(9, 16)
        moment = dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59)))
        return moment.replace(tzinfo=SHANGHAI)

    def answer(self, gap: int, outcome: str) -> Step:
        return Step(EventType.ANSWER, gap, {"outcome": outcome})

    def answered(self, gap: int, outcome: str) -> list[Step]:
        """The answer with the steps its outcome needs first (domain.md "Clock edges"):
        不予处理 of a mass request only after asking for reasons (条例第三十五条), 补正后仍不明确
        only after a 补正."""
        r = self.rng.randint
        if outcome == Outcome.REJECTED_MASS:
            return [
                Step(
                    EventType.REQUEST_REASONS,
                    r(1, 3),
                    {"note": "请说明短期内申请公开大量政府信息的理由。"},
                ),
                Step(EventType.RECEIVE_REASONS, r(2, 6), {"note": "申请人未说明合理用途。"}),
                self.answer(max(1, gap - 6), outcome),
            ]
        if outcome == Outcome.UNAVAILABLE_UNCLEAR:
            return [
                Step(
                    EventType.REQUEST_CORRECTION,
                    r(1, 5),
                    {"note": self.rng.choice(CORRECTION_NOTES)},
                ),
                Step(EventType.RECEIVE_CORRECTION, r(2, 10), {"note": "申请人已补正。"}),
                self.answer(max(1, gap - 8), outcome),
            ]
        return [self.answer(gap, outcome)]

    def steps(self, path: str, organ: Organ) -> tuple[list[Step], str | None]:
        """The steps of a history path and the outcome it ends with (None: not answered)."""
        r = self.rng.randint
        period = organ.correction_period_workdays
        correction = Step(
            EventType.REQUEST_CORRECTION,
            r(1, 5) if self.rng.random() < 0.9 else r(8, 9),  # a few notices come late
            {"note": self.rng.choice(CORRECTION_NOTES)},
        )
        fee_notice = Step(
            EventType.ISSUE_FEE_NOTICE,
            r(3, 10),
            {"basis": FeeBasis.PER_PAGE, "quantity": r(45, 180), "note": FEE_NOTE},
        )
        if path == "answer":
            outcome = self.next_outcome()
            return self.answered(r(3, 18), outcome), outcome
        if path == "answer_late":
            outcome = self.next_outcome()
            return self.answered(r(21, 26), outcome), outcome
        if path == "correction_answer":
            outcome = (
                Outcome.UNAVAILABLE_UNCLEAR if self.rng.random() < 0.2 else self.next_outcome()
            )
            received = Step(EventType.RECEIVE_CORRECTION, r(2, 10), {"note": "申请人已补正。"})
            return [correction, received, self.answer(r(3, 15), outcome)], outcome
        if path == "consult_answer":
            outcome = self.rng.choice(
                (
                    Outcome.WITHHELD_THIRD_PARTY,
                    Outcome.PARTIALLY_DISCLOSED,
                    Outcome.DISCLOSED,
                    Outcome.DISCLOSED,
                )
            )
            party = self.rng.choice(CONSULTED_PARTIES).format(
                company=self.company(), community=self.rng.choice(COMMUNITIES)
            )
            return [
                Step(EventType.START_CONSULTATION, r(2, 8), {"party": party}),
                Step(EventType.END_CONSULTATION, r(4, 15), {"note": "已收到书面回复意见。"}),
                self.answer(r(2, 8), outcome),
            ], outcome
        if path == "extend_answer":
            outcome = self.next_outcome()
            extension = Step(
                EventType.EXTEND,
                r(15, 19),
                {"workdays": r(10, 20), "reason": self.rng.choice(EXTENSION_REASONS)},
            )
            if outcome in (Outcome.REJECTED_MASS, Outcome.UNAVAILABLE_UNCLEAR):
                outcome = Outcome.DISCLOSED
            return [extension, self.answer(r(5, 15), outcome)], outcome
        if path == "fee_answer":
            outcome = self.rng.choice((Outcome.DISCLOSED, Outcome.PARTIALLY_DISCLOSED))
            paid = Step(EventType.CONFIRM_FEE_PAID, r(2, 12))
            return [fee_notice, paid, self.answer(r(2, 8), outcome)], outcome
        if path == "lapse_correction":
            lapse = Step(
                EventType.LAPSE_CORRECTION,
                period + r(1, 4),  # only after the correction period has run out
                {"note": "补正期限届满，申请人无正当理由未补正，视为放弃申请。"},
            )
            return [correction, lapse], None
        if path == "lapse_fee":
            fee_notice.params["quantity"] = r(220, 480)
            lapse = Step(
                EventType.LAPSE_FEE,
                r(24, 28),  # 20 working days from the day after delivery (2 days after)
                {"note": "缴费期限届满，申请人未缴纳信息处理费，视为放弃申请。"},
            )
            return [fee_notice, lapse], None
        # withdraw
        note = {"note": self.rng.choice(WITHDRAW_NOTES)}
        if self.rng.random() < 0.4:
            return [correction, Step(EventType.WITHDRAW, r(3, 8), note)], None
        return [Step(EventType.WITHDRAW, r(2, 10), note)], None

    def queue_steps(self, path: str) -> list[Step]:
        """The steps of an application of the current queue (it stays open)."""
        r = self.rng.randint
        party = self.rng.choice(CONSULTED_PARTIES).format(
            company=self.company(), community=self.rng.choice(COMMUNITIES)
        )
        correction = Step(
            EventType.REQUEST_CORRECTION, r(1, 2), {"note": self.rng.choice(CORRECTION_NOTES)}
        )
        fee_notice = Step(
            EventType.ISSUE_FEE_NOTICE,
            r(3, 4),
            {"basis": FeeBasis.PER_PAGE, "quantity": r(60, 200), "note": FEE_NOTE},
        )
        return {
            "fresh": [],
            "awaiting_correction": [correction],
            "consulting": [Step(EventType.START_CONSULTATION, 3, {"party": party})],
            "awaiting_fee": [fee_notice],
            "corrected": [correction, Step(EventType.RECEIVE_CORRECTION, 5)],
            "consulted": [
                Step(EventType.START_CONSULTATION, 3, {"party": party}),
                Step(EventType.END_CONSULTATION, 8, {"note": "已收到书面回复意见。"}),
            ],
            "extended": [
                Step(
                    EventType.EXTEND,
                    19,
                    {"workdays": 15, "reason": self.rng.choice(EXTENSION_REASONS)},
                )
            ],
            "fee_paid": [fee_notice, Step(EventType.CONFIRM_FEE_PAID, 4)],
            # 条例第三十五条
            "awaiting_reasons": [
                Step(
                    EventType.REQUEST_REASONS,
                    2,
                    {"note": "请说明一周内申请公开逾百项政府信息的理由及用途。"},
                )
            ],
        }[path]

    def plan(
        self, organ_key: str, received_on: dt.date, steps: list[Step], outcome: str | None
    ) -> Plan:
        channel = self.pick(CHANNEL_WEIGHTS)
        applicant_type = self.pick(APPLICANT_TYPE_WEIGHTS)
        form, method = self.delivery(channel)
        return Plan(
            organ=organ_key,
            received_on=received_on,
            submitted_at=self.submitted_at(channel, received_on),
            channel=channel,
            applicant_type=applicant_type,
            applicant=self.applicant(applicant_type),
            description=self.description(organ_key, outcome, received_on),
            delivery_form=form,
            delivery_method=method,
            steps=steps,
            assign=self.rng.random() < 0.85,
        )

    def history_day(self) -> dt.date:
        last = workdays_back(self.cal, self.today, 2)
        offset = self.rng.randint(0, (last - FIRST_DAY).days)
        day = next_workday(self.cal, FIRST_DAY + dt.timedelta(days=offset))
        return min(day, last)

    def run(self) -> list[Plan]:
        plans: list[Plan] = []
        for _ in range(HISTORY_COUNT):
            organ_key = self.pick(ORGAN_WEIGHTS)
            path = self.pick(PATH_WEIGHTS)
            steps, outcome = self.steps(path, self.organs[organ_key])
            plans.append(self.plan(organ_key, self.history_day(), steps, outcome))
        for organ_key, day in YEAR_END:
            if day < self.today:
                outcome = self.next_outcome()
                steps = [self.answer(self.rng.randint(8, 15), outcome)]
                plans.append(self.plan(organ_key, day, steps, outcome))
        for path, back in QUEUE:
            organ_key = self.pick(QUEUE_ORGAN_WEIGHTS)
            received_on = workdays_back(self.cal, self.today, back)
            plans.append(self.plan(organ_key, received_on, self.queue_steps(path), None))
        # Created in order of receipt, as they would have been.
        plans.sort(key=lambda p: (p.received_on, p.submitted_at))
        return plans


# --- Running the plans through the services -------------------------------------------------


class Staff:
    """The demo staff accounts acting for each organ: the nearest organ up the tree that has
    demo accounts (``city_handler`` for a department without its own)."""

    def __init__(self) -> None:
        names = [f"{key}_{role}" for key in STAFF_ORGANS for role in ("handler", "approver")]
        self.users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        self.fallback = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()

    def staff_organ(self, organ_key: str) -> str | None:
        key: str | None = organ_key
        while key is not None and key not in STAFF_ORGANS:
            key = ORGANS_BY_KEY[key].parent
        return key

    def user(self, organ_key: str, role: str) -> Any:
        key = self.staff_organ(organ_key)
        return self.users.get(f"{key}_{role}") or self.fallback

    def own_handler(self, organ_key: str) -> Any:
        """The handler an application is assigned to: only organs with their own accounts."""
        return self.users.get(f"{organ_key}_handler") if organ_key in STAFF_ORGANS else None


class Runner:
    def __init__(self, organs: dict[str, Organ], today: dt.date) -> None:
        self.organs = organs
        self.today = today
        self.cal = current_calendar()
        self.staff = Staff()
        self.rng = random.Random(SEED + 1)
        self.items = self._published_items()

    def _published_items(self) -> dict[int, list[tuple[dt.date, int, str]]]:
        items: dict[int, list[tuple[dt.date, int, str]]] = {}
        rows = Item.objects.published().filter(organ__in=self.organs.values())
        for organ_id, pk, title, day in rows.values_list("organ_id", "pk", "title", "published_on"):
            items.setdefault(organ_id, []).append((day, pk, title))
        return items

    def submit(self, plan: Plan) -> Application:
        organ = self.organs[plan.organ]
        data = {
            "applicant_type": plan.applicant_type,
            "applicant": plan.applicant,
            "description": plan.description,
            "delivery_form": plan.delivery_form,
            "delivery_method": plan.delivery_method,
        }
        if plan.channel == Channel.ONLINE:
            # Anyone applying online: the service sets the receipt date (条例第三十一条).
            return services.application_submit(
                actor=None, organ=organ, data=data, now=plan.submitted_at
            )
        # Paper, fax and e-mail applications are registered by the organ's staff.
        return services.application_submit(
            actor=self.staff.user(plan.organ, "handler"),
            organ=organ,
            data=data,
            channel=plan.channel,
            received_on=plan.received_on,
            now=plan.submitted_at,
        )

    def assign(self, plan: Plan, application: Application) -> None:
        handler = self.staff.own_handler(plan.organ)
        if handler is None or not plan.assign:
            return
        services.application_assign(
            actor=self.staff.user(plan.organ, "approver"), application=application, user=handler
        )
        # The service dates the assignment today; in the demo it happened on receipt.
        Event.objects.filter(application=application, type=EventType.ASSIGN).update(
            date=application.received_on
        )

    def answer_params(self, application: Application, day: dt.date, outcome: str) -> dict:
        params: dict[str, Any] = {"outcome": outcome, "reply": REPLIES[outcome]}
        if outcome == Outcome.UNAVAILABLE_NOT_HELD:
            params["referral"] = self.rng.choice(NOT_HELD_REFERRALS)
        elif outcome == Outcome.DISCLOSED and self.rng.random() < 0.35:
            # 条例第三十六条第（一）项: already published — point to the catalog item.
            candidates = [
                (pk, title)
                for published_on, pk, title in self.items.get(application.organ_id, [])
                if published_on <= day
            ]
            if candidates:
                pk, title = self.rng.choice(candidates)
                params["linked_item"] = pk
                params["reply"] = LINKED_REPLY.format(title=title)
                params["referral"] = "临江市政府信息公开平台"
        return params

    def release_documents(self, application: Application, params: dict, actor: Any) -> None:
        """网上获取: a disclosing answer that does not point to a published item carries the
        released document, which the applicant downloads from the tracking page."""
        if (
            application.delivery_method != DeliveryMethod.ONLINE
            or params["outcome"] not in (Outcome.DISCLOSED, Outcome.PARTIALLY_DISCLOSED)
            or params.get("linked_item")
        ):
            return
        name = (
            "公开材料（部分内容已遮盖）.pdf"
            if params["outcome"] == Outcome.PARTIALLY_DISCLOSED
            else "公开材料.pdf"
        )
        services.released_file_add(
            actor=actor,
            application=application,
            upload=SimpleUploadedFile(name, demo_pdf(application.tracking_code)),
        )

    def run(self, plan: Plan) -> Application:
        application = self.submit(plan)
        self.assign(plan, application)
        actor = self.staff.user(plan.organ, "handler")
        day = application.received_on
        for step in plan.steps:
            day = add_workdays(self.cal, day, step.gap).date
            if day > self.today:
                break  # not happened yet: the application waits in its current state
            params = dict(step.params)
            step_actor = actor
            if step.action == EventType.ANSWER:
                params = self.answer_params(application, day, params["outcome"])
                self.release_documents(application, params, actor)
            elif step.action == EventType.EXTEND:
                # 条例第三十三条第二款: the 负责人 decides an extension himself.
                step_actor = self.staff.user(plan.organ, "approver")
            elif step.action == EventType.ISSUE_FEE_NOTICE:
                # Posted notices reach the applicant a couple of working days later.
                delivered = add_workdays(self.cal, day, 2).date
                if delivered <= self.today:
                    params["delivered_on"] = delivered
            application = services.perform_action(
                step.action, actor=step_actor, application=application, date=day, **params
            )
        return application


# Appeals on answers: (kind, result); results still pending stay so when too recent.
APPEALS: tuple[tuple[str, str], ...] = (
    (AppealKind.REVIEW, AppealResult.UPHELD),
    (AppealKind.REVIEW, AppealResult.UPHELD),
    (AppealKind.REVIEW, AppealResult.CORRECTED),
    (AppealKind.REVIEW, AppealResult.OTHER),
    (AppealKind.REVIEW, AppealResult.PENDING),
    (AppealKind.REVIEW, AppealResult.CORRECTED),
    (AppealKind.LITIGATION_AFTER_REVIEW, AppealResult.UPHELD),
    (AppealKind.LITIGATION_DIRECT, AppealResult.UPHELD),
)
APPEAL_NOTES = {
    AppealKind.REVIEW: "申请人不服答复，向{reviewer}申请行政复议。",
    AppealKind.LITIGATION_AFTER_REVIEW: (
        "申请人对行政复议决定不服，向临江市中级人民法院提起行政诉讼。"
    ),
    AppealKind.LITIGATION_DIRECT: "申请人向临江市江北区人民法院提起行政诉讼。",
}


def seed_appeals(applications: list[Application], today: dt.date) -> int:
    """行政复议 on refusals (行政复议法第二十三条: a refusal goes to review before court) and a
    lawsuit filed directly on an answer that refused nothing."""
    rng = random.Random(SEED + 2)
    answered = [a for a in applications if a.status == Status.ANSWERED and a.closed_on]
    refused = [a for a in answered if a.outcome in services.REFUSAL_OUTCOMES]
    others = [
        a
        for a in answered
        if a.outcome in (Outcome.UNAVAILABLE_NOT_HELD, Outcome.REJECTED_PETITION)
    ]
    rng.shuffle(refused)
    rng.shuffle(others)
    created = 0
    for kind, result in APPEALS:
        pool = others if kind == AppealKind.LITIGATION_DIRECT else refused
        application = next((a for a in pool if a.closed_on + dt.timedelta(days=30) <= today), None)
        if application is None:
            continue
        pool.remove(application)
        assert application.closed_on is not None
        filed_on = min(application.closed_on + dt.timedelta(days=rng.randint(15, 55)), today)
        # 行政复议法第二十四条: the government of the same level (a department, a 街道) or the
        # government one level up (a government) reviews.
        parent = application.organ.parent
        reviewer = parent.name if parent is not None else "省人民政府"
        note = APPEAL_NOTES[kind].format(reviewer=reviewer)
        if kind == AppealKind.LITIGATION_AFTER_REVIEW:
            # The review came first and upheld the answer; the applicant then went to court.
            decided = filed_on + dt.timedelta(days=50)
            services.appeal_create(
                actor=None,
                application=application,
                kind=AppealKind.REVIEW,
                filed_on=filed_on,
                result=AppealResult.UPHELD if decided <= today else AppealResult.PENDING,
                decided_on=decided if decided <= today else None,
                note=APPEAL_NOTES[AppealKind.REVIEW].format(reviewer=reviewer),
            )
            created += 1
            if decided + dt.timedelta(days=10) > today:
                continue
            filed_on = decided + dt.timedelta(days=10)
        decided_on = filed_on + dt.timedelta(days=rng.randint(40, 80))
        if result == AppealResult.PENDING or decided_on > today:
            result, decided_on = AppealResult.PENDING, None
        services.appeal_create(
            actor=None,
            application=application,
            kind=kind,
            filed_on=filed_on,
            result=result,
            decided_on=decided_on,
            note=note,
        )
        created += 1
    return created


# --- The entry point -------------------------------------------------------------------------


def demo_organs() -> dict[str, Organ]:
    by_code = {o.code: o for o in Organ.objects.filter(code__in=[s.credit_code for s in ORGANS])}
    return {spec.key: by_code[spec.credit_code] for spec in ORGANS if spec.credit_code in by_code}


def seed(stdout: Any) -> None:
    """Create the demo applications unless the demo organs already have some."""
    organs = demo_organs()
    if len(organs) < len(ORGANS):
        stdout.write("依申请公开演示数据：演示机关不完整，跳过。")
        return
    existing = Application.objects.filter(organ__in=organs.values()).count()
    if existing:
        stdout.write(f"依申请公开演示数据：演示机关已有申请 {existing} 件，未重复创建。")
        return
    today = timezone.localdate()
    with transaction.atomic():
        plans = Planner(current_calendar(), today, organs).run()
        runner = Runner(organs, today)
        applications = [runner.run(plan) for plan in plans]
        appeals = seed_appeals(applications, today)
    print_summary(stdout, applications, appeals, today)


def print_summary(
    stdout: Any, applications: list[Application], appeals: int, today: dt.date
) -> None:
    cal = current_calendar()
    by_year = Counter(a.first_received_on.year for a in applications)
    years = "、".join(f"{year}年 {n} 件" for year, n in sorted(by_year.items()))
    stdout.write(
        f"依申请公开演示数据：新建申请 {len(applications)} 件（{years}），"
        f"行政复议和行政诉讼 {appeals} 件。"
    )
    by_status = Counter(a.status for a in applications)
    received = [a for a in applications if a.status == Status.RECEIVED]
    overdue = sum(is_overdue(a.due_on, today) for a in received)
    soon = sum(is_due_soon(cal, a.due_on, today) for a in received)
    parts = []
    for status in Status:
        text = f"{status.label} {by_status.get(status.value, 0)}"
        if status == Status.RECEIVED:
            text += f"（其中已逾期 {overdue}、3个工作日内到期 {soon}）"
        parts.append(text)
    stdout.write("  按状态：" + "，".join(parts) + "。")
    outcomes = {a.outcome for a in applications if a.status not in OPEN_STATUSES}
    stdout.write(
        f"  已办结 {sum(not a.is_open for a in applications)} 件，办理结果 {len(outcomes)} 种。"
    )
