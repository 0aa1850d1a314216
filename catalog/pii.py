"""Personal data in text about to be published (条例第十五条: third parties' personal data is
not disclosed; 个人信息保护法第二十八条: ID numbers and financial accounts are sensitive).

A pure module: text in, findings out, standard library only. It finds

- resident ID numbers: 18 digits with a valid GB 11643-1999 check digit, and the 15-digit
  form used before 1999, both with a real birth date and a province code;
- mobile numbers: 1[3-9]x, 11 digits, with spaces or hyphens and an optional +86;
- bank card numbers: 16–19 digits passing the Luhn check (ISO/IEC 7812);
- e-mail addresses.

统一社会信用代码 (GB 32100-2015), 文号, 索引号, dates, landlines and amounts are not personal
data and are not reported (bench/pii.md measures how well this holds on realistic text).

``mask`` keeps the first and last four characters of a number (``3301**********1234``), as
the 公示 rules for 低保/补贴名单 do, so a list stays useful for checking one's own entry.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

RESIDENT_ID = "resident_id"
MOBILE = "mobile"
BANK_CARD = "bank_card"
EMAIL = "email"
KINDS = (RESIDENT_ID, MOBILE, BANK_CARD, EMAIL)
KIND_LABELS = {
    RESIDENT_ID: "居民身份证号码",
    MOBILE: "手机号码",
    BANK_CARD: "银行卡号",
    EMAIL: "电子邮箱",
}

EXCERPT_CONTEXT = 16  # characters shown on each side of a finding

# Full-width digits and letters (common in Word documents typed with a Chinese IME) are read
# as their ASCII forms; one character for one, so offsets into the text stay valid.
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ｘＸ＋－＠．",
    "0123456789xX+-@.",
)

# GB/T 2260: the first two digits of an administrative division code (province level).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)

_SEP = r"[ \-]?"
_ID18 = re.compile(
    r"(?<![0-9A-Za-z])(\d{6})" + _SEP + r"(\d{8})" + _SEP + r"(\d{3}[0-9Xx])(?![0-9A-Za-z])"
)
_ID15 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{6})(\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ \-]?|[(（]\+?86[)）][ \-]?)?"
    r"(1[3-9]\d)[ \-]?(\d{4})[ \-]?(\d{4})(?![0-9A-Za-z])"
)
# Runs of 16–19 digits, in groups of four or written through (6222 0212 3456 7890 123).
_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?)(?![0-9A-Za-z])")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z])"
)
# A label just before a number that says what it is when it is not personal data.
_NOT_PERSONAL_LABEL = re.compile(
    r"(信用代码|社会代码|代码证|注册号|执照|税号|纳税人识别号|组织机构代码|索引号|文号|"
    r"编号|单号|流水号|订单|发票|合同号|批准号|许可证号|证书号|案号|登记号|项目代码)"
    r"[^0-9\n]{0,8}$"
)
_CARD_LABEL = re.compile(r"(卡号|账号|帐号|银行|开户|账户|帐户|银行卡|存折)[^0-9\n]{0,12}$")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    value: str  # the matched text as written (with separators)

    @property
    def normalised(self) -> str:
        """The number without separators or +86 (an e-mail in lower case), for comparing."""
        if self.kind == EMAIL:
            return self.value.lower()
        digits = re.sub(r"[^0-9Xx]", "", self.value.translate(_FULL_WIDTH)).upper()
        return digits[-11:] if self.kind == MOBILE else digits


# --- Checks ---------------------------------------------------------------------------------


def id_check_character(first17: str) -> str:
    """GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def is_resident_id(number: str) -> bool:
    """An 18-digit 公民身份号码 with a province code, a birth date and a valid check digit."""
    number = number.upper()
    if not re.fullmatch(r"\d{17}[\dX]", number) or int(number[:2]) not in PROVINCES:
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    if not 1890 <= year <= 2100 or not _is_date(year, month, day):
        return False
    return id_check_character(number[:17]) == number[17]


def is_old_resident_id(number: str) -> bool:
    """The 15-digit number of first-generation cards (before 1999): YYMMDD, 19YY."""
    if not re.fullmatch(r"\d{15}", number) or int(number[:2]) not in PROVINCES:
        return False
    return _is_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))


def luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _credit_code_valid(code: str) -> bool:
    """GB 32100-2015 check (kept here so the module stays pure)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    code = code.upper()
    if len(code) != 18 or any(c not in alphabet for c in code):
        return False
    total = sum(alphabet.index(c) * w for c, w in zip(code[:17], weights, strict=True))
    return alphabet[(31 - total % 31) % 31] == code[17]


# --- Scanning -------------------------------------------------------------------------------


def _labelled(text: str, start: int, label: re.Pattern[str]) -> bool:
    return bool(label.search(text[max(0, start - 24) : start]))


class _Taken:
    """Stretches of text already claimed by a finding: disjoint, kept in order, so whether a
    new one overlaps any is one binary search (a 名单 has thousands of numbers)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def claim(self, start: int, end: int) -> bool:
        """Claim ``[start, end)`` unless it overlaps a stretch claimed before."""
        index = bisect.bisect_left(self.starts, end)
        # Disjoint and sorted: only the last stretch starting before ``end`` can reach past
        # ``start`` if any does.
        if index and self.ends[index - 1] > start:
            return False
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        return True


def scan(text: str) -> list[Finding]:
    """Every finding in ``text``, in order of position; overlapping candidates are resolved
    in favour of the stricter kind (an ID number is not also a bank card)."""
    if not text:
        return []
    normal = text.translate(_FULL_WIDTH)
    findings: list[Finding] = []
    taken = _Taken()

    def add(kind: str, start: int, end: int) -> None:
        if taken.claim(start, end):
            findings.append(Finding(kind, start, end, text[start:end]))

    for match in _ID18.finditer(normal):
        number = "".join(match.groups()).upper()
        if not is_resident_id(number):
            continue
        # A 统一社会信用代码 can be all digits; labelled as one, it is not an ID number.
        if _credit_code_valid(number) and _labelled(normal, match.start(), _NOT_PERSONAL_LABEL):
            continue
        add(RESIDENT_ID, match.start(), match.end())
    for match in _ID15.finditer(normal):
        if is_old_resident_id(match.group(0)) and not _labelled(
            normal, match.start(), _NOT_PERSONAL_LABEL
        ):
            add(RESIDENT_ID, match.start(), match.end())
    for match in _MOBILE.finditer(normal):
        add(MOBILE, match.start(), match.end())
    for match in _CARD.finditer(normal):
        digits = re.sub(r"\D", "", match.group(1))
        if not 16 <= len(digits) <= 19 or not luhn_valid(digits):
            continue
        if _labelled(normal, match.start(), _NOT_PERSONAL_LABEL) or _credit_code_valid(digits):
            continue
        # Without a label saying it is an account, only card-issuer prefixes count (UnionPay
        # 62, Visa 4, Mastercard 5, JCB/Amex 3, old domestic 9): order and serial numbers
        # built from dates (2026…) pass Luhn one time in ten.
        if digits[0] not in "34569" and not _labelled(normal, match.start(), _CARD_LABEL):
            continue
        add(BANK_CARD, match.start(1), match.end(1))
    for match in _EMAIL.finditer(normal):
        add(EMAIL, match.start(), match.end())
    findings.sort(key=lambda f: f.start)
    return findings


# --- Masking and excerpts -------------------------------------------------------------------


def mask(value: str, kind: str | None = None) -> str:
    """``330102199001011234`` → ``3301**********1234``, ``138 1234 5678`` → ``138 **** 5678``;
    separators stay where they are and the length does not change. An e-mail keeps its first
    character and its domain: ``z********@qq.com``."""
    if kind == EMAIL or (kind is None and "@" in value):
        local, _, domain = value.partition("@")
        return local[:1] + "*" * (len(local) - 1) + "@" + domain
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    if kind == MOBILE or (kind is None and len(positions) <= 13):
        national = positions[-11:]  # +86 stays; 138 **** 5678
        hidden = set(national[3:7])
    else:
        hidden = set(positions[4:-4])
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


def mask_text(text: str, findings: Iterable[Finding] | None = None) -> str:
    """``text`` with every finding masked."""
    found = list(scan(text) if findings is None else findings)
    out = []
    last = 0
    for finding in sorted(found, key=lambda f: f.start):
        out.append(text[last : finding.start])
        out.append(mask(finding.value, finding.kind))
        last = finding.end
    out.append(text[last:])
    return "".join(out)


def excerpt(text: str, finding: Finding, findings: Iterable[Finding]) -> str:
    """The finding in context, every number in the excerpt masked, on one line."""
    start, end = _window(text, finding)
    return _masked_window(
        text, start, end, [f for f in findings if f.end > start and f.start < end]
    )


def excerpts(text: str, found: list[Finding]) -> list[str]:
    """``excerpt`` of each finding of ``scan(text)`` (sorted, non-overlapping), in time linear
    in the findings: a 5,000-row 名单 has 10,000 of them."""
    starts = [f.start for f in found]
    out = []
    for finding in found:
        start, end = _window(text, finding)
        # Findings starting before the window's end, walked back while they reach into it.
        last = bisect.bisect_left(starts, end)
        first = last
        while first > 0 and found[first - 1].end > start:
            first -= 1
        out.append(_masked_window(text, start, end, found[first:last]))
    return out


def _window(text: str, finding: Finding) -> tuple[int, int]:
    return max(0, finding.start - EXCERPT_CONTEXT), min(len(text), finding.end + EXCERPT_CONTEXT)


def _masked_window(text: str, start: int, end: int, near: list[Finding]) -> str:
    # Masking keeps the length, so the window of the masked text shows no number in clear,
    # not even one cut in half at the window's edge; only the stretch the window and the
    # numbers reaching into it cover is masked.
    low = min([start, *(f.start for f in near)])
    high = max([end, *(f.end for f in near)])
    shifted = [replace(f, start=f.start - low, end=f.end - low) for f in near]
    snippet = mask_text(text[low:high], shifted)[start - low : end - low]
    snippet = re.sub(r"\s+", " ", snippet).strip()
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")


def report(text: str, where: str) -> list[dict[str, str]]:
    """Findings in the shape of the API (api.md, Catalog): ``kind``, ``where``, ``excerpt``."""
    found = scan(text)
    return [
        {"kind": f.kind, "where": where, "excerpt": shown}
        for f, shown in zip(found, excerpts(text, found), strict=True)
    ]


# --- HTML bodies ----------------------------------------------------------------------------

_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);|[^<&]+|[<&]", re.S)
_BLOCK = re.compile(r"</?(p|br|div|li|tr|td|th|h\d|table|ul|ol|blockquote|pre|hr)\b", re.I)


def html_text(body: str) -> tuple[str, list[int]]:
    """The readable text of an HTML body and, for each of its characters, the offset of that
    character in ``body`` (-1 for characters that came from an entity or a block break).

    Inline tags add nothing, so a number split by ``<strong>`` in Word's output is still one
    number; block tags add a line break, so two table cells never run together.
    """
    chars: list[str] = []
    offsets: list[int] = []
    for token in _TOKEN.finditer(body or ""):
        piece = token.group(0)
        if piece.startswith("<") and len(piece) > 1:
            if _BLOCK.match(piece):
                chars.append("\n")
                offsets.append(-1)
            continue
        if piece.startswith("&") and piece.endswith(";"):
            for char in html_lib.unescape(piece):
                chars.append(char)
                offsets.append(-1)
            continue
        for index, char in enumerate(piece):
            chars.append(char)
            offsets.append(token.start() + index)
    return "".join(chars), offsets


def scan_html(body: str) -> tuple[str, list[Finding]]:
    text, _offsets = html_text(body)
    return text, scan(text)


def mask_html(body: str) -> tuple[str, int]:
    """``body`` with the middle digits of every finding replaced by ``*`` in place (tags and
    everything else untouched); returns the new body and how many findings were masked."""
    text, offsets = html_text(body)
    found = scan(text)
    if not found:
        return body, 0
    out = list(body)
    for finding in found:
        masked = mask(finding.value, finding.kind)
        for index, (old, new) in enumerate(zip(finding.value, masked, strict=True)):
            position = offsets[finding.start + index]
            if old != new and position >= 0:
                out[position] = new
    return "".join(out), len(found)
