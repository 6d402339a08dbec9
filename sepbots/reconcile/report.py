"""The reconciliation workbook: Oversigt, Afstemt, Uafstemt bank, Uafstemt bogføring.

Danish by default, English with ``lang="en"`` (sheet names and headers both). Amounts are
written from øre as kroner with two decimals; the file is written atomically.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

from sepbots.reconcile.batch import gc_paused
from sepbots.reconcile.models import Line, Reconciliation, Rule, Side, Unmatched, UnmatchedReason
from sepbots.sheets import CellKind, ColumnSpec, SheetSpec, write_workbook

__all__ = ["SHEET_NAMES", "write_reconciliation"]

SHEET_NAMES = {
    "da": ("Oversigt", "Afstemt", "Uafstemt bank", "Uafstemt bogføring"),
    "en": ("Summary", "Matched", "Unmatched bank", "Unmatched ledger"),
}

_T = {
    "da": {
        "measure": "Nøgletal",
        "count": "Antal",
        "amount": "Beløb",
        "bank_file": "Kontoudtog",
        "ledger_file": "Bogføring",
        "created": "Dannet",
        "bank_total": "Banklinjer i alt",
        "ledger_total": "Bogføringslinjer i alt",
        "rule": "Afstemte grupper, regel",
        "matched_bank": "Afstemte banklinjer",
        "matched_ledger": "Afstemte bogføringslinjer",
        "open_bank": "Uafstemte banklinjer",
        "open_ledger": "Uafstemte bogføringslinjer",
        "rounding": "Øredifferencer i alt (regel d)",
        "diff": "Forskel bank − bogføring",
        "group": "Gruppe",
        "rule_col": "Regel",
        "bank_date": "Bank dato",
        "bank_text": "Bank tekst",
        "bank_ref": "Bank reference",
        "bank_amount": "Bank beløb",
        "voucher": "Bilagsnr",
        "ledger_date": "Bogføringsdato",
        "ledger_text": "Bogføring tekst",
        "ledger_ref": "Bogføring reference",
        "ledger_amount": "Bogføring beløb",
        "difference": "Difference",
        "key": "Nøgle",
        "row": "Række",
        "date": "Dato",
        "text": "Tekst",
        "reference": "Reference",
        "account": "Konto",
        "reason": "Årsag",
        "bank_profile": "Kontoudtogets format",
        "ledger_profile": "Bogføringens format",
        "currency": "Valuta",
        "bank_account": "Bankkonto",
        "opening": "Saldo primo ifølge banken",
        "movements": "Bevægelser i kontoudtoget",
        "closing": "Saldo ultimo ifølge banken",
        "balance_check": "Saldokontrol: primo + bevægelser − ultimo",
        "agrees": "stemmer",
        "disagrees": "STEMMER IKKE: der mangler posteringer i filen, eller filen er ufuldstændig",
        "reversals": "Tilbageførsler (RvslInd, MT940 RC/RD)",
        "reversal_row": "Tilbageførsel",
        "pending": "Reserverede/afventende rækker (sprunget over)",
        "pending_row": "Reserveret",
    },
    "en": {
        "measure": "Measure",
        "count": "Count",
        "amount": "Amount",
        "bank_file": "Bank statement",
        "ledger_file": "Ledger",
        "created": "Created",
        "bank_total": "Bank lines in total",
        "ledger_total": "Ledger lines in total",
        "rule": "Matched groups, rule",
        "matched_bank": "Matched bank lines",
        "matched_ledger": "Matched ledger lines",
        "open_bank": "Unmatched bank lines",
        "open_ledger": "Unmatched ledger lines",
        "rounding": "Rounding differences in total (rule d)",
        "diff": "Difference bank − ledger",
        "group": "Group",
        "rule_col": "Rule",
        "bank_date": "Bank date",
        "bank_text": "Bank text",
        "bank_ref": "Bank reference",
        "bank_amount": "Bank amount",
        "voucher": "Voucher",
        "ledger_date": "Posting date",
        "ledger_text": "Ledger text",
        "ledger_ref": "Ledger reference",
        "ledger_amount": "Ledger amount",
        "difference": "Difference",
        "key": "Key",
        "row": "Row",
        "date": "Date",
        "text": "Text",
        "reference": "Reference",
        "account": "Account",
        "reason": "Reason",
        "bank_profile": "Statement format",
        "ledger_profile": "Ledger format",
        "currency": "Currency",
        "bank_account": "Bank account",
        "opening": "Opening balance per bank",
        "movements": "Movements in the statement",
        "closing": "Closing balance per bank",
        "balance_check": "Balance check: opening + movements − closing",
        "agrees": "agrees",
        "disagrees": "DOES NOT AGREE: entries are missing from the file, or the file is incomplete",
        "reversals": "Reversals (RvslInd, MT940 RC/RD)",
        "reversal_row": "Reversal",
        "pending": "Reserved/pending rows (skipped)",
        "pending_row": "Reserved",
    },
}


def summary_rows(result: Reconciliation, lang: str = "da", info: Sequence[tuple[str, str]] = ()) -> list[list[Any]]:
    """The Oversigt sheet's rows: ``[measure, count, amount_ore]``."""
    t = _T[lang]
    matched_bank = [line for group in result.matches for line in group.bank]
    matched_ledger = [line for group in result.matches for line in group.ledger]
    open_bank = [u.line.amount_ore for u in result.unmatched_bank]
    open_ledger = [u.line.amount_ore for u in result.unmatched_ledger]
    rounding = [g.difference_ore for g in result.matches if g.rule is Rule.ROUNDING]
    rows: list[list[Any]] = [[f"{t[key]}: {value}", None, None] for key, value in info]
    described = [
        ("bank_profile", result.bank_profile),
        ("bank_account", result.bank_account),
        ("ledger_profile", result.ledger_profile),
        ("currency", result.currency),
    ]
    rows += [[f"{t[key]}: {value}", None, None] for key, value in described if value]
    check = result.bank_balance
    if check is not None:
        rows += [
            [f"{t['opening']} {check.opening.date:%d.%m.%Y}", None, check.opening.amount_ore],
            [t["movements"], result.bank_count, check.movements_ore],
            [f"{t['closing']} {check.closing.date:%d.%m.%Y}", None, check.closing.amount_ore],
            [f"{t['balance_check']}: {t['agrees'] if check.agrees else t['disagrees']}", None, check.difference_ore],
        ]
    rows += [
        [t["bank_total"], result.bank_count, result.bank_total_ore],
        [t["ledger_total"], result.ledger_count, result.ledger_total_ore],
    ]
    counts = result.count_by_rule()
    for rule in Rule:
        sums = sum(line.amount_ore for g in result.matches if g.rule is rule for line in g.bank)
        rows.append([f"{t['rule']} {rule.label(lang)}", counts[rule], sums])
    rows += [
        [t["matched_bank"], len(matched_bank), sum(line.amount_ore for line in matched_bank)],
        [t["matched_ledger"], len(matched_ledger), sum(line.amount_ore for line in matched_ledger)],
        [t["open_bank"], len(open_bank), sum(open_bank)],
        [t["open_ledger"], len(open_ledger), sum(open_ledger)],
        [t["rounding"], len(rounding), sum(rounding)],
        [t["diff"], None, result.bank_total_ore - result.ledger_total_ore],
    ]
    reversals = result.reversals
    rows.append([t["reversals"], len(reversals), sum(line.amount_ore for line in reversals)])
    rows += [[f"  {t['reversal_row']} {line.date:%d.%m.%Y}: {line.text or line.reference}", None, line.amount_ore] for line in reversals]
    pending = result.pending
    rows.append([t["pending"], len(pending), sum(p.amount_ore or 0 for p in pending)])
    rows += [[f"  {t['pending_row']} ({t['row'].lower()} {p.row}): {p.date} {p.text}".rstrip(), None, p.amount_ore] for p in pending]
    return rows


def _cells(*fields: str) -> itemgetter[Any]:
    """The named fields of a line, as one tuple (by index: cheaper than attribute access)."""
    return itemgetter(*(Line._fields.index(name) for name in fields))


_BANK_CELLS = _cells("date", "text", "reference", "amount_ore")
_LEDGER_CELLS = _cells("voucher", "date", "text", "reference", "amount_ore")
_NO_BANK, _NO_LEDGER = (None,) * 4, (None,) * 5


def _matched_rows(result: Reconciliation, lang: str) -> Iterator[list[Any]]:
    labels = {rule: rule.label(lang) for rule in Rule}
    bank_cells, ledger_cells = _BANK_CELLS, _LEDGER_CELLS
    for number, group in enumerate(result.matches, 1):
        label = labels[group.rule]
        bank, ledger = group.bank, group.ledger
        if len(bank) == 1 and len(ledger) == 1:  # most groups: one row, no sums to build
            b, g = bank[0], ledger[0]
            yield [number, label, *bank_cells(b), *ledger_cells(g), b.amount_ore - g.amount_ore]
            continue
        difference: int | None = group.difference_ore
        for i in range(max(len(bank), len(ledger))):
            b_cells = bank_cells(bank[i]) if i < len(bank) else _NO_BANK
            g_cells = ledger_cells(ledger[i]) if i < len(ledger) else _NO_LEDGER
            yield [number, label, *b_cells, *g_cells, difference]
            difference = None


# The unmatched sheets: (header key, the line's field) per column, then the reason.
_UNMATCHED_COLUMNS = {
    Side.BANK: (("key", "key"), ("row", "row"), ("date", "date"), ("text", "text"), ("reference", "reference"), ("amount", "amount_ore")),
    Side.LEDGER: (
        ("key", "key"),
        ("row", "row"),
        ("voucher", "voucher"),
        ("ledger_date", "date"),
        ("text", "text"),
        ("reference", "reference"),
        ("account", "account"),
        ("amount", "amount_ore"),
    ),
}
_KINDS = {"row": CellKind.INTEGER, "date": CellKind.DATE, "amount_ore": CellKind.ORE}


def _unmatched_sheet(name: str, side: Side, unmatched: Sequence[Unmatched], lang: str) -> SheetSpec:
    t = _T[lang]
    fields = _UNMATCHED_COLUMNS[side]
    columns = [ColumnSpec(t[header], _KINDS.get(field, CellKind.TEXT)) for header, field in fields]
    columns.append(ColumnSpec(t["reason"], CellKind.TEXT))
    cells = _cells(*(field for _, field in fields))
    reasons = {reason: reason.label(lang) for reason in UnmatchedReason}
    return SheetSpec(name, columns, ([*cells(u.line), reasons[u.reason]] for u in unmatched))


def write_reconciliation(path: Path, result: Reconciliation, lang: str = "da", info: Sequence[tuple[str, str]] = ()) -> Path:
    """Write the reconciliation workbook atomically.

    Args:
        path: the target .xlsx.
        result: the reconciliation.
        lang: ``"da"`` or ``"en"``.
        info: extra ``(label key, value)`` lines for the top of Oversigt, label keys
            ``bank_file``, ``ledger_file``, ``created``.

    Returns:
        ``path``.
    """
    lang = lang if lang in _T else "da"
    t = _T[lang]
    names = SHEET_NAMES[lang]
    o, d, x = CellKind.ORE, CellKind.DATE, CellKind.TEXT
    summary = SheetSpec(
        names[0],
        [
            ColumnSpec(t["measure"], x, 48),
            ColumnSpec(t["count"], CellKind.INTEGER, 12),
            ColumnSpec(t["amount"], o, 18),
        ],
        summary_rows(result, lang, info),
    )
    matched = SheetSpec(
        names[1],
        [
            ColumnSpec(t["group"], CellKind.INTEGER),
            ColumnSpec(t["rule_col"], x, 24),
            ColumnSpec(t["bank_date"], d),
            ColumnSpec(t["bank_text"], x),
            ColumnSpec(t["bank_ref"], x),
            ColumnSpec(t["bank_amount"], o),
            ColumnSpec(t["voucher"], x),
            ColumnSpec(t["ledger_date"], d),
            ColumnSpec(t["ledger_text"], x),
            ColumnSpec(t["ledger_ref"], x),
            ColumnSpec(t["ledger_amount"], o),
            ColumnSpec(t["difference"], o),
        ],
        _matched_rows(result, lang),
    )
    open_bank = _unmatched_sheet(names[2], Side.BANK, result.unmatched_bank, lang)
    open_ledger = _unmatched_sheet(names[3], Side.LEDGER, result.unmatched_ledger, lang)
    with gc_paused():
        return write_workbook(path, [summary, matched, open_bank, open_ledger])
