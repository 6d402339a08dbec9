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


def _two_account_camt(path: Path, second_currency: str = "DKK") -> Path:
    """A camt.053 file with the day's statements of two accounts, as banks deliver an agreement's accounts."""
    ns = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"

    def stmt(ident: str, account: str, entries: list[tuple[str, str, str]]) -> str:
        body = "".join(
            f'<Ntry><Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
            f"<BookgDt><Dt>2025-03-03</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
            for amount, ccy, text in entries
        )
        return f"<Stmt><Id>{ident}</Id><Acct><Id>{account}</Id><Ccy>DKK</Ccy></Acct>{body}</Stmt>"

    path.write_text(
        f'<?xml version="1.0"?><Document xmlns="{ns}"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr>'
        + stmt("S1", "<IBAN>DK5030000012345678</IBAN>", [("100.00", "DKK", "Husleje"), ("20.00", "DKK", "Gebyr")])
        + stmt("S2", "<Othr><Id>9999-4444</Id></Othr>", [("55.00", second_currency, "Andet")])
        + stmt("S3", "<IBAN>DK5030000012345678</IBAN>", [("7.00", "DKK", "Renter")])
        + "</BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    return path


def _two_account_mt940(path: Path) -> Path:
    one = (":20:STMT1\n:25:DK5030000012345678\n:28C:1/1\n:60F:C250302DKK100000,00\n"
           ":61:2503030303C100,00NTRFNONREF\n:86:/REMI/USTD//Husleje/\n:62F:C250303DKK100100,00\n")
    two = (":20:STMT2\n:25:NDEADKKK/44440000123\n:28C:1/1\n:60F:C250302DKK500,00\n"
           ":61:2503030303C55,00NTRFNONREF\n:86:/REMI/USTD//Andet/\n:62F:C250303DKK555,00\n")
    path.write_text(one + "-\n" + two + "-", encoding="latin-1")
    return path


@pytest.mark.parametrize("kind", ["camt", "mt940"])
def test_a_file_with_several_accounts_needs_the_account_to_read(tmp_path: Path, kind: str) -> None:
    """A file holding statements for several accounts is refused, naming them, unless one is chosen; then only its
    entries are read and the overview names it."""
    path = _two_account_camt(tmp_path / "dag.xml") if kind == "camt" else _two_account_mt940(tmp_path / "dag.sta")
    other = "9999-4444" if kind == "camt" else "NDEADKKK/44440000123"
    with pytest.raises(InputError) as refused:
        read_bank(path)
    assert "DK5030000012345678" in refused.value.message and other in refused.value.message
    assert "bank_account" in refused.value.message and "flere konti" in refused.value.message

    for given in ("DK50 3000 0012 3456 78", "3000 0012345678", "3000-12345678", "dk5030000012345678"):
        _, lines = read_bank(path, BankOptions(account=given))
        assert lines.account == "DK5030000012345678"
        expected = {"Husleje", "Gebyr", "Renter"} if kind == "camt" else {"Husleje"}
        assert {line.text for line in lines} == expected, given
    _, others = read_bank(path, BankOptions(account=other.lower()))
    assert [line.text for line in others] == ["Andet"] and others.account == other

    with pytest.raises(InputError) as missing:
        read_bank(path, BankOptions(account="DK9999999999999999"))
    assert "DK9999999999999999" in missing.value.message and "findes ikke" in missing.value.message
    assert "DK5030000012345678" in missing.value.message and other in missing.value.message

    ledger = tmp_path / "bogforing.csv"
    ledger.write_text("Bilagsnr;Bogføringsdato;Beløb;Reference;Tekst\n1;03-03-2025;100,00;;Husleje\n", encoding="utf-8")
    _, bank = read_bank(path, BankOptions(account="3000 0012345678"))
    result = reconcile(bank, read_ledger(ledger))
    out = write_reconciliation(tmp_path / "afstemning.xlsx", result)
    assert "Bankkonto: DK5030000012345678" in [row[0].value for row in load_workbook(out)["Oversigt"].iter_rows()]


def test_another_accounts_currency_does_not_stop_the_chosen_one(tmp_path: Path) -> None:
    path = _two_account_camt(tmp_path / "dag.xml", second_currency="EUR")
    _, lines = read_bank(path, BankOptions(account="DK5030000012345678"))
    assert lines.currency == "DKK" and len(lines) == 3


def test_the_profile_command_names_the_accounts_and_reads_the_chosen_one(tmp_path: Path) -> None:
    path = _two_account_camt(tmp_path / "dag.xml")
    runner = CliRunner()
    refused = runner.invoke(app, ["bankafstemning", "profile", str(path)])
    assert refused.exit_code == 2 and "DK5030000012345678" in refused.output and "9999-4444" in refused.output
    chosen = runner.invoke(app, ["bankafstemning", "profile", str(path), "--account", "9999-4444"])
    assert chosen.exit_code == 0, chosen.output
    assert "Konto / account: 9999-4444" in chosen.output and "Andet" in chosen.output and "Husleje" not in chosen.output


def test_a_statement_missing_an_entry_does_not_balance_and_the_overview_says_so(tmp_path: Path) -> None:
    """Opening + booked entries = closing is the statement's own control: a file with an entry cut out fails it,
    on the overview sheet and in the profile command; an intact one passes."""
    camt = (CORPUS / "camt" / "camt.053.001.08.xml").read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    entry = camt[camt.index("<Ntry>", camt.index("Madservice") - 600) : camt.index("</Ntry>", camt.index("Madservice")) + 8]
    assert "Madservice" in entry and entry.count("<Ntry>") == 1
    cut.write_text(camt.replace(entry, ""), encoding="utf-8")
    mt940 = (CORPUS / "swift" / "mt940.sta").read_bytes().decode("cp1252")
    short = tmp_path / "cut.sta"
    cut_out = ":61:250304C75,00NTRFNONREF\r\n:86:/EREF/E2E-88//REMI/STRD/CUR/RF18539007547034/\r\n"
    assert cut_out in mt940
    short.write_bytes(mt940.replace(cut_out, "").encode("cp1252"))
    ledger = tmp_path / "bogforing.csv"
    ledger.write_text("Bilagsnr;Bogføringsdato;Beløb;Reference;Tekst\n1;03-03-2025;300,00;;Husleje\n", encoding="utf-8")
    for intact, broken in (((CORPUS / "camt" / "camt.053.001.08.xml"), cut), ((CORPUS / "swift" / "mt940.sta"), short)):
        _, whole = read_bank(intact)
        assert whole.balance is not None and whole.balance.agrees
        _, lines = read_bank(broken)
        assert lines.balance is not None and lines.balance.difference_ore == -7500
        out = write_reconciliation(tmp_path / f"{broken.suffix}.xlsx", reconcile(lines, read_ledger(ledger)))
        rows = {row[0]: row[2] for row in load_workbook(out)["Oversigt"].iter_rows(values_only=True)}
        verdict = next(label for label in rows if str(label).startswith("Saldokontrol"))
        assert "STEMMER IKKE" in str(verdict) and rows[verdict] == -75
        shown = CliRunner().invoke(app, ["bankafstemning", "profile", str(broken)])
        assert shown.exit_code == 0 and "STEMMER IKKE / DOES NOT AGREE (forskel/difference -75,00)" in shown.output
