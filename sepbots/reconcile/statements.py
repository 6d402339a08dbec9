"""Reading bank statements (.xlsx, Danish netbank CSV, camt.053) and ledger exports into lines.

The statement's kind is told from its content, not its name. Spreadsheet statements use the
netbank headers ``Dato, Tekst, Beløb, Saldo`` by default (``Saldo`` and any further columns are
optional); the reference comes from a ``Reference`` column when there is one, otherwise it is
extracted from ``Tekst``. The ledger is an .xlsx export with ``Bilagsnr, Bogføringsdato, Beløb``
(required) and ``Reference, Tekst, Konto`` (optional). Every header name can be changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from sepbots.reconcile.batch import gc_paused
from sepbots.reconcile.camt053 import iter_camt053
from sepbots.reconcile.models import KeyMaker, Line, Side
from sepbots.reconcile.references import DEFAULT_REFERENCE_PATTERNS, ReferenceExtractor, normalise_reference
from sepbots.sheets import (
    CsvOptions,
    DanishDate,
    DecimalSeparator,
    FileKind,
    XlsxEngine,
    open_table,
    parse_date,
    parse_ore,
    sniff_kind,
)
from sepbots.sheets.values import ValueFormatError

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


def _amount(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value * 100
    decimal = (info.context or {}).get("decimal", DecimalSeparator.COMMA)
    return parse_ore(value, decimal)


class _BankRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    dato: DanishDate = Field(alias="Dato")
    tekst: str = Field("", alias="Tekst")
    belob: int = Field(alias="Beløb")
    saldo: str = Field("", alias="Saldo")
    reference: str = Field("", alias="Reference")

    _amount = field_validator("belob", mode="before")(_amount)


class _LedgerRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    bilagsnr: str = Field(alias="Bilagsnr")
    dato: DanishDate = Field(alias="Bogføringsdato")
    belob: int = Field(alias="Beløb")
    reference: str = Field("", alias="Reference")
    tekst: str = Field("", alias="Tekst")
    konto: str = Field("", alias="Konto")

    _amount = field_validator("belob", mode="before")(_amount)


class BankOptions(BaseModel):
    """How to read a bank statement."""

    model_config = ConfigDict(frozen=True)

    headers: dict[str, str | list[str]] = Field(default_factory=dict, description="field → header: dato, tekst, belob, saldo, reference")
    sheet: str | int | None = None
    reference_patterns: tuple[str, ...] = DEFAULT_REFERENCE_PATTERNS
    csv_encoding: str | None = None
    csv_delimiter: str | None = None
    decimal: DecimalSeparator = DecimalSeparator.COMMA
    engine: XlsxEngine = XlsxEngine.AUTO


class LedgerOptions(BaseModel):
    """How to read the ledger export."""

    model_config = ConfigDict(frozen=True)

    headers: dict[str, str | list[str]] = Field(
        default_factory=dict, description="field → header: bilagsnr, dato, belob, reference, tekst, konto"
    )
    sheet: str | int | None = None
    account: str | None = Field(None, description="only lines with this Konto")
    negate: bool = Field(False, description="the ledger books money in as negative amounts")
    engine: XlsxEngine = XlsxEngine.AUTO


def detect_statement_kind(path: Path) -> StatementKind:
    """Tell a statement's kind from its content.

    Raises:
        InputError: a legacy .xls or a password-protected workbook.
    """
    kind = sniff_kind(path)
    if kind is FileKind.XML:
        return StatementKind.CAMT053
    if kind is FileKind.TEXT:
        return StatementKind.CSV
    if kind is FileKind.XLSX:
        return StatementKind.XLSX
    from sepbots.sheets.reader import refuse_unreadable_workbook

    refuse_unreadable_workbook(path, kind)
    raise AssertionError("unreachable")  # pragma: no cover


def read_bank(path: Path, options: BankOptions | None = None) -> tuple[StatementKind, list[Line]]:
    """Read every line of a bank statement.

    Returns:
        The detected kind and the lines with stable keys.

    Raises:
        InputError: the file is unusable; the message names file, sheet, row and column.
    """
    path = Path(path)
    options = options or BankOptions()
    extractor = ReferenceExtractor(options.reference_patterns)
    kind = detect_statement_kind(path)
    with gc_paused():
        if kind is StatementKind.CAMT053:
            return kind, list(_camt_lines(path, extractor))
        return kind, list(_sheet_bank_lines(path, options, extractor))


def _camt_lines(path: Path, extractor: ReferenceExtractor) -> Iterator[Line]:
    key = KeyMaker("bank")
    for entry in iter_camt053(path):
        reference = entry.reference or extractor.extract(entry.text)
        content = (entry.date.isoformat(), str(entry.amount_ore), entry.text, reference, entry.path)
        yield Line(
            Side.BANK,
            key(entry.date, content),
            entry.number,
            entry.date,
            entry.amount_ore,
            entry.text,
            reference,
            normalise_reference(reference),
        )


def _sheet_bank_lines(path: Path, options: BankOptions, extractor: ReferenceExtractor) -> Iterator[Line]:
    csv = CsvOptions(encoding=options.csv_encoding, delimiter=options.csv_delimiter)
    table = open_table(path, _BankRow, headers=options.headers, sheet=options.sheet, engine=options.engine, csv=csv)
    key = KeyMaker("bank")
    decimal = options.decimal
    extract = extractor.extract
    with table:
        for number, rec in table.records():  # the fast path: 100,000 rows, no model per row
            field = "dato"
            try:
                day = parse_date(rec["dato"])
                field = "belob"
                amount = parse_ore(rec["belob"], decimal)
            except KeyError:
                raise table.cell_error(number, field, _MISSING) from None
            except ValueFormatError as exc:
                raise table.cell_error(number, field, str(exc)) from None
            text = rec.get("tekst", "")
            reference = rec.get("reference") or extract(text)
            content = (day.isoformat(), str(amount), text, reference, rec.get("saldo", ""))
            yield Line(
                Side.BANK,
                key(day, content),
                number,
                day,
                amount,
                text,
                reference,
                normalise_reference(reference),
            )


_MISSING = "mangler en værdi / value is missing"


def read_ledger(path: Path, options: LedgerOptions | None = None) -> list[Line]:
    """Read the ledger export (.xlsx or CSV) into lines in the bank's sign.

    Raises:
        InputError: the file is unusable; the message names file, sheet, row and column.
    """
    path = Path(path)
    options = options or LedgerOptions()
    sign = -1 if options.negate else 1
    wanted = options.account.strip() if options.account else None
    table = open_table(path, _LedgerRow, headers=options.headers, sheet=options.sheet, engine=options.engine)

    key = KeyMaker("bilag")
    lines = []
    with gc_paused(), table:
        for number, rec in table.records():
            field = "bilagsnr"
            try:
                voucher = rec["bilagsnr"]
                field = "dato"
                day = parse_date(rec["dato"])
                field = "belob"
                amount = parse_ore(rec["belob"])
            except KeyError:
                raise table.cell_error(number, field, _MISSING) from None
            except ValueFormatError as exc:
                raise table.cell_error(number, field, str(exc)) from None
            account = rec.get("konto", "")
            if wanted is not None and account != wanted:
                continue
            reference, text = rec.get("reference", ""), rec.get("tekst", "")
            content = (voucher, day.isoformat(), str(amount), reference, text, account)
            lines.append(
                Line(
                    Side.LEDGER,
                    key(day, content),
                    number,
                    day,
                    amount * sign,
                    text,
                    reference,
                    normalise_reference(reference),
                    voucher,
                    account,
                )
            )
    return lines
