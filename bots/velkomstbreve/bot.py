"""Velkomstbreve: a welcome letter through Digital Post to every citizen who has moved to the municipality.

Catalogue process ``velkomstbreve``. The input is the folkeregister's list of moves (.xlsx or .csv:
CPR, name, address, move date). For each citizen the robot

1. checks the address in the address register (DAWA ``/datavask``; an address the register is not
   certain of goes to manual handling as ``UNKNOWN_ADDRESS``),
2. fills the municipality's letter template (.docx) and renders it as PDF (LibreOffice headless),
3. sends it as a MeMo message through Digital Post with the municipality's system certificate.

No letter is sent twice. The item reference is ``<CPR>@<move date>`` (stored with the CPR number as
its keyed token), and the MeMo ``messageUUID`` is derived from it: a retry, a re-run or a runner
killed between sending and recording the result sends the same UUID, which Digital Post refuses as
a duplicate while handing back the first receipt. The receipt is the item's output.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from sepbots import BotContext, BusinessException, Gains, NewItem, WorkItem, bot
from sepbots.connectors.dar import AddressClient
from sepbots.connectors.digitalpost import DigitalPostClient, MemoMessage, Recipient, Sender, client_tls_context, message_uuid
from sepbots.dk import DanishFormatError, format_long_date_da, parse_cpr, parse_danish_date
from sepbots.letters import fill_template, render_pdf
from sepbots.sheets import cell_text, read_columns

HERE = Path(__file__).parent


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: Path = Field(description="the list of moves (.xlsx or .csv)")
    letters_dir: Path = Field(Path("var/out/velkomstbreve"), description="where the sent letters (PDF) are kept")
    template: Path = Field(HERE / "skabelon" / "velkomstbrev.docx", description="the letter template (.docx)")
    label: str = Field("Velkommen til kommunen", description="the title the citizen sees in Digital Post")
    sender_cvr: str = Field("29189854", pattern=r"^\d{8}$", description="the municipality's CVR number")
    sender_label: str = "Roskilde Kommune"
    sender_signature: str = "Roskilde Kommune, Borgerservice"
    digitalpost_url: str = "https://127.0.0.1:8768"
    client_cert: Path = Field(Path("var/practice/digitalpost/robot.crt"), description="the system certificate (PEM)")
    client_key: Path = Field(Path("var/practice/digitalpost/robot.key"), description="its private key (PEM)")
    key_credential: str | None = Field(None, description="vault credential holding the key's password, if it has one")
    ca_file: Path | None = Field(Path("var/practice/digitalpost/ca.crt"), description="CA of the server (None: the system's)")
    dar_url: str = Field("http://127.0.0.1:8769", description="the address register (https://api.dataforsyningen.dk)")
    columns: dict[str, str] = Field(default_factory=lambda: {"cpr": "CPR", "name": "Navn", "address": "Adresse",
                                                            "moved": "Tilflytningsdato"})
    sheet: str | None = None


class Move(BaseModel):
    """One citizen from the list (or what is wrong with the row)."""

    row: int
    cpr: str = Field("", repr=False)  # kept in the (encrypted) payload only
    name: str = ""
    address: str = ""
    moved: date | None = None
    problem: str | None = None


def _date(text: str) -> date:
    """A move date as the extract writes it: an Excel date (read as ISO) or Danish ``02-11-2026`` / ``2.11.2026``."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return parse_danish_date(text)


def _move(row: int, cells: dict[str, Any], columns: dict[str, str]) -> Move:
    texts = {key: cell_text(cells[header]).strip() for key, header in columns.items()}
    if isinstance(cells[columns["cpr"]], int):  # a CPR typed as a number loses its leading zero
        texts["cpr"] = texts["cpr"].zfill(10)
    try:
        cpr = parse_cpr(texts["cpr"])
    except DanishFormatError as error:
        return Move(row=row, problem=f"række/row {row}, kolonne/column '{columns['cpr']}': {error}")
    try:
        moved = _date(texts["moved"])
    except (ValueError, DanishFormatError):
        return Move(row=row, cpr=cpr.digits,
                    problem=f"række/row {row}, kolonne/column '{columns['moved']}': ikke en dato / not a date")
    missing = [columns[k] for k in ("name", "address") if not texts[k]]
    if missing:
        return Move(row=row, cpr=cpr.digits, moved=moved,
                    problem=f"række/row {row}: tom/empty {', '.join(missing)}")
    return Move(row=row, cpr=cpr.digits, name=texts["name"], address=texts["address"], moved=moved)


def produce(ctx: BotContext[Params]) -> Iterator[NewItem[Move]]:
    columns = ctx.params.columns
    table = read_columns(ctx.params.input, list(columns.values()), sheet=ctx.params.sheet)
    for line in table.rows:
        move = _move(line.number, line.cells, columns)
        key = move.cpr or f"row-{line.number}"  # the queue stores a CPR number as its keyed token
        yield NewItem(reference=f"{key}@{move.moved.isoformat() if move.moved else 'ukendt-dato'}", payload=move)


def _clients(ctx: BotContext[Params]) -> tuple[AddressClient, DigitalPostClient]:
    p = ctx.params
    addresses = ctx.use("dar", lambda: AddressClient(p.dar_url, clock=ctx.clock, log=ctx.log))

    def digital_post() -> DigitalPostClient:
        password = ctx.credential(p.key_credential).password if p.key_credential else None
        tls = client_tls_context(p.client_cert, p.client_key, key_password=password, ca_file=p.ca_file, now=ctx.clock.now())
        return DigitalPostClient(p.digitalpost_url, tls, clock=ctx.clock, log=ctx.log)

    return addresses, ctx.use("digitalpost", digital_post)


@bot(name="velkomstbreve", process="velkomstbreve", queue="velkomstbreve", params=Params, producer=produce,
     max_attempts=4, retry_delay=timedelta(seconds=30), backoff=2.0, timeout=timedelta(minutes=5),
     gains=Gains(unit="brev", credited_minutes=Decimal(3), step="adressetjek, brevfletning og afsendelse med Digital Post"))
def send_welcome_letter(item: WorkItem[Move], ctx: BotContext[Params]) -> dict[str, Any]:
    """Velkomstbrev: tjek adressen, udfyld brevet, lav PDF og send det med Digital Post — én gang."""
    move, p = item.payload, ctx.params
    if move.problem is not None or move.moved is None:
        raise BusinessException(move.problem or "", code="BAD_ROW")
    addresses, digital_post = _clients(ctx)
    address = addresses.validate(move.address)
    uuid = message_uuid(p.sender_cvr, item.reference)
    work = ctx.run_dir / "breve"
    letter = fill_template(p.template, {"navn": move.name, "adresse": address.text, "afsender": p.sender_signature,
                                        "tilflytningsdato": format_long_date_da(move.moved)}, work / f"{uuid}.docx")
    letters = ctx.settings.letters  # where LibreOffice is, per machine: [letters] in sepbots.toml
    pdf = render_pdf(letter, work / f"{uuid}.pdf", soffice=letters.soffice, timeout_s=letters.timeout_s)
    letter.unlink()
    message = MemoMessage(message_uuid=uuid, label=p.label, sender=Sender(cvr=p.sender_cvr, label=p.sender_label),
                          recipient=Recipient(id=SecretStr(move.cpr)), created=ctx.clock.now(), filename="velkomstbrev.pdf",
                          content=pdf.read_bytes())
    receipt = digital_post.send(message)
    p.letters_dir.mkdir(parents=True, exist_ok=True)
    pdf = Path(shutil.move(pdf, p.letters_dir / pdf.name))  # only letters Digital Post has receipted are kept
    ctx.log.info("welcome_letter_sent", message_uuid=receipt.message_uuid, already_sent=receipt.duplicate, row=move.row)
    return {"message_uuid": receipt.message_uuid, "receipt_id": receipt.receipt_id,
            "received_at": receipt.received_at.isoformat(), "already_sent": receipt.duplicate,
            "address": address.text, "letter": pdf.name}
