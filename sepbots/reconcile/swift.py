"""SWIFT MT940 statements and MT942 interim reports, read with the ``mt-940`` library.

The tags (``:20:``, ``:25:``, ``:60F:``, ``:61:``, ``:86:``, ``:62F:``; MT942's ``:13D:``,
``:34F:``, ``:90D:``/``:90C:``) are parsed by ``mt-940`` (PyPI ``mt-940``, maintained); this
module only turns its transactions into statement entries and reads the ``:86:`` details for
references. Two ``:86:`` conventions are understood:

- German/Nordic structured fields ``?00``–``?63`` (``?20``–``?29`` the remittance lines, in SEPA
  files with ``EREF+``, ``KREF+``, ``SVWZ+`` keywords), split by ``mt-940``'s own details
  processor;
- SWIFT-style keywords ``/EREF/…/REMI/…/`` (``REMI/USTD//`` free text, ``REMI/STRD/CUR/`` or
  ``/CDTRREF/`` a structured creditor reference), split here.

References, in the order matching tries them: the structured creditor reference, the end-to-end
id (``EREF``, unless ``NOTPROVIDED``), the ``:61:`` customer reference (the account owner's
reference, unless ``NONREF``; ``KREF`` where the details carry one), the ``:61:`` bank reference
(after ``//``); the reference found in the remittance text is added last by the caller. The
``:61:`` marks ``RC``/``RD`` are reversals (of a credit: money out; of a debit: money in). The
booking date is the ``:61:`` entry date when given, else the value date. The library reads the
whole file at once (an MT940 of 100,000 transactions is ~30 MB of text).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import mt940
from mt940.options import Options

from sepbots.exceptions import InputError
from sepbots.sheets import detect_encoding, parse_ore
from sepbots.sheets.values import ValueFormatError

__all__ = ["SwiftEntry", "is_mt940", "read_mt940"]

_KEYWORDS = re.compile(r"/(EREF|REMI|KREF|IREF|MARF|CSID|NAME|ORDP|BENM|ULTD|ULTC|PURP|RTRN|CDTRREFTP|CDTRREF|TRCD)/")
_NO_REFERENCE = {"NONREF", "NOTPROVIDED", ""}
_OPTIONS = Options(reversal_sign=True, merge_keeps_values=True, unbounded_details=True, strip_bom=True)
_STRUCTURED = re.compile(r"[0-9]{3}\?[0-9]{2}")  # the library's own test for ``?NN`` details


def _structured_details(transactions: Any, tag: Any, tag_dict: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """mt-940's ``?NN`` details processor, called only for details that start like ``166?00``.

    The library's processor first joins the field's lines and tests that very pattern; for the
    other 99 % of files (SWIFT keywords, free text) it returns ``result`` unchanged, so the join
    is skipped here.
    """
    head = tag_dict["transaction_details"][:16].replace("\r", "").replace("\n", "")
    if _STRUCTURED.match(head) is None:
        return result
    return mt940.processors.transaction_details_post_processor_with_space(transactions, tag, tag_dict, result)


class Statement(mt940.tags.Statement):
    """mt-940's ``:61:`` tag without its per-tag debug log, whose arguments (the match's groups,
    computed a second time) are built even when debug logging is off. The class keeps the
    library's name, from which the library derives the slug its processors are keyed by."""

    def parse(self, transactions: Any, value: str) -> dict[str, str | None]:
        match = self.re.match(value)
        return match.groupdict() if match else super().parse(transactions, value)


class TransactionDetails(mt940.tags.TransactionDetails):
    """mt-940's ``:86:`` tag without the debug log (see :class:`Statement`); details are unbounded."""

    def parse(self, transactions: Any, value: str) -> dict[str, str | None]:
        match = self.re.match(value)
        return match.groupdict() if match else super().parse(transactions, value)


_PROCESSORS = {"post_transaction_details": [_structured_details]}
_TAGS = {61: Statement(), 86: TransactionDetails()}


@dataclass(frozen=True, slots=True)
class SwiftEntry:
    """One transaction (``:61:`` with its ``:86:``), in øre with the bank's sign."""

    number: int
    date: date
    amount_ore: int
    currency: str
    text: str
    references: tuple[str, ...]
    reversal: bool


def is_mt940(head: bytes) -> bool:
    """Whether a file starting with ``head`` is an MT940/MT942 message."""
    text = head.decode("latin-1")
    return bool(re.search(r"(?m)^:20:", text)) and bool(re.search(r"(?m)^:(25|28C|60F|61|13D):", text))


def read_mt940(path: Path, encoding: str | None = None) -> list[SwiftEntry]:
    """Read every transaction of an MT940/MT942 file.

    Raises:
        InputError: unreadable bytes, a tag the library cannot parse, or no statement at all.
    """
    data = path.read_bytes()
    encoding = encoding or detect_encoding(path, data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"filen kan ikke læses som {encoding} / cannot decode the file as {encoding}: {exc}", file=path) from None
    try:
        transactions = mt940.parse(io.StringIO(text), processors=_PROCESSORS, tags=_TAGS, options=_OPTIONS)  # type: ignore[arg-type]  # mt-940's annotations are narrower than the arguments it accepts
    except (RuntimeError, ValueError, KeyError) as exc:
        raise InputError(f"MT940 kan ikke læses / MT940 cannot be parsed: {_problem(exc)}", file=path) from None
    if not transactions.data.get("account_identification") and not len(transactions):
        raise InputError("ikke en MT940/MT942-fil (ingen :25:) / not an MT940/MT942 file (no :25:)", file=path)
    entries = []
    for number, transaction in enumerate(transactions, 1):
        entries.append(_entry(path, number, transaction.data))
    return entries


def _problem(exc: Exception) -> str:
    """The tag and value ``mt-940`` could not parse (its RuntimeError carries both), else the message."""
    if len(exc.args) >= 3 and hasattr(exc.args[1], "id"):
        return f"ugyldigt felt / invalid field :{exc.args[1].id}: {str(exc.args[2])[:80]!r}"
    text = str(exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _entry(path: Path, number: int, data: dict[str, Any]) -> SwiftEntry:
    amount = data.get("amount")
    try:
        ore = parse_ore(amount.amount)  # type: ignore[union-attr]  # a missing amount raises AttributeError, handled below
    except (AttributeError, ValueFormatError):
        raise InputError(f"ugyldigt beløb / invalid amount {amount!r}", file=path, row=number, column=":61:") from None
    day = data.get("entry_date") or data.get("date")
    if not isinstance(day, date):
        raise InputError("mangler dato / date missing", file=path, row=number, column=":61:")
    status = str(data.get("status") or "")
    structured, text, keyed = _details(data)
    references = [
        *structured,
        keyed.get("EREF", ""),
        str(data.get("end_to_end_reference") or "").strip(),
        keyed.get("KREF", "") or str(data.get("customer_reference") or "").strip(),
        str(data.get("bank_reference") or "").strip(),
    ]
    refs = tuple(dict.fromkeys(r for r in references if r.upper() not in _NO_REFERENCE))
    return SwiftEntry(
        number=number,
        date=date(day.year, day.month, day.day),
        amount_ore=ore,
        currency=str(getattr(amount, "currency", "") or data.get("currency") or ""),
        text=text,
        references=refs,
        reversal=status.upper().startswith("R"),
    )


def _details(data: dict[str, Any]) -> tuple[list[str], str, dict[str, str]]:
    """Structured creditor references, remittance text and SWIFT keywords of the ``:86:`` field."""
    raw = str(data.get("transaction_details") or "").replace("\r", "").replace("\n", "")
    if not raw:  # structured ?NN fields, already split by mt-940
        purpose = " ".join(str(data.get("purpose") or "").split())
        return [], purpose, {}
    keyed: dict[str, str] = {}
    marks = list(_KEYWORDS.finditer(raw))
    if not marks:
        return [], " ".join(raw.split()), {}
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(raw)
        keyed.setdefault(mark.group(1), raw[mark.end() : end].strip("/ "))
    structured = [keyed["CDTRREF"]] if keyed.get("CDTRREF") else []
    remi = keyed.get("REMI", "")
    text = remi
    if remi.startswith("USTD/"):
        text = remi.removeprefix("USTD/").strip("/ ")
    elif remi.startswith("STRD/"):
        ref = remi.split("/")[-1].strip()
        structured.append(ref)
        text = ""
    if not text and not structured:
        text = raw
    return structured, " ".join(text.split()), keyed
