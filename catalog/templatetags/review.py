"""Labels of personal-data findings (catalog.pii) on the staff pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import pii

register = template.Library()

KIND_LABELS = {
    pii.RESIDENT_ID: gettext_lazy("居民身份证号码"),
    pii.MOBILE: gettext_lazy("手机号码"),
    pii.BANK_CARD: gettext_lazy("银行卡号"),
    pii.EMAIL: gettext_lazy("电子邮箱"),
}


@register.filter
def finding_kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@register.filter
def finding_where(where: str) -> str:
    if where == "title":
        return _("标题")
    if where == "body":
        return _("正文")
    if where == "summary":
        return _("内容概述")
    if where.startswith("attachment:"):
        return _("附件“%(name)s”") % {"name": where.partition(":")[2]}
    return where


# A 名单 of thousands of people yields thousands of findings: the pages list the first ones
# in context and count the rest by kind (the API returns them all).
FINDINGS_SHOWN = 50


@register.filter
def first_findings(findings: list[dict[str, str]]) -> list[dict[str, str]]:
    return list(findings or [])[:FINDINGS_SHOWN]


@register.filter
def findings_beyond(findings: list[dict[str, str]]) -> str:
    """``另有 9,950 处未逐一列出：居民身份证号码 4,950 处，手机号码 5,000 处。`` — or nothing."""
    rest = list(findings or [])[FINDINGS_SHOWN:]
    if not rest:
        return ""
    counts: dict[str, int] = {}
    for finding in rest:
        counts[finding["kind"]] = counts.get(finding["kind"], 0) + 1
    kinds = _("，").join(
        _("%(kind)s %(n)s 处") % {"kind": finding_kind(kind), "n": f"{n:,}"}
        for kind, n in counts.items()
    )
    return _("另有 %(n)s 处未逐一列出：%(kinds)s。") % {"n": f"{len(rest):,}", "kinds": kinds}
