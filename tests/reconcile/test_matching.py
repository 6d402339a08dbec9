"""The matching engine: rules a–d, ambiguity, reference normalisation, and its invariants."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sepbots.reconcile import (
    KeyMaker,
    Line,
    MatchOptions,
    Reconciliation,
    ReferenceExtractor,
    Rule,
    Side,
    UnmatchedReason,
    normalise_reference,
    reconcile,
)
from sepbots.reconcile.matching import prefer_known_references
from sepbots.reconcile.references import _FOLD

D0 = date(2025, 3, 3)


def line(side: Side, amount: int, ref: str = "", day: int = 0, text: str = "", key: str | None = None) -> Line:
    when = D0 + timedelta(days=day)
    prefix = "bank" if side is Side.BANK else "bilag"
    return Line(
        side,
        key or f"{prefix}-{amount}-{ref}-{day}-{text}",
        1,
        when,
        amount,
        text,
        ref,
        normalise_reference(ref),
    )


def bank(amount: int, ref: str = "", day: int = 0, text: str = "") -> Line:
    return line(Side.BANK, amount, ref, day, text)


def ledger(amount: int, ref: str = "", day: int = 0, text: str = "") -> Line:
    return line(Side.LEDGER, amount, ref, day, text)


def rules_of(result: Reconciliation) -> list[tuple[Rule, tuple[str, ...], tuple[str, ...]]]:
    return [(g.rule, tuple(x.key for x in g.bank), tuple(x.key for x in g.ledger)) for g in result.matches]


def test_rule_a_matches_same_reference_and_amount_across_spelling_differences() -> None:
    """Case, spaces, en/em dashes and leading zeros do not stop a reference match."""
    b = [bank(10000, "f-2025–0042"), bank(5000, "000123 456")]
    g = [ledger(10000, "F-2025-0042", day=-40), ledger(5000, "123456", day=30)]
    result = reconcile(b, g)
    assert [m.rule for m in result.matches] == [Rule.REFERENCE_AMOUNT, Rule.REFERENCE_AMOUNT]
    assert not result.unmatched_bank and not result.unmatched_ledger


def test_rule_b_needs_exactly_one_candidate_each_way_inside_the_window() -> None:
    """Same amount within the window matches only when each line is the other's only candidate."""
    result = reconcile(
        [bank(777, day=0), bank(888, day=0)],
        [ledger(777, day=-3), ledger(888, day=4)],
        MatchOptions(date_window_days=3),
    )
    assert rules_of(result) == [(Rule.AMOUNT_DATE, (bank(777).key,), (ledger(777, day=-3).key,))]
    assert [u.line.amount_ore for u in result.unmatched_bank] == [888]
    assert result.unmatched_bank[0].reason is UnmatchedReason.NO_CANDIDATE


def test_ambiguous_candidates_are_never_matched_and_say_why() -> None:
    """Two postings of the same amount near one payment: nothing is matched, all three are AMBIGUOUS."""
    result = reconcile([bank(4200, day=1)], [ledger(4200, day=0), ledger(4200, day=2)])
    assert result.matches == []
    assert {u.reason for u in result.unmatched_bank + result.unmatched_ledger} == {UnmatchedReason.AMBIGUOUS}


def test_duplicate_reference_and_amount_is_ambiguous_for_rule_a() -> None:
    """A double payment (same reference and amount twice) against one invoice is left to a person."""
    result = reconcile([bank(9900, "71234", day=0), bank(9900, "71234", day=1)], [ledger(9900, "71234")])
    assert result.matches == []
    assert len(result.unmatched_bank) == 2
    assert all(u.reason is UnmatchedReason.AMBIGUOUS for u in result.unmatched_bank + result.unmatched_ledger)


def test_rule_b_leaves_lines_whose_reference_has_a_counterpart_to_later_rules() -> None:
    """A referenced posting belonging to a split payment is not taken by an amount-only match."""
    b = [bank(30000, "R1"), bank(10000, day=1)]
    g = [ledger(10000, "R1"), ledger(20000, "R1")]
    result = reconcile(b, g)
    assert rules_of(result) == [
        (
            Rule.SPLIT,
            (bank(30000, "R1").key,),
            tuple(sorted((ledger(10000, "R1").key, ledger(20000, "R1").key))),
        )
    ]
    assert [u.line.amount_ore for u in result.unmatched_bank] == [10000]


def test_rule_c_matches_split_payments_in_both_directions() -> None:
    """One bank line against several postings with its reference, and several bank lines against one."""
    result = reconcile(
        [bank(600, "A"), bank(100, "B"), bank(250, "B")],
        [ledger(100, "A"), ledger(200, "A"), ledger(300, "A"), ledger(350, "B")],
    )
    assert sorted((m.rule, len(m.bank), len(m.ledger)) for m in result.matches) == [
        (Rule.SPLIT, 1, 3),
        (Rule.SPLIT, 2, 1),
    ]
    assert all(m.difference_ore == 0 for m in result.matches)


def test_rule_c_refuses_sums_that_do_not_fit_and_many_to_many() -> None:
    """Parts that do not add up, and n:m groups, stay unmatched (amount differs / ambiguous)."""
    result = reconcile(
        [bank(600, "A"), bank(100, "M"), bank(200, "M")],
        [ledger(100, "A"), ledger(200, "A"), ledger(150, "M"), ledger(150, "M", day=1)],
        MatchOptions(rounding_tolerance_ore=0),
    )
    assert result.matches == []
    reasons = {u.line.ref_key: u.reason for u in result.unmatched_bank}
    assert reasons == {"A": UnmatchedReason.AMOUNT_DIFFERS, "M": UnmatchedReason.AMBIGUOUS}


def test_rule_d_flags_rounding_differences_within_tolerance_only() -> None:
    """A difference of up to the tolerance matches as rule d with the difference recorded; more does not."""
    result = reconcile(
        [bank(10049, "X"), bank(10051, "Y")],
        [ledger(10000, "X"), ledger(10000, "Y")],
        MatchOptions(rounding_tolerance_ore=50),
    )
    assert [(m.rule, m.difference_ore) for m in result.matches] == [(Rule.ROUNDING, 49)]
    assert result.unmatched_bank[0].reason is UnmatchedReason.AMOUNT_DIFFERS


def test_reference_extraction_defaults() -> None:
    """FIK code lines, FIK/OCR numbers and invoice numbers are found in bank text; other text gives none."""
    extract = ReferenceExtractor().extract
    assert extract("Indbetaling +71<000000012345678") == "000000012345678"
    assert extract("FIK 71 987654321 Hansen") == "987654321"
    assert extract("OCR: 12345678") == "12345678"
    assert extract("Betaling faktura 2025-00042 Vej & Park") == "2025-00042"
    assert extract("Fakt.nr. F-88 leverandør") == "F-88"
    assert extract("Invoice INV–1007") == "INV–1007"
    assert extract("Overførsel Jens Hansen 2025") == ""
    assert ReferenceExtractor([r"Sag (\d+)"]).extract("Betaling Sag 4711") == "4711"
    with pytest.raises(ValueError):
        ReferenceExtractor([r"no group"])


def test_normalise_reference() -> None:
    """Normalisation folds case, spaces, all dashes and leading zeros, and nothing else."""
    assert normalise_reference(" f\u2013 2025\u20140042 ") == "F-2025-0042"
    assert normalise_reference("000") == ""
    assert normalise_reference("00120") == "120"
    assert normalise_reference("A.1") != normalise_reference("A1")
    assert normalise_reference("f 00\t12") == "F0012"  # the ASCII fast path folds the tab as translate does


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"0aZf- \t.1/", "\u00a0", "\u2013", "\u2212", "\u202f", "\uff0d", "ß", "æ"]), max_size=12))
def test_normalise_reference_is_the_fold_table_for_every_text(text: str) -> None:
    """The ASCII fast path gives what the fold table gives (only its space and tab are ASCII)."""
    assert normalise_reference(text) == text.translate(_FOLD).upper().lstrip("0")


def _prefer_by_the_book(bank: list[Line], ledger: list[Line]) -> list[Line]:
    """What prefer_known_references promises, written plainly (every candidate normalised, _replace)."""
    known = {x.ref_key for x in ledger if x.ref_key}
    chosen = []
    for x in bank:
        if x.references and x.ref_key not in known:
            for candidate in x.references:
                if normalise_reference(candidate) in known:
                    x = x._replace(reference=candidate, ref_key=normalise_reference(candidate))
                    break
        chosen.append(x)
    return chosen


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["", "R1", "r 1", "R\u20131", "0R2", "R2", "77", "x"]), max_size=4), max_size=8),
    st.lists(st.sampled_from(["", "R1", "R2", "77", "Q"]), max_size=6),
)
def test_prefer_known_references_takes_the_first_known_reference(refs: list[list[str]], known: list[str]) -> None:
    """Each bank line gets its first reference the ledger knows, else keeps its first (the line's own)."""
    bank_lines = []
    for i, candidates in enumerate(refs):
        first = candidates[0] if candidates else ""
        bank_lines.append(bank(100 + i, first)._replace(references=tuple(candidates) if len(candidates) > 1 else ()))
    ledger_lines = [ledger(100, ref) for ref in known]
    assert list(prefer_known_references(bank_lines, ledger_lines)) == _prefer_by_the_book(bank_lines, ledger_lines)


# -- invariants ---------------------------------------------------------------------------------

_amounts = st.sampled_from([100, 250, 999, 1000, 1001, 1049, 5000, -300, 12345])
_refs = st.sampled_from(["", "", "R1", "r-1", "R\u20131", "0R2", "R2", "77"])


@st.composite
def _lines(draw: st.DrawFn) -> tuple[list[Line], list[Line]]:
    sides = []
    for side in (Side.BANK, Side.LEDGER):
        key = KeyMaker(side.value)
        items = []
        for _ in range(draw(st.integers(0, 14))):
            day = D0 + timedelta(days=draw(st.integers(0, 10)))
            amount, ref = draw(_amounts), draw(_refs)
            items.append(Line(side, key(day, (str(amount), ref)), 1, day, amount, "", ref, normalise_reference(ref)))
        sides.append(items)
    return sides[0], sides[1]


def _signature(result: Reconciliation) -> tuple[object, ...]:
    return (
        tuple(rules_of(result)),
        tuple((u.line.key, u.reason) for u in result.unmatched_bank),
        tuple((u.line.key, u.reason) for u in result.unmatched_ledger),
    )


@settings(max_examples=200, deadline=None)
@given(_lines(), st.integers(0, 3), st.integers(0, 60))
def test_no_line_is_matched_twice_and_every_line_is_accounted_for(data: tuple[list[Line], list[Line]], window: int, tolerance: int) -> None:
    """Each input line ends up in exactly one match group or in the unmatched list, never both or twice."""
    b, g = data
    result = reconcile(b, g, MatchOptions(date_window_days=window, rounding_tolerance_ore=tolerance))
    for side, lines, unmatched in ((0, b, result.unmatched_bank), (1, g, result.unmatched_ledger)):
        matched = [x.key for m in result.matches for x in (m.bank if side == 0 else m.ledger)]
        left = [u.line.key for u in unmatched]
        assert sorted(matched + left) == sorted(x.key for x in lines)
        assert len(set(matched)) == len(matched)


@settings(max_examples=200, deadline=None)
@given(_lines(), st.integers(0, 60))
def test_matched_plus_unmatched_sums_equal_the_input_totals(data: tuple[list[Line], list[Line]], tolerance: int) -> None:
    """Per side, matched plus unmatched amounts equal the input total; only rule d leaves a difference."""
    b, g = data
    result = reconcile(b, g, MatchOptions(rounding_tolerance_ore=tolerance))
    bank_sum = sum(x.amount_ore for m in result.matches for x in m.bank) + sum(u.line.amount_ore for u in result.unmatched_bank)
    ledger_sum = sum(x.amount_ore for m in result.matches for x in m.ledger) + sum(u.line.amount_ore for u in result.unmatched_ledger)
    assert bank_sum == result.bank_total_ore == sum(x.amount_ore for x in b)
    assert ledger_sum == result.ledger_total_ore == sum(x.amount_ore for x in g)
    for m in result.matches:
        assert (m.difference_ore == 0) == (m.rule is not Rule.ROUNDING)
        assert abs(m.difference_ore) <= tolerance


@settings(max_examples=200, deadline=None)
@given(_lines(), st.randoms(use_true_random=False))
def test_shuffling_the_input_never_changes_the_result(data: tuple[list[Line], list[Line]], rnd: random.Random) -> None:
    """The result depends on the lines, not on their order in either file."""
    b, g = data
    before = _signature(reconcile(b, g))
    b2, g2 = list(b), list(g)
    rnd.shuffle(b2)
    rnd.shuffle(g2)
    assert _signature(reconcile(b2, g2)) == before
