"""Input and output serializers of the annual report API (api.md, "Annual report").

The PUT body has the GET shape; only ``sections`` and the reporter-entered rows of
``proactive`` are read — computed figures sent back (``proactive.rule``, ``applications`` …)
are ignored, as DRF ignores fields it does not declare. The service validates again, so the
staff pages get the same rules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reports.format import FEE_DECIMAL_PLACES
from reports.models import PublishedReport
from reports.services import MAX_SECTION_CHARS

_DECISIONS_ERRORS = {
    "invalid": _("请填写不小于0的整数。"),
    "min_value": _("请填写不小于0的整数。"),
    "max_value": _("数值过大。"),
    "null": _("请填写不小于0的整数。"),
    "required": _("缺少该项数据。"),
}
_AMOUNT_ERRORS = {
    "invalid": _("请填写金额（单位：万元）。"),
    "min_value": _("金额不能为负数。"),
    "max_digits": _("金额过大。"),
    "max_whole_digits": _("金额过大。"),
    "max_decimal_places": _("金额以万元为单位，最多保留4位小数。"),
    "null": _("请填写金额（单位：万元）。"),
    "required": _("缺少该项数据。"),
}
_TEXT_ERRORS = {
    "invalid": _("正文应为文字。"),
    "max_length": _("不能超过{max_length}个字符。"),
    "null": _("正文应为文字。"),
}


class TextField(serializers.CharField):
    """Text only: DRF's ``CharField`` would turn a number into its digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("max_length", MAX_SECTION_CHARS)
        kwargs.setdefault("error_messages", _TEXT_ERRORS)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class SectionsInputSerializer(serializers.Serializer):
    """一、总体情况 / 五、存在的主要问题及改进情况 / 六、其他需要报告的事项 (plain text)."""

    overview = TextField()
    problems = TextField()
    other = TextField()


class DecisionsInputSerializer(serializers.Serializer):
    decisions = serializers.IntegerField(
        min_value=0, max_value=2_000_000_000, error_messages=_DECISIONS_ERRORS
    )


class FeesInputSerializer(serializers.Serializer):
    amount_10k_yuan = serializers.DecimalField(
        max_digits=16,
        decimal_places=FEE_DECIMAL_PLACES,
        min_value=Decimal("0"),
        error_messages=_AMOUNT_ERRORS,
    )


class ProactiveInputSerializer(serializers.Serializer):
    """Table 二 rows entered by the reporter; 规章 and 行政规范性文件 come from the catalog."""

    licensing = DecisionsInputSerializer(required=False)
    penalty = DecisionsInputSerializer(required=False)
    coercion = DecisionsInputSerializer(required=False)
    fees = FeesInputSerializer(required=False)


class ReportUpdateSerializer(serializers.Serializer):
    sections = SectionsInputSerializer(required=False)
    proactive = ProactiveInputSerializer(required=False)


class CheckFailureSerializer(serializers.Serializer):
    rule = serializers.CharField()
    cell = serializers.CharField()
    message = serializers.CharField()
    severity = serializers.CharField()


class ChecksFailedSerializer(serializers.Serializer):
    checks = CheckFailureSerializer(many=True)


class PublishedReportListSerializer(serializers.ModelSerializer):
    """A current published version in the public list of reports (the /reports/ page)."""

    organ = serializers.CharField(source="report.organ.code")
    organ_name = serializers.CharField(source="report.organ.name")
    year = serializers.IntegerField(source="report.year")
    scope = serializers.CharField(source="report.scope")
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = PublishedReport
        fields = [
            "organ",
            "organ_name",
            "year",
            "scope",
            "version",
            "published_at",
            "url",
            "api_url",
        ]

    def get_url(self, obj: PublishedReport) -> str:
        return report_page_url(obj.report.organ.code, obj.report.year, obj.report.scope)

    def get_api_url(self, obj: PublishedReport) -> str:
        url = f"/api/v1/reports/{obj.report.organ.code}/{obj.report.year}/"
        return f"{url}?scope=tree" if obj.report.scope == "tree" else url


def report_page_url(organ_code: str, year: int, scope: str) -> str:
    """The HTML page of a report (api.md, "Pages and downloads")."""
    try:
        url = reverse("reports:report", args=[organ_code, year])
    except NoReverseMatch:  # the public pages are not mounted (e.g. an API-only deployment)
        url = f"/reports/{organ_code}/{year}/"
    return f"{url}?scope=tree" if scope == "tree" else url


class ReportSerializer(serializers.Serializer):
    """The GET representation, for the API schema (built by ``services.report_data``)."""

    organ = serializers.CharField()
    organ_name = serializers.CharField()
    year = serializers.IntegerField()
    scope = serializers.CharField()
    status = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    superseded_at = serializers.DateTimeField(allow_null=True)
    sections = serializers.DictField(child=serializers.CharField())
    proactive = serializers.DictField()
    applications = serializers.DictField()
    appeals = serializers.DictField()
    annexes = serializers.DictField()
    versions = serializers.ListField(child=serializers.DictField())
    checks = CheckFailureSerializer(many=True, required=False)

    def to_representation(self, instance: Any) -> Any:  # the dict is already the JSON
        return instance
