"""Why pydantic refused a value, in Danish and English: ``"skal være et helt tal / must be a whole number"``.

Pydantic words its errors in English only (``err["msg"]``). :func:`validation_reason` turns one error
of ``exc.errors(include_url=False, include_input=False)`` into the house's ``"dansk / english"`` text,
chosen by the error's ``type`` and filled from its ``ctx`` (``ge``, ``min_length``, ``pattern``,
``expected``, …). Only the reason: each caller names the setting, field, row or column itself.

The text never quotes the refused value (it may be a CPR number or a secret); pydantic's own detail
of a date, time or URL that does not parse (``ctx["error"]``, English, about the shape, not the
value) follows the English part after a colon. A custom validator's message (``value_error``,
``assertion_error``) is ours and shown as written, without pydantic's ``"Value error, "`` prefix;
one that is not ``"dansk / english"`` yet gets the lead-in ``"ugyldig værdi / invalid value: "``, as
does an error type not in the catalogue below (then with pydantic's English text, which for its own
types does not hold the value; ``union_tag_invalid``, whose text does, is in the catalogue).
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any, NamedTuple

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sepbots.i18n import Catalog

__all__ = ["REASONS", "Problem", "validation_problems", "validation_reason"]

_DATE = ("skal være en dato (ÅÅÅÅ-MM-DD)", "must be a date (YYYY-MM-DD)")
_DATETIME = ("skal være dato og klokkeslæt (ÅÅÅÅ-MM-DD TT:MM)", "must be a date and time (YYYY-MM-DD HH:MM)")
_TIME = ("skal være et klokkeslæt (TT:MM)", "must be a time of day (HH:MM)")
_DURATION = ("skal være en varighed (TT:MM:SS eller sekunder)", "must be a duration (HH:MM:SS or seconds)")
_INT = ("skal være et helt tal", "must be a whole number")
_NUMBER = ("skal være et tal", "must be a number")
_BOOL = ("skal være sand eller falsk (true/false)", "must be true or false")
_LIST = ("skal være en liste", "must be a list")
_MAPPING = ("skal være en samling af navne og værdier", "must be a mapping of names to values")
_URL = ("skal være en gyldig URL (fx https://…)", "must be a valid URL (e.g. https://…)")
_UUID = ("skal være et UUID", "must be a UUID")

# The (Danish, English) reason by pydantic's error type (pydantic_core.core_schema.ErrorType, plus pydantic's path errors).
# Placeholders are ctx keys; ``{s}``/``{er}`` are the English/Danish plural endings of the length named.
REASONS: dict[str, tuple[str, str]] = {
    "missing": ("mangler en værdi", "value is missing"),
    "extra_forbidden": ("ukendt felt, ikke tilladt her", "unknown field, not permitted here"),
    "none_required": ("skal være tom", "must be empty"),
    "int_type": _INT,
    "int_parsing": _INT,
    "int_from_float": ("skal være et helt tal uden decimaler", "must be a whole number without decimals"),
    "int_parsing_size": ("tallet er for stort", "the number is too large"),
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_max_digits": ("må højst have {max_digits} cifre", "must have at most {max_digits} digits"),
    "decimal_max_places": ("må højst have {decimal_places} decimaler", "must have at most {decimal_places} decimal places"),
    "decimal_whole_digits": ("må højst have {whole_digits} cifre før kommaet",
                             "must have at most {whole_digits} digits before the decimal point"),
    "finite_number": ("skal være et endeligt tal", "must be a finite number"),
    "multiple_of": ("skal være et multiplum af {multiple_of}", "must be a multiple of {multiple_of}"),
    "bool_type": _BOOL,
    "bool_parsing": _BOOL,
    "string_type": ("skal være tekst", "must be text"),
    "string_too_short": ("skal være mindst {min_length} tegn", "must be at least {min_length} character{s}"),
    "string_too_long": ("må højst være {max_length} tegn", "must be at most {max_length} character{s}"),
    "string_pattern_mismatch": ("har ikke den krævede form {pattern!r}", "does not match the pattern {pattern!r}"),
    "greater_than": ("skal være større end {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("skal være mindst {ge}", "must be at least {ge}"),
    "less_than": ("skal være mindre end {lt}", "must be less than {lt}"),
    "less_than_equal": ("må højst være {le}", "must be at most {le}"),
    "literal_error": ("skal være {expected_da}", "must be {expected}"),
    "enum": ("skal være {expected_da}", "must be {expected}"),
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": ("skal være en dato uden klokkeslæt", "must be a date without a time of day"),
    "date_past": ("skal være en dato i fortiden", "must be a date in the past"),
    "date_future": ("skal være en dato i fremtiden", "must be a date in the future"),
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME,
    "datetime_past": ("skal ligge i fortiden", "must be in the past"),
    "datetime_future": ("skal ligge i fremtiden", "must be in the future"),
    "timezone_naive": ("må ikke have en tidszone", "must not have a time zone"),
    "timezone_aware": ("skal have en tidszone", "must have a time zone"),
    "time_type": _TIME,
    "time_parsing": _TIME,
    "time_delta_type": _DURATION,
    "time_delta_parsing": _DURATION,
    "list_type": _LIST,
    "tuple_type": _LIST,
    "set_type": _LIST,
    "frozen_set_type": _LIST,
    "iterable_type": _LIST,
    "too_short": ("skal have mindst {min_length} element{er}", "must have at least {min_length} item{s}"),
    "too_long": ("må højst have {max_length} element{er}", "must have at most {max_length} item{s}"),
    "dict_type": _MAPPING,
    "mapping_type": _MAPPING,
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "url_type": _URL,
    "url_parsing": _URL,
    "url_syntax_violation": _URL,
    "url_scheme": ("URL'en skal begynde med {expected_schemes_da}", "the URL must use {expected_schemes}"),
    "url_too_long": ("URL'en må højst være {max_length} tegn", "the URL must be at most {max_length} character{s}"),
    "path_type": ("skal være en sti", "must be a path"),
    "path_not_file": ("stien peger ikke på en fil", "the path does not point to a file"),
    "path_not_directory": ("stien peger ikke på en mappe", "the path does not point to a folder"),
    "path_exists": ("stien findes allerede", "the path already exists"),
    "uuid_type": _UUID,
    "uuid_parsing": _UUID,
    "json_invalid": ("er ikke gyldig JSON", "is not valid JSON"),
    "json_type": ("skal være JSON-tekst", "must be JSON text"),
    "union_tag_not_found": ("mangler feltet {discriminator}", "the field {discriminator} is missing"),
    "union_tag_invalid": ("{discriminator} skal være en af {expected_tags}", "{discriminator} must be one of {expected_tags}"),
    "unknown": ("ugyldig værdi", "invalid value"),
}
_TEXTS = Catalog(REASONS)

# Types whose ctx["error"] is pydantic's English detail of a shape that did not parse (never the value itself).
_DETAILED = frozenset({"date_parsing", "date_from_datetime_parsing", "datetime_parsing", "datetime_from_date_parsing",
                       "datetime_object_invalid", "time_parsing", "time_delta_parsing", "url_parsing",
                       "url_syntax_violation", "uuid_parsing"})
# The prefixes pydantic puts before a custom validator's own message.
_OWN_MESSAGE = {"value_error": "Value error, ", "assertion_error": "Assertion failed, "}


def validation_reason(error: ErrorDetails) -> str:
    """Why pydantic refused a value, as ``"dansk / english"``; the value itself is never quoted.

    ``error`` is one entry of ``exc.errors(include_url=False, include_input=False)`` (its ``input``
    is not read even when present).
    """
    kind = error["type"]
    msg = error["msg"]
    if kind in _OWN_MESSAGE:
        own = msg.removeprefix(_OWN_MESSAGE[kind])
        return own if " / " in own else f"{_both('unknown')}: {own}"
    if kind not in REASONS:
        return f"{_both('unknown')}: {msg}"
    ctx = error.get("ctx") or {}
    try:
        text = f"{_TEXTS('da', kind, **_values(ctx, 'da'))} / {_TEXTS('en', kind, **_values(ctx, 'en'))}"
    except (KeyError, IndexError, ValueError):  # a custom error that reuses a type name with other ctx
        return f"{_both('unknown')}: {msg}"
    detail = ctx.get("error") if kind in _DETAILED else None
    return f"{text}: {detail}" if isinstance(detail, str) and detail else text


class Problem(NamedTuple):
    """One thing pydantic refused: where (``loc``, and as ``a.b.0``) and why (``"dansk / english"``)."""

    field: str
    reason: str
    kind: str
    loc: tuple[int | str, ...]


def validation_problems(exc: ValidationError) -> list[Problem]:
    """Every error of ``exc`` as a :class:`Problem`, read without the refused values (the one place that
    asks pydantic for its errors, so no caller can forget ``include_input=False``)."""
    return [
        Problem(".".join(str(p) for p in err["loc"]), validation_reason(err), err["type"], tuple(err["loc"]))
        for err in exc.errors(include_url=False, include_input=False)
    ]


def _both(key: str) -> str:
    return f"{_TEXTS('da', key)} / {_TEXTS('en', key)}"


def _values(ctx: dict[str, Any], lang: str) -> dict[str, Any]:
    """The ctx as the templates of ``lang`` use it: limits as numbers are written, "or" lists, plural endings."""
    values: dict[str, Any] = dict(ctx)
    for key in ("expected", "expected_schemes"):
        if isinstance(ctx.get(key), str):
            values[f"{key}_da"] = _danish_or(ctx[key])
    for key in ("gt", "ge", "lt", "le", "multiple_of"):
        if key in ctx:
            values[key] = _limit(ctx[key], lang)
    length = ctx.get("min_length", ctx.get("max_length"))
    values["s"] = "" if length == 1 else "s"
    values["er"] = "" if length == 1 else "er"
    return values


def _limit(value: object, lang: str) -> str:
    """A ``ge``/``lt``/… limit as written in ``lang``: ``0,5`` in Danish, ``0.5`` in English; dates as ISO."""
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text.replace(".", ",") if lang == "da" else text


def _danish_or(expected: str) -> str:
    """``"'a', 'b' or 'c'"`` → ``"'a', 'b' eller 'c'"``: the last " or " outside quotes (pydantic's list of choices)."""
    quote: str | None = None
    last = -1
    i = 0
    while i < len(expected):
        ch = expected[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif expected.startswith(" or ", i):
            last = i
        i += 1
    return expected if last < 0 else f"{expected[:last]} eller {expected[last + 4:]}"
