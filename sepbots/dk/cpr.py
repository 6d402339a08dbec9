"""Danish CPR numbers (personnumre): birth date, century, sex, masking and parsing.

Layout ``DDMMYY-SSSS``. Digit 7 together with the two-digit year gives the century
(cpr.dk, "Opbygning af CPR-nummeret"):

========  ===========================================
digit 7   birth year
========  ===========================================
0–3       1900–1999
4, 9      2000–2036 when YY ≤ 36, else 1937–1999
5–8       2000–2057 when YY ≤ 57, else 1858–1899
========  ===========================================

The last digit is odd for men and even for women. Since 1 October 2007 CPR numbers are **not**
guaranteed to pass the modulus-11 check (cpr.dk, "Personnumre uden kontrolciffer"), so nothing here
rejects a number for failing it; :attr:`CPR.has_modulus11` is informational only.

A :class:`CPR` never shows its serial: ``str()`` and ``repr()`` give ``DDMMYY-XXXX``. Use
:attr:`CPR.formatted` when the full number is really needed (a letter, a lookup in a register).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, GetCoreSchemaHandler
from pydantic_core import core_schema

from sepbots.dk.errors import DanishFormatError, not_text, text_shape

__all__ = ["CPR", "CPRNumber", "Sex", "cpr_birth_date", "cpr_century_year", "find_cprs", "parse_cpr"]

_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MOD11_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
_SEPARATORS = frozenset("-\u2010\u2011\u2013\u2212 ")  # hyphen, Word's dashes, minus sign, space


class Sex(enum.Enum):
    """Legal sex as encoded in the CPR number's last digit (odd = male)."""

    MALE = "male"
    FEMALE = "female"

    @property
    def label_da(self) -> str:
        """Danish word for a page or letter (``"mand"``/``"kvinde"``)."""
        return "mand" if self is Sex.MALE else "kvinde"


def cpr_century_year(yy: int, digit7: int) -> int:
    """Resolve a two-digit birth year to a full year using CPR digit 7.

    Args:
        yy: The year digits (0–99), CPR positions 5–6.
        digit7: CPR position 7 (0–9).

    Returns:
        The four-digit birth year.
    """
    if digit7 <= 3:
        return 1900 + yy
    if digit7 == 4 or digit7 == 9:
        return 2000 + yy if yy <= 36 else 1900 + yy
    return 2000 + yy if yy <= 57 else 1800 + yy


# Lookup tables keep cpr_birth_date to two dict lookups (about twice as fast as int() on slices).
_DAY_MONTH = {f"{d:02d}{m:02d}": (d, m) for m in range(1, 13) for d in range(1, _MONTH_DAYS[m] + 1)}
_YEAR = {f"{yy:02d}{d7}": cpr_century_year(yy, d7) for yy in range(100) for d7 in range(10)}


def cpr_birth_date(digits: str) -> date | None:
    """Return the birth date encoded in a 10-digit CPR number, or ``None`` if it is not one.

    Built for the log redaction processor, which calls it on every CPR-shaped match: no regex and
    no ``int()`` parsing — "DDMM" and "YY+digit 7" are looked up in precomputed tables, and a
    ``date`` is built only once day and month are known to fit (29 February is checked against the
    resolved century's leap years). It never raises, so a processor cannot crash on odd input.

    Args:
        digits: The candidate: 10 ASCII digits, no dash.

    Returns:
        The birth date; ``None`` when ``digits`` is not exactly 10 ASCII digits (other Unicode digits
        included) or when day/month do not form a date in the resolved year.
    """
    if len(digits) != 10 or not digits.isdigit() or not digits.isascii():
        return None
    ddmm = digits[:4]
    day_month = _DAY_MONTH.get(ddmm)
    if day_month is None:
        return None
    year = _YEAR[digits[4:7]]
    if ddmm == "2902" and (year % 4 or (year % 100 == 0 and year % 400)):
        return None
    return date(year, day_month[1], day_month[0])


# How CPR numbers are written in free text (letters, exports, scanned forms, web pages): the 10 digits
# in the groups DD MM YY SSSS, each group boundary with up to two separators (hyphen, the dashes Word
# substitutes, minus sign, any space incl. non-breaking, slash, dot; their full-width forms) and one
# to three before the serial ("010190 - 1234"). Digits may be ASCII or full-width (normalised before
# the date check). Not preceded or followed by another digit. The pattern opens with the day's first
# digit (0–3), so the regex engine skips text without such digits at C speed; the "no digit before"
# check comes right after it as a look-behind, and the exact date check follows in Python.
_D = "[0-9\uff10-\uff19]"
_SEP = r"[\s\-\u2010-\u2015\u2212\ufe63\uff0d/\uff0f.\uff0e]"
CPR_IN_TEXT = re.compile(
    rf"([0-3\uff10-\uff13]{_D})(?<!{_D}{_D}{_D}){_SEP}{{0,2}}([01\uff10\uff11]{_D}){_SEP}{{0,2}}"
    rf"({_D}{{2}}){_SEP}{{0,3}}({_D}{{4}})(?!{_D})"
)
_ASCII_DIGITS = {0xFF10 + i: str(i) for i in range(10)}


def _ascii_digits(text: str) -> str:
    return text if text.isascii() else text.translate(_ASCII_DIGITS)


def cpr_digits_of(match: re.Match[str]) -> str | None:
    """The 10 ASCII digits of a :data:`CPR_IN_TEXT` match when they form a CPR number, else ``None``."""
    digits = _ascii_digits(match.group(1) + match.group(2) + match.group(3) + match.group(4))
    return digits if cpr_birth_date(digits) is not None else None


def find_cprs(text: str) -> list[str]:
    """The CPR numbers written anywhere in ``text`` (in any of the shapes above), as 10 ASCII digits each.

    The first six digits must form a real date (century from digit 7); modulus 11 is not required.
    """
    return [d for m in CPR_IN_TEXT.finditer(text) if (d := cpr_digits_of(m)) is not None]


def _date_error(digits: str) -> DanishFormatError:
    """Explain why the first six digits are not a birth date, without quoting them."""
    month = int(digits[2:4])
    if not 1 <= month <= 12:
        en, da = "the month (digits 3–4) is not 01–12", "måneden (ciffer 3–4) er ikke 01–12"
    else:
        en = "the day (digits 1–2) does not exist in that month and year"
        da = "dagen (ciffer 1–2) findes ikke i den måned og det år"
    return DanishFormatError(
        f"CPR number has no valid birth date: {en}",
        reason_da=f"CPR-nummeret har ikke en gyldig fødselsdato: {da}",
        kind="cpr",
    )


@dataclass(frozen=True)
class CPR:
    """A CPR number whose first six digits form a real birth date.

    Attributes:
        digits: The 10 digits without a dash. Construct through :func:`parse_cpr` for text input.
    """

    digits: str = field(repr=False)

    def __post_init__(self) -> None:
        digits = self.digits
        if not (isinstance(digits, str) and len(digits) == 10 and digits.isdigit() and digits.isascii()):
            shape = text_shape(digits) if isinstance(digits, str) else type(digits).__name__
            raise DanishFormatError(
                f"CPR digits must be exactly 10 ASCII digits without a dash; got {shape}",
                reason_da=f"CPR-cifrene skal være præcis 10 cifre uden bindestreg; fik {shape}",
                kind="cpr",
            )
        if cpr_birth_date(digits) is None:
            raise _date_error(digits)

    @property
    def birth_date(self) -> date:
        """The birth date, with the century resolved from digit 7."""
        born = cpr_birth_date(self.digits)
        assert born is not None  # checked in __post_init__
        return born

    @property
    def sex(self) -> Sex:
        """Sex from the last digit (odd = male, even = female)."""
        return Sex.MALE if int(self.digits[9]) % 2 else Sex.FEMALE

    @property
    def formatted(self) -> str:
        """The full number as ``DDMMYY-SSSS`` — only for places that truly need it."""
        return f"{self.digits[:6]}-{self.digits[6:]}"

    @property
    def masked(self) -> str:
        """The number with the serial hidden: ``DDMMYY-XXXX``."""
        return f"{self.digits[:6]}-XXXX"

    @property
    def has_modulus11(self) -> bool:
        """Whether the number passes the old modulus-11 check (informational; not required since 2007)."""
        return sum(int(c) * w for c, w in zip(self.digits, _MOD11_WEIGHTS, strict=True)) % 11 == 0

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"CPR('{self.masked}')"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Let pydantic models declare ``cpr: CPR``: text is parsed, dumps give ``DDMMYY-SSSS``."""
        return core_schema.json_or_python_schema(
            json_schema=core_schema.no_info_after_validator_function(parse_cpr, core_schema.str_schema()),
            python_schema=core_schema.no_info_plain_validator_function(_to_cpr),
            serialization=core_schema.plain_serializer_function_ser_schema(lambda cpr: cpr.formatted),
        )


def parse_cpr(text: str) -> CPR:
    """Parse ``DDMMYY-SSSS`` or ``DDMMYYSSSS`` (surrounding whitespace allowed) into a :class:`CPR`.

    The separator may be a hyphen, the dashes Word substitutes for it, a minus sign or one space.
    Numbers failing modulus 11 are accepted (valid since 2007). Error messages describe the problem
    and the input's shape but never quote its digits.

    Args:
        text: The CPR number as typed or exported.

    Returns:
        The parsed number.

    Raises:
        DanishFormatError: Wrong length, characters other than digits, or no valid birth date.
    """
    if not isinstance(text, str):
        raise not_text("cpr", text, ("CPR number", "CPR-nummeret"))
    s = text.strip()
    body = s[:6] + s[7:] if len(s) == 11 and s[6] in _SEPARATORS else s
    if len(body) == 10 and body.isdigit() and body.isascii():
        return CPR(body)
    digit_count = sum(c in "0123456789" for c in s)
    if digit_count + sum(c in _SEPARATORS for c in s) == len(s):
        raise DanishFormatError(
            "CPR number must be written DDMMYY-SSSS or DDMMYYSSSS (10 digits, a dash only after digit 6); "
            f"got {digit_count} digits, shape {text_shape(s)}",
            reason_da="CPR-nummeret skal skrives DDMMÅÅ-SSSS eller DDMMÅÅSSSS "
            "(10 cifre, bindestreg kun efter 6. ciffer); "
            f"fik {digit_count} cifre, formen {text_shape(s)}",
            kind="cpr",
        )
    raise DanishFormatError(
        f"CPR number may contain only digits (and a dash after digit 6); got shape {text_shape(s)}",
        reason_da=f"CPR-nummeret må kun indeholde cifre (og en bindestreg efter 6. ciffer); "
        f"fik formen {text_shape(s)}",
        kind="cpr",
    )


def _to_cpr(value: object) -> CPR:
    return value if isinstance(value, CPR) else parse_cpr(value)  # type: ignore[arg-type]  # parse_cpr checks any other value at run time


def _normalise_cpr(value: str) -> str:
    return parse_cpr(value).formatted


CPRNumber = Annotated[str, AfterValidator(_normalise_cpr)]
"""A pydantic field type: a CPR number as text, normalised to ``DDMMYY-SSSS``.

Pydantic puts the raw input into ``ValidationError`` texts; give the model you validate (the
outermost one — pydantic reads the setting there only)
``model_config = ConfigDict(hide_input_in_errors=True)`` so a rejected number is not echoed.
The same applies to fields declared as :class:`CPR`.
"""
