"""The one exception type for Danish values, and helpers that make input safe to quote.

Every parser in :mod:`sepbots.dk` — and the cell parsers :mod:`sepbots.sheets` uses — raises
:class:`DanishFormatError`. ``reason`` is English and ``reason_da`` Danish; the exception text
carries both (``"<dansk> / <English>"``), as everything a person reads does. Messages never quote a
CPR number: :func:`safe_text` hides anything shaped like one.
"""

from __future__ import annotations

import re

__all__ = ["DanishFormatError", "not_text", "safe_text", "text_shape", "value_error"]

_CPR_LIKE = re.compile(r"(?<!\d)\d{6}[-\u2010\u2011\u2013\u2212 ]?\d{4}(?!\d)")
_MAX_QUOTED = 40


class DanishFormatError(ValueError):
    """A Danish identifier, number or date could not be parsed.

    Args:
        reason: What was wrong, in English.
        reason_da: The same reason in Danish, for people reading a Danish page.
        kind: Which kind of value failed (``"cpr"``, ``"cvr"``, ``"ean"``, ``"decimal"``, ``"amount"``,
            ``"date"``).

    The exception text is ``"<reason_da> / <reason>"``.
    """

    def __init__(self, reason: str, *, reason_da: str, kind: str) -> None:
        super().__init__(f"{reason_da} / {reason}")
        self.reason = reason
        self.reason_da = reason_da
        self.kind = kind

    def message(self, language: str = "da") -> str:
        """Return the reason in ``language`` (``"da"`` or ``"en"``)."""
        return self.reason_da if language == "da" else self.reason


def value_error(kind: str, text: str, what: tuple[str, str], why: tuple[str, str]) -> DanishFormatError:
    """The error for ``text`` that is not a ``what`` (English, Danish) because of ``why`` (English, Danish)."""
    return DanishFormatError(
        f"not {what[0]} {safe_text(text)}: {why[0]}",
        reason_da=f"ikke {what[1]} {safe_text(text)}: {why[1]}",
        kind=kind,
    )


def not_text(kind: str, value: object, what: tuple[str, str]) -> DanishFormatError:
    """The error for a ``value`` that should have been text, e.g. ``what=("a date", "en dato")``."""
    name = type(value).__name__
    return DanishFormatError(f"{what[0]} must be text, got {name}", reason_da=f"{what[1]} skal være tekst, fik {name}", kind=kind)


def safe_text(text: str) -> str:
    """Quote ``text`` for an error message, with CPR-shaped numbers hidden and long text cut.

    Args:
        text: The offending input.

    Returns:
        A ``repr``-style quoted string that is safe to put in an exception or log line.
    """
    hidden = _CPR_LIKE.sub("<CPR-like number hidden>", text)
    if len(hidden) > _MAX_QUOTED:
        hidden = hidden[:_MAX_QUOTED] + "…"
    return repr(hidden)


def text_shape(text: str) -> str:
    """Describe the shape of ``text`` without revealing it: digits → ``D``, letters → ``A``, other → ``?``.

    Dashes and spaces are kept so a reader can see the layout (e.g. ``'DDDDDD-DDAD'``).
    """
    out = []
    for ch in text[:_MAX_QUOTED]:
        if ch.isdigit():
            out.append("D")
        elif ch.isalpha():
            out.append("A")
        elif ch in "- ":
            out.append(ch)
        else:
            out.append("?")
    return "'" + "".join(out) + ("…'" if len(text) > _MAX_QUOTED else "'")
