"""Reference order, currency check, profiles and the profile command on real files."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sepbots.cli import app
from sepbots.exceptions import InputError
from sepbots.reconcile import BankOptions, LedgerOptions, MatchOptions, Rule, read_bank, read_ledger, reconcile, write_reconciliation

CORPUS = Path(__file__).resolve().parent / "corpus"
NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"


def _camt(tmp_path: Path, refs: str, ustrd: str = "Indbetaling", amount: str = "100.00", ccy: str = "DKK") -> Path:
    path = tmp_path / "advis.xml"
    path.write_text(
        f'<?xml version="1.0"?><Document xmlns="{NS}"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M</MsgId></GrpHdr>'
        "<Ntfctn><Id>N1</Id><Acct><Id><IBAN>DK50</IBAN></Id></Acct>"
        f'<Ntry><Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        "<BookgDt><Dt>2025-03-03</Dt></BookgDt><AcctSvcrRef>BANK-9</AcctSvcrRef>"
        f"<NtryDtls><TxDtls>{refs}<RmtInf><Ustrd>{ustrd}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>",
        encoding="utf-8",
    )
    return path


def _ledger(tmp_path: Path, *rows: tuple[str, str, str], currency: str | None = None) -> Path:
    path = tmp_path / "bogforing.csv"
    head = "Bilagsnr;Bogføringsdato;Beløb;Reference" + (";Valuta" if currency else "")
    body = [f"{v};03.03.2025;{amount};{ref}" + (f";{currency}" if currency else "") for v, amount, ref in rows]
    path.write_text("\n".join([head, *body]) + "\n", encoding="utf-8")
    return path


STRD_E2E = "<Refs><EndToEndId>E2E-1</EndToEndId></Refs>"
STRD = "<Strd><CdtrRefInf><Ref>RF-STRD</Ref></CdtrRefInf></Strd>"


def _matched_voucher(bank: Path, ledger: Path) -> tuple[Rule, str, str]:
    _, lines = read_bank(bank)
    result = reconcile(lines, read_ledger(ledger))
    assert len(result.matches) == 1, result
    group = result.matches[0]
    return group.rule, group.ledger[0].voucher, group.bank[0].reference


def test_the_structured_reference_wins_over_end_to_end_id_and_so_on_down_the_order(tmp_path: Path) -> None:
    """With Strd, EndToEndId, AcctSvcrRef and a text reference all known to the ledger, each is chosen only when those before it are not."""
    refs = STRD_E2E
    bank = _camt(tmp_path, refs, ustrd="Faktura 2025-00042").read_text(encoding="utf-8").replace(
        "<Ustrd>Faktura 2025-00042</Ustrd>", f"<Ustrd>Faktura 2025-00042</Ustrd>{STRD}"
    )
    path = tmp_path / "order.xml"
    path.write_text(bank, encoding="utf-8")
    every = [("1", "100,00", "2025-00042"), ("2", "100,00", "BANK-9"), ("3", "100,00", "E2E-1"), ("4", "100,00", "RF-STRD")]
    for expected in ("4", "3", "2", "1"):
        ledger = _ledger(tmp_path, *[row for row in every if int(row[0]) <= int(expected)])
        rule, voucher, _ = _matched_voucher(path, ledger)
        assert (rule, voucher) == (Rule.REFERENCE_AMOUNT, expected)


def test_notprovided_is_never_a_reference(tmp_path: Path) -> None:
    """EndToEndId NOTPROVIDED is skipped: a ledger line with that 'reference' is not matched by rule a."""
    bank = _camt(tmp_path, "<Refs><EndToEndId>NOTPROVIDED</EndToEndId><InstrId>NOTPROVIDED</InstrId></Refs>")
    _, lines = read_bank(bank)
    assert [line.reference for line in lines] == ["BANK-9"]
    result = reconcile(lines, read_ledger(_ledger(tmp_path, ("1", "100,00", "NOTPROVIDED"), ("2", "100,00", "NOTPROVIDED"))))
    assert not result.matches


def test_instr_id_carries_the_payers_reference_when_it_is_all_there_is(tmp_path: Path) -> None:
    """InstrId (not NOTPROVIDED) is tried after EndToEndId and before AcctSvcrRef."""
    bank = _camt(tmp_path, "<Refs><InstrId>PAYER-9</InstrId></Refs>")
    rule, voucher, reference = _matched_voucher(bank, _ledger(tmp_path, ("1", "100,00", "BANK-9"), ("2", "100,00", "payer-9")))
    assert (rule, voucher, reference) == (Rule.REFERENCE_AMOUNT, "2", "PAYER-9")


def test_a_statement_in_another_currency_stops_with_both_named(tmp_path: Path) -> None:
    """EUR against a DKK ledger (stated or assumed) is an InputError; a configured EUR account accepts it."""
    bank = _camt(tmp_path, STRD_E2E, ccy="EUR")
    _, lines = read_bank(bank)
    with pytest.raises(InputError, match="kontoudtoget er i EUR, bogføringen er i DKK / the statement is in EUR, the ledger is in DKK"):
        reconcile(lines, read_ledger(_ledger(tmp_path, ("1", "100,00", "E2E-1"))))
    with pytest.raises(InputError, match="EUR.*kontoens valuta \\(account_currency\\) er CHF"):
        reconcile(lines, read_ledger(_ledger(tmp_path, ("1", "100,00", "E2E-1"))), MatchOptions(account_currency="CHF"))
    result = reconcile(lines, read_ledger(_ledger(tmp_path, ("1", "100,00", "E2E-1"))), MatchOptions(account_currency="EUR"))
    assert result.currency == "EUR" and len(result.matches) == 1
    with pytest.raises(InputError, match="bogføringen er i DKK, kontoens valuta"):
        reconcile(lines, read_ledger(_ledger(tmp_path, ("1", "100,00", "E2E-1"), currency="DKK")), MatchOptions(account_currency="EUR"))


def test_reversals_and_reserved_rows_are_listed_on_the_overview(tmp_path: Path) -> None:
    """The overview sheet names the format and currency, lists each reversal and each skipped reserved row."""
    _, bank = read_bank(CORPUS / "camt" / "camt.053.001.08.xml")
    result = reconcile(bank, read_ledger(_ledger(tmp_path, ("1", "1.250,00", "000000012345678"))))
    overview = load_workbook(write_reconciliation(tmp_path / "a.xlsx", result))["Oversigt"]
    rows = [r[0] for r in overview.iter_rows(min_row=2, values_only=True)]
    assert "Kontoudtogets format: camt.053.001.08" in rows and "Valuta: DKK" in rows
    assert any(str(r).startswith("  Tilbageførsel 05.03.2025: Tilbageført betaling") for r in rows)
    assert any(str(r).startswith("  Reserveret (række 6): 2025-03-05 Afventer indbetaling") for r in rows)
    _, nordea = read_bank(CORPUS / "csv" / "nordea.csv")
    english = load_workbook(write_reconciliation(tmp_path / "e.xlsx", reconcile(nordea, []), lang="en"))["Summary"]
    summary = {r[0]: r[1:] for r in english.iter_rows(min_row=2, values_only=True)}
    assert summary["Reserved/pending rows (skipped)"] == (1, -99.95)
    assert summary["Statement format: nordea"] == (None, None)


def test_a_named_profile_and_header_mapping_override_detection(tmp_path: Path) -> None:
    """bank_profile reads a file whose header differs; an unknown profile name lists the known ones."""
    path = tmp_path / "nordea-renamed.csv"
    path.write_bytes((CORPUS / "csv" / "nordea.csv").read_bytes().replace("Afsender".encode("cp1252"), b"Fra"))
    with pytest.raises(InputError, match="ukendt layout"):
        read_bank(path)
    _, lines = read_bank(path, BankOptions(profile="nordea"))
    assert [x.amount_ore for x in lines] == [125000, -30000] and len(lines.pending) == 1
    _, mapped = read_bank(path, BankOptions(headers={"dato": "Bogføringsdato", "belob": "Beløb", "tekst": "Beskrivelse"}))
    assert len(mapped) == 2 and mapped.profile == "standard"
    with pytest.raises(ValueError, match="kendte / known: standard, danske-bank, nordea"):
        read_bank(path, BankOptions(profile="nordae"))
    assert read_ledger(CORPUS / "ledger" / "prisme.csv", LedgerOptions(profile="prisme", negate=True))[0].amount_ore == -125000


def test_profile_command_shows_the_layout_and_first_rows_and_exits_2_on_an_unknown_one(tmp_path: Path) -> None:
    """`sepbots bankafstemning profile FILE` names the profile, the column mapping and the parsed first rows."""
    runner = CliRunner()
    result = runner.invoke(app, ["bankafstemning", "profile", str(CORPUS / "csv" / "nordea.csv"), "--rows", "1"])
    assert result.exit_code == 0, result.output
    assert "Profil / profile: nordea — Nordea netbank (CSV)" in result.output
    assert "dato ← 'Bogføringsdato'" in result.output
    assert "række/row 3: 2025-03-03       1.250,00 reference '000123456789012'" in result.output
    assert "reserveret / reserved: række/row 2: Reserveret -99,95" in result.output
    mt = runner.invoke(app, ["bankafstemning", "profile", str(CORPUS / "swift" / "mt940.sta")])
    assert "SWIFT MT940" in mt.output and "TILBAGEFØRSEL / REVERSAL" in mt.output
    sap = runner.invoke(app, ["bankafstemning", "profile", "--ledger", str(CORPUS / "ledger" / "sap-en.csv")])
    assert "KMD Opus / SAP" in sap.output and "belob ← 'Amount in local currency'" in sap.output
    unknown = tmp_path / "x.csv"
    shutil.copy(CORPUS / "csv" / "nordea.csv", unknown)
    unknown.write_text("Posted;Memo;Sum\n2025-01-01;x;1\n", encoding="utf-8")
    bad = runner.invoke(app, ["bankafstemning", "profile", str(unknown)])
    assert bad.exit_code == 2 and "'Posted', 'Memo', 'Sum'" in bad.output and "[params.bank_headers]" in bad.output


def test_an_mt940_the_library_cannot_parse_names_the_field(tmp_path: Path) -> None:
    """A malformed :61: line is an InputError naming the tag and its value."""
    path = tmp_path / "bad.sta"
    path.write_bytes(b":20:X\r\n:25:DK50\r\n:60F:C250101DKK1,00\r\n:61:25AB01C1,00NTRF\r\n:86:x\r\n-\r\n")
    with pytest.raises(InputError, match=":61: '25AB01C1,00NTRF'"):
        read_bank(path)


def test_an_mt940_amount_that_is_no_number_is_an_input_error(tmp_path: Path) -> None:
    """``1,2,3`` fits the :61: amount's pattern (digits and commas) but is no number: a clear error, not a crash."""
    path = tmp_path / "bad.sta"
    path.write_bytes(b":20:X\r\n:25:DK50\r\n:60F:C250101DKK1,00\r\n:61:2501020102C1,2,3NTRFNONREF\r\n:86:x\r\n-\r\n")
    with pytest.raises(InputError, match="MT940 kan ikke læses.*invalid amount '1,2,3'") as err:
        read_bank(path)
    assert err.value.file == path


def test_reading_mt940_leaves_no_reference_cycles() -> None:
    """mt-940's transactions refer back to their collection; the reader breaks those cycles, as it
    runs with the collector paused and its objects are promoted without a pass (reconcile.batch)."""
    from sepbots.reconcile.swift import read_mt940

    gc.collect()
    gc.disable()
    try:
        entries = read_mt940(CORPUS / "swift" / "mt940.sta")
        found = gc.collect()
    finally:
        gc.enable()
    assert entries and found == 0


def _camt_entries(path: Path, message: str, entries: list[tuple[str, str, str]]) -> Path:
    """A camt.053 statement or camt.054 notification of ``(amount, text, AcctSvcrRef)`` entries, in order."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:{message}.001.08"
    root, container = ("BkToCstmrStmt", "Stmt") if message == "camt.053" else ("BkToCstmrDbtCdtNtfctn", "Ntfctn")
    body = "".join(
        f'<Ntry><Amt Ccy="DKK">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        f"<BookgDt><Dt>2025-03-03</Dt></BookgDt><AcctSvcrRef>{svc}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>E2E-{svc}</EndToEndId></Refs><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for amount, text, svc in entries
    )
    path.write_text(
        f'<?xml version="1.0"?><Document xmlns="{ns}"><{root}><GrpHdr><MsgId>M</MsgId></GrpHdr>'
        f"<{container}><Id>S1</Id><Acct><Id><IBAN>DK50</IBAN></Id></Acct>{body}</{container}></{root}></Document>",
        encoding="utf-8",
    )
    return path


def test_a_bank_line_keeps_its_key_wherever_the_file_puts_it(tmp_path: Path) -> None:
    """The key (the queue's reference for an unmatched line) is made of the transaction, not of its position:
    the same transaction re-sent in another order, or first in the notification and then in the statement, is
    handed to a person once."""
    rent, fee, other = ("1250.00", "Husleje marts", "BANK-1"), ("75.00", "Gebyr", "BANK-2"), ("10.00", "Renter", "BANK-3")

    def keys(path: Path) -> dict[str, str]:
        return {line.text: line.key for line in read_bank(path)[1]}

    first = keys(_camt_entries(tmp_path / "a.xml", "camt.054", [rent, fee]))
    again = keys(_camt_entries(tmp_path / "b.xml", "camt.054", [other, fee, rent]))
    statement = keys(_camt_entries(tmp_path / "c.xml", "camt.053", [fee, rent]))
    assert first["Husleje marts"] == again["Husleje marts"] == statement["Husleje marts"]
    assert first["Gebyr"] == again["Gebyr"] == statement["Gebyr"]
    assert len(set(again.values())) == 3

    head = ":20:STMT1\n:25:DK5030000012345678\n:28C:1/1\n:60F:C250302DKK100000,00\n"
    one = ":61:2503030303C1250,00NTRFKREF-77//BANKREF1\n:86:/EREF/E2E-1//REMI/USTD//Faktura 42/\n"
    two = ":61:2503030303D500,00NMSCNONREF//BANKREF2\n:86:/REMI/USTD//Husleje/\n"
    tail = ":62F:C250303DKK100750,00\n-"
    (tmp_path / "a.sta").write_text(head + one + two + tail, encoding="latin-1")
    (tmp_path / "b.sta").write_text(head + two + one + tail, encoding="latin-1")
    assert keys(tmp_path / "a.sta") == keys(tmp_path / "b.sta")
