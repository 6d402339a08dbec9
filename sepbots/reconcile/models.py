"""The values reconciliation works on: lines from both sides, match groups and the result.

Amounts are integer øre throughout. A line's ``key`` is derived from its content (plus an
occurrence number for identical lines), so it is stable across re-runs and re-sorted exports,
and serves as the work-item reference for lines left to a person.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Line",
    "Lines",
    "PendingRow",
    "MatchGroup",
    "MatchOptions",
    "Reconciliation",
    "Rule",
    "Side",
    "Unmatched",
    "KeyMaker",
    "UnmatchedReason",
]


class Side(StrEnum):
    """Which side of the reconciliation a line comes from."""

    BANK = "bank"
    LEDGER = "ledger"


class Rule(StrEnum):
    """Matching rules, applied in this order; each match records the rule that made it."""

    REFERENCE_AMOUNT = "a"  # same reference and amount
    AMOUNT_DATE = "b"  # same amount within the date window, exactly one candidate each way
    SPLIT = "c"  # one line against several with the same reference that sum to it
    ROUNDING = "d"  # same reference, difference within the øre-rounding tolerance (flagged)

    def label(self, lang: str = "da") -> str:
        """A person's name for the rule."""
        return _RULE_LABELS[self][0 if lang == "da" else 1]


_RULE_LABELS = {
    Rule.REFERENCE_AMOUNT: ("a: reference og beløb", "a: reference and amount"),
    Rule.AMOUNT_DATE: ("b: beløb og dato", "b: amount and date"),
    Rule.SPLIT: ("c: delbetalinger med samme reference", "c: split payments with one reference"),
    Rule.ROUNDING: ("d: øredifference (kontrollér)", "d: rounding difference (check)"),
}


class UnmatchedReason(StrEnum):
    """Why a line was left for a person."""

    NO_CANDIDATE = "NO_CANDIDATE"  # nothing on the other side fits
    AMOUNT_DIFFERS = "AMOUNT_DIFFERS"  # the reference is on the other side, the amounts do not fit
    AMBIGUOUS = "AMBIGUOUS"  # more than one candidate: never matched automatically

    def label(self, lang: str = "da") -> str:
        """A person's explanation of the reason."""
        return _REASON_LABELS[self][0 if lang == "da" else 1]


_REASON_LABELS = {
    UnmatchedReason.NO_CANDIDATE: ("ingen modpost fundet", "no counterpart found"),
    UnmatchedReason.AMOUNT_DIFFERS: (
        "referencen findes i modposten, men beløbet afviger",
        "the reference is on the other side but the amount differs",
    ),
    UnmatchedReason.AMBIGUOUS: (
        "flere mulige modposter – afgøres manuelt",
        "several candidates – decide manually",
    ),
}


# Builds a named tuple from its fields in order, as ``tuple.__new__(Line, fields)``: the hot readers and
# the matching build 100,000s of lines, and a named tuple's own ``__new__`` is one more Python call each.
new_tuple = tuple.__new__


class Line(NamedTuple):
    """One bank or ledger line (a named tuple: 200,000 of them are built per run, cheaply).

    Attributes:
        side: bank or ledger.
        key: stable content-derived key, unique within its side of one run.
        row: row (or camt.053 entry) number in the source, for people.
        date: booking date.
        amount_ore: amount in øre, in the bank's sign (money in is positive).
        text: the line's text.
        reference: the payment reference as written (or as extracted from the text).
        ref_key: the normalised reference (``""`` when there is none).
        voucher: ledger voucher number (Bilagsnr), ``""`` for bank lines.
        account: ledger account (Konto), ``""`` for bank lines.
        reversal: a bank entry marked as a reversal (camt ``RvslInd``, MT940 ``RC``/``RD``).
        references: every reference the source carries, in the order they are tried (see
            :func:`sepbots.reconcile.matching.reconcile`); empty when ``reference`` is the only one.
    """

    side: Side
    key: str
    row: int
    date: date
    amount_ore: int
    text: str
    reference: str
    ref_key: str
    voucher: str = ""
    account: str = ""
    reversal: bool = False
    references: tuple[str, ...] = ()


class PendingRow(NamedTuple):
    """A reserved/pending statement row (not yet booked): skipped, and listed on the overview."""

    row: int
    date: str
    text: str
    amount_ore: int | None


class Balance(NamedTuple):
    """A balance a statement states: camt ``Bal`` (``OPBD``, ``PRCD``, ``ITBD``, ``CLBD``) or MT940
    ``:60F:``/``:60M:``/``:62F:``/``:62M:`` (read as ``OPBD``/``ITBD``/``CLBD``/``ITBD``)."""

    code: str
    amount_ore: int
    date: date


@dataclass(frozen=True, slots=True)
class BalanceCheck:
    """The statement's own control: opening balance + the booked entries read = closing balance.

    Over all statements of the account read in one file: the first opening balance (``OPBD`` or
    ``PRCD``, else the first interim ``ITBD``) and the last closing balance (``CLBD``, else the last
    interim). A difference means the file does not hold every booked entry between them (a day
    missing, a truncated file) — or an entry the reader could not see.
    """

    opening: Balance
    closing: Balance
    movements_ore: int

    @property
    def difference_ore(self) -> int:
        """Opening + movements − closing; 0 when the statement balances."""
        return self.opening.amount_ore + self.movements_ore - self.closing.amount_ore

    @property
    def agrees(self) -> bool:
        return self.difference_ore == 0

    @classmethod
    def of(cls, balances: list[Balance], movements_ore: int) -> BalanceCheck | None:
        """The check for ``balances`` in file order; ``None`` when the file states no opening and closing pair."""
        openings = [b for b in balances if b.code in ("OPBD", "PRCD")]
        closings = [b for b in balances if b.code == "CLBD"]
        interim = [b for b in balances if b.code == "ITBD"]
        opening = openings[0] if openings else (interim[0] if interim else None)
        if closings:
            closing = closings[-1]
        elif len(interim) > (0 if openings else 1):
            closing = interim[-1]
        else:
            return None
        return cls(opening, closing, movements_ore) if opening is not None else None


class Lines(list[Line]):
    """The lines read from one file, with what the file says about itself.

    Attributes:
        path: the file.
        profile: the layout it was read as (``nordea``, ``camt.054.001.08``, ``sap`` …).
        currency: the currency the file states (``None`` when it states none).
        account: the statement's account (camt ``Acct``, MT940 ``:25:``; ``None`` when not stated).
        balance: opening + entries = closing, when the statement states both balances (camt.053, MT940).
        pending: reserved/pending rows that were skipped.
    """

    def __init__(
        self,
        lines: list[Line] | None = None,
        *,
        path: Path | None = None,
        profile: str = "",
        currency: str | None = None,
        pending: list[PendingRow] | None = None,
        account: str | None = None,
    ) -> None:
        super().__init__(lines or ())
        self.path = path
        self.profile = profile
        self.currency = currency
        self.account = account
        self.balance: BalanceCheck | None = None
        self.pending = pending or []


@dataclass(frozen=True, slots=True)
class MatchGroup:
    """Bank and ledger lines matched to each other by one rule."""

    rule: Rule
    bank: tuple[Line, ...]
    ledger: tuple[Line, ...]

    @property
    def difference_ore(self) -> int:
        """Bank total minus ledger total (non-zero only for rule d)."""
        return sum(line.amount_ore for line in self.bank) - sum(line.amount_ore for line in self.ledger)

    @property
    def key(self) -> str:
        """Stable key of the group, from its lines' keys."""
        return "match-" + "+".join(line.key for line in self.bank[:1] + self.ledger[:1])


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A line left for a person, with the reason."""

    line: Line
    reason: UnmatchedReason


@dataclass
class Reconciliation:
    """The result: match groups and unmatched lines, each sorted deterministically."""

    matches: list[MatchGroup] = field(default_factory=list)
    unmatched_bank: list[Unmatched] = field(default_factory=list)
    unmatched_ledger: list[Unmatched] = field(default_factory=list)
    bank_total_ore: int = 0
    ledger_total_ore: int = 0
    bank_count: int = 0
    ledger_count: int = 0
    currency: str = ""
    bank_profile: str = ""
    ledger_profile: str = ""
    bank_account: str = ""  # the statement's account, when the file states it (camt, MT940)
    bank_balance: BalanceCheck | None = None  # the statement's balance control, when it states its balances
    pending: list[PendingRow] = field(default_factory=list)

    @property
    def reversals(self) -> list[Line]:
        """The bank lines that are reversals, matched or not, in date order."""
        lines = [line for g in self.matches for line in g.bank if line.reversal]
        lines += [u.line for u in self.unmatched_bank if u.line.reversal]
        return sorted(lines, key=lambda line: (line.date, line.key))

    def count_by_rule(self) -> dict[Rule, int]:
        """Number of match groups per rule."""
        counts = dict.fromkeys(Rule, 0)
        for group in self.matches:
            counts[group.rule] += 1
        return counts


class MatchOptions(BaseModel):
    """Tunable matching settings."""

    model_config = ConfigDict(frozen=True)

    date_window_days: int = Field(3, ge=0, le=60, description="rule b: max days between bank and ledger date")
    rounding_tolerance_ore: int = Field(50, ge=0, le=10_000, description="rule d: largest difference accepted as øre rounding")
    account_currency: str | None = Field(
        None, pattern=r"^[A-Z]{3}$", description="the account's currency; default: the ledger's, else DKK"
    )


_blake2b = hashlib.blake2b


class KeyMaker:
    """Content-derived line keys ``<prefix>-<yyyymmdd>-<digest>`` (``-2``, ``-3`` … for repeats).

    Identical lines get the same base key and are numbered in input order; since they are
    identical, which one gets which number changes nothing about a reconciliation.
    """

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._seen: dict[str, int] = {}
        self._days: dict[date, str] = {}  # strftime costs ~10 µs; a statement has few distinct days

    def __call__(self, day: date, content: tuple[str, ...]) -> str:
        """The key for a line booked on ``day`` whose identifying fields are ``content``."""
        digest = _blake2b("\x1f".join(content).encode(), digest_size=6).hexdigest()
        stem = self._days.get(day)
        if stem is None:
            stem = self._days[day] = f"{self._prefix}-{day:%Y%m%d}-"
        base = stem + digest
        count = self._seen.get(base, 0) + 1
        self._seen[base] = count
        return base if count == 1 else f"{base}-{count}"
