"""Validators for organ data.

统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (digits and
upper-case letters without I, O, S, V, Z); the 18th is a check character computed from the
first 17 with fixed weights 3^i mod 31.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, or None when it is."""
    if len(code) != 18:
        return str(_("统一社会信用代码应为18位。"))
    bad = [c for c in code if c not in CREDIT_CODE_ALPHABET]
    if bad:
        return str(
            _("统一社会信用代码含有不允许的字符“%(chars)s”（不使用I、O、S、V、Z及小写字母）。")
            % {"chars": "".join(dict.fromkeys(bad))}
        )
    if not code[2:8].isdigit():
        return str(_("统一社会信用代码第3至8位应为行政区划代码（数字）。"))
    if credit_code_check_character(code[:17]) != code[17]:
        return str(_("统一社会信用代码校验位错误。"))
    return None


def validate_credit_code(code: str) -> None:
    problem = credit_code_problem(code)
    if problem:
        raise ValidationError(problem, code="invalid_credit_code")


def organisation_code(credit_code: str) -> str:
    """The 9-character 组织机构代码 embedded in a credit code (its characters 9–17)."""
    return credit_code[8:17]


# Placeholders of an answer letter's 文号 pattern (issue 10: e.g. 临教信复〔2026〕12号).
ANSWER_NUMBER_PLACEHOLDERS = ("{short}", "{year}", "{n}")
DEFAULT_ANSWER_NUMBER_PATTERN = "{short}信复〔{year}〕{n}号"


def validate_answer_number_pattern(value: str) -> None:
    """A 文号 pattern must contain ``{n}`` (the serial) and no other braces than the three
    placeholders, so that formatting it can never fail or leak anything else."""
    if not value:
        return
    if "{n}" not in value:
        raise ValidationError(_("答复书文号格式必须包含序号 {n}。"), code="no_serial")
    rest = value
    for placeholder in ANSWER_NUMBER_PLACEHOLDERS:
        rest = rest.replace(placeholder, "")
    if "{" in rest or "}" in rest:
        raise ValidationError(
            _("答复书文号格式只能使用 {short}（机关简称）、{year}（年份）和 {n}（序号）。"),
            code="bad_placeholder",
        )
