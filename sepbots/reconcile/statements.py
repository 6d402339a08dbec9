"""Reading bank statements and ledger exports into lines: every kind, told from the content.

Bank statements: ISO 20022 camt.053/camt.054 XML (:mod:`sepbots.reconcile.camt`), SWIFT
MT940/MT942 (:mod:`sepbots.reconcile.swift`), and netbank exports as CSV or .xlsx in the layout
of the bank that wrote them (:mod:`sepbots.reconcile.profiles`). For CSV and .xlsx the reference
comes from a ``Reference`` column when there is one, otherwise it is extracted from the text;
camt and MT940 lines carry every reference the file has, in order (see ``Line.references``).

The ledger is an .xlsx or CSV export in the standard layout (``Bilagsnr, Bogføringsdato,
Beløb``; ``Reference, Tekst, Konto, Valuta`` optional), with ``Debet``/``Kredit`` instead of
``Beløb``, or a finance system's line-item layout (KMD Opus/SAP, Fujitsu Prisme), told from its
headers. Every header name can be changed, every profile can be named in configuration.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from sepbots.reconcile.batch import gc_paused
from sepbots.reconcile.camt import camt_message, iter_camt
from sepbots.reconcile.models import Balance, BalanceCheck, KeyMaker, Line, Lines, PendingRow, Side, new_tuple
from sepbots.reconcile.references import DEFAULT_REFERENCE_PATTERNS, ReferenceExtractor, normalise_reference
from sepbots.reconcile.sheet_lines import read_sheet_bank, read_sheet_ledger
from sepbots.reconcile.swift import is_mt940, read_mt940
from sepbots.sheets import CsvOptions, DecimalSeparator, FileKind, XlsxEngine, sniff_kind

__all__ = [
    "BankOptions",
    "LedgerOptions",
    "StatementKind",
    "detect_statement_kind",
    "read_bank",
    "read_ledger",
]


class StatementKind(StrEnum):
    """Kinds of bank statement files."""

    XLSX = "xlsx"
    CSV = "csv"
    CAMT053 = "camt.053"
    CAMT054 = "camt.054"
    MT940 = "mt940"


class BankOptions(BaseModel):
    """How to read a bank statement."""

    model_config = ConfigDict(frozen=True)

    profile: str | None = Field(None, description="CSV/.xlsx layout by name (nordea, danske-bank …); default: detected")
    headers: dict[str, str | list[str]] = Field(
        default_factory=dict, description="field → header: dato, tekst, belob, saldo, reference, status, valuta")
    sheet: str | int | None = None
    reference_patterns: tuple[str, ...] = DEFAULT_REFERENCE_PATTERNS
    csv_encoding: str | None = None
    csv_delimiter: str | None = None
    decimal: DecimalSeparator | None = Field(None, description="default: the layout's (comma for Danish banks)")
    engine: XlsxEngine = XlsxEngine.AUTO
    account: str | None = Field(
        None, description="camt/MT940 holding several accounts: the one to read (IBAN, the bank's id, or reg. + account number)"
    )


class LedgerOptions(BaseModel):
    """How to read the ledger export."""

    model_config = ConfigDict(frozen=True)

    profile: str | None = Field(None, description="layout by name (standard, sap, prisme …); default: detected")
    headers: dict[str, str | list[str]] = Field(
        default_factory=dict, description="field → header: bilagsnr, dato, belob (or debet, kredit), reference, tekst, konto, valuta"
    )
    sheet: str | int | None = None
    account: str | None = Field(None, description="only lines with this Konto")
    negate: bool = Field(False, description="the ledger books money in as negative amounts")
    engine: XlsxEngine = XlsxEngine.AUTO


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(4096)


def detect_statement_kind(path: Path) -> StatementKind:
    """Tell a statement's kind from its content.

    Raises:
        InputError: a legacy .xls or a password-protected workbook.
    """
    kind = sniff_kind(path)
    if kind is FileKind.XML:
        message = camt_message(_head(path)) or ""
        return StatementKind.CAMT054 if message.startswith("camt.054") else StatementKind.CAMT053
    if kind is FileKind.TEXT:
        return StatementKind.MT940 if is_mt940(_head(path)) else StatementKind.CSV
    if kind is FileKind.XLSX:
        return StatementKind.XLSX
    from sepbots.sheets.reader import refuse_unreadable_workbook

    refuse_unreadable_workbook(path, kind)
    raise AssertionError("unreachable")  # pragma: no cover


def read_bank(path: Path, options: BankOptions | None = None) -> tuple[StatementKind, Lines]:
    """Read every booked line of a bank statement (pending rows kept aside on the result).

    Returns:
        The detected kind and the lines with stable keys; ``Lines.profile``, ``.currency`` and
        ``.pending`` say what the file said about itself.

    Raises:
        InputError: the file is unusable; the message names file, sheet, row and column (or
            the element path, or the tag).
        ValueError: an unknown profile name, header field or a bad reference pattern.
    """
    path = Path(path)
    options = options or BankOptions()
    extractor = ReferenceExtractor(options.reference_patterns)
    kind = detect_statement_kind(path)
    with gc_paused():
        if kind in (StatementKind.CAMT053, StatementKind.CAMT054):
            return kind, _camt_lines(path, extractor, options.account)
        if kind is StatementKind.MT940:
            return kind, _mt940_lines(path, extractor, options.csv_encoding, options.account)
        csv = CsvOptions(encoding=options.csv_encoding, delimiter=options.csv_delimiter)
        lines = read_sheet_bank(
            path,
            extractor,
            profile=options.profile,
            headers=options.headers,
            sheet=options.sheet,
            engine=options.engine,
            csv=csv,
            decimal=options.decimal,
        )
        return kind, lines


def _line(
    key: KeyMaker,
    number: int,
    day: date,
    amount: int,
    text: str,
    refs: tuple[str, ...],
    reversal: bool,
    extractor: ReferenceExtractor,
) -> Line:
    found = extractor.extract(text)
    candidates = (*refs, found) if found and found not in refs else refs
    reference = candidates[0] if candidates else ""
    # The key is made of what the bank says about the transaction, not of where the file puts it:
    # the same transaction in a re-sent file, or in the notification and later the statement, gets
    # the same key, so the queue (unique per reference) hands an unmatched line to a person once.
    content = (day.isoformat(), str(amount), text, *candidates)
    return new_tuple(Line, (_BANK, key(day, content), number, day, amount, text, reference, normalise_reference(reference), "", "",
                            reversal, candidates if len(candidates) > 1 else ()))


_BANK = Side.BANK


def _camt_lines(path: Path, extractor: ReferenceExtractor, account: str | None) -> Lines:
    key = KeyMaker("bank")
    lines = Lines(path=path, profile=camt_message(_head(path)) or "camt")
    append = lines.append
    stated = ""  # every entry read is of the one account read; the loop leaves it here
    balances: list[Balance] = []
    for number, _path, day, amount, currency, text, references, reversal, pending, stated in iter_camt(path, account, balances):  # noqa: B007
        if pending:
            lines.pending.append(PendingRow(number, day.isoformat(), text, amount))
            continue
        lines.currency = currency
        append(_line(key, number, day, amount, text, references, reversal, extractor))
    return _stated(lines, stated, balances)


def _mt940_lines(path: Path, extractor: ReferenceExtractor, encoding: str | None, account: str | None) -> Lines:
    key = KeyMaker("bank")
    head = _head(path)
    lines = Lines(path=path, profile="mt942" if b":13D:" in head or b":34F:" in head else "mt940")
    append = lines.append
    stated = ""  # as for camt: the account read, left here by the loop
    balances: list[Balance] = []
    for number, day, amount, currency, text, references, reversal, stated in read_mt940(path, encoding, account, balances):  # noqa: B007
        if lines.currency is None:
            lines.currency = currency or None
        append(_line(key, number, day, amount, text, references, reversal, extractor))
    return _stated(lines, stated, balances)


def _stated(lines: Lines, account: str, balances: list[Balance]) -> Lines:
    """``lines`` with what the statement says of itself: its account and its balance control."""
    lines.account = account or None
    lines.balance = BalanceCheck.of(balances, sum(line.amount_ore for line in lines))
    return lines


def read_ledger(path: Path, options: LedgerOptions | None = None) -> Lines:
    """Read the ledger export (.xlsx or CSV) into lines in the bank's sign.

    Raises:
        InputError: the file is unusable; the message names file, sheet, row and column.
        ValueError: an unknown profile name or header field.
    """
    path = Path(path)
    options = options or LedgerOptions()
    with gc_paused():
        return read_sheet_ledger(
            path,
            profile=options.profile,
            headers=options.headers,
            sheet=options.sheet,
            engine=options.engine,
            account=options.account.strip() if options.account else None,
            sign=-1 if options.negate else 1,
        )

