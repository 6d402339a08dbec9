"""Bankafstemning: reconcile a bank statement against the finance system's postings.

Catalogue process ``bankafstemning`` (one reconciliation a day, domain research §7 row 12).
The producer reads both inputs and matches them as a whole batch (rules a–d, see
:mod:`sepbots.reconcile.matching`), because matching needs every line at once. It yields:

- one ``RECONCILIATION`` item for the reconciliation itself, completed as done;
- one item per line left unmatched (``UNMATCHED_BANK``/``UNMATCHED_LEDGER``); the processor
  sends each to manual handling with a business exception, so a person sees it in the item
  ledger and the dashboard, and its measured handling time reaches the gains;
- with ``matched_items = true``, also one done item per match group (off by default: the
  catalogue has no per-line minutes, and 100,000 ledger rows per day buy nothing; the benchmark
  measures what they cost).

``finish`` writes the workbook (Oversigt, Afstemt, Uafstemt bank, Uafstemt bogføring) atomically.
Gains: the catalogue's counting unit is the statement line. The run that reconciled records
(``ctx.record_units`` in ``finish``) the matched bank lines as done and the unmatched lines as handed over
(``Gains(counted=Counting.RUN)``), each done line credited the baseline 0.11 minutes.

Bad input (missing column, text in an amount cell, .xls, password, invalid camt.053 …) stops the
run in the producer with an ``InputError``: exit code 2 and no output file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sepbots import BotContext, BusinessException, Counting, Gains, InputError, NewItem, WorkItem, bot
from sepbots.reconcile import (
    DEFAULT_REFERENCE_PATTERNS,
    BankOptions,
    LedgerOptions,
    Line,
    MatchOptions,
    Reconciliation,
    Rule,
    UnmatchedReason,
    read_bank,
    read_ledger,
    reconcile,
    write_reconciliation,
)
from sepbots.sheets import DecimalSeparator, format_ore


class EntryKind(StrEnum):
    """What a work item of this bot stands for."""

    RECONCILIATION = "RECONCILIATION"
    MATCHED = "MATCHED"
    UNMATCHED_BANK = "UNMATCHED_BANK"
    UNMATCHED_LEDGER = "UNMATCHED_LEDGER"


class Entry(BaseModel):
    """Payload: the reconciliation, one match group, or one unmatched line with its reason."""

    kind: EntryKind
    source: str
    row: int | None = None
    date: dt.date | None = None
    amount_ore: int = 0
    text: str = ""
    reference: str = ""
    voucher: str = ""
    account: str = ""
    reason: UnmatchedReason | None = None
    rule: Rule | None = None
    counts: dict[str, int] = Field(default_factory=dict)


class Params(BaseModel):
    """Run parameters (defaults in config.toml; header mappings as TOML tables there)."""

    model_config = ConfigDict(extra="forbid")

    bank: Path
    ledger: Path
    output: Path
    date_window_days: int = Field(3, ge=0, le=60)
    rounding_tolerance_ore: int = Field(50, ge=0, le=10_000)
    bank_profile: str | None = None
    bank_account: str | None = None
    ledger_profile: str | None = None
    account_currency: str | None = None
    bank_headers: dict[str, str | list[str]] = Field(default_factory=dict)
    ledger_headers: dict[str, str | list[str]] = Field(default_factory=dict)
    bank_sheet: str | None = None
    ledger_sheet: str | None = None
    reference_patterns: list[str] = Field(default_factory=lambda: list(DEFAULT_REFERENCE_PATTERNS))
    csv_encoding: str | None = None
    csv_delimiter: str | None = None
    decimal: DecimalSeparator | None = None
    ledger_account: str | None = None
    ledger_negate: bool = False
    matched_items: bool = False


class _Result:
    """The producer's reconciliation, kept for ``finish`` for the length of the run."""

    def __init__(self) -> None:
        self.value: Reconciliation | None = None

    def close(self) -> None:
        self.value = None


def _run_reconciliation(params: Params) -> Reconciliation:
    for name in ("bank", "ledger"):
        path: Path = getattr(params, name)
        if not path.is_file():
            raise InputError("filen findes ikke / the file does not exist", file=path)
    try:
        bank_options = BankOptions(
            profile=params.bank_profile,
            headers=params.bank_headers,
            sheet=params.bank_sheet,
            reference_patterns=tuple(params.reference_patterns),
            csv_encoding=params.csv_encoding,
            csv_delimiter=params.csv_delimiter,
            decimal=params.decimal,
            account=params.bank_account,
        )
        ledger_options = LedgerOptions(
            profile=params.ledger_profile,
            headers=params.ledger_headers,
            sheet=params.ledger_sheet,
            account=params.ledger_account,
            negate=params.ledger_negate,
        )
        _, bank = read_bank(params.bank, bank_options)
        ledger = read_ledger(params.ledger, ledger_options)
        options = MatchOptions(
            date_window_days=params.date_window_days,
            rounding_tolerance_ore=params.rounding_tolerance_ore,
            account_currency=params.account_currency,
        )
    except ValueError as exc:  # a header mapping naming an unknown field, a bad pattern or profile
        if isinstance(exc, InputError):
            raise
        raise InputError(f"ugyldig opsætning / invalid settings: {exc}") from None
    return reconcile(bank, ledger, options)


def _digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=8)
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _line_entry(kind: EntryKind, line: Line, source: str, reason: UnmatchedReason) -> Entry:
    return Entry(
        kind=kind,
        source=source,
        row=line.row,
        date=line.date,
        amount_ore=line.amount_ore,
        text=line.text,
        reference=line.reference,
        voucher=line.voucher,
        account=line.account,
        reason=reason,
    )


def produce(ctx: BotContext[Params]) -> Iterator[NewItem[Entry]]:
    """Read both inputs, match them, and yield the reconciliation and every unmatched line."""
    params = ctx.params
    result = _run_reconciliation(params)
    ctx.use("reconciliation", _Result).value = result
    counts: dict[str, int] = {f"rule_{rule.value}": n for rule, n in result.count_by_rule().items()}
    counts |= {
        "bank_lines": result.bank_count,
        "ledger_lines": result.ledger_count,
        "unmatched_bank": len(result.unmatched_bank),
        "unmatched_ledger": len(result.unmatched_ledger),
    }
    check = result.bank_balance
    if check is not None:
        counts["balance_difference_ore"] = check.difference_ore
        if not check.agrees:  # the overview sheet says so too
            ctx.log.warning("statement_does_not_balance", difference_ore=check.difference_ore)
    ctx.log.info("reconciled", **counts)
    run_key = f"afstemning-{_digest(params.bank)}-{_digest(params.ledger)}"
    yield NewItem(
        reference=run_key,
        payload=Entry(
            kind=EntryKind.RECONCILIATION,
            source=params.bank.name,
            amount_ore=result.bank_total_ore,
            counts=counts,
        ),
    )
    for unmatched in result.unmatched_bank:
        yield NewItem(
            reference=unmatched.line.key,
            payload=_line_entry(EntryKind.UNMATCHED_BANK, unmatched.line, params.bank.name, unmatched.reason),
        )
    for unmatched in result.unmatched_ledger:
        yield NewItem(
            reference=unmatched.line.key,
            payload=_line_entry(EntryKind.UNMATCHED_LEDGER, unmatched.line, params.ledger.name, unmatched.reason),
        )
    if params.matched_items:
        for group in result.matches:
            first = (group.bank or group.ledger)[0]
            yield NewItem(
                reference=group.key,
                payload=Entry(
                    kind=EntryKind.MATCHED,
                    source=params.bank.name,
                    row=first.row,
                    date=first.date,
                    amount_ore=sum(x.amount_ore for x in group.bank),
                    reference=first.reference,
                    rule=group.rule,
                ),
            )


def finish(ctx: BotContext[Params], items: list[WorkItem[Entry]]) -> None:
    """Write the reconciliation workbook atomically."""
    params = ctx.params
    holder = ctx.use("reconciliation", _Result)
    if holder.value is not None:
        # The counting unit is the statement line: matched bank lines are done, every line left to a
        # person (bank or ledger side) is handed over. Recorded once, by the run that reconciled
        # (a queue-triggered retry run does not count the lines again); no item per matched line.
        ctx.record_units(
            done=holder.value.bank_count - len(holder.value.unmatched_bank),
            handed_over=len(holder.value.unmatched_bank) + len(holder.value.unmatched_ledger),
        )
    result = holder.value if holder.value is not None else _run_reconciliation(params)
    output = ctx.output_path(params.output)
    created = ctx.clock.now().strftime("%Y-%m-%d %H:%M UTC")
    info = [("bank_file", params.bank.name), ("ledger_file", params.ledger.name), ("created", created)]
    write_reconciliation(output, result, lang=ctx.lang, info=info)
    ctx.log.info("workbook_written", sheets=4, matched=len(result.matches))


_MESSAGES = {
    "da": {
        EntryKind.UNMATCHED_BANK: "Banklinje {row} ({date}, {amount} kr., reference {reference}) er ikke afstemt: {reason}",
        EntryKind.UNMATCHED_LEDGER: "Bilag {voucher} ({date}, {amount} kr., reference {reference}) er ikke afstemt: {reason}",
    },
    "en": {
        EntryKind.UNMATCHED_BANK: "Bank line {row} ({date}, DKK {amount}, reference {reference}) is unmatched: {reason}",
        EntryKind.UNMATCHED_LEDGER: "Voucher {voucher} ({date}, DKK {amount}, reference {reference}) is unmatched: {reason}",
    },
}


@bot(
    name="bankafstemning",
    process="bankafstemning",
    params=Params,
    producer=produce,
    finish=finish,
    max_attempts=1,
    gains=Gains(unit="kontoudtogslinje", credited_minutes=Decimal("0.11"), step="afstemning af kontoudtogslinjer",
                counted=Counting.RUN),
)
def handle(item: WorkItem[Entry], ctx: BotContext[Params]) -> dict[str, Any] | None:
    """Bankafstemning: kontoudtog mod bogføring, uafstemte linjer til manuel behandling."""
    entry = item.payload
    if entry.kind is EntryKind.RECONCILIATION:
        return {"counts": entry.counts}
    if entry.kind is EntryKind.MATCHED:
        return {"rule": entry.rule.value if entry.rule else None}
    lang = ctx.lang if ctx.lang in _MESSAGES else "da"
    reason = entry.reason.label(lang) if entry.reason else ""
    message = _MESSAGES[lang][entry.kind].format(
        row=entry.row,
        date=entry.date.strftime("%d.%m.%Y") if entry.date else "?",
        amount=format_ore(entry.amount_ore),
        reference=entry.reference or "–",
        voucher=entry.voucher,
        reason=reason,
    )
    raise BusinessException(message, code=entry.kind.value)
