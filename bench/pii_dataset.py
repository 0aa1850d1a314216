"""Build the labelled snippets of the personal-data benchmark (bench/pii.md).

    .venv/bin/python bench/pii_dataset.py   # writes bench/data/pii_snippets.jsonl

Each snippet is the kind of text published items carry (公示名单, 处罚决定书, 招聘公告, 会议纪要,
低保名单, 征收补偿, 答复书, 缴费通知…), filled with invented numbers. The labels come from what
the builder put in, never from running the detector: a snippet's ``expected`` lists every
personal number it holds (kind + the number without separators). Hard negatives are mixed in:
统一社会信用代码 (some all digits), 文号, 索引号, dates, landlines, amounts, registration, order,
exam and account numbers, and ID numbers already masked. Fixed seed: the file is the same on
every run, and it is committed so that the benchmark does not depend on this script.
"""

# ruff: noqa: E501 - the snippets' wording reads better on one line than cut up
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "pii_snippets.jsonl"
rng = random.Random(20261205)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华国庆淑珍海燕志强春梅"
REGIONS = (
    "330102 330105 330106 330108 330110 330122 330183 339005 110105 110108 310104 320106 "
    "440304 510107 420106 370102 350203 410105 430104 610113 210102 130102 150102 650102"
).split()
STREETS = ("人民路", "解放路", "建设路", "文化路", "滨江路", "东河路", "新华路", "光明路")
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 145 147 150 151 152 153 155 156 157 158 159 "
    "166 170 171 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 193 195 "
    "196 198 199"
).split()
CARD_BINS = ("622202", "621700", "622848", "621661", "623058", "622588", "621226", "625965")
MAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "139.com")
FULL = str.maketrans("0123456789", "０１２３４５６７８９")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


# --- Invented numbers --------------------------------------------------------------------------


def name() -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def masked_name() -> str:
    return rng.choice(SURNAMES) + rng.choice(("某", "某某", "*", "**"))


def birthday() -> dt.date:
    return dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 80 * 365))


def id_number() -> str:
    first17 = f"{rng.choice(REGIONS)}{birthday():%Y%m%d}{rng.randrange(1000):03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]
    return first17 + check


def id_written(number: str) -> str:
    """How people type ID numbers: mostly plain, sometimes x, spaces or full-width digits."""
    roll = rng.random()
    if number.endswith("X") and roll < 0.4:
        return number[:-1] + "x"
    if roll < 0.10:
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    if roll < 0.15:
        return number.translate(FULL)
    return number


def old_id_number() -> str:
    day = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 60 * 365))
    return f"{rng.choice(REGIONS)}{day:%y%m%d}{rng.randrange(1000):03d}"


def mobile() -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def mobile_written(number: str) -> str:
    roll = rng.random()
    if roll < 0.12:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if roll < 0.22:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if roll < 0.28:
        return f"+86 {number}"
    if roll < 0.32:
        return f"+86-{number[:3]}-{number[3:7]}-{number[7:]}"
    if roll < 0.36:
        return f"（+86）{number}"
    if roll < 0.40:
        return number.translate(FULL)
    return number


def luhn_complete(partial: str) -> str:
    for digit in "0123456789":
        candidate = partial + digit
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError


def card() -> str:
    length = rng.choice((16, 19, 19))
    body = rng.choice(CARD_BINS) + "".join(rng.choice("0123456789") for _ in range(length - 7))
    return luhn_complete(body)


def card_written(number: str) -> str:
    if rng.random() < 0.35:
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return number


def email() -> str:
    pinyin = rng.choice(("zhang", "wang", "li", "liu", "chen", "yang", "zhao", "huang", "zhou"))
    local = pinyin + rng.choice(("", ".", "_")) + rng.choice(("wei", "fang", "min", "jun", "li"))
    if rng.random() < 0.5:
        local += str(rng.randrange(1, 9999))
    if rng.random() < 0.3:
        local = str(rng.randrange(10**7, 10**10))  # QQ-number mailboxes
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


def organ_email() -> str:
    return f"{rng.choice(('xxgk', 'rsk', 'bgs', 'zwgk', 'rsj'))}@{rng.choice(('linjiang', 'lj'))}.gov.cn"


def credit_code(all_digits: bool = False) -> str:
    head = rng.choice(("91", "92", "93", "11", "12", "52")) + rng.choice(REGIONS)
    alphabet = "0123456789" if all_digits else CREDIT_ALPHABET
    first17 = head + "".join(rng.choice(alphabet) for _ in range(9))
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return first17 + CREDIT_ALPHABET[(31 - total % 31) % 31]


def doc_number() -> str:
    agency = rng.choice(
        ("临政办发", "临市监罚", "临人社发", "临民发", "临教发", "临财预", "临政函")
    )
    return f"{agency}〔{rng.choice((2024, 2025, 2026))}〕{rng.randrange(1, 300)}号"


def index_no() -> str:
    return f"{rng.randrange(10**8, 10**9)}/{rng.choice((2025, 2026))}-{rng.randrange(1, 99999):05d}"


def landline() -> str:
    area = rng.choice(("0571", "0574", "010", "021", "0755", "028"))
    local = f"{rng.randrange(2, 9)}{rng.randrange(10**6, 10**7)}"
    return rng.choice(
        (
            f"{area}-{local}",
            f"（{area}）{local}",
            f"{area}-{local}转{rng.randrange(800, 8999)}",
            "12345",
            f"400-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}",
        )
    )


def cn_date() -> str:
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 1000))
    return f"{day.year}年{day.month}月{day.day}日"


def amount() -> str:
    value = rng.randrange(100, 50_000_000)
    return rng.choice(
        (f"{value}元", f"{value:,}元", f"{value / 10000:.2f}万元", f"人民币{value}元")
    )


def registration_number() -> str:  # 15-digit 营业执照注册号 (before 统一社会信用代码)
    return f"{rng.choice(REGIONS)}000{rng.randrange(10**5, 10**6)}{rng.randrange(10)}"


def corporate_account() -> str:  # 对公账户 of an organ: not a card, not personal data
    return f"{rng.choice(('1202', '3301', '1901', '3920'))}{rng.randrange(10**14, 10**15)}"


# --- Snippets ---------------------------------------------------------------------------------

SNIPPETS: list[dict[str, object]] = []


def add(genre: str, text: str, expected: list[tuple[str, str]]) -> None:
    SNIPPETS.append(
        {
            "id": len(SNIPPETS) + 1,
            "genre": genre,
            "text": text,
            "expected": [{"kind": kind, "value": value} for kind, value in expected],
        }
    )


def welfare_list() -> None:
    rows, expected = [], []
    program = rng.choice(
        ("城乡最低生活保障", "特困人员救助供养", "临时救助", "高龄津贴", "困难残疾人生活补贴")
    )
    for index in range(1, rng.randrange(2, 6)):
        number, phone = id_number(), mobile()
        expected += [("resident_id", number), ("mobile", phone)]
        rows.append(
            f"{index}\t{name()}\t{id_written(number)}\t临江市{rng.choice(STREETS)}"
            f"{rng.randrange(1, 300)}号\t{mobile_written(phone)}\t{rng.randrange(1, 5)}人"
        )
    add(
        "公示名单",
        f"{program}对象名单公示（{cn_date()}）\n序号\t姓名\t身份证号\t住址\t联系电话\t保障人数\n"
        + "\n".join(rows)
        + f"\n公示期：7天。监督电话：{landline()}。",
        expected,
    )


def masked_list() -> None:
    rows = []
    for index in range(1, rng.randrange(3, 7)):
        number = id_number()
        shown = (
            number[:4] + "*" * 10 + number[-4:]
            if rng.random() < 0.6
            else number[:6] + "********" + number[-4:]
        )
        phone = mobile()
        rows.append(f"{index}\t{masked_name()}\t{shown}\t{phone[:3]}****{phone[-4:]}\t{amount()}")
    add(
        "低保名单（已脱敏）",
        f"{cn_date()}发放名单（已按规定隐去部分信息）\n序号\t姓名\t身份证号\t电话\t金额\n"
        + "\n".join(rows),
        [],
    )


def penalty_person() -> None:
    number, phone = id_number(), mobile()
    old = rng.random() < 0.2
    if old:
        number = old_id_number()
    add(
        "处罚决定书",
        f"行政处罚决定书 {doc_number()}\n当事人：{name()}，性别：{rng.choice('男女')}，"
        f"公民身份号码：{number if old else id_written(number)}，住址：临江市{rng.choice(STREETS)}"
        f"{rng.randrange(1, 300)}号，联系电话：{mobile_written(phone)}。\n"
        f"经查，当事人于{cn_date()}未经许可从事经营活动，违法所得{amount()}。"
        f"依据有关规定，决定处罚款{amount()}。",
        [("resident_id", number), ("mobile", phone)],
    )


def penalty_company() -> None:
    code = credit_code(all_digits=rng.random() < 0.4)
    legal = id_number()
    with_id = rng.random() < 0.5
    text = (
        f"行政处罚决定书 {doc_number()}\n当事人：临江市{rng.choice(('恒达', '鑫源', '华茂', '瑞丰'))}"
        f"{rng.choice(('商贸', '食品', '建材', '物流'))}有限公司\n统一社会信用代码：{code}\n"
        f"住所：临江市{rng.choice(STREETS)}{rng.randrange(1, 300)}号\n法定代表人：{name()}"
        + (f"，身份证号：{id_written(legal)}" if with_id else "")
        + f"\n案由：{rng.choice(('销售过期食品', '未按规定公示信息', '超范围经营'))}。"
        f"处罚决定：罚款{amount()}，没收违法所得{amount()}。作出决定日期：{cn_date()}。"
    )
    add("处罚决定书（单位）", text, [("resident_id", legal)] if with_id else [])


def recruitment() -> None:
    contact_mobile = rng.random() < 0.5
    phone = mobile()
    personal_mail = rng.random() < 0.4
    mail = email() if personal_mail else organ_email()
    text = (
        f"临江市{rng.choice(('教育局', '人力资源和社会保障局', '卫生健康委员会'))}"
        f"{rng.choice((2025, 2026))}年公开招聘工作人员公告\n报名时间：{cn_date()}至{cn_date()}。"
        f"报名邮箱：{mail}。咨询电话：{landline()}"
        + (f"，联系人：{name()}（手机{mobile_written(phone)}）" if contact_mobile else "")
        + f"。笔试准考证号格式为2026{rng.randrange(10**9, 10**10)}，"
        f"面试地点：临江市{rng.choice(STREETS)}{rng.randrange(1, 300)}号。"
    )
    expected = [("email", mail)]
    if contact_mobile:
        expected.append(("mobile", phone))
    add("招聘公告", text, expected)


def recruitment_result() -> None:
    rows, expected = [], []
    for index in range(1, rng.randrange(3, 7)):
        exam = f"2026{rng.randrange(10**7, 10**8)}"
        if rng.random() < 0.3:
            number = id_number()
            rows.append(
                f"{index}\t{name()}\t{exam}\t{id_written(number)}\t{rng.randrange(60, 95)}.{rng.randrange(10)}"
            )
            expected.append(("resident_id", number))
        else:
            rows.append(f"{index}\t{name()}\t{exam}\t{rng.randrange(60, 95)}.{rng.randrange(10)}")
    add(
        "拟录用人员公示",
        "拟录用人员名单\n序号\t姓名\t准考证号\t"
        + ("身份证号\t" if expected else "")
        + "总成绩\n"
        + "\n".join(rows),
        expected,
    )


def minutes() -> None:
    phone = mobile()
    with_phone = rng.random() < 0.5
    text = (
        f"专题会议纪要（{doc_number()}）\n{cn_date()}，{name()}副市长主持召开专题会议，研究"
        f"{rng.choice(('老旧小区改造', '防汛防台', '营商环境', '垃圾分类'))}工作。会议议定："
        f"一、由市住建局牵头，{cn_date()}前完成方案；二、所需资金{amount()}由市财政统筹。"
        + (
            f"会务联系人：{name()}，手机：{mobile_written(phone)}。"
            if with_phone
            else f"联系电话：{landline()}。"
        )
        + f"索引号：{index_no()}"
    )
    add("会议纪要", text, [("mobile", phone)] if with_phone else [])


def expropriation() -> None:
    rows, expected = [], []
    for index in range(1, rng.randrange(2, 5)):
        number = old_id_number() if rng.random() < 0.3 else id_number()
        account = card()
        rows.append(
            f"{index}\t{name()}\t{number if len(number) == 15 else id_written(number)}\t"
            f"{rng.randrange(40, 200)}.{rng.randrange(10, 99)}㎡\t{amount()}\t{card_written(account)}"
        )
        expected += [("resident_id", number), ("bank_card", account)]
    add(
        "征收补偿公示",
        "房屋征收补偿安置结果公示\n序号\t被征收人\t身份证号\t面积\t补偿金额\t收款账号\n"
        + "\n".join(rows),
        expected,
    )


def subsidy_card() -> None:
    account = card()
    number = id_number()
    add(
        "补贴发放",
        f"申请人{name()}（身份证号{id_written(number)}）的耕地地力保护补贴{amount()}已于{cn_date()}"
        f"发放至其社会保障卡金融账户{card_written(account)}。",
        [("resident_id", number), ("bank_card", account)],
    )


def reply_letter() -> None:
    number, phone, mail = id_number(), mobile(), email()
    parts = [("resident_id", number), ("mobile", phone), ("email", mail)]
    shown = rng.sample(parts, rng.randrange(1, 4))
    labels = {"resident_id": "身份证号", "mobile": "联系电话", "email": "电子邮箱"}
    written = {
        "resident_id": id_written(number),
        "mobile": mobile_written(phone),
        "email": mail,
    }
    add(
        "依申请公开答复书",
        f"政府信息公开申请答复书 {doc_number()}\n申请人：{name()}，"
        + "，".join(f"{labels[kind]}：{written[kind]}" for kind, _ in shown)
        + f"。\n你于{cn_date()}提出的政府信息公开申请收悉，现答复如下：经查，……。",
        shown,
    )


def fee_notice() -> None:
    add(
        "缴费通知",
        f"收费通知书 {doc_number()}\n请于{cn_date()}前将信息处理费{amount()}汇入以下账户："
        f"户名：临江市财政局非税收入专户；开户银行：中国工商银行临江分行；账号："
        f"{corporate_account()}。咨询电话：{landline()}。",
        [],
    )


def enterprise_list() -> None:
    rows = [
        f"{index}\t临江市{rng.choice(('恒达', '鑫源', '华茂', '瑞丰', '宏图', '博远'))}"
        f"{rng.choice(('商贸', '食品', '建材', '物流', '电器'))}有限公司\t"
        f"{credit_code(all_digits=rng.random() < 0.5)}\t{rng.choice(('未发现问题', '责令整改'))}"
        for index in range(1, rng.randrange(3, 8))
    ]
    add(
        "双随机抽查结果",
        "双随机抽查结果公示\n序号\t企业名称\t统一社会信用代码\t检查结果\n" + "\n".join(rows),
        [],
    )


def plain_notice() -> None:
    add(
        "通知",
        f"关于做好{rng.choice(('2026年防汛防台', '春季学期开学', '政务公开', '安全生产'))}工作的通知\n"
        f"{doc_number()}\n索引号：{index_no()}\n各区县人民政府：现将有关事项通知如下。"
        f"一、{cn_date()}前完成部署。二、项目总投资{amount()}，项目代码2026-330100-47-01-"
        f"{rng.randrange(10**5, 10**6)}。三、统计用区划代码{rng.choice(REGIONS)}{rng.randrange(10**5, 10**6)}。"
        f"联系电话：{landline()}，邮政编码{rng.randrange(310000, 329999)}。",
        [],
    )


def registration_notice() -> None:
    add(
        "注销公告",
        f"{rng.choice(('临江市恒达商贸有限公司', '临江市鑫源食品店'))}（营业执照注册号：{registration_number()}，"
        f"统一社会信用代码：{credit_code(all_digits=True)}）于{cn_date()}申请注销登记。"
        f"订单号{rng.choice(('2026', '2025'))}{rng.randrange(10**15, 10**16)}，"
        f"发票代码{rng.randrange(10**11, 10**12)}、发票号码{rng.randrange(10**7, 10**8):08d}。",
        [],
    )


BUILDERS = (
    (welfare_list, 30),
    (masked_list, 18),
    (penalty_person, 25),
    (penalty_company, 25),
    (recruitment, 22),
    (recruitment_result, 15),
    (minutes, 22),
    (expropriation, 15),
    (subsidy_card, 12),
    (reply_letter, 20),
    (fee_notice, 14),
    (enterprise_list, 16),
    (plain_notice, 20),
    (registration_notice, 12),
)


def main() -> None:
    for builder, count in BUILDERS:
        for _ in range(count):
            builder()
    OUT.parent.mkdir(exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        for snippet in SNIPPETS:
            out.write(json.dumps(snippet, ensure_ascii=False) + "\n")
    labels = sum(len(s["expected"]) for s in SNIPPETS)  # type: ignore[arg-type]
    print(f"{len(SNIPPETS)} snippets, {labels} labelled numbers -> {OUT}")


if __name__ == "__main__":
    main()
