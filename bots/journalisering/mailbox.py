"""Journalisering from a shared mailbox: each new mail becomes one document to file.

A mail's work-item reference is its IMAP ``folder/UIDVALIDITY/UID`` (Microsoft Graph:
``folder/immutable/<immutable id>``), so listing the folder again after a crash adds nothing twice. Each step leaves a
mark on the mail itself, so a retry after a crash at any point finishes the mail without doing a step twice:

1. the case system is asked to file the document (it recognises a document it already holds,
   ``already_filed``), and the mail gets the keyword ``SepbotsFiled`` (an Outlook category on Graph);
2. the sender gets a reply with the journal number, then the mail gets ``SepbotsReplied``
   (a retry sees the keyword and does not reply again);
3. the mail is moved to the filed folder (``Journaliseret``); a retry finds it there by its
   Message-ID.

A mail without a case number in its subject, or one the case system refuses, is moved to the
manual-handling folder and becomes a business exception with the reason.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from sepbots import BotContext, BusinessException, NewItem
from sepbots.clock import local
from sepbots.connectors.mail import (
    GraphApp,
    GraphMailbox,
    ImapMailbox,
    MailFlag,
    MailMessage,
    MailSecurity,
    MailSender,
    MailServer,
    OutgoingMail,
    SmtpSender,
)

from .inputs import Document, MailOrigin

CASE_NUMBER = re.compile(r"\b(\d{4}-\d{6})\b")
_PREFIX = re.compile(r"^\s*(?:(?:sv|re|vs|fw|fwd)\s*:\s*)*(?:sag(?:snr\.?|snummer)?\s*)?\d{4}-\d{6}\s*[:\-–]?\s*", re.IGNORECASE)
FILED = "SepbotsFiled"
REPLIED = "SepbotsReplied"
CATEGORY_WORDS = (("klage", "Klage"), ("ansøgning", "Ansøgning"), ("partshøring", "Partshøring"),
                  ("afgørelse", "Afgørelse"), ("notat", "Notat"))
DEFAULT_CATEGORY = "Korrespondance"


class Source(StrEnum):
    """Where the documents come from."""

    WORKBOOK = "workbook"  # an .xlsx workbook or a folder with manifest.csv (``input``)
    MAILBOX = "mailbox"    # new mails in a mail folder (IMAP or Microsoft Graph)


class MailboxKind(StrEnum):
    """Which server holds the mailbox."""

    IMAP = "imap"    # any IMAP server; replies over SMTP
    GRAPH = "graph"  # Microsoft 365 through Microsoft Graph; replies sent from the mailbox itself


class MailParams(BaseModel):
    """The mailbox settings among the bot's parameters (all prefixed, so ``--param imap_host=…`` works)."""

    mailbox: MailboxKind = MailboxKind.IMAP
    imap_host: str = "localhost"
    imap_port: int = Field(993, gt=0, le=65535)
    imap_security: MailSecurity = MailSecurity.SSL
    mail_credential: str = Field("journalisering-postkasse", description="vault credential: user name and password")
    mail_folder: str = "INBOX"
    filed_folder: str = "Journaliseret"
    manual_folder: str = "Manuel behandling"
    smtp_host: str = "localhost"
    smtp_port: int = Field(587, gt=0, le=65535)
    smtp_security: MailSecurity = MailSecurity.STARTTLS
    smtp_credential: str | None = Field(None, description="vault credential for SMTP; none: a relay without login")
    reply_from: str = Field("journalisering@kommune.dk", description="the replies' From address")
    mail_timeout_s: float = Field(30.0, gt=0)
    graph_tenant: str = Field("", description="Graph: the directory (tenant) id")
    graph_client_id: str = Field("", description="Graph: the app registration's application (client) id")
    graph_mailbox: str = Field("", description="Graph: the shared mailbox's address")
    graph_credential: str = Field("journalisering-graph", description="vault credential holding the client secret")
    graph_url: str = "https://graph.microsoft.com/v1.0"
    graph_login_url: str = "https://login.microsoftonline.com"


def document_of(message: MailMessage, position: int = 0) -> Document:
    """The document a mail stands for: case number and title from the subject, date from the mail.

    ``row`` (the outcome workbook's order) is the IMAP UID, or the position in the listing for Graph.
    """
    found = CASE_NUMBER.search(message.subject)
    title = _PREFIX.sub("", message.subject).strip() or message.subject.strip()
    lowered = title.lower()
    category = next((name for word, name in CATEGORY_WORDS if word in lowered), DEFAULT_CATEGORY)
    received = local(message.received) if message.received else None
    return Document(
        row=int(message.ref.id) if message.ref.id.isdigit() else position,
        case_number=found.group(1) if found else "",
        title=title[:200],
        document_date=received.strftime("%d-%m-%Y") if received else "",
        category=category,
        file=message.ref.reference,
        mail=MailOrigin(ref=message.ref, message_id=message.message_id, sender=message.sender, subject=message.subject),
    )


def open_mailbox(ctx: BotContext[Any], params: MailParams) -> ImapMailbox | GraphMailbox:
    if params.mailbox is MailboxKind.GRAPH:
        app = GraphApp(tenant=params.graph_tenant, client_id=params.graph_client_id, mailbox=params.graph_mailbox,
                       graph_url=params.graph_url, login_url=params.graph_login_url, timeout_s=params.mail_timeout_s)
        return GraphMailbox(app, ctx.credential(params.graph_credential), clock=ctx.clock, log=ctx.log)
    server = MailServer(host=params.imap_host, port=params.imap_port, security=params.imap_security, timeout_s=params.mail_timeout_s)
    return ImapMailbox(server, ctx.credential(params.mail_credential), clock=ctx.clock, log=ctx.log)


def open_sender(ctx: BotContext[Any], params: MailParams) -> MailSender:
    if params.mailbox is MailboxKind.GRAPH:
        mailbox = ctx.use("mailbox", lambda: open_mailbox(ctx, params))
        assert isinstance(mailbox, GraphMailbox)  # the mailbox kind is Graph
        return mailbox
    server = MailServer(host=params.smtp_host, port=params.smtp_port, security=params.smtp_security, timeout_s=params.mail_timeout_s)
    credential = ctx.credential(params.smtp_credential) if params.smtp_credential else None
    return SmtpSender(server, credential, clock=ctx.clock, log=ctx.log)


def produce_mails(ctx: BotContext[Any], params: MailParams) -> list[NewItem[Document]]:
    """One work item per mail in the folder; the reference is folder/UIDVALIDITY/UID (Graph: folder/immutable/id)."""
    box = ctx.use("mailbox", lambda: open_mailbox(ctx, params))
    return [NewItem(reference=m.ref.reference, payload=document_of(m, n))
            for n, m in enumerate(box.messages(params.mail_folder), start=1)]


def attachment_folder(var_dir: Path, queue: str, reference: str) -> Path:
    """Where a mail's attachments are kept with its work item (owner-only)."""
    return var_dir / "attachments" / queue / hashlib.sha256(reference.encode()).hexdigest()[:16]


class MailTask:
    """The mail steps around filing one document (the filing itself is the caller's ``file``)."""

    def __init__(self, ctx: BotContext[Any], params: MailParams, origin: MailOrigin) -> None:
        self.ctx, self.params, self.origin = ctx, params, origin
        self.box = ctx.use("mailbox", lambda: open_mailbox(ctx, params))

    def locate(self) -> MailMessage:
        """The mail where it is now: still in its folder, or already in the filed folder after a crash."""
        message = self.box.message(self.origin.ref)
        if message is None and self.origin.message_id:
            moved = self.box.find(self.params.filed_folder, self.origin.message_id)
            message = self.box.message(moved) if moved else None
        if message is None:
            raise BusinessException(f"mailen er hverken i {self.origin.ref.folder} eller {self.params.filed_folder} / "
                                    f"the mail is no longer in {self.origin.ref.folder} nor in {self.params.filed_folder}: "
                                    f"{self.origin.ref.reference}", code="MAIL_GONE")
        return message

    def save_attachments(self, message: MailMessage) -> list[str]:
        if not message.attachments:
            return []
        folder = attachment_folder(self.ctx.settings.var_dir, self.ctx.recipe.queue, self.origin.ref.reference)
        saved = [a.save(folder, n) for n, a in enumerate(self.box.attachments(message.ref), start=1)]
        return [str(p.relative_to(self.ctx.settings.var_dir)) for p in saved]

    def to_manual(self, message: MailMessage) -> None:
        """Move the mail to the manual-handling folder (the caller raises the reason)."""
        if message.ref.folder == self.origin.ref.folder:
            self.box.move(message.ref, self.params.manual_folder)

    def finish(self, message: MailMessage, journal_number: str) -> bool:
        """Mark filed, reply once, move to the filed folder; returns whether a reply was sent now."""
        replied = False
        if FILED not in message.flags:
            self.box.add_flags(message.ref, [FILED, MailFlag.SEEN.value])
        if REPLIED not in message.flags:
            sender = self.ctx.use("smtp", lambda: open_sender(self.ctx, self.params))
            sender.send(OutgoingMail(
                sender=self.params.reply_from,
                to=[message.sender],
                subject=f"Sv: {message.subject}",
                text=reply_text(journal_number, message.received),
                in_reply_to=message.message_id,
            ))
            self.box.add_flags(message.ref, [REPLIED, MailFlag.ANSWERED.value])
            replied = True
        if message.ref.folder != self.params.filed_folder:
            self.box.move(message.ref, self.params.filed_folder)
        return replied


def reply_text(journal_number: str, received: datetime | None) -> str:
    """The reply to the sender, Danish first, English after."""
    when = local(received).strftime("%d-%m-%Y") if received else ""
    return (f"Tak for din henvendelse{f' af {when}' if when else ''}. Den er journaliseret med journalnummer "
            f"{journal_number}. Oplys venligst journalnummeret, hvis du skriver til os igen.\n\n"
            f"Thank you for your message. It has been filed with journal number {journal_number}; "
            f"please quote it if you write to us again.\n")
