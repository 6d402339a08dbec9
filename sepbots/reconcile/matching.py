"""The matching engine: pure functions from bank and ledger lines to a :class:`Reconciliation`.

Why here, in ``sepbots.reconcile``, and not in the bot folder: bots stay thin and use only the
public API, the same engine serves ledger-to-ledger reconciliation (debitor/kreditor, catalogue
process 11), and the benchmark and property tests drive it without the runtime.

Rules run in order on the lines still unmatched; each rule's matches depend only on the multiset
of remaining lines (never on input order), so shuffling the input never changes the result:

a. same normalised reference and same amount, exactly one line on each side with that pair;
b. same amount, dates at most ``date_window_days`` apart, and each line the other's only
   candidate. Lines whose reference still occurs on the other side are left to rules c and d;
c. one line against all (two or more) remaining lines on the other side with the same reference,
   when they sum exactly to it (split payments; both directions);
d. one line against one with the same reference whose amounts differ by at most
   ``rounding_tolerance_ore`` (flagged as a rounding difference).

Whenever more than one candidate exists the line is left unmatched as ``AMBIGUOUS``: a wrong
automatic match costs more than a manual one.

Before the rules run, two things are settled. The currency: the statement's must be the ledger's
(or the configured account currency), see :mod:`sepbots.reconcile.currency`. And each bank line's
reference: a camt entry or MT940 transaction carries several (structured creditor reference,
``EndToEndId``, ``InstrId``, ``AcctSvcrRef``, remittance text — see ``Line.references``); the
first of them, in that order, that occurs as a reference on the ledger side is the line's
reference, else the first of them. So the order decides which ledger line a bank line matches
when several of its references are known, and a bank's own ``AcctSvcrRef`` never hides an invoice
number further down the list.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from sepbots.reconcile.batch import gc_paused
from sepbots.reconcile.currency import check_currency
from sepbots.reconcile.models import (
    Line,
    Lines,
    MatchGroup,
    MatchOptions,
    Reconciliation,
    Rule,
    Side,
    Unmatched,
    UnmatchedReason,
    new_tuple,
)
from sepbots.reconcile.references import normalise_reference

__all__ = ["prefer_known_references", "reconcile"]


class _State:
    """Remaining lines of both sides, and what has been learnt about them."""

    def __init__(self, bank: Sequence[Line], ledger: Sequence[Line]) -> None:
        self.bank: dict[str, Line] = {line.key: line for line in bank}
        self.ledger: dict[str, Line] = {line.key: line for line in ledger}
        if len(self.bank) != len(bank) or len(self.ledger) != len(ledger):
            raise ValueError("line keys must be unique per side")
        self.ambiguous: set[tuple[Side, str]] = set()
        self.amount_differs: set[tuple[Side, str]] = set()
        self.matches: list[MatchGroup] = []

    def take_pair(self, rule: Rule, bank: Line, ledger: Line) -> None:
        """:meth:`take` for one line of each side (rules a, b and d: ~90 % of all matches)."""
        del self.bank[bank.key]
        del self.ledger[ledger.key]
        self.matches.append(MatchGroup(rule, (bank,), (ledger,)))

    def take(self, rule: Rule, bank: Iterable[Line], ledger: Iterable[Line]) -> None:
        bank_lines = tuple(bank)
        ledger_lines = tuple(ledger)
        if len(bank_lines) > 1:
            bank_lines = tuple(sorted(bank_lines, key=_line_key))
        if len(ledger_lines) > 1:
            ledger_lines = tuple(sorted(ledger_lines, key=_line_key))
        for line in bank_lines:
            del self.bank[line.key]
        for line in ledger_lines:
            del self.ledger[line.key]
        self.matches.append(MatchGroup(rule, bank_lines, ledger_lines))

    def flag(self, lines: Iterable[Line]) -> None:
        self.ambiguous.update((line.side, line.key) for line in lines)


def _line_key(line: Line) -> str:
    return line.key


def reconcile(bank: Sequence[Line], ledger: Sequence[Line], options: MatchOptions | None = None) -> Reconciliation:
    """Match bank lines against ledger lines with rules a–d.

    Args:
        bank: bank statement lines (keys unique).
        ledger: ledger lines in the bank's sign (keys unique).
        options: date window, rounding tolerance and the account currency.

    Returns:
        Match groups sorted by rule, date and key; unmatched lines with reasons sorted by date and key.

    Raises:
        InputError: the statement's currency is not the ledger's (or the account's).
    """
    options = options or MatchOptions()
    currency = check_currency(bank, ledger, options.account_currency)
    with gc_paused():
        result = _reconcile(prefer_known_references(bank, ledger), ledger, options)
    result.currency = currency
    if isinstance(bank, Lines):
        result.bank_profile, result.pending = bank.profile, list(bank.pending)
        result.bank_account = bank.account or ""
        result.bank_balance = bank.balance
    if isinstance(ledger, Lines):
        result.ledger_profile = ledger.profile
    return result


def prefer_known_references(bank: Sequence[Line], ledger: Sequence[Line]) -> Sequence[Line]:
    """Give each bank line with several references the first one the ledger knows (else its first)."""
    if not any(line.references for line in bank):
        return bank
    known = {line.ref_key for line in ledger if line.ref_key}
    chosen: list[Line] = []
    append = chosen.append
    for line in bank:
        if line.references and line.ref_key not in known:
            reference = line.reference
            for candidate in line.references:
                if candidate == reference:  # its normalised form is line.ref_key, known not to be known
                    continue
                ref_key = normalise_reference(candidate)
                if ref_key in known:
                    side, key, row, day, amount, text, _, _, voucher, account, reversal, references = line
                    # positional, as _replace costs a keyword dict and a _make per line
                    line = new_tuple(Line, (side, key, row, day, amount, text, candidate, ref_key, voucher, account, reversal, references))
                    break
        append(line)
    return chosen



def _reconcile(bank: Sequence[Line], ledger: Sequence[Line], options: MatchOptions) -> Reconciliation:
    state = _State(bank, ledger)
    _rule_reference_amount(state)
    _rule_amount_date(state, options.date_window_days)
    _rule_split(state)
    _rule_rounding(state, options.rounding_tolerance_ore)
    _note_amount_differs(state)
    order = {rule: index for index, rule in enumerate(Rule)}

    def sort_key(group: MatchGroup) -> tuple[int, object, str, str]:  # rule; first line's date and key; ledger key
        ledger_lines = group.ledger
        first = (group.bank or ledger_lines)[0]
        return order[group.rule], first.date, first.key, ledger_lines[0].key if ledger_lines else ""

    state.matches.sort(key=sort_key)
    return Reconciliation(
        matches=state.matches,
        unmatched_bank=_unmatched(state, state.bank.values()),
        unmatched_ledger=_unmatched(state, state.ledger.values()),
        bank_total_ore=sum(line.amount_ore for line in bank),
        ledger_total_ore=sum(line.amount_ore for line in ledger),
        bank_count=len(bank),
        ledger_count=len(ledger),
    )


def _unmatched(state: _State, lines: Iterable[Line]) -> list[Unmatched]:
    result = []
    for line in sorted(lines, key=lambda x: (x.date, x.key)):
        marker = (line.side, line.key)
        if marker in state.ambiguous:
            reason = UnmatchedReason.AMBIGUOUS
        elif marker in state.amount_differs:
            reason = UnmatchedReason.AMOUNT_DIFFERS
        else:
            reason = UnmatchedReason.NO_CANDIDATE
        result.append(Unmatched(line=line, reason=reason))
    return result


def _group(lines: Iterable[Line], by_amount: bool) -> dict[tuple[str, int] | str, list[Line]]:
    groups: dict[tuple[str, int] | str, list[Line]] = defaultdict(list)
    for line in lines:
        if line.ref_key:
            groups[(line.ref_key, line.amount_ore) if by_amount else line.ref_key].append(line)
    return groups


def _rule_reference_amount(state: _State) -> None:
    bank_groups = _group(state.bank.values(), by_amount=True)
    ledger_groups = _group(state.ledger.values(), by_amount=True)
    for key, bank_lines in bank_groups.items():
        ledger_lines = ledger_groups.get(key)
        if not ledger_lines:
            continue
        if len(bank_lines) == 1 and len(ledger_lines) == 1:
            state.take_pair(Rule.REFERENCE_AMOUNT, bank_lines[0], ledger_lines[0])
        else:
            state.flag(bank_lines)
            state.flag(ledger_lines)


def _rule_amount_date(state: _State, window: int) -> None:
    bank_refs = {line.ref_key for line in state.bank.values() if line.ref_key}
    ledger_refs = {line.ref_key for line in state.ledger.values() if line.ref_key}
    bank_by_amount = _by_amount(state.bank.values(), ledger_refs)
    ledger_by_amount = _by_amount(state.ledger.values(), bank_refs)
    for amount, bank_lines in bank_by_amount.items():
        ledger_lines = ledger_by_amount.get(amount)
        if not ledger_lines:
            continue
        bank_only = _only_candidates(bank_lines, ledger_lines, window, state)
        ledger_only = _only_candidates(ledger_lines, bank_lines, window, state)
        for bank_line, ledger_line in bank_only.values():
            mutual = ledger_only.get(ledger_line.key)
            if mutual is not None and mutual[1].key == bank_line.key:
                state.take_pair(Rule.AMOUNT_DATE, bank_line, ledger_line)


def _by_amount(lines: Iterable[Line], other_refs: set[str]) -> dict[int, list[Line]]:
    groups: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        if not line.ref_key or line.ref_key not in other_refs:
            groups[line.amount_ore].append(line)
    for group in groups.values():
        group.sort(key=lambda x: (x.date, x.key))
    return groups


def _only_candidates(lines: list[Line], others: list[Line], window: int, state: _State) -> dict[str, tuple[Line, Line]]:
    """Map the key of each line with exactly one candidate in ``others`` (sorted by date) to both lines."""
    dates = [other.date.toordinal() for other in others]
    only: dict[str, tuple[Line, Line]] = {}
    for line in lines:
        day = line.date.toordinal()
        low = bisect_left(dates, day - window)
        high = bisect_right(dates, day + window)
        if high - low == 1:
            only[line.key] = (line, others[low])
        elif high - low > 1:
            state.flag([line, *others[low:high]])
    return only


def _same_reference(state: _State) -> Iterator[tuple[list[Line], list[Line]]]:
    """The remaining lines of both sides per reference that occurs on both (grouped up front)."""
    ledger_groups = _group(state.ledger.values(), by_amount=False)
    for ref, bank_lines in _group(state.bank.values(), by_amount=False).items():
        ledger_lines = ledger_groups.get(ref)
        if ledger_lines:
            yield bank_lines, ledger_lines


def _rule_split(state: _State) -> None:
    for bank_lines, ledger_lines in _same_reference(state):
        bank_sum = sum(line.amount_ore for line in bank_lines)
        ledger_sum = sum(line.amount_ore for line in ledger_lines)
        if bank_sum != ledger_sum:
            continue
        if len(bank_lines) == 1 or len(ledger_lines) == 1:
            if len(bank_lines) + len(ledger_lines) > 2:
                state.take(Rule.SPLIT, bank_lines, ledger_lines)
        else:
            state.flag(bank_lines)
            state.flag(ledger_lines)


def _rule_rounding(state: _State, tolerance: int) -> None:
    if tolerance <= 0:
        return
    for bank_lines, ledger_lines in _same_reference(state):
        if len(bank_lines) != 1 or len(ledger_lines) != 1:
            continue
        if abs(bank_lines[0].amount_ore - ledger_lines[0].amount_ore) <= tolerance:
            state.take_pair(Rule.ROUNDING, bank_lines[0], ledger_lines[0])


def _note_amount_differs(state: _State) -> None:
    bank_refs = {line.ref_key for line in state.bank.values() if line.ref_key}
    ledger_refs = {line.ref_key for line in state.ledger.values() if line.ref_key}
    for lines, other_refs in ((state.bank.values(), ledger_refs), (state.ledger.values(), bank_refs)):
        state.amount_differs.update((line.side, line.key) for line in lines if line.ref_key in other_refs)
