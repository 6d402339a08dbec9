"""Bank statements of every kind and the ledger export, read from real files made by the sample generator."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bots.bankafstemning.sample import Sample, generate, write_sample
from sepbots.exceptions import InputError
from sepbots.reconcile import (
    BankOptions,
    LedgerOptions,
    Rule,
    StatementKind,
    read_bank,
    read_ledger,
    reconcile,
    write_reconciliation,
)
from tests.xlsx import active_sheet

SampleFiles = tuple[Sample, dict[str, Path]]  # the generated statement, and its files by format


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> SampleFiles:
    sample = generate(600, seed=5)
    formats = ("xlsx", "csv", "camt", "camt054", "mt940", "nordea")
    return sample, write_sample(sample, tmp_path_factory.mktemp("sample"), formats)


def test_every_statement_kind_gives_the_same_reconciliation(sample_files: SampleFiles) -> None:
    """The .xlsx, the netbank CSVs (Danske Bank, Nordea), camt.053, camt.054 and MT940 of one statement reconcile identically."""
    _, paths = sample_files
    ledger = read_ledger(paths["ledger"])
    outcomes = {}
    for fmt, kind in (
        ("xlsx", StatementKind.XLSX),
        ("csv", StatementKind.CSV),
        ("camt", StatementKind.CAMT053),
        ("camt054", StatementKind.CAMT054),
        ("mt940", StatementKind.MT940),
        ("nordea", StatementKind.CSV),
    ):
        found, bank = read_bank(paths[fmt])
        assert found is kind
        result = reconcile(bank, ledger)
        outcomes[fmt] = (
            sorted((g.rule, sorted((x.date, x.amount_ore) for x in g.bank), [x.key for x in g.ledger]) for g in result.matches),
            sorted(u.line.amount_ore for u in result.unmatched_bank),
        )
    assert outcomes["xlsx"] == outcomes["csv"] == outcomes["camt"] == outcomes["camt054"] == outcomes["mt940"] == outcomes["nordea"]
    assert {g[0] for g in outcomes["csv"][0]} == set(Rule)


def test_no_automatic_match_contradicts_the_generated_truth(sample_files: SampleFiles) -> None:
    """Every match joins lines the generator made for each other; planted ambiguities are never matched."""
    sample, paths = sample_files
    _, bank = read_bank(paths["csv"])
    ledger = read_ledger(paths["ledger"])
    bank_ident = {line.key: sample.bank[i].ident for i, line in enumerate(bank)}
    ledger_ident = {line.key: sample.ledger[i].ident for i, line in enumerate(ledger)}
    result = reconcile(bank, ledger)
    matched_bank = set()
    for group in result.matches:
        ledger_ids = {ledger_ident[x.key] for x in group.ledger}
        for x in group.bank:
            ident = bank_ident[x.key]
            matched_bank.add(ident)
            assert sample.truth.get(ident) == ledger_ids, (group.rule, x)
    assert not matched_bank & sample.ambiguous_bank
    recall = len(matched_bank) / len(sample.truth)
    assert recall > 0.97


def test_the_output_workbook_has_the_four_sheets_and_balances(sample_files: SampleFiles, tmp_path: Path) -> None:
    """Oversigt, Afstemt, Uafstemt bank and Uafstemt bogføring; counts and sums agree with the result."""
    _, paths = sample_files
    _, bank = read_bank(paths["xlsx"])
    result = reconcile(bank, read_ledger(paths["ledger"]))
    out = write_reconciliation(tmp_path / "afstemning.xlsx", result, info=[("bank_file", "kontoudtog.xlsx")])
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Oversigt", "Afstemt", "Uafstemt bank", "Uafstemt bogføring"]
    summary = {row[0]: row[1:] for row in workbook["Oversigt"].iter_rows(min_row=2, values_only=True)}
    assert summary["Kontoudtog: kontoudtog.xlsx"] == (None, None)
    assert summary["Banklinjer i alt"] == (len(bank), result.bank_total_ore / 100)
    assert summary["Uafstemte banklinjer"][0] == len(result.unmatched_bank) == workbook["Uafstemt bank"].max_row - 1
    assert workbook["Uafstemt bogføring"].max_row - 1 == len(result.unmatched_ledger)
    rules = {row[1] for row in workbook["Afstemt"].iter_rows(min_row=2, values_only=True)}
    assert rules == {rule.label("da") for rule in Rule}
    english = load_workbook(write_reconciliation(tmp_path / "en.xlsx", result, lang="en"))
    assert english.sheetnames == ["Summary", "Matched", "Unmatched bank", "Unmatched ledger"]


def test_ledger_options_headers_account_filter_and_sign(tmp_path: Path) -> None:
    """Ledger header names are configurable, Konto filters lines, and negate flips the sign."""
    workbook = Workbook()
    sheet = active_sheet(workbook)
    sheet.append(["Bilag", "Dato", "Beløb (kr.)", "Ref", "Konto"])
    sheet.append([1001, "05.01.2025", -100.5, "A1", 58000])
    sheet.append([1002, "05.01.2025", 7, "A2", 12345])
    workbook.save(tmp_path / "g.xlsx")
    options = LedgerOptions(
        headers={"bilagsnr": "Bilag", "dato": "Dato", "belob": "Beløb (kr.)", "reference": "Ref"},
        account="58000",
        negate=True,
    )
    lines = read_ledger(tmp_path / "g.xlsx", options)
    assert [(x.voucher, x.amount_ore, x.ref_key, x.account, x.row) for x in lines] == [("1001", 10050, "A1", "58000", 2)]
    with pytest.raises(InputError, match="'Bilagsnr'"):
        read_ledger(tmp_path / "g.xlsx")


def test_bank_reference_column_wins_over_text_and_csv_options_apply(tmp_path: Path) -> None:
    """A Reference column is used as is; a comma CSV with period decimals reads with its options."""
    path = tmp_path / "nykredit.csv"
    path.write_text('Dato,Tekst,Beløb,Reference\n05.01.2025,"FIK 71 99999999","1,234.50",F-7\n', encoding="utf-8")
    _, lines = read_bank(path, BankOptions(decimal=".", csv_delimiter=","))
    assert [(x.amount_ore, x.reference) for x in lines] == [(123450, "F-7")]


def test_bad_statement_files_are_refused(tmp_path: Path) -> None:
    """A text file that is XML but not camt, or a workbook without the bank columns, is an InputError."""
    (tmp_path / "x.xml").write_text("<?xml version='1.0'?><Other/>", encoding="utf-8")
    with pytest.raises(InputError, match="camt.053"):
        read_bank(tmp_path / "x.xml")
    workbook = Workbook()
    active_sheet(workbook).append(["Foo", "Bar"])
    workbook.save(tmp_path / "w.xlsx")
    with pytest.raises(InputError, match="'Dato', 'Beløb'"):
        read_bank(tmp_path / "w.xlsx")
