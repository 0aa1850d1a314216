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
