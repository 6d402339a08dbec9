"""Sample data for the bankafstemning bot: a bank statement and a ledger export of any size.

The generator knows which lines belong together (``Sample.truth``), so tests can check that the
engine never makes a match the data does not support. The mix is realistic for a municipal
income account: mostly FIK inpayments (``+71<…>``), invoice payments, transfers without a
reference, split and partial payments, rounding differences, ambiguous duplicates, fees and
postings still missing on either side.

    python -m bots.bankafstemning.sample --lines 1000 --out sample/ [--formats xlsx,csv,camt,camt054,mt940,nordea] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from sepbots.sheets import CellKind, ColumnSpec, SheetSpec, atomic_output, format_ore, write_workbook

__all__ = ["BankRow", "LedgerRow", "Sample", "generate", "write_sample"]

_NAMES = (
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Møller",
)
_FIRMS = (
    "Byggefirma Ærø ApS",
    "Vej & Park A/S",
    "Skovgård Rengøring",
    "Østjysk Kloak I/S",
    "Aalborg Tømrer",
    "Fynske Busser A/S",
    "Kantine Ølstykke",
    "Grøn Energi ApS",
)
_PURPOSES = (
    "ejendomsskat",
    "daginstitution",
    "renovation",
    "SFO",
    "tandpleje",
    "byggesagsgebyr",
    "husleje",
    "parkering",
    "madservice",
    "musikskole",
)
_ACCOUNT = "58000"


@dataclass
class BankRow:
    """One generated bank line (amount in øre)."""

    dato: date
    tekst: str
    belob: int
    ident: int
    saldo: int = 0


@dataclass
class LedgerRow:
    """One generated ledger line (amount in øre)."""

    bilagsnr: str
    dato: date
    belob: int
    reference: str
    tekst: str
    ident: int
    konto: str = _ACCOUNT


@dataclass
class Sample:
    """Generated lines and the truth: for each bank ident, the ledger idents it belongs with."""

    bank: list[BankRow] = field(default_factory=list)
    ledger: list[LedgerRow] = field(default_factory=list)
    truth: dict[int, set[int]] = field(default_factory=dict)  # bank ident -> ledger idents
    ambiguous_bank: set[int] = field(default_factory=set)


def generate(lines: int, seed: int = 7, start: date = date(2025, 1, 2)) -> Sample:
    """Generate about ``lines`` bank lines and a ledger that mostly matches them.

    Args:
        lines: number of bank lines wanted.
        seed: random seed (same seed, same data).
        start: first booking date; the lines spread over a year.
    """
    rng = random.Random(seed)
    sample = Sample()
    ids = iter(range(1, 10**9))
    voucher = iter(range(100_001, 10**9))
    used_amounts: set[int] = set()

    def amount(low: int = 100_00, high: int = 40_000_00) -> int:
        while True:
            value = rng.randint(low, high)
            if value not in used_amounts:
                used_amounts.add(value)
                return value

    def day() -> date:
        return start + timedelta(days=rng.randint(0, 364))

    def bank(d: date, text: str, amt: int) -> int:
        ident = next(ids)
        sample.bank.append(BankRow(d, text, amt, ident))
        return ident

    def ledger(d: date, amt: int, ref: str, text: str) -> int:
        ident = next(ids)
        sample.ledger.append(LedgerRow(str(next(voucher)), d, amt, ref, text, ident))
        return ident

    def pair(bank_ident: int, *ledger_idents: int) -> None:
        sample.truth[bank_ident] = set(ledger_idents)

    while len(sample.bank) < lines:
        roll = rng.random()
        d = day()
        posted = d - timedelta(days=rng.randint(0, 2))
        name = rng.choice(_NAMES)
        purpose = rng.choice(_PURPOSES)
        if roll < 0.62:  # FIK inpayment, reference as OCR number
            ocr = f"{rng.randint(1, 10**14):015d}"
            amt = amount()
            shown = ocr if rng.random() < 0.5 else ocr.lstrip("0")
            text = rng.choice((f"Indbetaling +71<{ocr}", f"FIK 71 {shown} {name}", f"Kortart 71 {ocr}"))
            pair(bank(d, text, amt), ledger(posted, amt, shown, f"{purpose.capitalize()} {name}"))
        elif roll < 0.72:  # invoice payment; the ledger writes the dash as an en dash at times
            number = f"{d.year}-{rng.randint(1, 99_999):05d}"
            amt = -amount() if rng.random() < 0.4 else amount()
            ref = number.replace("-", "\u2013") if rng.random() < 0.3 else number
            firm = rng.choice(_FIRMS)
            pair(bank(d, f"Faktura {number} {firm}", amt), ledger(posted, amt, ref, f"Faktura {firm}"))
        elif roll < 0.80:  # transfer without a reference: amount and date only
            amt = amount()
            pair(bank(d, f"Overførsel {name} {purpose}", amt), ledger(posted, amt, "", f"{purpose} {name}"))
        elif roll < 0.83:  # one payment covering several invoices with one reference
            ocr = f"{rng.randint(1, 10**14):015d}"
            parts = [amount(100_00, 5_000_00) for _ in range(rng.randint(2, 4))]
            b = bank(d, f"Indbetaling +71<{ocr}", sum(parts))
            pair(b, *(ledger(posted, p, ocr, f"Rate {i} {name}") for i, p in enumerate(parts, 1)))
        elif roll < 0.85:  # partial payments of one invoice
            ocr = f"{rng.randint(1, 10**14):015d}"
            parts = [amount(100_00, 5_000_00) for _ in range(2)]
            led = ledger(posted, sum(parts), ocr, f"{purpose} {name}")
            for p in parts:
                pair(bank(d, f"Delbetaling FIK 71 {ocr}", p), led)
        elif roll < 0.87:  # øre rounding difference, same reference
            ocr = f"{rng.randint(1, 10**14):015d}"
            amt = amount()
            diff = rng.choice((-1, 1)) * rng.randint(1, 49)
            pair(bank(d, f"Indbetaling +71<{ocr}", amt + diff), ledger(posted, amt, ocr, f"{purpose} {name}"))
        elif roll < 0.89:  # ambiguous: two identical-amount postings near one unreferenced payment
            amt = amount()
            b = bank(d, f"Overførsel {name}", amt)
            ledger(posted, amt, "", f"{purpose} {name}")
            ledger(d + timedelta(days=1), amt, "", f"{purpose} {rng.choice(_NAMES)}")
            sample.ambiguous_bank.add(b)
        elif roll < 0.90:  # double payment of one invoice: same reference and amount twice
            ocr = f"{rng.randint(1, 10**14):015d}"
            amt = amount()
            sample.ambiguous_bank.add(bank(d, f"Indbetaling +71<{ocr}", amt))
            sample.ambiguous_bank.add(bank(d + timedelta(days=1), f"Indbetaling +71<{ocr}", amt))
            ledger(posted, amt, ocr, f"{purpose} {name}")
        elif roll < 0.95:  # bank only: fees, interest, not yet posted
            text = rng.choice(("Gebyr overførsel", "Renter", "Kortgebyr", f"Overførsel {name}"))
            bank(d, text, -amount(1_00, 500_00) if text != f"Overførsel {name}" else amount())
        else:  # ledger only: posted, not yet in the bank
            ledger(posted, amount(), f"{rng.randint(1, 10**9)}", f"{purpose} {name}")
    sample.bank.sort(key=lambda r: (r.dato, r.ident))
    sample.ledger.sort(key=lambda r: int(r.bilagsnr))
    balance = rng.randint(1_000_000_00, 5_000_000_00)
    for row in sample.bank:
        balance += row.belob
        row.saldo = balance
    return sample


def _bank_columns() -> list[ColumnSpec]:
    return [
        ColumnSpec("Dato", CellKind.DATE),
        ColumnSpec("Tekst", width=44),
        ColumnSpec("Beløb", CellKind.ORE),
        ColumnSpec("Saldo", CellKind.ORE),
        ColumnSpec("Status"),
        ColumnSpec("Afstemt"),
    ]


def write_bank_xlsx(sample: Sample, path: Path) -> Path:
    """Write the statement as a netbank-style .xlsx."""
    rows = ((r.dato, r.tekst, r.belob, r.saldo, "Udført", "Nej") for r in sample.bank)
    return write_workbook(path, [SheetSpec("Kontoudtog", _bank_columns(), rows)])


def write_bank_csv(sample: Sample, path: Path, encoding: str = "iso-8859-1") -> Path:
    """Write the statement as a Danish netbank CSV (semicolons, ``1.234,56``, ``dd.mm.yyyy``)."""
    with atomic_output(path) as temp, temp.open("w", encoding=encoding, newline="") as fh:
        fh.write('"Dato";"Tekst";"Beløb";"Saldo";"Status";"Afstemt"\r\n')
        for r in sample.bank:
            fh.write(f'"{r.dato:%d.%m.%Y}";"{r.tekst}";"{format_ore(r.belob)}";"{format_ore(r.saldo)}";"Udført";"Nej"\r\n')
    return path


def _camt_chunks(sample: Sample, message: str = "camt.053") -> Iterator[str]:
    ns, root, box = (
        ("urn:iso:std:iso:20022:tech:xsd:camt.053.001.02", "BkToCstmrStmt", "Stmt")
        if message == "camt.053"
        else ("urn:iso:std:iso:20022:tech:xsd:camt.054.001.08", "BkToCstmrDbtCdtNtfctn", "Ntfctn")
    )
    status = "<Sts>BOOK</Sts>" if message == "camt.053" else "<Sts><Cd>BOOK</Cd></Sts>"
    refs = "" if message == "camt.053" else "<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}"><{root}>'
        "<GrpHdr><MsgId>SEPBOTS-SAMPLE</MsgId><CreDtTm>2026-01-05T08:00:00</CreDtTm></GrpHdr>"
        f"<{box}><Id>STMT-1</Id><CreDtTm>2026-01-05T08:00:00</CreDtTm>"
        "<Acct><Id><IBAN>DK5000400440116243</IBAN></Id><Ccy>DKK</Ccy></Acct>"
    )
    for i, r in enumerate(sample.bank, 1):
        indicator = "CRDT" if r.belob >= 0 else "DBIT"
        kroner = f"{abs(r.belob) // 100}.{abs(r.belob) % 100:02d}"
        text = escape(r.tekst)
        ref = ""
        if "+71<" in r.tekst and i % 2:
            ocr = r.tekst.split("+71<", 1)[1].split()[0]
            ref = f"<Strd><CdtrRefInf><Ref>{ocr}</Ref></CdtrRefInf></Strd>"
        yield (
            f'<Ntry><Amt Ccy="DKK">{kroner}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{status}'
            f"<BookgDt><Dt>{r.dato.isoformat()}</Dt></BookgDt><ValDt><Dt>{r.dato.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>SVC{i:09d}</AcctSvcrRef><NtryDtls><TxDtls>{refs}<RmtInf><Ustrd>{text}</Ustrd>{ref}</RmtInf>"
            f"</TxDtls></NtryDtls></Ntry>"
        )
    yield f"</{box}></{root}></Document>\n"


def write_bank_camt(sample: Sample, path: Path) -> Path:
    """Write the statement as ISO 20022 camt.053.001.02 XML."""
    with atomic_output(path) as temp, temp.open("w", encoding="utf-8") as fh:
        fh.writelines(_camt_chunks(sample))
    return path


def write_bank_camt054(sample: Sample, path: Path) -> Path:
    """Write the statement as an ISO 20022 camt.054.001.08 debit/credit notification."""
    with atomic_output(path) as temp, temp.open("w", encoding="utf-8") as fh:
        fh.writelines(_camt_chunks(sample, "camt.054"))
    return path


def _swift_amount(ore: int) -> str:
    return f"{abs(ore) // 100},{abs(ore) % 100:02d}"


def write_bank_mt940(sample: Sample, path: Path) -> Path:
    """Write the statement as a SWIFT MT940 (``:86:`` as ``/REMI/USTD//text/``, ISO-8859-1)."""
    opening = sample.bank[0].saldo - sample.bank[0].belob if sample.bank else 0
    with atomic_output(path) as temp, temp.open("w", encoding="iso-8859-1", newline="") as fh:
        fh.write(f":20:SEPBOTS-SAMPLE\r\n:25:DK5000400440116243\r\n:28C:1/1\r\n:60F:C250101DKK{_swift_amount(opening)}\r\n")
        for i, r in enumerate(sample.bank, 1):
            mark = "C" if r.belob >= 0 else "D"
            fh.write(f":61:{r.dato:%y%m%d%m%d}{mark}{_swift_amount(r.belob)}NTRFNONREF//BR{i:09d}\r\n:86:/REMI/USTD//{r.tekst}/\r\n")
        closing = sample.bank[-1].saldo if sample.bank else 0
        fh.write(f":62F:{'C' if closing >= 0 else 'D'}251231DKK{_swift_amount(closing)}\r\n-\r\n")
    return path


def write_bank_nordea(sample: Sample, path: Path) -> Path:
    """Write the statement as a Nordea netbank CSV (YYYY/MM/DD, trailing separator, Windows-1252)."""
    with atomic_output(path) as temp, temp.open("w", encoding="cp1252", newline="") as fh:
        fh.write("Bogføringsdato;Beløb;Afsender;Modtager;Navn;Beskrivelse;Saldo;Valuta;Afstemt;\r\n")
        for r in sample.bank:
            fh.write(f"{r.dato:%Y/%m/%d};{format_ore(r.belob)};;;;{r.tekst};{format_ore(r.saldo)};DKK;;\r\n")
    return path


def write_ledger_xlsx(sample: Sample, path: Path) -> Path:
    """Write the ledger as a finance-system .xlsx export."""
    columns = [
        ColumnSpec("Bilagsnr"),
        ColumnSpec("Bogføringsdato", CellKind.DATE),
        ColumnSpec("Beløb", CellKind.ORE),
        ColumnSpec("Reference"),
        ColumnSpec("Tekst", width=36),
        ColumnSpec("Konto"),
    ]
    rows = ((r.bilagsnr, r.dato, r.belob, r.reference, r.tekst, r.konto) for r in sample.ledger)
    return write_workbook(path, [SheetSpec("Posteringer", columns, rows)])


def write_sample(sample: Sample, out: Path, formats: tuple[str, ...] = ("xlsx", "csv", "camt")) -> dict[str, Path]:
    """Write the statement in each of ``formats`` and the ledger into ``out``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"ledger": write_ledger_xlsx(sample, out / "bogforing.xlsx")}
    writers = {
        "xlsx": (write_bank_xlsx, "kontoudtog.xlsx"),
        "csv": (write_bank_csv, "kontoudtog.csv"),
        "camt": (write_bank_camt, "kontoudtog.camt053.xml"),
        "camt054": (write_bank_camt054, "kontoudtog.camt054.xml"),
        "mt940": (write_bank_mt940, "kontoudtog.sta"),
        "nordea": (write_bank_nordea, "kontoudtog-nordea.csv"),
    }
    for fmt in formats:
        writer, name = writers[fmt]
        paths[fmt] = writer(sample, out / name)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: write sample files."""
    parser = argparse.ArgumentParser(description="Eksempeldata til bankafstemning / sample data for bankafstemning")
    parser.add_argument("--lines", type=int, default=1000, help="antal banklinjer / number of bank lines")
    parser.add_argument("--out", type=Path, required=True, help="mappe / folder")
    parser.add_argument("--formats", default="xlsx,csv,camt", help="xlsx,csv,camt,camt054,mt940,nordea")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sample = generate(args.lines, seed=args.seed)
    paths = write_sample(sample, args.out, tuple(f.strip() for f in args.formats.split(",") if f.strip()))
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
