"""Spreadsheet inputs (.xlsx, CSV) read by profile: bank netbank exports and ledger exports.

The header row tells the layout (:mod:`sepbots.reconcile.profiles`); a configured profile name
or header mapping overrides the detection. Reserved/pending rows are skipped and returned with
the lines, the ``Valuta`` column (when there is one) gives the file's currency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from sepbots.exceptions import InputError
from sepbots.reconcile.models import KeyMaker, Line, Lines, PendingRow, Side
from sepbots.reconcile.profiles import BANK_PROFILES, LEDGER_PROFILES, SheetProfile, detect_profile, profile_named
from sepbots.reconcile.references import ReferenceExtractor, normalise_reference
from sepbots.sheets import (
    CsvOptions,
    DecimalSeparator,
    RawRows,
    Table,
    XlsxEngine,
    open_raw_rows,
    open_rows_as_table,
    parse_date,
    parse_ore,
)
from sepbots.sheets.table import HEADER_SEARCH_ROWS
from sepbots.sheets.values import ValueFormatError

__all__ = ["open_profiled", "read_sheet_bank", "read_sheet_ledger"]

T = TypeVar("T")
_PENDING_WORDS = frozenset({"reserveret", "reserved", "venter", "afventer", "pending"})
_MISSING = "mangler en værdi / value is missing"


class _BankRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    dato: Any = Field(alias="Dato")  # Any, not str: workbook dates and numbers stay as they are
    belob: Any = Field(alias="Beløb")
    tekst: str = Field("", alias="Tekst")
    saldo: str = Field("", alias="Saldo")
    reference: str = Field("", alias="Reference")
    status: str = Field("", alias="Status")
    valuta: str = Field("", alias="Valuta")
    navn: str = Field("", alias="Navn")


class _LedgerFields(BaseModel):
    """The ledger columns both layouts share (one amount column, or debit and credit)."""

    model_config = ConfigDict(frozen=True)

    bilagsnr: str = Field(alias="Bilagsnr")
    dato: Any = Field(alias="Bogføringsdato")
    reference: str = Field("", alias="Reference")
    tekst: str = Field("", alias="Tekst")
    konto: str = Field("", alias="Konto")
    valuta: str = Field("", alias="Valuta")


class _LedgerRow(_LedgerFields):
    belob: Any = Field(alias="Beløb")


class _SplitLedgerRow(_LedgerFields):
    debet: Any = Field(alias="Debet")
    kredit: Any = Field(alias="Kredit")


def _hint(side: str) -> str:
    names = ", ".join(p.name for p in (BANK_PROFILES if side == "bank" else LEDGER_PROFILES))
    fields = "dato, belob, tekst" if side == "bank" else "bilagsnr, dato, belob (eller debet og kredit), reference"
    return (
        f"ukendt layout: vælg {side}_profile ({names}) eller angiv kolonnerne i [params.{side}_headers] "
        f"({fields}) / unknown layout: set {side}_profile or map the columns in [params.{side}_headers]"
    )


def open_profiled(
    path: Path,
    side: str,
    *,
    profile: str | None,
    headers: Mapping[str, str | list[str]],
    sheet: str | int | None,
    engine: XlsxEngine,
    csv: CsvOptions | None = None,
) -> tuple[Table[Any], SheetProfile, bool]:
    """Open ``path`` as a table in the layout its header (or the configuration) names.

    Returns:
        The table, the profile, and whether the profile was detected (not configured).

    Raises:
        InputError: the file is unusable or its layout unknown; the message lists the columns
            found and how to map them.
        ValueError: an unknown profile name or a header mapping naming an unknown field.
    """
    profiles = BANK_PROFILES if side == "bank" else LEDGER_PROFILES
    raw = open_raw_rows(path, sheet=sheet, engine=engine, csv=csv)
    head = list(islice(raw.rows, HEADER_SEARCH_ROWS + 5))
    detected = profile is None and not headers
    try:
        if profile is not None:
            chosen = profile_named(profile, profiles)
        else:
            chosen = (detect_profile((cells for _, cells in head), profiles) if detected else None) or profiles[0]
    except BaseException:
        raw.close()
        raise
    mapping: dict[str, str | list[str]] = {**chosen.header_map(), **headers} if profile or detected else dict(headers)
    model: type[BaseModel]
    if side == "bank":
        model = _BankRow
    else:
        split = chosen.split_amount or ("debet" in mapping and "belob" not in mapping)
        model = _SplitLedgerRow if split else _LedgerRow
    rows = RawRows(raw.sheet, chain(head, raw.rows), raw.close, raw.column_offset)
    try:
        table = open_rows_as_table(path, rows, model, mapping)
    except InputError as exc:
        if detected and exc.message.startswith("mangler kolonne"):
            raise InputError(f"{exc.message}; {_hint(side)}", file=exc.file, sheet=exc.sheet, row=exc.row) from None
        raise
    return table, chosen, detected


def read_sheet_bank(
    path: Path,
    extractor: ReferenceExtractor,
    *,
    profile: str | None,
    headers: Mapping[str, str | list[str]],
    sheet: str | int | None,
    engine: XlsxEngine,
    csv: CsvOptions,
    decimal: DecimalSeparator | None,
) -> Lines:
    """Read a netbank export into bank lines; pending rows are kept aside."""
    table, chosen, _ = open_profiled(path, "bank", profile=profile, headers=headers, sheet=sheet, engine=engine, csv=csv)
    result = Lines(path=path, profile=chosen.name)
    result.extend(_bank_lines(table, chosen, decimal or chosen.decimal, extractor, result))
    return result


def _bank_lines(
    table: Table[Any], profile: SheetProfile, decimal: DecimalSeparator, extractor: ReferenceExtractor, out: Lines
) -> Iterator[Line]:
    key = KeyMaker("bank")
    extract = extractor.extract
    pending_field, pending_values = profile.pending_field, profile.pending_values
    with table:
        for number, rec in table.records():  # the fast path: 100,000 rows, no model per row
            if pending_values and rec.get(pending_field, "").casefold() in pending_values:
                out.pending.append(_pending(number, rec, decimal))
                continue
            try:
                day = _cell(rec, "dato", parse_date)
                amount = _cell(rec, "belob", lambda value: parse_ore(value, decimal))
            except _CellError as exc:
                if exc.field == "dato" and str(rec.get("dato", "")).casefold() in _PENDING_WORDS:
                    out.pending.append(_pending(number, rec, decimal))  # 'Reserveret' where the date goes
                    continue
                raise table.cell_error(number, exc.field, exc.reason) from None
            _note_currency(table, out, number, rec)
            text = rec.get("tekst", "")
            reference = rec.get("reference") or extract(text)
            content = (day.isoformat(), str(amount), text, reference, rec.get("saldo", ""))
            yield Line(Side.BANK, key(day, content), number, day, amount, text, reference, normalise_reference(reference))


def _pending(number: int, rec: dict[str, Any], decimal: DecimalSeparator) -> PendingRow:
    try:
        amount: int | None = parse_ore(rec.get("belob", ""), decimal)
    except ValueFormatError:
        amount = None
    text = " ".join(t for t in (rec.get("tekst", ""), rec.get("navn", "")) if t)
    return PendingRow(number, str(rec.get("dato", "")), text, amount)


def _note_currency(table: Table[Any], out: Lines, number: int, rec: dict[str, Any]) -> None:
    currency = rec.get("valuta")
    if not currency:
        return
    currency = str(currency).upper()
    if out.currency is None:
        out.currency = currency
    elif currency != out.currency:
        raise table.cell_error(number, "valuta", f"blandet valuta / mixed currency {out.currency} og/and {currency}")


def read_sheet_ledger(
    path: Path,
    *,
    profile: str | None,
    headers: Mapping[str, str | list[str]],
    sheet: str | int | None,
    engine: XlsxEngine,
    account: str | None,
    sign: int,
) -> Lines:
    """Read a finance-system export into ledger lines in the bank's sign."""
    table, chosen, _ = open_profiled(path, "ledger", profile=profile, headers=headers, sheet=sheet, engine=engine)
    split = table.mapping.get("debet") is not None
    result = Lines(path=path, profile=chosen.name)
    key = KeyMaker("bilag")
    with table:
        for number, rec in table.records():
            try:
                voucher = _cell(rec, "bilagsnr", str)
                day = _cell(rec, "dato", parse_date)
                amount = _split_amount(rec) if split else _cell(rec, "belob", parse_ore)
            except _CellError as exc:
                raise table.cell_error(number, exc.field, exc.reason) from None
            account_value = rec.get("konto", "")
            if account is not None and account_value != account:
                continue
            _note_currency(table, result, number, rec)
            reference, text = rec.get("reference", ""), rec.get("tekst", "")
            content = (voucher, day.isoformat(), str(amount), reference, text, account_value)
            result.append(
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
                    account_value,
                )
            )
    return result


class _CellError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def _cell(rec: dict[str, Any], name: str, parse: Callable[[Any], T]) -> T:
    try:
        return parse(rec[name])
    except KeyError:
        raise _CellError(name, _MISSING) from None
    except ValueFormatError as exc:
        raise _CellError(name, str(exc)) from None


def _split_amount(rec: dict[str, Any]) -> int:
    values = []
    for name in ("debet", "kredit"):
        try:
            values.append(parse_ore(rec[name]) if name in rec else 0)
        except ValueFormatError as exc:
            raise _CellError(name, str(exc)) from None
    if "debet" not in rec and "kredit" not in rec:
        raise _CellError("debet", _MISSING)
    return values[0] - values[1]
