"""Fakturakontrol: pre-check small supplier invoices before they are posted.

Catalogue process ``fakturabehandling-smaafakturaer`` (small-invoice handling, domain research §7
row 9). Each row of the input workbook is one invoice: the robot checks the supplier's CVR number
(modulus 11), the receiving EAN location number (GS1 check digit), the amount and the due date,
and writes an outcome workbook. Invoices that break a rule go to manual handling with the reason.

Gains: the robot pre-checks; a person still approves and posts the invoice. It credits the two
checking minutes of the catalogue's five-minute baseline per invoice, not the whole handling.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from sepbots import BotContext, BusinessException, Gains, ItemState, NewItem, WorkItem, bot
from sepbots.dk import DanishFormatError, parse_cvr, parse_danish_date, parse_ean, parse_ore
from sepbots.sheets import SheetSpec, cell_text, read_columns, write_workbook

HEADERS = ("Fakturanr", "CVR", "EAN", "Beløb", "Forfaldsdato")
LIMIT_ORE = 5_000_00  # small invoices: below 5,000 kr. (Vejle's threshold, domain research §2)
MESSAGES = {  # every manual-handling reason, in Danish and English (language = "da" | "en")
    "cvr": {"da": "række {row}, CVR: {reason}", "en": "row {row}, CVR: {reason}"},
    "ean": {"da": "række {row}, EAN: {reason}", "en": "row {row}, EAN: {reason}"},
    "amount": {"da": "række {row}, Beløb: {reason}", "en": "row {row}, amount: {reason}"},
    "not_positive": {"da": "række {row}, Beløb: skal være positivt", "en": "row {row}, amount: must be positive"},
    "over_limit": {"da": "række {row}: beløbet er over grænsen for småfakturaer",
                   "en": "row {row}: the amount is over the small-invoice limit"},
    "due": {"da": "række {row}, Forfaldsdato: {reason}", "en": "row {row}, due date: {reason}"},
    "overdue": {"da": "række {row}: fakturaen er forfalden", "en": "row {row}: the invoice is overdue"},
}


class Invoice(BaseModel):
    """One invoice row as read from the workbook (checked by the processor, not the producer)."""

    row: int
    invoice_no: str
    cvr: str
    ean: str
    amount: str | int | float  # Danish text ("1.234,50"), or the number an Excel cell holds
    due: str


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: Path
    output: Path
    today: date | None = None


def produce(ctx: BotContext[Params]) -> Iterator[NewItem[Invoice]]:
    for line in read_columns(ctx.params.input, HEADERS, sheet=0, allow_empty=True).rows:
        cell = {h: cell_text(v) for h, v in line.cells.items()}
        amount = line.cells["Beløb"]
        yield NewItem(
            reference=f"{cell['CVR']}/{cell['Fakturanr']}",
            payload=Invoice(row=line.number, invoice_no=cell["Fakturanr"], cvr=cell["CVR"], ean=cell["EAN"],
                            amount=amount if isinstance(amount, int | float) and not isinstance(amount, bool)
                            else cell["Beløb"], due=cell["Forfaldsdato"]),
        )


def finish(ctx: BotContext[Params], items: list[WorkItem[Invoice]]) -> None:
    en = ctx.lang == "en"
    labels = {ItemState.DONE: "Approved" if en else "Godkendt",
              ItemState.BUSINESS_EXCEPTION: "Manual handling" if en else "Manuel behandling",
              ItemState.FAILED: "Failed" if en else "Fejlet"}
    rows = []
    for item in sorted(items, key=lambda i: i.payload.row):
        amount = (item.output or {}).get("amount_ore")
        rows.append([item.payload.row, item.payload.invoice_no, labels.get(item.state, item.state.value),
                     item.error_code or "", item.error_message or "", amount / 100 if amount is not None else None])
    header = (["Row", "Invoice no.", "Status", "Code", "Reason", "Amount (DKK)"] if en
              else ["Række", "Fakturanr", "Status", "Kode", "Begrundelse", "Beløb (kr.)"])
    write_workbook(ctx.output_path(ctx.params.output), [SheetSpec.plain("Result" if en else "Resultat", header, rows)])


@bot(name="fakturakontrol", process="fakturabehandling-smaafakturaer", params=Params, producer=produce,
     finish=finish, max_attempts=2,
     gains=Gains(unit="faktura", credited_minutes=Decimal(2), step="forhåndskontrol: CVR, EAN, beløb, forfald"))
def check_invoice(item: WorkItem[Invoice], ctx: BotContext[Params]) -> dict[str, object]:
    """Kontrol af småfakturaer: CVR, EAN, beløb og forfaldsdato."""
    inv = item.payload
    lang = "en" if ctx.lang == "en" else "da"

    def refuse(code: str, key: str, reason: DanishFormatError | None = None) -> BusinessException:
        text = MESSAGES[key][lang].format(row=inv.row, reason=reason.message(lang) if reason else "")
        return BusinessException(text, code=code)

    try:
        cvr = parse_cvr(inv.cvr)
    except DanishFormatError as exc:
        raise refuse("BAD_CVR", "cvr", exc) from None
    try:
        ean = parse_ean(inv.ean)
    except DanishFormatError as exc:
        raise refuse("BAD_EAN", "ean", exc) from None
    try:
        amount = parse_ore(inv.amount)
    except DanishFormatError as exc:
        raise refuse("BAD_AMOUNT", "amount", exc) from None
    if amount <= 0:
        raise refuse("BAD_AMOUNT", "not_positive")
    if amount >= LIMIT_ORE:
        raise refuse("OVER_LIMIT", "over_limit")
    try:
        due = parse_danish_date(inv.due)
    except DanishFormatError as exc:
        raise refuse("BAD_DATE", "due", exc) from None
    today = ctx.params.today or ctx.clock.now().date()
    if due < today:
        raise refuse("OVERDUE", "overdue")
    ctx.log.info("invoice_checked", cvr=cvr, ean=ean, amount_ore=amount)
    return {"amount_ore": amount, "cvr": cvr, "ean": ean}
