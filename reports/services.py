"""Drafting and publishing the 政府信息公开工作年度报告 (条例第四十九、五十条; domain.md).

One service per change, called by the staff pages, the API and the commands alike:

- :func:`report_update` edits a draft: the text sections 一、五、六 and the table 二 figures that
  come from other systems (licensing, penalty, coercion, fees); every other figure is computed;
- :func:`report_publish` refuses while a balance check fails, and otherwise freezes sections,
  figures and annexes into a new :class:`~reports.models.PublishedReport` version — later data
  changes never alter what was published;
- :func:`report_reopen` takes a published report back to draft for a correction. The published
  version stays public meanwhile; the next publication supersedes it (it stays readable, marked
  with ``superseded_at``).

Errors: ``ValidationError`` keyed by field (a 400), :class:`ChecksFailed` (a 400 listing every
failing check), :class:`ReportConflict` when the report's state does not allow the change (409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Organ
from reports import permissions
from reports.checks import ERROR, IN_FORCE_ROWS, WARNING, CheckFailure, check_figures, has_errors
from reports.format import (
    APPLICANT_COLUMN_KEYS,
    FEE_DECIMAL_PLACES,
    SECTIONS_BY_KEY,
    TEXT_SECTION_KEYS,
    Figures,
)
from reports.models import AnnualReport, PublishedReport, Scope, empty_manual, empty_sections
from reports.statistics import (
    MANUAL_CELLS,
    compute_annexes,
    compute_figures,
    decimal_string,
    figures_to_json,
    scope_organ_ids,
)

# The 2007 条例 (国务院令第492号) took effect on 1 May 2008; the first reports covered 2008.
FIRST_REPORT_YEAR = 2008
MAX_SECTION_CHARS = 50_000
# A text section left empty is reported to the reporter, but does not block publication.
EMPTY_SECTION = "sections"


class ReportConflict(Exception):
    """The report's state does not allow the change (api.md: 409)."""


class ChecksFailed(ValidationError):
    """Publication refused: the figures fail at least one balance check (domain.md)."""

    def __init__(self, failures: list[CheckFailure]) -> None:
        self.failures = failures
        super().__init__(
            {"checks": [f"{f.cell}：{f.message}" for f in failures if f.severity == ERROR]}
        )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def validate_year(year: Any, *, today: dt.date | None = None) -> int:
    """A report year: from 2008 up to the current year (a year in progress may be drafted)."""
    today = today or timezone.localdate()
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValidationError({"year": [_("年度应为四位数字的年份。")]})
    if not FIRST_REPORT_YEAR <= year <= today.year:
        raise ValidationError(
            {
                "year": [
                    _("年度应在%(first)d年至%(last)d年之间。")
                    % {"first": FIRST_REPORT_YEAR, "last": today.year}
                ]
            }
        )
    return year


def validate_scope(scope: Any) -> str:
    if scope not in Scope.values:
        raise ValidationError(
            {"scope": [_("范围应为 organ（本机关）或 tree（本级及所属机关汇总）。")]}
        )
    return str(scope)


def _clean_sections(sections: Any, errors: dict[str, list[str]]) -> dict[str, str]:
    """The text sections given (一、五、六), by key; unknown keys are an error."""
    if not isinstance(sections, Mapping):
        errors["sections"] = [_("正文格式不正确。")]
        return {}
    cleaned: dict[str, str] = {}
    for key, value in sections.items():
        field = f"sections.{key}"
        if key not in TEXT_SECTION_KEYS:
            errors[field] = [_("没有这一部分正文。")]
        elif value is None:
            cleaned[key] = ""
        elif not isinstance(value, str):
            errors[field] = [_("正文应为文字。")]
        elif len(value) > MAX_SECTION_CHARS:
            errors[field] = [_("不能超过%(limit)d个字符。") % {"limit": MAX_SECTION_CHARS}]
        else:
            cleaned[key] = value
    return cleaned


def _clean_decisions(value: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors[field] = [_("请填写不小于0的整数。")]
        return None
    return value


def _clean_amount(value: Any, field: str, errors: dict[str, list[str]]) -> str | None:
    """The fee amount in 万元: a decimal ≥ 0 with at most four places, stored as a string."""
    try:
        if isinstance(value, bool) or value is None:
            raise InvalidOperation
        # repr() keeps a float's shortest form (0.1, not its binary expansion).
        amount = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("请填写金额（单位：万元）。")]
        return None
    if not amount.is_finite() or amount < 0:
        errors[field] = [_("金额不能为负数。") if amount.is_finite() else _("请填写金额。")]
        return None
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > FEE_DECIMAL_PLACES:
        errors[field] = [
            _("金额以万元为单位，最多保留%(places)d位小数。") % {"places": FEE_DECIMAL_PLACES}
        ]
        return None
    return decimal_string(amount)


def _clean_manual(manual: Any, errors: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """The table 二 figures given, in the GET shape; computed rows sent back are ignored."""
    if not isinstance(manual, Mapping):
        errors["proactive"] = [_("填报数据格式不正确。")]
        return {}
    cleaned: dict[str, dict[str, Any]] = {}
    for row, column in MANUAL_CELLS.items():
        if row not in manual:
            continue
        cells = manual[row]
        field = f"proactive.{row}.{column}"
        if not isinstance(cells, Mapping) or column not in cells:
            errors[field] = [_("缺少该项数据。")]
            continue
        if column == "amount_10k_yuan":
            value: Any = _clean_amount(cells[column], field, errors)
        else:
            value = _clean_decisions(cells[column], field, errors)
        if value is not None:
            cleaned[row] = {column: value}
    return cleaned


# ---------------------------------------------------------------------------
# Drafts
# ---------------------------------------------------------------------------


def report_get_or_create(*, organ: Organ, year: int, scope: str) -> AnnualReport:
    """The working copy of ``organ``'s report for ``year`` and ``scope``, created empty."""
    validate_year(year)
    validate_scope(scope)
    report, _created = AnnualReport.objects.get_or_create(organ=organ, year=year, scope=scope)
    return report


def report_update(
    *,
    actor: Any,
    report: AnnualReport,
    sections: Mapping[str, Any] | None = None,
    manual: Mapping[str, Any] | None = None,
) -> AnnualReport:
    """Edit a draft: replace the given text sections and reporter-entered figures.

    ``sections``: ``{"overview"|"problems"|"other": text}``; ``manual``: the table 二 rows
    ``licensing``/``penalty``/``coercion`` (``{"decisions": n}``) and ``fees``
    (``{"amount_10k_yuan": amount}``). Keys left out keep their value. A published report is
    changed only after :func:`report_reopen` (:class:`ReportConflict` otherwise).
    """
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.status == AnnualReport.Status.PUBLISHED:
            raise ReportConflict(_("该年度报告已发布，不能直接修改；如需更正，请先撤回为草稿。"))
        errors: dict[str, list[str]] = {}
        clean_sections = _clean_sections(sections, errors) if sections is not None else {}
        clean_manual = _clean_manual(manual, errors) if manual is not None else {}
        if errors:
            raise ValidationError(errors)
        locked.sections = {**empty_sections(), **(locked.sections or {}), **clean_sections}
        merged = {**empty_manual(), **(locked.manual or {})}
        for row, cells in clean_manual.items():
            merged[row] = cells
        locked.manual = merged
        locked.updated_at = timezone.now()
        locked.updated_by = _user(actor)
        locked.save(update_fields=["sections", "manual", "updated_at", "updated_by"])
    _copy_state(locked, report)
    return report


def _copy_state(source: AnnualReport, target: AnnualReport) -> None:
    for field in ("sections", "manual", "status", "updated_at", "updated_by_id"):
        setattr(target, field, getattr(source, field))


# ---------------------------------------------------------------------------
# Checks and publication
# ---------------------------------------------------------------------------


def previous_published_figures(organ: Organ, year: int, scope: str) -> Figures | None:
    """The figures of the previous year's current published version, if there is one."""
    return (
        permissions.current_versions()
        .filter(report__organ=organ, report__year=year - 1, report__scope=scope)
        .values_list("figures", flat=True)
        .first()
    )


def _previous_carried_forward(previous: Mapping[str, Any]) -> dict[str, int] | None:
    row = previous.get("applications", {}).get("rows", {}).get("carried_forward")
    if not isinstance(row, Mapping):
        return None
    return {column: row[column] for column in APPLICANT_COLUMN_KEYS if column in row}


def _previous_in_force(previous: Mapping[str, Any]) -> dict[str, int] | None:
    proactive = previous.get("proactive", {})
    values = {
        row: proactive[row]["in_force"]
        for row in IN_FORCE_ROWS
        if isinstance(proactive.get(row), Mapping) and "in_force" in proactive[row]
    }
    return values or None


def _section_warnings(sections: Mapping[str, Any]) -> list[CheckFailure]:
    # 国办公开办函〔2021〕30号: the report's content "不能遗漏" — flagged, not blocking.
    return [
        CheckFailure(
            EMPTY_SECTION,
            SECTIONS_BY_KEY[key].heading,
            _("该部分正文尚未填写。"),
            WARNING,
        )
        for key in TEXT_SECTION_KEYS
        if not str((sections or {}).get(key) or "").strip()
    ]


def report_checks(report: AnnualReport, *, figures: Figures | None = None) -> list[CheckFailure]:
    """Every balance check of the report's figures (regulation.md §2.6), errors and warnings.

    The year-to-year rules compare with the previous year's *published* report: F5 (its
    结转下年度 equals this 上年结转) and F8 (现行有效件数, a warning). Without a published
    previous report they are skipped — a live recomputation would agree by construction.
    """
    if figures is None:
        figures = compute_figures(
            report.organ, report.year, scope=report.scope, manual=report.manual
        )
    previous = previous_published_figures(report.organ, report.year, report.scope)
    failures = check_figures(
        figures,
        previous_carried_forward=_previous_carried_forward(previous) if previous else None,
        previous_in_force=_previous_in_force(previous) if previous else None,
    )
    return failures + _section_warnings(report.sections)


def report_publish(
    *, actor: Any, report: AnnualReport, today: dt.date | None = None
) -> PublishedReport:
    """Freeze the report as a new published version (条例第四十九条).

    Refused with :class:`ChecksFailed` while an error-severity check fails, with a
    ``ValidationError`` on ``year`` while the year has not ended (its statistics cover 1 January
    to 31 December), and with :class:`ReportConflict` when it is already published and not
    reopened. The previous version, if any, is marked superseded in the same transaction.
    """
    today = today or timezone.localdate()
    if report.year >= today.year:
        raise ValidationError(
            {
                "year": [
                    _("%(year)d年度尚未结束，年度报告应于次年1月1日以后发布。")
                    % {"year": report.year}
                ]
            }
        )
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().select_related("organ").get(pk=report.pk)
        if locked.status == AnnualReport.Status.PUBLISHED:
            raise ReportConflict(_("该年度报告已发布；如需更正，请先撤回为草稿。"))
        figures = compute_figures(
            locked.organ, locked.year, scope=locked.scope, manual=locked.manual
        )
        failures = report_checks(locked, figures=figures)
        if has_errors(failures):
            raise ChecksFailed(failures)
        annexes = compute_annexes(locked.organ, locked.year, scope=locked.scope)
        now = timezone.now()
        last = locked.versions.aggregate(last=Max("version"))["last"] or 0
        locked.versions.filter(superseded_at__isnull=True).update(superseded_at=now)
        version = PublishedReport.objects.create(
            report=locked,
            version=last + 1,
            sections={**empty_sections(), **(locked.sections or {})},
            figures=figures_to_json(figures),
            annexes=annexes,
            published_at=now,
            published_by=_user(actor),
        )
        locked.status = AnnualReport.Status.PUBLISHED
        locked.updated_at = now
        locked.updated_by = _user(actor)
        locked.save(update_fields=["status", "updated_at", "updated_by"])
    _copy_state(locked, report)
    return version


def report_reopen(*, actor: Any, report: AnnualReport) -> AnnualReport:
    """Take a published report back to draft for a correction.

    The current version stays public until the corrected report is published, which then
    supersedes it (domain.md: a corrected re-publication keeps the earlier version visible).
    """
    now = timezone.now()
    with transaction.atomic():
        swapped = AnnualReport.objects.filter(
            pk=report.pk, status=AnnualReport.Status.PUBLISHED
        ).update(status=AnnualReport.Status.DRAFT, updated_at=now, updated_by=_user(actor))
    if not swapped:
        raise ReportConflict(_("只有已发布的年度报告可以撤回更正。"))
    report.status = AnnualReport.Status.DRAFT
    report.updated_at = now
    report.updated_by = _user(actor)
    return report


# ---------------------------------------------------------------------------
# The report as the API shows it
# ---------------------------------------------------------------------------


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _versions(versions: list[PublishedReport]) -> list[dict[str, Any]]:
    return [
        {
            "version": v.version,
            "published_at": _iso(v.published_at),
            "superseded_at": _iso(v.superseded_at),
        }
        for v in versions
    ]


def _representation(
    organ: Organ,
    year: int,
    scope: str,
    *,
    status: str,
    version: PublishedReport | None,
    sections: Mapping[str, Any],
    figures: Mapping[str, Any],
    annexes: Mapping[str, Any],
    versions: list[PublishedReport],
) -> dict[str, Any]:
    return {
        "organ": organ.code,
        "organ_name": organ.name,
        "year": year,
        "scope": scope,
        "status": status,
        "published_at": _iso(version.published_at) if version else None,
        "version": version.version if version else None,
        "superseded_at": _iso(version.superseded_at) if version else None,
        "sections": {key: (sections or {}).get(key, "") for key in TEXT_SECTION_KEYS},
        "proactive": figures.get("proactive", {}),
        "applications": figures.get("applications", {}),
        "appeals": figures.get("appeals", {}),
        "annexes": annexes,
        "versions": _versions(versions),
    }


def report_data(
    report: AnnualReport | None,
    organ: Organ,
    year: int,
    scope: str,
    *,
    user: Any,
    version: int | None = None,
) -> dict[str, Any] | None:
    """The report as ``user`` may see it (api.md JSON), or None when there is nothing to see.

    - anyone: the current published version, frozen; ``version=n`` for any published version,
      superseded ones included;
    - staff of the organ: the live draft when nothing is published yet or the report was
      reopened for correction, with its ``checks``.

    Additions to api.md: ``organ_name``, ``version``, ``superseded_at``, ``annexes``,
    ``versions`` and, on drafts, ``checks``.
    """
    versions = list(report.versions.order_by("version")) if report and report.pk else []
    current = next((v for v in versions if v.superseded_at is None), None)
    staff = permissions.can_view_draft(user, organ)
    if version is not None:
        chosen = next((v for v in versions if v.version == version), None)
        if chosen is None:
            return None
        return _published(organ, year, scope, chosen, versions, staff=staff)

    # A report never published, or reopened for correction, has a draft newer than ``current``.
    in_draft = report is None or report.status == AnnualReport.Status.DRAFT
    if staff and (current is None or in_draft):
        draft = report or AnnualReport(organ=organ, year=year, scope=scope)
        figures = compute_figures(organ, year, scope=scope, manual=draft.manual)
        data = _representation(
            organ,
            year,
            scope,
            status=AnnualReport.Status.DRAFT.value,
            version=None,
            sections=draft.sections,
            figures=figures_to_json(figures),
            annexes=compute_annexes(organ, year, scope=scope),
            versions=versions,
        )
        data["checks"] = [asdict(f) for f in report_checks(draft, figures=figures)]
        return data
    if current is not None:
        return _published(organ, year, scope, current, versions, staff=staff)
    return None


def _public_annexes(annexes: Mapping[str, Any]) -> dict[str, Any]:
    """The annexes without the tracking codes of the oldest open applications.

    A tracking code opens an application's public progress page; the applicant decides whom
    to give it to, so a published report shows the codes to the organ's staff only.
    """
    out = dict(annexes)
    if isinstance(out.get("oldest_open"), list):
        out["oldest_open"] = [
            {key: value for key, value in row.items() if key != "tracking_code"}
            for row in out["oldest_open"]
        ]
    return out


def _published(
    organ: Organ,
    year: int,
    scope: str,
    version: PublishedReport,
    versions: list[PublishedReport],
    *,
    staff: bool,
) -> dict[str, Any]:
    return _representation(
        organ,
        year,
        scope,
        status=AnnualReport.Status.PUBLISHED.value,
        version=version,
        sections=version.sections,
        figures=version.figures,
        annexes=version.annexes if staff else _public_annexes(version.annexes),
        versions=versions,
    )


# ---------------------------------------------------------------------------
# Registration into a year whose report is published (domain.md "Clock edges")
# ---------------------------------------------------------------------------


def year_published_for(organ: Organ, year: int) -> bool:
    """True when a published report counts ``organ``'s applications of ``year``: its own, or
    the consolidated report of an organ above it. Registered with
    ``requests_app.published_years`` so that registration asks for a confirmation."""
    from catalog.organs import organ_tree

    containing = {organ.pk} | {node.id for node in organ_tree().ancestors(organ.pk)}
    current = PublishedReport.objects.filter(
        report__year=year, report__organ_id__in=containing, superseded_at__isnull=True
    ).values_list("report__organ_id", "report__scope")
    return any(organ_id == organ.pk or scope == Scope.TREE for organ_id, scope in current)


def needs_correction(report: AnnualReport | None) -> int:
    """How many applications were registered into the report's year after its current
    version was published (0: none). Their figures are missing from the published report,
    which stays as published until a corrected version is published (the banner for
    reporters; the public page keeps the published figures)."""
    if report is None:
        return 0
    version = report.versions.filter(superseded_at__isnull=True).first()
    if version is None:
        return 0
    from requests_app.models import Application

    return Application.objects.filter(
        organ_id__in=scope_organ_ids(report.organ, report.scope),
        first_received_on__year=report.year,
        submitted_at__gte=version.published_at,
    ).count()
