"""Write the statement corpus: every camt.053/054 version, MT940/MT942, each netbank CSV, each ledger layout.

Each file is written from the published (or, where stated in docs/bank-formats.md, best-known)
layout together with a JSON file beside it holding the lines it must parse to. The expected
lines come from the data below, not from the parser, so the tests compare two independent
accounts of the same transactions. Rerun after changing the data:

    python tests/reconcile/corpus/generate.py
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Tx:
    """One expected line (or pending row) and what the file says about it."""

    date: str
    amount_ore: int
    text: str
    refs: tuple[str, ...] = ()
    reversal: bool = False
    pending: bool = False
    row: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    def expected(self) -> dict[str, object]:
        return {
            "row": self.row,
            "date": self.date,
            "amount_ore": self.amount_ore,
            "text": self.text,
            "reference": self.refs[0] if self.refs else "",
            "references": list(self.refs),
            "reversal": self.reversal,
        }


def _kr(ore: int) -> str:
    return f"{abs(ore) // 100}.{abs(ore) % 100:02d}"


def _dump(
    path: Path, profile: str, currency: str | None, lines: list[Tx], pending: list[Tx], balance: tuple[int, int] | None = None
) -> None:
    """Write the expected lines beside ``path``; ``balance`` is the (opening, closing) the statement states."""
    data: dict[str, object] = {
        "profile": profile,
        "currency": currency,
        "lines": [t.expected() for t in lines],
        "pending": [{"row": p.row, "amount_ore": p.amount_ore, "text": p.text} for p in pending],
    }
    if balance is not None:
        opening, closing = balance
        movements = sum(t.amount_ore for t in lines)
        data["balance"] = {"opening_ore": opening, "movements_ore": movements, "closing_ore": closing,
                           "difference_ore": opening + movements - closing}
    path.with_name(path.name + ".json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- camt.053 / camt.054, 001.02–001.13


_CAMT_OPENING = 10_000_000  # camt.053's opening booked balance, 100,000.00 kr.


def _camt(version: int, message: str) -> tuple[str, list[Tx], list[Tx]]:
    v = f"{version:02d}"
    ns = f"urn:iso:std:iso:20022:tech:xsd:{message}.001.{v}"

    def status(code: str) -> str:
        return f"<Sts>{code}</Sts>" if version <= 6 else f"<Sts><Cd>{code}</Cd></Sts>"

    def tx_amount(ore: int, indicator: str) -> str:
        if version == 2:
            return f'<AmtDtls><TxAmt><Amt Ccy="DKK">{_kr(ore)}</Amt></TxAmt></AmtDtls>'
        return f'<Amt Ccy="DKK">{_kr(ore)}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'

    def entry(ore: int, ind: str, day: str, body: str, code: str = "BOOK", svc: str = "", rvsl: bool = False, extra: str = "") -> str:
        return (
            f'<Ntry><Amt Ccy="DKK">{_kr(ore)}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
            + ("<RvslInd>true</RvslInd>" if rvsl else "")
            + status(code)
            + f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
            + (f"<AcctSvcrRef>{svc}</AcctSvcrRef>" if svc else "")
            + "<BkTxCd><Prtry><Cd>PMNT</Cd></Prtry></BkTxCd>"
            + (f"<NtryDtls>{body}</NtryDtls>" if body else "")
            + (f"<AddtlNtryInf>{extra}</AddtlNtryInf>" if extra else "")
            + "</Ntry>"
        )

    strd = "<Strd><CdtrRefInf><Ref>{}</Ref></CdtrRefInf></Strd>"
    entries = [
        entry(
            125000, "CRDT", "2025-03-03",
            "<TxDtls><Refs><AcctSvcrRef>BANK-1</AcctSvcrRef><EndToEndId>E2E-1001</EndToEndId></Refs>"
            + tx_amount(125000, "CRDT")
            + "<RmtInf><Ustrd>Ejendomsskat Jensen</Ustrd>" + strd.format("000000012345678") + "</RmtInf></TxDtls>",
        ),
        entry(
            30000, "CRDT", "2025-03-03",
            "<TxDtls><Refs><InstrId>NOTPROVIDED</InstrId><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
            + tx_amount(30000, "CRDT")
            + "<RmtInf><Ustrd>Faktura 2025-00042 Vej &amp; Park Ærø</Ustrd></RmtInf></TxDtls>",
            svc="BANK-2",
        ),
        entry(
            50000, "CRDT", "2025-03-04",
            "<Btch><NbOfTxs>2</NbOfTxs></Btch>"
            "<TxDtls><Refs><EndToEndId>E2E-2</EndToEndId></Refs>" + tx_amount(20000, "CRDT")
            + "<RmtInf><Ustrd>Daginstitution</Ustrd>" + strd.format("11112222") + "</RmtInf></TxDtls>"
            "<TxDtls><Refs><EndToEndId>E2E-3</EndToEndId></Refs>" + tx_amount(30000, "CRDT")
            + "<RmtInf><Ustrd>FIK 71 33334444</Ustrd></RmtInf></TxDtls>",
            svc="BANK-3",
        ),
        entry(4550, "DBIT", "2025-03-04", "", extra="Gebyr overførsel"),
        entry(
            125000, "DBIT", "2025-03-05",
            "<TxDtls>" + tx_amount(125000, "DBIT") + "<RmtInf><Ustrd>Tilbageført betaling</Ustrd>"
            + strd.format("000000012345678") + "</RmtInf></TxDtls>",
            rvsl=True,
        ),
        entry(9900, "CRDT", "2025-03-05", "<TxDtls><RmtInf><Ustrd>Afventer indbetaling</Ustrd></RmtInf></TxDtls>", code="PDNG"),
        entry(
            7500, "CRDT", "2025-03-06",
            "<TxDtls><Refs><InstrId>PAYER-REF-9</InstrId><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
            + tx_amount(7500, "CRDT") + "<RmtInf><Ustrd>Madservice</Ustrd></RmtInf></TxDtls>",
            svc="BANK-7",
        ),
    ]
    root, container = ("BkToCstmrStmt", "Stmt") if message == "camt.053" else ("BkToCstmrDbtCdtNtfctn", "Ntfctn")
    lines = [
        Tx("2025-03-03", 125000, "Ejendomsskat Jensen", ("000000012345678", "E2E-1001", "BANK-1"), row=1),
        Tx("2025-03-03", 30000, "Faktura 2025-00042 Vej & Park Ærø", ("BANK-2", "2025-00042"), row=2),
        Tx("2025-03-04", 20000, "Daginstitution", ("11112222", "E2E-2", "BANK-3"), row=3),
        Tx("2025-03-04", 30000, "FIK 71 33334444", ("E2E-3", "BANK-3", "33334444"), row=3),
        Tx("2025-03-04", -4550, "Gebyr overførsel", (), row=4),
        Tx("2025-03-05", -125000, "Tilbageført betaling", ("000000012345678",), reversal=True, row=5),
        Tx("2025-03-06", 7500, "Madservice", ("PAYER-REF-9", "BANK-7"), row=7),
    ]
    balances = ""
    if message == "camt.053":  # a notification (054) states no balances; a statement its opening and closing booked ones
        closing = _CAMT_OPENING + sum(t.amount_ore for t in lines)

        def bal(code: str, ore: int, day: str) -> str:
            return (f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="DKK">{_kr(ore)}</Amt>'
                    f"<CdtDbtInd>{'CRDT' if ore >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>")

        balances = bal("OPBD", _CAMT_OPENING, "2025-03-02") + bal("CLBD", closing, "2025-03-06") + "\n"
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}">\n<{root}><GrpHdr><MsgId>CORPUS-{v}</MsgId>'
        f"<CreDtTm>2025-03-06T18:00:00</CreDtTm></GrpHdr>\n<{container}><Id>{container}-1</Id>"
        "<CreDtTm>2025-03-06T18:00:00</CreDtTm><Acct><Id><IBAN>DK5000400440116243</IBAN></Id><Ccy>DKK</Ccy></Acct>\n"
        + balances
        + "\n".join(entries)
        + f"\n</{container}></{root}>\n</Document>\n"
    )
    pending = [Tx("2025-03-05", 9900, "Afventer indbetaling", row=6)]
    return xml, lines, pending


def write_camt() -> None:
    for message in ("camt.053", "camt.054"):
        for version in range(2, 14):
            path = HERE / "camt" / f"{message}.001.{version:02d}.xml"
            xml, lines, pending = _camt(version, message)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(xml, encoding="utf-8")
            balance = (_CAMT_OPENING, _CAMT_OPENING + sum(t.amount_ore for t in lines)) if message == "camt.053" else None
            _dump(path, f"{message}.001.{version:02d}", "DKK", lines, pending, balance)


# ---------------------------------------------------------------- MT940 / MT942

_MT940 = """{1:F01DABADKKKAXXX0000000000}{2:I940DABADKKKXXXXN}{4:
:20:STMT20250303
:25:DK5030000012345678
:28C:62/1
:60F:C250302DKK100000,00
:61:2503030303C1250,00NTRFKREF-77//BANKREF1
:86:166?00SEPA-GUTSCHRIFT?20EREF+E2E-4711?21SVWZ+Faktura 2025-00042?22 Vej og Park?32Jens Jensen
:61:2503030303D500,00NMSCNONREF//BANKREF2
:86:/EREF/NOTPROVIDED/REMI/USTD//FIK 71 000123456789012 Ærø/
:61:250304C75,00NTRFNONREF
:86:/EREF/E2E-88//REMI/STRD/CUR/RF18539007547034/
:61:250305RD20,00NTRFNONREF//R1
:86:Tilbageført gebyr
:61:250305RC1250,00NTRFNONREF//R2
:86:/REMI/USTD//Tilbageført indbetaling/
:62F:C250305DKK99595,00
-}"""

_MT942 = """:20:INTRADAY0306
:25:DK5030000012345678
:28C:63/1
:34F:DKK0,00
:13D:2503061200+0100
:61:2503060306C300,00NTRFINV-2025-7//BANKREF9
:86:/REMI/USTD//Faktura 2025-00077/
:90D:0DKK0,00
:90C:1DKK300,00
-"""


def write_swift() -> None:
    folder = HERE / "swift"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mt940.sta"
    path.write_bytes(_MT940.replace("\n", "\r\n").encode("cp1252"))
    _dump(
        path,
        "mt940",
        "DKK",
        [
            Tx("2025-03-03", 125000, "Faktura 2025-00042 Vej og Park", ("E2E-4711", "KREF-77", "BANKREF1", "2025-00042"), row=1),
            Tx("2025-03-03", -50000, "FIK 71 000123456789012 Ærø", ("BANKREF2", "000123456789012"), row=2),
            Tx("2025-03-04", 7500, "", ("RF18539007547034", "E2E-88"), row=3),
            Tx("2025-03-05", 2000, "Tilbageført gebyr", ("R1",), reversal=True, row=4),
            Tx("2025-03-05", -125000, "Tilbageført indbetaling", ("R2",), reversal=True, row=5),
        ],
        [],
        (10_000_000, 9_959_500),  # :60F: and :62F:; the closing is the opening plus the five movements
    )
    path = folder / "mt942.sta"
    path.write_text(_MT942, encoding="utf-8")
    _dump(path, "mt942", "DKK", [Tx("2025-03-06", 30000, "Faktura 2025-00077", ("INV-2025-7", "BANKREF9", "2025-00077"), row=1)], [])


# ---------------------------------------------------------------- netbank CSV


def _csv(
    name: str, encoding: str, header: str, rows: list[str], lines: list[Tx], pending: list[Tx],
    currency: str | None = None, bom: bool = False,
) -> None:
    path = HERE / "csv" / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "\r\n".join([header, *rows]) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode(encoding))
    _dump(path, name, currency, lines, pending)


def write_csv() -> None:
    fik = "Indbetaling +71<000123456789012"
    _csv(
        "danske-bank", "cp1252",
        '"Dato";"Tekst";"Beløb";"Saldo";"Status";"Afstemt"',
        [
            f'"03.03.2025";"{fik}";"1.250,00";"101.250,00";"Udført";"Nej"',
            '"04.03.2025";"Faktura 2025-00042 – Vej & Park € 12";"-300,00";"100.950,00";"Udført";"Nej"',
            '"05.03.2025";"Kortkøb Ærø Købmand";"-45,50";"100.904,50";"Venter";"Nej"',
        ],
        [
            Tx("2025-03-03", 125000, fik, ("000123456789012",), row=2),
            Tx("2025-03-04", -30000, "Faktura 2025-00042 – Vej & Park € 12", ("2025-00042",), row=3),
        ],
        [Tx("", -4550, "Kortkøb Ærø Købmand", row=4)],
    )
    _csv(
        "nordea", "cp1252",
        "Bogføringsdato;Beløb;Afsender;Modtager;Navn;Beskrivelse;Saldo;Valuta;Afstemt;",
        [
            "Reserveret;-99,95;5000 1234567;;Netto Ærøskøbing;Dankort-køb Netto;;DKK;;",
            f"2025/03/03;1.250,00;;5000 1234567;Jens Jensen;{fik};101.250,00;DKK;;",
            "2025/03/04;-300,00;5000 1234567;;Vej & Park;Faktura 2025-00042;100.950,00;DKK;;",
        ],
        [
            Tx("2025-03-03", 125000, fik, ("000123456789012",), row=3),
            Tx("2025-03-04", -30000, "Faktura 2025-00042", ("2025-00042",), row=4),
        ],
        [Tx("", -9995, "Dankort-køb Netto Netto Ærøskøbing", row=2)],
        currency="DKK",
    )
    _csv(
        "jyske-bank", "iso-8859-1",
        '"Dato";"";"Tekst";"";"Beløb";"Saldo";"Kommentar";"Afstemt";"Flag";"Konto";"";"Kategori";"Underkategori"',
        [
            f'"03.03.2025";"";"{fik}";"";"1.250,00";"101.250,00";"";"nej";"nej";"Drift";"";"Indtægter";"Skat"',
            '"04.03.2025";"";"Overførsel Søren Ørsted";"";"500,00";"101.750,00";"";"nej";"nej";"Drift";"";"";""',
        ],
        [Tx("2025-03-03", 125000, fik, ("000123456789012",), row=2), Tx("2025-03-04", 50000, "Overførsel Søren Ørsted", (), row=3)],
        [],
    )
    _csv(
        "sydbank", "iso-8859-1",
        "Dato;Tekst;Beløb;Saldo;Hovedkategori;Kategori;Underkategori",
        ["03.03.2025;FIK 71 12345678 Ærø;14.879,62;114.879,62;Indtægter;Anden indtægt;",
         "04.03.2025;Rente;-5,61;114.874,01;Lån og gæld;Renter;"],
        [Tx("2025-03-03", 1487962, "FIK 71 12345678 Ærø", ("12345678",), row=2), Tx("2025-03-04", -561, "Rente", (), row=3)],
        [],
    )
    _csv(
        "spar-nord", "cp1252",
        "Bogføringsdato;Rentedato;Tekst;Beløb;Saldo;Status",
        ["03.03.2025;03.03.2025;Faktura 2025-00042;300,00;300,00;Bogført", "04.03.2025;05.03.2025;Kortkøb;-12,00;288,00;Reserveret"],
        [Tx("2025-03-03", 30000, "Faktura 2025-00042", ("2025-00042",), row=2)],
        [Tx("", -1200, "Kortkøb", row=3)],
    )
    _csv(
        "arbejdernes-landsbank", "cp1252",
        "Bogført;Valør;Tekst;Beløb;Saldo;Status",
        ["03-03-2025;03-03-2025;Overførsel Åse;1.000,00;1.000,00;", "04-03-2025;04-03-2025;MobilePay;-25,00;975,00;Venter"],
        [Tx("2025-03-03", 100000, "Overførsel Åse", (), row=2)],
        [Tx("", -2500, "MobilePay", row=3)],
    )
    _csv(
        "nykredit", "utf-8",
        "Dato,Tekst,Beloeb,Saldo,Exportkonto",
        ['03/03/2025,"Faktura 2025-00042, Vej & Park",1234.50,1234.50,5470 0001234567', "04/03/2025,Gebyr,-15.00,1219.50,5470 0001234567"],
        [Tx("2025-03-03", 123450, "Faktura 2025-00042, Vej & Park", ("2025-00042",), row=2), Tx("2025-03-04", -1500, "Gebyr", (), row=3)],
        [],
    )
    _csv(
        "lunar", "utf-8",
        "Dato;Tekst;Beløb;Valuta;Saldo;Status",
        ["2025-03-03;Indbetaling FIK 71 87654321;750,00;DKK;750,00;Gennemført", "2025-03-04;Kortkøb Føtex;-89,95;DKK;660,05;Reserveret"],
        [Tx("2025-03-03", 75000, "Indbetaling FIK 71 87654321", ("87654321",), row=2)],
        [Tx("", -8995, "Kortkøb Føtex", row=3)],
        currency="DKK",
        bom=True,
    )
    _csv(
        "standard", "cp1252",
        "Dato;Tekst;Beløb;Reference",
        ["03.03.2025;Betaling “Ærø”;100,00;REF-1", "04.03.2025;Faktura 2025-00042;-100,00;"],
        [Tx("2025-03-03", 10000, "Betaling “Ærø”", ("REF-1",), row=2),
         Tx("2025-03-04", -10000, "Faktura 2025-00042", ("2025-00042",), row=3)],
        [],
    )


# ---------------------------------------------------------------- ledger exports


def _ledger(name: str, encoding: str, header: str, rows: list[str], expected: list[dict[str, object]], currency: str | None) -> None:
    path = HERE / "ledger" / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    data = {"profile": name.split("-", 1)[0] if name.startswith(("sap", "prisme")) else name, "currency": currency, "lines": expected}
    path.with_name(path.name + ".json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _led(row: int, voucher: str, day: str, ore: int, ref: str, text: str, account: str) -> dict[str, object]:
    return {"row": row, "voucher": voucher, "date": day, "amount_ore": ore, "reference": ref, "text": text, "account": account}


def write_ledgers() -> None:
    _ledger(
        "sap-da", "cp1252",
        "Finanskonto;Bilagsnummer;Bogføringsdato;Reference;Tekst;Beløb i lokal valuta;Lokal valuta;Tildeling",
        ["58000;1900000123;03.03.2025;000123456789012;Ejendomsskat Jensen;1.250,00;DKK;",
         "58000;1900000124;04.03.2025;2025-00042;Faktura Vej & Park Ærø;300,00-;DKK;X"],
        [
            _led(2, "1900000123", "2025-03-03", 125000, "000123456789012", "Ejendomsskat Jensen", "58000"),
            _led(3, "1900000124", "2025-03-04", -30000, "2025-00042", "Faktura Vej & Park Ærø", "58000"),
        ],
        "DKK",
    )
    _ledger(
        "sap-en", "utf-8",
        "G/L Account;Document Number;Posting Date;Assignment;Text;Amount in local currency;Local Currency",
        ["58000;1900000125;05.03.2025;RF18539007547034;Rent;75,00;DKK"],
        [_led(2, "1900000125", "2025-03-05", 7500, "RF18539007547034", "Rent", "58000")],
        "DKK",
    )
    _ledger(
        "prisme", "cp1252",
        "Dato;Bilag;Finanskonto;Posteringstekst;Betalings-id;Debet;Kredit;Valuta",
        ["03-03-2025;B-1001;58000;Ejendomsskat Åse;000123456789012;1.250,00;;DKK", "04-03-2025;B-1002;58000;Gebyr;;;45,50;DKK"],
        [
            _led(2, "B-1001", "2025-03-03", 125000, "000123456789012", "Ejendomsskat Åse", "58000"),
            _led(3, "B-1002", "2025-03-04", -4550, "", "Gebyr", "58000"),
        ],
        "DKK",
    )
    _ledger(
        "standard-debet-kredit", "utf-8",
        "Bilagsnr;Bogføringsdato;Debet;Kredit;Reference;Tekst;Konto",
        ["7001;03.03.2025;100,00;;REF-1;Indbetaling;58000", "7002;04.03.2025;;100,00;2025-00042;Betaling;58000"],
        [_led(2, "7001", "2025-03-03", 10000, "REF-1", "Indbetaling", "58000"),
         _led(3, "7002", "2025-03-04", -10000, "2025-00042", "Betaling", "58000")],
        None,
    )


if __name__ == "__main__":
    write_camt()
    write_swift()
    write_csv()
    write_ledgers()
