"""SWIFT MT940 statements and MT942 interim reports, read with the ``mt-940`` library.

The tags (``:20:``, ``:25:``, ``:60F:``, ``:61:``, ``:86:``, ``:62F:``; MT942's ``:13D:``,
``:34F:``, ``:90D:``/``:90C:``) are parsed by ``mt-940`` (PyPI ``mt-940``, maintained); this
module turns its transactions into statement entries and reads the ``:86:`` details for
references. It hooks into the library only where the library offers it (its ``tags`` and
``processors`` arguments): the ``:61:`` tag converts its matched fields straight to øre and
dates (see :class:`Statement`), and processors whose results are not read do not run. Two ``:86:`` conventions are understood:

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

import contextlib
import decimal
import io
import re
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import mt940
from mt940.options import Options

from sepbots.exceptions import InputError
from sepbots.reconcile.accounts import AccountChoice
from sepbots.reconcile.models import Balance
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
    computed a second time) are built even when debug logging is off, and with its conversion
    of the matched fields going straight to what :func:`_entry` reads. The class keeps the
    library's name, from which the library derives the slug its processors are keyed by.

    The library turns the amount into a ``Decimal`` inside an ``Amount`` and each date into a
    ``DateTime`` and then a ``Date`` (through keyword parsing), and looks the currency up among
    ten balance fields, for every ``:61:``; 100,000 of them cost ~1.5 s that way. Here an amount
    the project's one amount grammar reads (:func:`~sepbots.dk.parse_ore`; MT940 writes ``1234,56``)
    becomes øre, and the dates ``datetime.date`` by the library's own rules
    (two-digit years in the 2000s, its sign per :class:`~mt940.options.Options`, the entry
    date's year guessed across a year boundary); any other amount goes through the library's
    conversion unchanged.
    """

    _last: tuple[object, str | None] = (None, None)  # (opening balance, its currency), see _currency

    def parse(self, transactions: Any, value: str) -> dict[str, str | None]:
        match = self.re.match(value)
        return match.groupdict() if match else super().parse(transactions, value)

    def __call__(self, transactions: Any, value: dict[str, Any]) -> dict[str, Any]:
        value["account"] = transactions.data.get("account_identification") or ""  # this statement's :25:
        try:
            ore = parse_ore(value.get("amount") or "")  # the one amount grammar; MT940 writes 1234,56
        except ValueFormatError:
            try:
                return super().__call__(transactions, value)  # the library's own Amount
            except decimal.InvalidOperation:  # "1,2,3" fits the tag's pattern but is no number
                raise ValueError(f"ugyldigt beløb / invalid amount {value.get('amount')!r}") from None
        # mt-940's sign with Options(reversal_sign=True): a debit and a reversal of a credit are negative
        value["amount_ore"] = -ore if value.get("status") in ("D", "RC") else ore
        if "currency" not in value:
            value["currency"] = self._currency(transactions)
        year = int(value["year"])
        day = value["date"] = date(year + 2000 if year < 1000 else year, int(value["month"]), int(value["day"]))
        entry_day, entry_month = value.get("entry_day") or "", value.get("entry_month") or ""
        if entry_day.isdigit() and entry_month.isdigit():
            entry = date(day.year, int(entry_month), int(entry_day))
            if day > entry and (day - entry).days >= _YEAR_BOUNDARY_DAYS:
                entry = date(entry.year + 1, entry.month, entry.day)
            elif entry > day and (entry - day).days >= _YEAR_BOUNDARY_DAYS:
                entry = date(entry.year - 1, entry.month, entry.day)
            value["entry_date"] = entry
        return value

    def _currency(self, transactions: Any) -> str | None:
        """``transactions.currency`` (ten balance fields looked at per call), kept while the
        opening balance it is read from is the same object: the first field it tries."""
        balance = transactions.data.get("final_opening_balance")
        last = self._last
        if balance is not None and last[0] is balance:
            return last[1]
        currency: str | None = transactions.currency
        if balance is not None:
            self._last = (balance, currency)  # one assignment: safe to share between threads
        return currency


class TransactionDetails(mt940.tags.TransactionDetails):
    """mt-940's ``:86:`` tag without the debug log (see :class:`Statement`); details are unbounded."""

    def parse(self, transactions: Any, value: str) -> dict[str, str | None]:
        match = self.re.match(value)
        return match.groupdict() if match else super().parse(transactions, value)


# Only the processors whose result is read: the ``?NN`` details split, and February's day clamp
# before ``:61:`` (a default kept); not the default removal of the date parts from each ``:61:``
# result nor the copy of ``:20:`` into each transaction (neither is read here).
_PROCESSORS: dict[str, list[Any]] = {"post_transaction_details": [_structured_details], "post_statement": []}
_BALANCES = {  # mt-940's tag slugs, and the camt balance codes they correspond to
    "final_opening_balance": "OPBD",
    "intermediate_opening_balance": "ITBD",
    "intermediate_closing_balance": "ITBD",
    "final_closing_balance": "CLBD",
}
_YEAR_BOUNDARY_DAYS = 330  # mt-940's: an entry date this far from the value date lies in the neighbouring year
_TAGS = {61: Statement(), 86: TransactionDetails()}


class SwiftEntry(NamedTuple):
    """One transaction (``:61:`` with its ``:86:``), in øre with the bank's sign."""

    number: int
    date: date
    amount_ore: int
    currency: str
    text: str
    references: tuple[str, ...]
    reversal: bool
    account: str = ""  # the statement's :25: account identification


def is_mt940(head: bytes) -> bool:
    """Whether a file starting with ``head`` is an MT940/MT942 message."""
    text = head.decode("latin-1")
    return bool(re.search(r"(?m)^:20:", text)) and bool(re.search(r"(?m)^:(25|28C|60F|61|13D):", text))


def read_mt940(
    path: Path, encoding: str | None = None, account: str | None = None, balances: list[Balance] | None = None
) -> list[SwiftEntry]:
    """Read every transaction of an MT940/MT942 file (of ``account``, when it holds several accounts).

    ``balances`` receives the opening and closing balances of the account's statements in file
    order (``:60F:`` as ``OPBD``, ``:60M:`` and ``:62M:`` as ``ITBD``, ``:62F:`` as ``CLBD``).

    Raises:
        InputError: unreadable bytes, a tag the library cannot parse, or no statement at all;
            several accounts (``:25:``) and none chosen, or the chosen one not in the file.
    """
    data = path.read_bytes()
    encoding = encoding or detect_encoding(path, data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"filen kan ikke læses som {encoding} / cannot decode the file as {encoding}: {exc}", file=path) from None
    found: list[tuple[str, Balance]] = []  # (the statement's :25:, balance)

    def record(code: str) -> Any:
        def processor(transactions: Any, tag: Any, tag_dict: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
            value = result.get(tag.slug)
            amount = getattr(getattr(value, "amount", None), "amount", None)
            day = getattr(value, "date", None)
            if amount is not None and day is not None:
                with contextlib.suppress(ValueFormatError):
                    balance = Balance(code, parse_ore(amount), date(day.year, day.month, day.day))
                    found.append((transactions.data.get("account_identification") or "", balance))
            return result

        return [processor]

    processors = _PROCESSORS if balances is None else {**_PROCESSORS, **{f"post_{slug}": record(code) for slug, code in _BALANCES.items()}}
    try:
        transactions = mt940.parse(io.StringIO(text), processors=processors, tags=_TAGS, options=_OPTIONS)  # type: ignore[arg-type]  # mt-940's annotations are narrower than the arguments it accepts
    except (RuntimeError, ValueError, KeyError) as exc:
        raise InputError(f"MT940 kan ikke læses / MT940 cannot be parsed: {_problem(exc)}", file=path) from None
    if not transactions.data.get("account_identification") and not len(transactions):
        raise InputError("ikke en MT940/MT942-fil (ingen :25:) / not an MT940/MT942 file (no :25:)", file=path)
    entries = []
    choice = AccountChoice(path, account)
    last: object = None
    reading = True
    for number, transaction in enumerate(transactions, 1):
        fields = transaction.data
        stated = fields.get("account", "")
        if stated is not last:  # one :25: string per statement: checked once per statement
            last, reading = stated, choice.admits(stated)
        if reading:
            entries.append(_entry(path, number, fields))
    read = choice.finish()
    if balances is not None:
        balances += [balance for owner, balance in found if owner == (read or "")]
    # Each Transaction refers back to its Transactions: one reference cycle per transaction, which
    # only a full collection would free (the reader runs with the collector paused, see
    # sepbots.reconcile.batch). Emptying the list breaks every cycle; reference counting frees them.
    transactions.transactions.clear()
    return entries


def _problem(exc: Exception) -> str:
    """The tag and value ``mt-940`` could not parse (its RuntimeError carries both), else the message."""
    if len(exc.args) >= 3 and hasattr(exc.args[1], "id"):
        return f"ugyldigt felt / invalid field :{exc.args[1].id}: {str(exc.args[2])[:80]!r}"
    text = str(exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _entry(path: Path, number: int, data: dict[str, Any]) -> SwiftEntry:
    ore = data.get("amount_ore")
    currency = data.get("currency")
    if ore is None:  # an amount :class:`Statement` left to the library
        amount = data.get("amount")
        try:
            ore = parse_ore(amount.amount)  # type: ignore[union-attr]  # a missing amount raises AttributeError, handled below
        except (AttributeError, ValueFormatError):
            raise InputError(f"ugyldigt beløb / invalid amount {amount!r}", file=path, row=number, column=":61:") from None
        currency = getattr(amount, "currency", "") or currency
    day = data.get("entry_date") or data.get("date")
    if not isinstance(day, date):
        raise InputError("mangler dato / date missing", file=path, row=number, column=":61:")
    if day.__class__ is not date:  # the library's Date subclass
        day = date(day.year, day.month, day.day)
    structured, text, keyed = _details(data)
    end_to_end, customer, bank = data.get("end_to_end_reference"), data.get("customer_reference"), data.get("bank_reference")
    references = [
        *structured,
        keyed.get("EREF", ""),
        str(end_to_end).strip() if end_to_end else "",
        keyed.get("KREF", "") or (str(customer).strip() if customer else ""),
        str(bank).strip() if bank else "",
    ]
    status = data.get("status")
    return SwiftEntry(
        number,
        day,
        ore,
        str(currency or ""),
        text,
        tuple(dict.fromkeys([r for r in references if r.upper() not in _NO_REFERENCE])),
        str(status).upper().startswith("R") if status else False,
        str(data.get("account") or ""),
    )


def _details(data: dict[str, Any]) -> tuple[list[str], str, dict[str, str]]:
    """Structured creditor references, remittance text and SWIFT keywords of the ``:86:`` field."""
    raw = str(data.get("transaction_details") or "").replace("\r", "").replace("\n", "")
    if not raw:  # structured ?NN fields, already split by mt-940
        purpose = " ".join(str(data.get("purpose") or "").split())
        return [], purpose, {}
    keyed: dict[str, str] = {}
    parts = _KEYWORDS.split(raw)  # [before, keyword, value, keyword, value, …]
    if len(parts) == 1:
        return [], " ".join(raw.split()), {}
    for keyword, value in zip(parts[1::2], parts[2::2], strict=True):
        keyed.setdefault(keyword, value.strip("/ "))
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
