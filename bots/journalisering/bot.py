"""Journalisering: file documents in a legacy desktop case system, by keyboard, like a clerk would.

Catalogue process ``journalisering-mails`` (filing incoming documents in the case system). Each
row of the input (an .xlsx workbook, or a folder of files with ``manifest.csv``) is one document.
The robot types it into the case system's form, saves, and reads the journal number back from
the status line. A document the case system refuses (its modal "Fejl" dialog) goes to manual
handling with the dialog's text; a case system that does not answer in time is retried. The
outcome workbook lists every document with its journal number or the reason it was not filed.

The robot sees only the screen: it never reads the case system's database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from pydantic import ConfigDict, Field, model_validator

from sepbots import BotContext, BusinessException, Gains, ItemState, NewItem, WorkItem, bot
from sepbots.sheets import CellKind, ColumnSpec, SheetSpec, write_workbook

from .casesystem import CaseSystem, practice_app_command
from .inputs import Document, read_documents
from .mailbox import MailParams, MailTask, Source, produce_mails


class Params(MailParams):
    """Run parameters (defaults in ``config.toml``; the mailbox ones are in ``MailParams``)."""

    model_config = ConfigDict(extra="forbid")

    source: Source = Field(Source.WORKBOOK, description="workbook (input) or mailbox (imap_* and smtp_*)")
    input: Path | None = Field(None, description="an .xlsx workbook or a folder with manifest.csv")
    output: Path = Field(description="the outcome workbook to write")
    launch_app: bool = Field(False, description="start sepbots' practice case system instead of attaching")
    app_db: Path | None = Field(None, description="the practice case system's journal file when launched")
    app_delay_ms: int = Field(0, ge=0, description="practice case system: ms per save")
    app_slow_every_n: int = Field(0, ge=0, description="practice case system: only every n-th save is slow")
    window_title: str = "Sagssystem"
    error_title: str = "Fejl"
    save_timeout_s: float | None = Field(None, gt=0, description="default: desktop.timeout_s")

    @model_validator(mode="after")
    def _input_for_workbooks(self) -> Params:
        if self.source is Source.WORKBOOK and self.input is None:
            raise ValueError("source = workbook kræver input (en .xlsx-projektmappe eller en mappe med manifest.csv) / "
                             "source = workbook needs input (an .xlsx workbook or a folder with manifest.csv)")
        return self


def produce(ctx: BotContext[Params]) -> Iterable[NewItem[Document]]:
    """One work item per document or mail; references (input:row, folder/UIDVALIDITY/UID) make re-runs add nothing twice.

    Mails are listed here, before the queue's transaction starts (a list, not a generator): reading
    the mailbox password from the vault writes an audit row of its own.
    """
    if ctx.params.source is Source.MAILBOX:
        return produce_mails(ctx, ctx.params)
    assert ctx.params.input is not None
    return _documents(ctx.params.input)


def _documents(source: Path) -> Iterator[NewItem[Document]]:
    for document in read_documents(source):
        yield NewItem(reference=f"{source.name}:{document.row}", payload=document)


def finish(ctx: BotContext[Params], items: list[WorkItem[Document]]) -> None:
    """Write this run's own outcome workbook for every document the run read or processed."""
    write_outcome(ctx.output_path(ctx.params.output), items, ctx.lang)


def _open_case_system(ctx: BotContext[Params]) -> CaseSystem:
    params = ctx.params
    launch = None
    if params.launch_app:
        db = params.app_db or ctx.settings.var_dir / "practice-journal.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        launch = practice_app_command(db, delay_ms=params.app_delay_ms, slow_every_n=params.app_slow_every_n)
    return CaseSystem(
        ctx.settings.desktop,
        window_title=params.window_title,
        error_title=params.error_title,
        save_timeout_s=params.save_timeout_s,
        launch=launch,
        launch_log=ctx.run_dir / "case-system.log",
        log=ctx.log,
    )


@bot(name="journalisering", process="journalisering-mails", queue="journalisering", params=Params, producer=produce,
     finish=finish, max_attempts=3, retry_delay=timedelta(seconds=2), backoff=2.0, timeout=timedelta(minutes=2),
     gains=Gains(unit="dokument", credited_minutes=Decimal(2), step="journalisering i sagssystemet"))
def journalise(item: WorkItem[Document], ctx: BotContext[Params]) -> dict[str, object]:
    """Journalisering af dokumenter i sagssystemet (skrivebordsprogram)."""
    if item.payload.mail is not None:
        return _journalise_mail(item.payload, ctx)
    case_system = ctx.use("case-system", lambda: _open_case_system(ctx))
    result = case_system.journalise(item.payload.fields())
    ctx.log.info(
        "document_filed",
        row=item.payload.row,
        journal_number=result["journal_number"],
        already_filed=result["already_filed"],
    )
    return result


def _journalise_mail(document: Document, ctx: BotContext[Params]) -> dict[str, object]:
    """File one mail: locate it, keep its attachments, file it, reply, move it (see ``mailbox.py``)."""
    assert document.mail is not None
    task = MailTask(ctx, ctx.params, document.mail)
    message = task.locate()
    attachments = task.save_attachments(message)
    try:
        if not document.case_number:
            raise BusinessException("Mailens emne indeholder intet sagsnummer (ÅÅÅÅ-NNNNNN) / "
                                    "the subject holds no case number", code="NO_CASE_NUMBER")
        case_system = ctx.use("case-system", lambda: _open_case_system(ctx))  # not started for mails it cannot place
        result = case_system.journalise(document.fields())
    except BusinessException:
        task.to_manual(message)
        raise
    replied = task.finish(message, str(result["journal_number"]))
    ctx.log.info("mail_filed", mail=document.mail.ref.reference, journal_number=result["journal_number"],
                 already_filed=result["already_filed"], replied=replied, attachments=len(attachments))
    return {**result, "mail": document.mail.ref.reference, "replied": replied, "attachments": attachments}


HEADERS = {
    "da": [
        "Række",
        "Sagsnummer",
        "Dokumenttitel",
        "Dato",
        "Kategori",
        "Fil",
        "Status",
        "Journalnr.",
        "Besked",
    ],
    "en": [
        "Row",
        "Case number",
        "Document title",
        "Date",
        "Category",
        "File",
        "Status",
        "Journal no.",
        "Message",
    ],
}
STATES = {
    "da": {
        ItemState.DONE: "Journaliseret",
        ItemState.BUSINESS_EXCEPTION: "Manuel behandling",
        ItemState.FAILED: "Fejlet",
        "already": "Journaliseret (fandtes i forvejen)",
    },
    "en": {
        ItemState.DONE: "Filed",
        ItemState.BUSINESS_EXCEPTION: "Manual handling",
        ItemState.FAILED: "Failed",
        "already": "Filed (already there)",
    },
}
WIDTHS = (8, 14, 40, 12, 16, 24, 22, 16, 60)


def write_outcome(path: Path, items: list[WorkItem[Document]], lang: str = "da") -> None:
    """Write the outcome workbook atomically (a temporary file in the same folder, then a rename)."""
    lang = lang if lang in HEADERS else "da"
    labels = STATES[lang]
    rows = []
    for item in sorted(items, key=lambda i: i.payload.row):
        doc, output = item.payload, item.output or {}
        state = labels["already"] if output.get("already_filed") else labels.get(item.state, item.state.value)
        rows.append([doc.row, doc.case_number, doc.title, doc.document_date, doc.category, doc.file or "", state,
                     output.get("journal_number", ""), item.error_message or ""])
    columns = [ColumnSpec(h, CellKind.AUTO, w) for h, w in zip(HEADERS[lang], WIDTHS, strict=True)]
    write_workbook(path, [SheetSpec("Resultat" if lang == "da" else "Outcome", columns, rows)])
