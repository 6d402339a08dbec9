"""The statement corpus: every format and version parses to exactly the lines written beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sepbots.reconcile import Line, read_bank, read_ledger

CORPUS = Path(__file__).resolve().parent / "corpus"
BANK_FILES = sorted(p for folder in ("camt", "swift", "csv") for p in (CORPUS / folder).iterdir() if p.suffix != ".json")
LEDGER_FILES = sorted(p for p in (CORPUS / "ledger").iterdir() if p.suffix != ".json")


def _expected(path: Path) -> dict[str, Any]:
    """The expected JSON document beside a corpus file."""
    expected: dict[str, Any] = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    return expected


def _bank_view(line: Line) -> dict[str, object]:
    references = list(line.references) or ([line.reference] if line.reference else [])
    return {
        "row": line.row,
        "date": line.date.isoformat(),
        "amount_ore": line.amount_ore,
        "text": line.text,
        "reference": line.reference,
        "references": references,
        "reversal": line.reversal,
    }


def test_the_corpus_covers_every_format_and_version() -> None:
    """camt.053 and camt.054 in all twelve versions, MT940, MT942, nine netbank layouts, four ledger layouts."""
    names = {p.name for p in BANK_FILES}
    for message in ("camt.053", "camt.054"):
        assert {f"{message}.001.{v:02d}.xml" for v in range(2, 14)} <= names
    assert {"mt940.sta", "mt942.sta"} <= names
    banks = {"danske-bank", "nordea", "jyske-bank", "sydbank", "spar-nord", "arbejdernes-landsbank", "nykredit", "lunar", "standard"}
    assert {f"{b}.csv" for b in banks} <= names
    assert {p.name for p in LEDGER_FILES} == {"sap-da.csv", "sap-en.csv", "prisme.csv", "standard-debet-kredit.csv"}


@pytest.mark.parametrize("path", BANK_FILES, ids=lambda p: p.name)
def test_every_statement_file_parses_to_exactly_its_expected_lines(path: Path) -> None:
    """Lines (date, øre, text, references in order, reversal), skipped pending rows, profile, currency and the
    statement's balance control as written."""
    expected = _expected(path)
    _, lines = read_bank(path)
    assert [_bank_view(line) for line in lines] == expected["lines"]
    assert [{"row": p.row, "amount_ore": p.amount_ore, "text": p.text} for p in lines.pending] == expected["pending"]
    assert lines.profile == expected["profile"]
    assert lines.currency == expected["currency"]
    assert len({line.key for line in lines}) == len(lines)
    balance = expected.get("balance")  # camt.053 and MT940 state their opening and closing balances
    if balance is None:
        assert lines.balance is None
    else:
        check = lines.balance
        assert check is not None
        assert (check.opening.amount_ore, check.movements_ore, check.closing.amount_ore, check.difference_ore) == (
            balance["opening_ore"], balance["movements_ore"], balance["closing_ore"], balance["difference_ore"])
        assert check.agrees


@pytest.mark.parametrize("path", LEDGER_FILES, ids=lambda p: p.name)
def test_every_ledger_export_parses_to_exactly_its_expected_lines(path: Path) -> None:
    """SAP/KMD Opus (Danish and English headers, trailing minus), Prisme and debit/credit layouts read alike."""
    expected = _expected(path)
    lines = read_ledger(path)
    view = [
        {
            "row": x.row,
            "voucher": x.voucher,
            "date": x.date.isoformat(),
            "amount_ore": x.amount_ore,
            "reference": x.reference,
            "text": x.text,
            "account": x.account,
        }
        for x in lines
    ]
    assert view == expected["lines"]
    assert lines.profile == expected["profile"]
    assert lines.currency == expected["currency"]
