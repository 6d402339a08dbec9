"""What a statement or ledger file looks like to the reader: its kind, profile, columns, first lines.

For a person setting up a new account (``sepbots bankafstemning profile FILE``): the text says,
in Danish and English, which layout the file matched (or why none did, with the columns found
and how to map them), which header feeds which field, and how the first rows parse.
"""

from __future__ import annotations

from pathlib import Path

from sepbots.reconcile.models import BalanceCheck, Line, Lines
from sepbots.reconcile.profiles import BANK_PROFILES, LEDGER_PROFILES, profile_named
from sepbots.reconcile.sheet_lines import open_profiled
from sepbots.reconcile.statements import BankOptions, LedgerOptions, StatementKind, detect_statement_kind, read_bank, read_ledger
from sepbots.sheets import format_ore

__all__ = ["describe_file"]

_CAMT_TITLES = {"camt.053": ("kontoudtog", "statement"), "camt.054": ("debet/kredit-advis", "debit/credit notification")}


def describe_file(
    path: Path, *, ledger: bool = False, rows: int = 5, bank: BankOptions | None = None, book: LedgerOptions | None = None
) -> list[str]:
    """Lines of text describing ``path`` as a bank statement (or, with ``ledger``, a ledger export).

    Raises:
        InputError: the file cannot be read in any known layout; the message names the columns
            found and how to map them.
        ValueError: an unknown profile name or header field in the options.
    """
    path = Path(path)
    out = [f"Fil / file: {path}"]
    if ledger:
        options = book or LedgerOptions()
        out += _sheet_profile(path, "ledger", options.profile, options.headers, options.sheet)
        lines: Lines = read_ledger(path, options)
    else:
        options_b = bank or BankOptions()
        kind = detect_statement_kind(path)
        if kind in (StatementKind.CSV, StatementKind.XLSX):
            out.append(f"Type / kind: {kind.value}")
            out += _sheet_profile(path, "bank", options_b.profile, options_b.headers, options_b.sheet)
        _, lines = read_bank(path, options_b)
        if kind not in (StatementKind.CSV, StatementKind.XLSX):
            out.append(f"Type / kind: {_kind_title(lines.profile)}")
    if lines.account:
        out.append(f"Konto / account: {lines.account}")
    out.append(f"Valuta / currency: {lines.currency or '(ikke angivet i filen / not stated in the file)'}")
    if lines.balance is not None:
        out.append(_balance(lines.balance))
    out.append(f"Linjer / lines: {len(lines)}"
               + (f"; reserverede rækker sprunget over / reserved rows skipped: {len(lines.pending)}" if lines.pending else ""))
    out.append(f"Første {min(rows, len(lines))} linjer / first {min(rows, len(lines))} lines:")
    out += [_line(line) for line in lines[:rows]]
    for pending in lines.pending[:rows]:
        amount = format_ore(pending.amount_ore) if pending.amount_ore is not None else "?"
        out.append(f"  reserveret / reserved: række/row {pending.row}: {pending.date} {amount} {pending.text}".rstrip())
    return out


def _balance(check: BalanceCheck) -> str:
    opening, closing = check.opening, check.closing
    difference = format_ore(check.difference_ore)
    verdict = "stemmer / agrees" if check.agrees else f"STEMMER IKKE / DOES NOT AGREE (forskel/difference {difference})"
    return (
        f"Saldo / balance: primo/opening {format_ore(opening.amount_ore)} ({opening.date:%d.%m.%Y}) + "
        f"bevægelser/movements {format_ore(check.movements_ore)} = {format_ore(opening.amount_ore + check.movements_ore)}; "
        f"ultimo ifølge banken / closing per bank {format_ore(closing.amount_ore)} ({closing.date:%d.%m.%Y}): {verdict}"
    )


def _kind_title(profile: str) -> str:
    if profile.startswith("camt."):
        da, en = _CAMT_TITLES.get(profile[:8], ("", ""))
        return f"ISO 20022 {profile} ({da} / {en})"
    return {"mt940": "SWIFT MT940 (kontoudtog / statement)", "mt942": "SWIFT MT942 (intradag / interim report)"}.get(profile, profile)


def _sheet_profile(path: Path, side: str, profile: str | None, headers: dict[str, str | list[str]], sheet: str | int | None) -> list[str]:
    from sepbots.sheets import XlsxEngine

    table, chosen, detected = open_profiled(path, side, profile=profile, headers=headers, sheet=sheet, engine=XlsxEngine.AUTO)
    table.close()
    how = "genkendt på overskrifterne / detected from the headers" if detected else "valgt i opsætningen / set in the configuration"
    name = chosen.name if (detected or profile) else "egen kolonneopsætning / own column mapping"
    known = profile_named(chosen.name, BANK_PROFILES if side == "bank" else LEDGER_PROFILES)
    out = [
        f"Profil / profile: {name} — {known.label('da')} / {known.label('en')} ({how})",
        f"Kilde / source: {known.source}",
        f"Overskriftsrække / header row: {table.header_row}; kolonner / columns: " + ", ".join(repr(c) for c in table.columns),
        "Felter / fields: " + ", ".join(f"{field} ← {header!r}" for field, header in table.mapping.items()),
        f"Decimaltegn / decimal separator: {known.decimal.value!r}",
    ]
    if known.pending_values:
        out.append(f"Reserverede rækker / reserved rows: {known.pending_field} = " + " | ".join(sorted(known.pending_values)))
    return out


def _line(line: Line) -> str:
    parts = [f"  række/row {line.row}: {line.date.isoformat()} {format_ore(line.amount_ore):>14}"]
    if line.voucher:
        parts.append(f"bilag/voucher {line.voucher}")
    parts.append(f"reference {line.reference!r}" if line.reference else "reference –")
    if line.references:
        parts.append("(i rækkefølge / in order: " + ", ".join(repr(r) for r in line.references) + ")")
    if line.reversal:
        parts.append("TILBAGEFØRSEL / REVERSAL")
    parts.append(line.text[:60])
    return " ".join(parts)
