"""camt.053/054 files: entries, references and structural validation with element paths."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sepbots.exceptions import InputError
from sepbots.reconcile import StatementKind, read_bank
from sepbots.reconcile.camt import iter_camt

NS02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
NS08 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"

ENTRY_STRD = """<Ntry><Amt Ccy="DKK">1234.56</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2025-01-06</Dt></BookgDt><ValDt><Dt>2025-01-07</Dt></ValDt>
<NtryDtls><TxDtls><RmtInf><Ustrd>Indbetaling ejendomsskat</Ustrd>
<Strd><CdtrRefInf><Ref>000123456789012</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"""
ENTRY_USTRD = """<Ntry><Amt Ccy="DKK">500</Amt><CdtDbtInd>DBIT</CdtDbtInd>
<BookgDt><DtTm>2025-01-08T10:15:00</DtTm></BookgDt>
<NtryDtls><TxDtls><RmtInf><Ustrd>Betaling faktura 2025-00042 Vej &amp; Park</Ustrd></RmtInf></TxDtls>
</NtryDtls></Ntry>"""
ENTRY_BATCH = """<Ntry><Amt Ccy="DKK">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<ValDt><Dt>2025-01-09</Dt></ValDt><NtryDtls>
<TxDtls><Amt Ccy="DKK">100.00</Amt><RmtInf><Ustrd>FIK 71 11112222</Ustrd></RmtInf></TxDtls>
<TxDtls><Amt Ccy="DKK">200.00</Amt><RmtInf><Ustrd>FIK 71 33334444</Ustrd></RmtInf></TxDtls>
</NtryDtls></Ntry>"""


def _statement(entries: str, ns: str = NS02, stmt_head: str = "<Id>S1</Id><Acct><Id><IBAN>DK50</IBAN></Id></Acct>") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{ns}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt>{stmt_head}{entries}</Stmt></BkToCstmrStmt></Document>"
    )


def _write(tmp_path: Path, text: str, name: str = "stmt.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("ns", [NS02, NS08])
def test_entries_with_structured_and_unstructured_references(tmp_path: Path, ns: str) -> None:
    """Credit is positive, debit negative; Strd reference wins, else Ustrd text is searched; batches split."""
    path = _write(tmp_path, _statement(ENTRY_STRD + ENTRY_USTRD + ENTRY_BATCH, ns))
    kind, lines = read_bank(path)
    assert kind is StatementKind.CAMT053
    assert [(ln.date, ln.amount_ore, ln.reference) for ln in lines] == [
        (date(2025, 1, 6), 123456, "000123456789012"),
        (date(2025, 1, 8), -50000, "2025-00042"),
        (date(2025, 1, 9), 10000, "11112222"),
        (date(2025, 1, 9), 20000, "33334444"),
    ]
    assert lines[0].ref_key == "123456789012"
    assert lines[1].text == "Betaling faktura 2025-00042 Vej & Park"
    assert len({ln.key for ln in lines}) == 4


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (_statement(ENTRY_STRD.replace('<Amt Ccy="DKK">1234.56</Amt>', "")), "Stmt[1]/Ntry[1]/Amt"),
        (_statement(ENTRY_USTRD + ENTRY_STRD.replace("CRDT", "CREDIT")), "Stmt[1]/Ntry[2]/CdtDbtInd"),
        (_statement(ENTRY_STRD.replace("1234.56", "12,34")), "Stmt[1]/Ntry[1]/Amt"),
        (_statement(ENTRY_STRD.replace("1234.56", "1.234")), "Stmt[1]/Ntry[1]/Amt"),
        (_statement(ENTRY_STRD.replace(' Ccy="DKK"', "")), "Stmt[1]/Ntry[1]/Amt"),
        (
            _statement(ENTRY_STRD.replace("<BookgDt><Dt>2025-01-06</Dt></BookgDt><ValDt><Dt>2025-01-07</Dt></ValDt>", "")),
            "Stmt[1]/Ntry[1]/BookgDt",
        ),
        (_statement(ENTRY_STRD.replace("2025-01-06", "2025-02-30")), "Stmt[1]/Ntry[1]/BookgDt/Dt"),
        (_statement(ENTRY_STRD, stmt_head="<Id>S1</Id>"), "Stmt[1]/Acct"),
        (_statement(ENTRY_STRD, ns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"), "Document"),
        (_statement(ENTRY_STRD, ns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.14"), "Document"),
        (
            '<?xml version="1.0"?><Document xmlns="' + NS02 + '"><BkToCstmrStmt></BkToCstmrStmt></Document>',
            "Document/BkToCstmrStmt/Stmt",
        ),
        (_statement(ENTRY_STRD + ENTRY_STRD.replace('Ccy="DKK"', 'Ccy="EUR"')), "Stmt[1]/Ntry[2]/Amt"),
    ],
)
def test_invalid_statements_name_the_element_path(tmp_path: Path, text: str, where: str) -> None:
    """Each structural fault is an InputError whose message and column carry the element path."""
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        list(iter_camt(path))
    assert where in str(err.value)
    assert err.value.file == path


def test_malformed_xml_names_line_and_a_doctype_is_refused(tmp_path: Path) -> None:
    """Broken XML reports its line; DOCTYPE/ENTITY declarations are refused outright."""
    broken = _write(tmp_path, _statement(ENTRY_STRD).replace("</Stmt>", "", 1).replace("><Ntry>", ">\n<Ntry>"))
    with pytest.raises(InputError, match="ugyldig XML ved linje"):
        read_bank(broken)
    bomb = _write(
        tmp_path,
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>' + _statement(ENTRY_STRD)[21:],
        "bomb.xml",
    )
    with pytest.raises(InputError, match="DOCTYPE"):
        read_bank(bomb)


def test_a_prefixed_namespace_after_other_declarations_is_read(tmp_path: Path) -> None:
    """<camt:Document xmlns:xsi=… xmlns:camt=…> with prefixed elements reads like the default-namespace form."""
    text = _statement(ENTRY_STRD, ns=NS08)
    prefixed = text.replace("<", "<camt:").replace("<camt:/", "</camt:").replace("<camt:?xml", "<?xml")
    prefixed = prefixed.replace(
        f'xmlns="{NS08}"', f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camt="{NS08}"'
    )
    path = _write(tmp_path, prefixed)
    _, lines = read_bank(path)
    assert [(x.amount_ore, x.reference) for x in lines] == [(123456, "000123456789012")]
