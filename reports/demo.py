"""Demo 咨询登记 and annual reports for ``manage.py seed_demo`` (runs after ``requests_app.demo``).

- About forty consultation records (现场、电话、网上) over 2025 and 2026: they feed the
  consultation sentence of the report's section 一;
- the 2025 reports of 临江市人民政府 (本机关 and 本级及所属机关汇总) and of 临江市教育局,
  drafted with ``reports.drafting`` from the portal's own data, completed with the figures a
  reporter enters by hand (table 二: 行政许可、行政处罚、行政强制, 行政事业性收费) and
  published (条例第四十九条: by 31 January of the following year);
- the 2026 reports of the same organs as drafts: the year has not ended, so they cannot be
  published yet.

Publishing goes through ``reports.services.report_publish``, which refuses while a balance
check fails; the failures are then printed and the report stays a draft. Idempotent: the
consultations are added only when the demo organs have none, a report is drafted only while
its text is empty and published only while it is a draft.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.demo_data import ORGANS, STAFF_ORGANS
from catalog.models import Organ
from disclosure_portal import versions
from reports.checks import ERROR
from reports.drafting import TO_FILL, draft_sections, overview_facts
from reports.models import AnnualReport, Consultation, PublishedReport, Scope
from reports.services import (
    ChecksFailed,
    ReportConflict,
    report_get_or_create,
    report_publish,
    report_update,
)
from requests_app.calendar import current_calendar
from requests_app.workdays import next_workday

SEED = 20250103
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY = dt.date(2025, 1, 2)
CONSULTATIONS = 40
PUBLISHED_YEAR = 2025
DRAFT_YEAR = 2026

CONSULTATION_ORGAN_WEIGHTS: dict[str, int] = {
    "city": 5,
    "office": 2,
    "edu": 4,
    "hrss": 4,
    "housing": 4,
    "finance": 1,
    "eco": 1,
    "amr": 1,
    "jb": 3,
    "jb_edu": 1,
    "jb_binjiang": 1,
}
CONSULTATION_CHANNEL_WEIGHTS: dict[str, int] = {
    Consultation.Channel.PHONE: 45,
    Consultation.Channel.ON_SITE: 35,
    Consultation.Channel.ONLINE: 20,
}
CONSULTATION_TOPICS = (
    "咨询提出政府信息公开申请的方式和所需材料",
    "咨询政府信息公开申请的答复期限",
    "咨询申请公开信息是否收取费用",
    "咨询已提交申请的办理进度",
    "咨询如何在政府信息公开平台查找规范性文件",
    "咨询老旧小区改造政策文件的公开情况",
    "咨询义务教育招生入学政策的公开渠道",
    "咨询社会保险待遇调整文件的获取方式",
    "咨询征收补偿方案是否已主动公开",
    "咨询对答复不服的救济途径",
    "咨询补正申请的要求",
    "咨询政府信息公开年度报告的发布时间",
)

# (organ, scope): the table 二 figures a reporter enters (they come from other systems).
MANUAL: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("city", Scope.ORGAN): {
        "licensing": {"decisions": 1280},
        "penalty": {"decisions": 356},
        "coercion": {"decisions": 12},
        "fees": {"amount_10k_yuan": "0.0450"},
    },
    ("city", Scope.TREE): {
        "licensing": {"decisions": 18640},
        "penalty": {"decisions": 4215},
        "coercion": {"decisions": 187},
        "fees": {"amount_10k_yuan": "3.2650"},
    },
    ("edu", Scope.ORGAN): {
        "licensing": {"decisions": 214},
        "penalty": {"decisions": 9},
        "coercion": {"decisions": 0},
        "fees": {"amount_10k_yuan": "0"},
    },
}
PUBLISHED: tuple[tuple[str, str], ...] = (
    ("city", Scope.ORGAN),
    ("city", Scope.TREE),
    ("edu", Scope.ORGAN),
)
# The demo publication dates: before the 31 January deadline of the following year.
PUBLISHED_ON: dict[tuple[str, str], dt.datetime] = {
    ("city", Scope.ORGAN): dt.datetime(PUBLISHED_YEAR + 1, 1, 26, 10, 0, tzinfo=SHANGHAI),
    ("city", Scope.TREE): dt.datetime(PUBLISHED_YEAR + 1, 1, 26, 10, 30, tzinfo=SHANGHAI),
    ("edu", Scope.ORGAN): dt.datetime(PUBLISHED_YEAR + 1, 1, 22, 15, 0, tzinfo=SHANGHAI),
}

# What the reporter writes where the draft asks (``【请补充：…】``), by a word of the prompt.
PROMPT_ANSWERS: tuple[tuple[str, str], ...] = (
    (
        "其他渠道",
        "同时通过政府门户网站、政务新媒体和新闻发布会同步发布政策文件及解读，方便群众获取。",
    ),
    (
        "保密审查",
        "严格落实公文公开属性源头认定制度，拟制公文时同步明确公开属性；坚持“先审查、后公开”，"
        "对拟公开的政府信息逐件进行保密审查，全年未发生泄密事件。",
    ),
    (
        "平台建设",
        "持续优化政府门户网站政府信息公开专栏，规范政务新媒体管理，在市民中心政务服务大厅设置"
        "政府信息公开查阅点，为群众查阅提供便利。",
    ),
    (
        "工作考核",
        "将政府信息公开工作纳入年度绩效考核，组织开展政务公开业务培训2期、参训120余人次，"
        "开展政府网站和政务新媒体季度检查4次；全年未发生因政府信息公开工作引发的责任追究事项。",
    ),
)
_PROMPT = re.compile(re.escape(TO_FILL) + r"([^】]*)】")

PROBLEMS = (
    "（一）存在的主要问题。一是政策解读形式还不够丰富，图解、视频等解读占比不高；二是依申请"
    "公开办理的规范化水平有待提升，个别申请答复临近期限，少数答复书说理不够充分；三是基层"
    "工作人员业务能力仍需加强。\n"
    "（二）改进情况。{organ}将进一步丰富政策解读形式，推行图文、音视频等多元化解读；健全依申请"
    "公开办理台账和到期提醒机制，加强法制审核，提升答复质量；常态化开展业务培训，提高政府信息"
    "公开工作人员的业务水平。"
)


def demo_organs() -> dict[str, Organ]:
    by_code = {o.code: o for o in Organ.objects.filter(code__in=[s.credit_code for s in ORGANS])}
    return {spec.key: by_code[spec.credit_code] for spec in ORGANS if spec.credit_code in by_code}


def reporter(key: str) -> Any:
    """The demo 年报编制 account of ``key`` (None when the organ has none)."""
    if key not in STAFF_ORGANS:
        return None
    return get_user_model().objects.filter(username=f"{key}_reporter").first()


# --- Consultations ---------------------------------------------------------------------------


def seed_consultations(organs: dict[str, Organ], today: dt.date) -> int:
    if Consultation.objects.filter(organ__in=organs.values()).exists():
        return 0
    rng = random.Random(SEED)
    cal = current_calendar()
    keys = list(CONSULTATION_ORGAN_WEIGHTS)
    channels = list(CONSULTATION_CHANNEL_WEIGHTS)
    rows = []
    for _ in range(CONSULTATIONS):
        key = rng.choices(keys, weights=list(CONSULTATION_ORGAN_WEIGHTS.values()))[0]
        channel = rng.choices(channels, weights=list(CONSULTATION_CHANNEL_WEIGHTS.values()))[0]
        day = next_workday(
            cal, FIRST_DAY + dt.timedelta(days=rng.randint(0, (today - FIRST_DAY).days))
        )
        if day > today:
            continue
        rows.append(
            Consultation(
                organ=organs[key],
                date=day,
                channel=channel,
                topic=rng.choice(CONSULTATION_TOPICS),
                count=rng.choice((1, 1, 1, 2, 2, 3, 5, 8)),
                created_by=reporter(key),
            )
        )
    Consultation.objects.bulk_create(rows)
    return len(rows)


# --- Reports ---------------------------------------------------------------------------------


def fill_prompts(text: str) -> str:
    """Replace the draft's ``【请补充：…】`` prompts with what a reporter would write."""

    def answer(match: re.Match[str]) -> str:
        prompt = match.group(1)
        return next((text for word, text in PROMPT_ANSWERS if word in prompt), "")

    return _PROMPT.sub(answer, text)


def drafted_sections(organ: Organ, year: int, scope: str, *, final: bool) -> dict[str, str]:
    """Sections 一、五、六: the generated draft; a final text also answers its prompts."""
    parts = draft_sections(overview_facts(organ, year, scope=scope))
    if not final:
        return {"overview": parts["overview"], "problems": "", "other": parts["other"]}
    return {
        "overview": fill_prompts(parts["overview"]),
        "problems": PROBLEMS.format(organ=organ.name),
        "other": fill_prompts(parts["other"]),
    }


def has_text(report: AnnualReport) -> bool:
    return any(str(value or "").strip() for value in (report.sections or {}).values())


def publish_report(stdout: Any, organ: Organ, key: str, scope: str) -> str:
    """Draft, complete and publish one 2025 report; returns a line for the summary."""
    report = report_get_or_create(organ=organ, year=PUBLISHED_YEAR, scope=scope)
    label = f"{organ.name}{PUBLISHED_YEAR}年度报告（{Scope(scope).label}）"
    if report.status == AnnualReport.Status.PUBLISHED:
        return f"{label}：已发布"
    actor = reporter(key)
    if not has_text(report):
        report_update(
            actor=actor,
            report=report,
            sections=drafted_sections(organ, PUBLISHED_YEAR, scope, final=True),
            manual=MANUAL[(key, scope)],
        )
    try:
        version = report_publish(actor=actor, report=report)
    except ChecksFailed as failed:
        stdout.write(f"  {label}未能发布，以下校验未通过：")
        for failure in failed.failures:
            kind = "错误" if failure.severity == ERROR else "提示"
            stdout.write(f"    [{kind}] {failure.cell}：{failure.message}")
        return f"{label}：草稿（校验未通过）"
    except (ValidationError, ReportConflict) as error:
        stdout.write(f"  {label}未能发布：{error}")
        return f"{label}：草稿"
    # Demo history: the report went out before the 31 January deadline, not today.
    published_at = PUBLISHED_ON[(key, scope)]
    if published_at < timezone.now():
        PublishedReport.objects.filter(pk=version.pk).update(published_at=published_at)
        AnnualReport.objects.filter(pk=report.pk).update(updated_at=published_at)
        versions.bump(versions.REPORTS)  # update() sends no signal
    return f"{label}：已发布"


def draft_report(organ: Organ, key: str, scope: str) -> str:
    """The current year's report as a draft with the generated text (prompts left in)."""
    report = report_get_or_create(organ=organ, year=DRAFT_YEAR, scope=scope)
    label = f"{organ.name}{DRAFT_YEAR}年度报告（{Scope(scope).label}）"
    if report.status == AnnualReport.Status.DRAFT and not has_text(report):
        report_update(
            actor=reporter(key),
            report=report,
            sections=drafted_sections(organ, DRAFT_YEAR, scope, final=False),
        )
    return f"{label}：{report.get_status_display()}"


def seed(stdout: Any) -> None:
    organs = demo_organs()
    if len(organs) < len(ORGANS):
        stdout.write("年度报告演示数据：演示机关不完整，跳过。")
        return
    today = timezone.localdate()
    with transaction.atomic():
        consultations = seed_consultations(organs, today)
    lines = []
    # Each report in its own transaction: a refused publication leaves the others in place.
    for key, scope in PUBLISHED:
        if PUBLISHED_YEAR < today.year:
            with transaction.atomic():
                lines.append(publish_report(stdout, organs[key], key, scope))
    if DRAFT_YEAR <= today.year:
        for key, scope in PUBLISHED:
            with transaction.atomic():
                lines.append(draft_report(organs[key], key, scope))
    added = f"新建咨询登记 {consultations} 条" if consultations else "咨询登记已存在，未重复创建"
    stdout.write(f"年度报告演示数据：{added}。")
    for line in lines:
        stdout.write(f"  {line}")
