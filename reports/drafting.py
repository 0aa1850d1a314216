"""A generated first draft of sections 一 and 六 of the annual report, from the portal's data.

国办公开办函〔2021〕30号 一（一）: 总体情况 reviews the year under five heads — 主动公开、
依申请公开、政府信息管理、政府信息公开平台建设、监督保障. Most of what those paragraphs state by
hand is already in the portal: items published by 组配分类, topic and organ, the share with full
electronic text, guide updates, applications by channel and applicant type, consultations,
appeals and the 信息处理费 collected. :func:`overview_facts` gathers those figures with a fixed
handful of ``GROUP BY`` queries (however many items or applications there are);
:func:`draft_sections` turns them into Chinese paragraphs that the reporter then edits. What the
portal cannot know (考核、社会评议、责任追究, 保密审查 …) is left as a visible ``【请补充：…】``
prompt.

Counting follows the statistics of the report itself (``reports.statistics``): an application
counts as new in the year of its ``first_received_on`` (条例第三十一条), as closed in the year
of its ``closed_on``; an appeal in the year it was filed; an item in the year it was published.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import Attachment, GuideRevision, Item, Organ
from catalog.publication import PUBLICATION_PERIOD
from reports.format import OUTCOME_GROUPS, OUTCOMES_BY_CODE, OVERVIEW_SUBHEADINGS
from reports.models import Consultation, Scope
from reports.statistics import scope_organ_ids, year_bounds
from requests_app.calendar import current_calendar
from requests_app.models import Appeal, AppealKind, AppealResult, Application, Outcome
from requests_app.workdays import add_workdays

# How many 组配分类 / topics / organs a paragraph names before it says "等".
LISTED = 10
UNCLASSIFIED = "未分类"
# The prompt marking what the reporter still has to write; the staff page warns while it is left.
TO_FILL = "【请补充："

# 申请方式 as the reports word them; the five named in practice are always stated, even at 0.
CHANNEL_WORDING: dict[str, str] = {
    "in_person": "当面申请",
    "online": "网上申请",
    "letter": "信函申请",
    "fax": "传真申请",
    "email": "电子邮件申请",
    "other": "其他方式申请",
}
STATED_CHANNELS: tuple[str, ...] = ("in_person", "online", "letter", "fax", "email")

CONSULTATION_WORDING: dict[str, str] = {
    Consultation.Channel.ON_SITE: "现场咨询",
    Consultation.Channel.PHONE: "电话咨询",
    Consultation.Channel.ONLINE: "网上咨询",
}

# Results of the year grouped as the rows of table 三: （一）（二） alone, then （三）–（六）.
RESULT_GROUPS: tuple[tuple[str, str], ...] = (
    ("disclosed", "予以公开"),
    ("partially_disclosed", "部分公开"),
    *((group.key, group.label[3:]) for group in OUTCOME_GROUPS),
)


# ---------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------


def overview_facts(organ: Organ, year: int, *, scope: str = Scope.ORGAN) -> dict[str, Any]:
    """The figures section 一 and 六 speak of, for ``organ``'s report of ``year`` and ``scope``.

    Seven aggregate queries whatever the volume (plus the cached organ tree for ``tree``).
    Counts are ``int``; the fee total is a ``Decimal`` in yuan.
    """
    organ_ids = scope_organ_ids(organ, scope)
    start, end = year_bounds(year)
    return {
        "organ_name": organ.name,
        "year": year,
        "scope": scope,
        "items": _item_facts(organ_ids, start, end),
        "guide_updates": _guide_updates(organ_ids, year),
        "applications": _application_facts(organ_ids, start, end),
        "consultations": _consultation_facts(organ_ids, start, end),
        "appeals": _appeal_facts(organ_ids, start, end),
    }


def _ranked(counts: dict[str, int]) -> list[dict[str, Any]]:
    """``[{"name", "count"}]``, largest first, then by name (stable, for tests and reading)."""
    rows = [{"name": name, "count": n} for name, n in counts.items() if n]
    return sorted(rows, key=lambda row: (-row["count"], row["name"]))


def _item_facts(organ_ids: set[int], start: dt.date, end: dt.date) -> dict[str, Any]:
    """Published catalog items: in the year by 组配分类, top-level topic and organ, and totals.

    Three queries. An item counts for its lead organ (``Item.organ``), as in table 二, so a
    consolidated report never counts a joint document twice.
    """
    published = Item.objects.published().filter(organ_id__in=organ_ids).order_by()
    in_year = published.filter(published_on__gte=start, published_on__lte=end)

    by_grouping = {
        row["name"] or UNCLASSIFIED: row["n"]
        for row in in_year.values(name=F("grouping__name")).annotate(n=Count("id"))
    }
    # 主题分类 is a two-level tree: an item filed under a subtopic counts for its parent.
    top_topic = Coalesce("topic__parent__name", "topic__name", Value(UNCLASSIFIED))
    by_topic: dict[str, int] = defaultdict(int)
    for row in in_year.values(name=top_topic).annotate(n=Count("id")):
        by_topic[row["name"]] += row["n"]

    # 全文电子化: the full text is online as the body or as at least one attachment.
    has_attachment = Exists(Attachment.objects.filter(item_id=OuterRef("pk")))
    published_in_year = Q(published_on__gte=start)
    repealed_in_year = Q(repealed_on__gte=start, repealed_on__lte=end)
    documents = Q(doc_type__in=[Item.DocType.RULE, Item.DocType.NORMATIVE])
    in_force_at_end = Q(validity=Item.Validity.IN_FORCE) | Q(repealed_on__gt=end)
    per_organ = (
        published.filter(published_on__lte=end)
        .alias(has_attachment=has_attachment)
        .values("organ_id", "organ__name")
        .annotate(
            published=Count("id", filter=published_in_year),
            electronic=Count(
                "id", filter=published_in_year & (~Q(body="") | Q(has_attachment=True))
            ),
            rules=Count("id", filter=published_in_year & Q(doc_type=Item.DocType.RULE)),
            normative=Count("id", filter=published_in_year & Q(doc_type=Item.DocType.NORMATIVE)),
            repealed=Count(
                "id", filter=documents & repealed_in_year & Q(validity=Item.Validity.REPEALED)
            ),
            amended=Count(
                "id", filter=documents & repealed_in_year & Q(validity=Item.Validity.AMENDED)
            ),
            in_force=Count("id", filter=documents & in_force_at_end),
            cumulative=Count("id"),
        )
    )
    totals = dict.fromkeys(
        ("published", "electronic", "rules", "normative", "repealed", "amended", "in_force"), 0
    )
    totals["cumulative"] = 0
    by_organ: dict[str, int] = {}
    for row in per_organ:
        for key in totals:
            totals[key] += row[key]
        if row["published"]:
            by_organ[row["organ__name"]] = row["published"]
    return {
        "total": totals["published"],
        "late": _late_items(in_year),
        "electronic": totals["electronic"],
        "electronic_rate": _rate(totals["electronic"], totals["published"]),
        "rules": totals["rules"],
        "normative": totals["normative"],
        "repealed": totals["repealed"],
        "amended": totals["amended"],
        "in_force": totals["in_force"],
        "cumulative": totals["cumulative"],
        "by_grouping": _ranked(by_grouping),
        "by_topic": _ranked(dict(by_topic)),
        "by_organ": _ranked(by_organ),
    }


def _late_items(in_year: Any) -> int:
    """Items of the year published later than 条例第二十六条 allows (one GROUP BY query over
    the distinct date triples; the period is counted on the official calendar)."""
    calendar = current_calendar()
    late = 0
    rows = in_year.values("formed_on", "changed_on", "published_on").annotate(n=Count("id"))
    for row in rows:
        start = max(row["formed_on"], row["changed_on"] or row["formed_on"])
        deadline = add_workdays(calendar, start, PUBLICATION_PERIOD).date
        if row["published_on"] > deadline:
            late += row["n"]
    return late


def _rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal place, or None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _guide_updates(organ_ids: set[int], year: int) -> int:
    """条例第十二条: revisions of the guides saved in the year (local calendar year)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    end = dt.datetime(year + 1, 1, 1, tzinfo=zone)
    return GuideRevision.objects.filter(
        guide__organ_id__in=organ_ids, created_at__gte=start, created_at__lt=end
    ).count()


def _application_facts(organ_ids: set[int], start: dt.date, end: dt.date) -> dict[str, Any]:
    """New applications by channel and applicant type, results, carry-overs and fees.

    Three queries: new in the year by (channel, type); closed in the year by outcome; and one
    aggregate for the carry-overs and the 信息处理费 (国办函〔2020〕109号).
    """
    applications = Application.objects.filter(organ_id__in=organ_ids).order_by()

    by_channel: dict[str, int] = defaultdict(int)
    by_type: dict[str, int] = defaultdict(int)
    new = 0
    rows = (
        applications.filter(first_received_on__gte=start, first_received_on__lte=end)
        .values("channel", "applicant_type")
        .annotate(n=Count("id"))
    )
    for row in rows:
        by_channel[row["channel"]] += row["n"]
        by_type[row["applicant_type"]] += row["n"]
        new += row["n"]

    by_result: dict[str, int] = dict.fromkeys((key for key, _label in RESULT_GROUPS), 0)
    closed = 0
    for row in (
        applications.filter(closed_on__gte=start, closed_on__lte=end)
        .values("outcome")
        .annotate(n=Count("id"))
    ):
        outcome = OUTCOMES_BY_CODE.get(row["outcome"])
        if outcome is None:  # pragma: no cover - closed applications always have an outcome
            continue
        by_result[outcome.group or outcome.code] += row["n"]
        closed += row["n"]

    paid_in_year = Q(fee_paid_on__gte=start, fee_paid_on__lte=end)
    totals = applications.filter(first_received_on__lte=end).aggregate(
        carried_over=Count(
            "id",
            filter=Q(first_received_on__lt=start)
            & (Q(closed_on__isnull=True) | Q(closed_on__gte=start)),
        ),
        carried_forward=Count("id", filter=Q(closed_on__isnull=True) | Q(closed_on__gt=end)),
        fee_notices=Count("id", filter=Q(fee_notice_on__gte=start, fee_notice_on__lte=end)),
        fees_paid=Count("id", filter=paid_in_year),
        fees_collected=Sum("fee_amount", filter=paid_in_year),
        # 逾期未缴纳的视为放弃申请: the notice was issued and the application closed unpaid.
        fees_lapsed=Count(
            "id",
            filter=Q(
                outcome=Outcome.OTHER_FEE_UNPAID,
                fee_notice_on__isnull=False,
                fee_paid_on__isnull=True,
                closed_on__gte=start,
                closed_on__lte=end,
            ),
        ),
    )
    return {
        "new": new,
        "by_channel": dict(by_channel),
        "by_type": dict(by_type),
        "carried_over": totals["carried_over"],
        "closed": closed,
        "by_result": by_result,
        "carried_forward": totals["carried_forward"],
        "fees": {
            "collected": totals["fees_collected"] or Decimal("0"),
            "paid": totals["fees_paid"],
            "notices": totals["fee_notices"],
            "lapsed": totals["fees_lapsed"],
        },
    }


def _consultation_facts(organ_ids: set[int], start: dt.date, end: dt.date) -> dict[str, Any]:
    """咨询登记: the people counted (``count``) by channel, one query."""
    by_channel = dict.fromkeys(Consultation.Channel.values, 0)
    rows = (
        Consultation.objects.filter(organ_id__in=organ_ids, date__gte=start, date__lte=end)
        .order_by()
        .values("channel")
        .annotate(total=Sum("count"))
    )
    for row in rows:
        by_channel[row["channel"]] = row["total"] or 0
    return {"total": sum(by_channel.values()), "by_channel": by_channel}


def _appeal_facts(organ_ids: set[int], start: dt.date, end: dt.date) -> dict[str, Any]:
    """行政复议、行政诉讼 filed in the year, by kind and current result (as table 四), one query."""
    counts = {kind: dict.fromkeys(AppealResult.values, 0) for kind in AppealKind.values}
    rows = (
        Appeal.objects.filter(
            application__organ_id__in=organ_ids, filed_on__gte=start, filed_on__lte=end
        )
        .order_by()
        .values("kind", "result")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["kind"]][row["result"]] += row["n"]
    return {kind: {**results, "total": sum(results.values())} for kind, results in counts.items()}


# ---------------------------------------------------------------------------
# Draft text
# ---------------------------------------------------------------------------


def draft_sections(facts: dict[str, Any]) -> dict[str, str]:
    """Chinese paragraphs for 一（一）–（五） and 六 from :func:`overview_facts`.

    Returns ``proactive``, ``applications``, ``management``, ``platform``, ``supervision`` (the
    five heads of 一, without their headings), ``overview`` (the five under the headings of
    ``OVERVIEW_SUBHEADINGS``, ready for the 一、总体情况 field) and ``other`` (六).
    """
    parts = {
        "proactive": _proactive_text(facts),
        "applications": _applications_text(facts),
        "management": _management_text(facts),
        "platform": _platform_text(facts),
        "supervision": _supervision_text(facts),
    }
    overview = "\n\n".join(
        f"{heading}\n{text}"
        for heading, text in zip(OVERVIEW_SUBHEADINGS, parts.values(), strict=True)
    )
    return {**parts, "overview": overview, "other": _other_text(facts)}


def _subject(facts: dict[str, Any]) -> str:
    if facts["scope"] == Scope.TREE:
        return f"{facts['organ_name']}及所属机关"
    return "本机关"


def _listing(rows: list[dict[str, Any]], unit: str) -> str:
    """``政策文件3条、通知公告2条等`` — the largest first, at most ``LISTED`` named; items
    without a classification are left out of the sentence (it names categories)."""
    rows = [row for row in rows if row["name"] != UNCLASSIFIED]
    named = "、".join(f"{row['name']}{row['count']}{unit}" for row in rows[:LISTED])
    return named + ("等" if len(rows) > LISTED else "")


def _percent(rate: Decimal | None) -> str:
    if rate is None:
        return "—"
    return f"{rate.normalize():f}%" if rate == rate.to_integral() else f"{rate}%"


def _yuan(amount: Decimal) -> str:
    """380.00 → ``380``; 12.50 → ``12.50`` (the fee is stated in yuan)."""
    amount = Decimal(amount)
    if amount == amount.to_integral():
        return str(amount.quantize(Decimal("1")))
    return str(amount.quantize(Decimal("0.01")))


def _proactive_text(facts: dict[str, Any]) -> str:
    year, items = facts["year"], facts["items"]
    who = _subject(facts)
    if not items["total"]:
        return (
            f"{year}年，{who}未在政府信息公开平台主动公开政府信息。"
            f"{TO_FILL}通过其他渠道主动公开政府信息的情况】"
        )
    sentences = [
        f"{year}年，{who}在政府信息公开平台主动公开政府信息{items['total']}条，"
        f"其中规章{items['rules']}件、行政规范性文件{items['normative']}件。"
    ]
    for label, key in (("组配分类", "by_grouping"), ("主题分类", "by_topic")):
        if listing := _listing(items[key], "条"):
            sentences.append(f"按{label}，{listing}。")
    if facts["scope"] == Scope.TREE and items["by_organ"]:
        sentences.append(f"按发布机构，{_listing(items['by_organ'], '条')}。")
    sentences.append(
        f"公开的信息中提供全文电子文本（正文或附件）的{items['electronic']}条，"
        f"全文电子化率{_percent(items['electronic_rate'])}。"
    )
    if items.get("late"):
        sentences.append(
            f"其中{items['late']}条未在形成或者变更之日起20个工作日内公开"
            "（条例第二十六条），已督促相关单位及时发布。"
        )
    return "".join(sentences)


def _applications_text(facts: dict[str, Any]) -> str:
    year, apps = facts["year"], facts["applications"]
    who = _subject(facts)
    by_channel = apps["by_channel"]
    channels = [f"{CHANNEL_WORDING[c]}{by_channel.get(c, 0)}件" for c in STATED_CHANNELS]
    if by_channel.get("other"):
        channels.append(f"{CHANNEL_WORDING['other']}{by_channel['other']}件")
    by_type = apps["by_type"]
    people = by_type.get("natural_person", 0)
    organisations = apps["new"] - people
    sentences = [
        f"{year}年，{who}共收到政府信息公开申请{apps['new']}件，其中{'、'.join(channels)}；"
        f"自然人申请{people}件，法人或其他组织申请{organisations}件。",
        f"上年结转申请{apps['carried_over']}件。",
    ]
    results = "、".join(
        f"{label}{apps['by_result'][key]}件"
        for key, label in RESULT_GROUPS
        if apps["by_result"][key]
    )
    sentences.append(
        f"本年度办结{apps['closed']}件" + (f"，其中{results}" if results else "") + "；"
        f"结转下年度继续办理{apps['carried_forward']}件。"
    )
    consultations = facts["consultations"]
    if consultations["total"]:
        detail = "、".join(
            f"{CONSULTATION_WORDING[channel]}{n}人次"
            for channel, n in consultations["by_channel"].items()
        )
        sentences.append(f"全年受理政府信息公开咨询{consultations['total']}人次，其中{detail}。")
    else:
        sentences.append("全年未登记政府信息公开咨询。")
    return "".join(sentences)


def _management_text(facts: dict[str, Any]) -> str:
    year, items = facts["year"], facts["items"]
    who = _subject(facts)
    guide = facts["guide_updates"]
    guide_sentence = (
        f"{year}年更新政府信息公开指南{guide}次（条例第十二条）。"
        if guide
        else f"{year}年未更新政府信息公开指南。"
    )
    return (
        f"{who}对规章和行政规范性文件实行动态管理，{year}年废止{items['repealed']}件、"
        f"修改{items['amended']}件，截至年底现行有效{items['in_force']}件。"
        f"{guide_sentence}"
        f"{TO_FILL}公开属性源头认定、公开前保密审查等政府信息管理工作情况】"
    )


def _platform_text(facts: dict[str, Any]) -> str:
    year, items = facts["year"], facts["items"]
    online_applications = facts["applications"]["by_channel"].get("online", 0)
    online_consultations = facts["consultations"]["by_channel"].get(Consultation.Channel.ONLINE, 0)
    # 国办公开办函〔2019〕61号: the platform's four standard columns.
    return (
        "依托政府信息公开平台集中发布政府信息，平台设置政府信息公开指南、政府信息公开制度、"
        "法定主动公开内容、政府信息公开年报等栏目。"
        f"截至{year}年底，平台累计公开政府信息{items['cumulative']}条；"
        f"全年通过平台在线接收政府信息公开申请{online_applications}件，"
        f"登记网上咨询{online_consultations}人次。"
        f"{TO_FILL}政府网站、政务新媒体、政务服务大厅等公开平台建设情况】"
    )


def _supervision_text(facts: dict[str, Any]) -> str:
    year, appeals = facts["year"], facts["appeals"]
    who = _subject(facts)
    review = appeals[AppealKind.REVIEW]
    direct = appeals[AppealKind.LITIGATION_DIRECT]
    after = appeals[AppealKind.LITIGATION_AFTER_REVIEW]
    litigation = direct["total"] + after["total"]
    if review["total"] or litigation:
        corrected = sum(kind[AppealResult.CORRECTED] for kind in appeals.values())
        pending = sum(kind[AppealResult.PENDING] for kind in appeals.values())
        cases = (
            f"{year}年，{who}发生政府信息公开行政复议{review['total']}件、"
            f"行政诉讼{litigation}件（未经复议直接起诉{direct['total']}件、"
            f"复议后起诉{after['total']}件），其中结果纠正{corrected}件、尚未审结{pending}件。"
        )
    else:
        cases = f"{year}年，{who}未发生政府信息公开行政复议、行政诉讼案件。"
    # 条例第五十条第（四）项: 各级人民政府还应当报告工作考核、社会评议和责任追究结果情况.
    return cases + f"{TO_FILL}工作考核、社会评议和责任追究结果情况，以及培训、监督检查等工作】"


def _other_text(facts: dict[str, Any]) -> str:
    """六: whether any 信息处理费 was collected (regulation.md §2.6 F10)."""
    year = facts["year"]
    fees = facts["applications"]["fees"]
    if fees["collected"] > 0:
        text = (
            f"依据《政府信息公开信息处理费管理办法》规定，{year}年共收取信息处理费"
            f"{_yuan(fees['collected'])}元（涉及申请{fees['paid']}件）。"
        )
    else:
        text = f"依据《政府信息公开信息处理费管理办法》规定，{year}年未收取信息处理费。"
    if fees["lapsed"]:
        text += (
            f"另有{fees['lapsed']}件申请的申请人在收到收费通知后逾期未缴纳信息处理费，"
            "视为放弃申请，不再处理。"
        )
    return text
