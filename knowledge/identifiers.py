"""Find personal identifiers in free text, so the app can redact them before storing or echoing.

Kinds caught: NHS and CHI numbers (checked with the modulus 11 check digit), National
Insurance numbers (allocated prefixes only), UK postcodes, UK phone numbers, email addresses
and dates of birth.

NHS or CHI? Both are ten digits with the same check digit. A valid number whose first six
digits are a real DDMMYY date and which starts with 0-3 is reported as a CHI number (Scotland
issues CHI numbers from 010100 to 311299, a range England does not use for NHS numbers);
any other valid number is reported as an NHS number.

Dates of birth: a date is reported when
  * a birth cue ("dob", "d.o.b.", "date of birth", "born", "birthday") comes shortly before it,
    with or without a year ("born 12 March", "DOB: 12/03/1987"); or
  * it is a full date (day, month and year) at least ten years before today
    ("12 March 1987", "12-03-87"), because an incident date is recent and a birth date is not.
A recent full date ("on 12/03/2026 I sent..."), a date without a year and without a cue
("by 30 June"), durations ("72 hours"), times ("14:30") and policy numbers ("DQ402") are not
reported.

As people type them: numbers are found with spaces, dots or dashes between their groups,
with a label glued on ("NHS9434765919", "tel07700900123"), in brackets ("(943) 476 5919"),
and with any Unicode space (non-breaking, narrow, thin, zero-width), dash or digit (full-width
"９") in place of the ASCII one: the text is first read through a one-for-one translation, so
every finding's position is still the position in the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum


class IdentifierKind(Enum):
    """A kind of personal identifier; the value is the label used when redacting."""

    NHS_NUMBER = "NHS number"
    CHI_NUMBER = "CHI number"
    NATIONAL_INSURANCE_NUMBER = "National Insurance number"
    POSTCODE = "postcode"
    PHONE_NUMBER = "phone number"
    EMAIL_ADDRESS = "email address"
    DATE_OF_BIRTH = "date of birth"


@dataclass(frozen=True)
class Finding:
    """One identifier found in a text: its kind and where it is (text[start:end])."""

    kind: IdentifierKind
    start: int
    end: int
    text: str


# When two findings overlap, the longer wins; on a tie, the kind earlier in this list.
_PRIORITY = (
    IdentifierKind.EMAIL_ADDRESS,
    IdentifierKind.CHI_NUMBER,
    IdentifierKind.NHS_NUMBER,
    IdentifierKind.PHONE_NUMBER,
    IdentifierKind.NATIONAL_INSURANCE_NUMBER,
    IdentifierKind.POSTCODE,
    IdentifierKind.DATE_OF_BIRTH,
)

_DIGIT = re.compile(r"\d")
# Between the groups of a number: up to two of space, dot and dash ("943 476 5919", "943.476.5919", "943 - 476").
_SEP = r"[ .\-]{0,3}"
# A label may be glued on before ("NHS9434765919"), but not more digits; brackets may hold the first group.
_TEN_DIGITS = re.compile(rf"(?<![\d+])(?:\(\d{{3}}\)|\d{{3}}){_SEP}\d{{3}}{_SEP}\d{{4}}(?!\d)")

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")

# A trunk prefix (0, +44, +44 (0), 0044) then a national number of 9 or 10 digits starting
# 1, 2, 3, 5, 7, 8 or 9, with single spaces, dashes or an area-code bracket between digits.
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+44|0044)[ .\-]{0,3}(?:\(0\)[ .\-]{0,3})?|\(0|0)"
    r"[1235789](?:[ .\-)]{0,3}\d){8,9}(?![\d])"
)

_NI_PREFIX_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NI_PREFIX_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NI_UNALLOCATED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NI_NUMBER = re.compile(
    rf"\b([{_NI_PREFIX_FIRST}][{_NI_PREFIX_SECOND}])[ .\-]?\d{{2}}[ .\-]?\d{{2}}[ .\-]?\d{{2}}[ .\-]?[A-D]\b",
    re.IGNORECASE,
)

_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" {0,2}[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)?"

_NUMERIC_DATE = re.compile(
    r"(?<![\w/.:-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})"
    r"(?:(?P=sep)(?P<year>\d{4}|\d{2}))?(?![\w/:]|[.-]\d)"
)
_ISO_DATE = re.compile(r"(?<![\w/.-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\w/-])")
_DAY_MONTH_DATE = re.compile(
    rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>{_MONTH})\.?"
    rf"(?:,?\s+(?P<year>\d{{4}}))?\b",
    re.IGNORECASE,
)
_MONTH_DAY_DATE = re.compile(
    rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}){_ORDINAL}(?:,?\s+(?P<year>\d{{4}}))?\b",
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(
    r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate of birth\b|\bbirth ?date\b|\bborn\b|\bbirthday\b)[^.;\n]{0,15}$",
    re.IGNORECASE,
)
_MIN_AGE_YEARS = 10


class _AsTyped(dict[int, str]):
    """A `str.translate` table, filled as characters are met: every Unicode space, zero-width character and
    dash becomes its ASCII form, every decimal digit its ASCII digit; one character for one, so positions hold."""

    def __missing__(self, code: int) -> str:
        character = chr(code)
        category = unicodedata.category(character)
        if category == "Nd":
            found = str(unicodedata.digit(character))
        elif category == "Zs" or character in "\t\u200b\u200c\u200d\u2060\ufeff":
            found = " "
        elif category == "Pd" or character in "\u2212\u00ad":
            found = "-"
        else:
            found = character
        self[code] = found
        return found


_AS_TYPED = _AsTyped()


def find_identifiers(text: str, *, today: date) -> list[Finding]:
    """Every personal identifier in `text`, in order, without overlaps."""
    if "@" not in text and _DIGIT.search(text) is None:
        # Most questions: every kind but an email address has a digit, and that has an "@".
        return []
    plain = text if text.isascii() else text.translate(_AS_TYPED)
    return [replace(finding, text=text[finding.start:finding.end]) if plain is not text else finding
            for finding in _find(plain, today=today)]


def _find(text: str, *, today: date) -> list[Finding]:
    findings = [
        *_nhs_and_chi_numbers(text),
        *_matches(_EMAIL, text, IdentifierKind.EMAIL_ADDRESS),
        *_phone_numbers(text),
        *_national_insurance_numbers(text),
        *_matches(_POSTCODE, text, IdentifierKind.POSTCODE),
        *_dates_of_birth(text, today=today),
    ]
    return _without_overlaps(findings)


def redact(text: str, *, today: date) -> str:
    """`text` with each identifier replaced by its label in brackets, e.g. "[NHS number]"."""
    return redact_findings(text, find_identifiers(text, today=today))


def redact_findings(text: str, findings: Iterable[Finding]) -> str:
    """`text` with each of `findings` (from find_identifiers) replaced by its label, for a
    caller that has already looked for identifiers and should not look twice."""
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(f"[{finding.kind.value}]")
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def has_valid_check_digit(digits: str) -> bool:
    """The modulus 11 check shared by NHS and CHI numbers (weights 10..2 on digits 1-9)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _finding(kind: IdentifierKind, text: str, start: int, end: int) -> Finding:
    return Finding(kind=kind, start=start, end=end, text=text[start:end])


def _matches(pattern: re.Pattern[str], text: str, kind: IdentifierKind) -> list[Finding]:
    return [_finding(kind, text, match.start(), match.end()) for match in pattern.finditer(text)]


def _nhs_and_chi_numbers(text: str) -> list[Finding]:
    findings = []
    for match in _TEN_DIGITS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if not has_valid_check_digit(digits):
            continue
        kind = IdentifierKind.CHI_NUMBER if _is_chi_range(digits) else IdentifierKind.NHS_NUMBER
        findings.append(_finding(kind, text, match.start(), match.end()))
    return findings


def _is_chi_range(digits: str) -> bool:
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    return digits[0] in "0123" and _real_date(year=2000 + year, month=month, day=day) is not None


def _phone_numbers(text: str) -> list[Finding]:
    findings = []
    for match in _PHONE.finditer(text):
        candidate = match.group()
        if candidate.startswith("(0") and ")" not in candidate:
            continue
        findings.append(_finding(IdentifierKind.PHONE_NUMBER, text, match.start(), match.end()))
    return findings


def _national_insurance_numbers(text: str) -> list[Finding]:
    return [
        _finding(IdentifierKind.NATIONAL_INSURANCE_NUMBER, text, match.start(), match.end())
        for match in _NI_NUMBER.finditer(text)
        if match.group(1).upper() not in _NI_UNALLOCATED
    ]


def _dates_of_birth(text: str, *, today: date) -> list[Finding]:
    findings = []
    for pattern in (_NUMERIC_DATE, _ISO_DATE, _DAY_MONTH_DATE, _MONTH_DAY_DATE):
        for match in pattern.finditer(text):
            if _looks_like_birth_date(match, text, today=today):
                findings.append(
                    _finding(IdentifierKind.DATE_OF_BIRTH, text, match.start(), match.end())
                )
    return findings


def _looks_like_birth_date(match: re.Match[str], text: str, *, today: date) -> bool:
    day = int(match.group("day"))
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
    year_text = match.group("year")
    has_cue = _BIRTH_CUE.search(text[max(0, match.start() - 40) : match.start()]) is not None
    if year_text is None:
        return has_cue and _real_date(year=2000, month=month, day=day) is not None
    year = _full_year(year_text, today=today)
    born = _real_date(year=year, month=month, day=day)
    if born is None or born > today:
        return False
    return has_cue or today.year - born.year >= _MIN_AGE_YEARS


def _full_year(year_text: str, *, today: date) -> int:
    year = int(year_text)
    if len(year_text) == 4:
        return year
    century = 2000 if year <= today.year % 100 else 1900
    return century + year


def _real_date(*, year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    ranked = sorted(
        findings,
        key=lambda finding: (finding.start - finding.end, _PRIORITY.index(finding.kind)),
    )
    kept: list[Finding] = []
    for finding in ranked:
        if all(finding.end <= other.start or finding.start >= other.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda finding: finding.start)
