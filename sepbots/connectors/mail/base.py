"""The mailbox port: what a robot does with a shared mailbox, whichever server holds it.

Backends: ``imap.ImapMailbox`` (any IMAP server) and ``graph.GraphMailbox`` (Microsoft 365 over
Microsoft Graph). Sending is ``smtp.SmtpSender`` (or ``GraphMailbox.send``).
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from sepbots.connectors.mail.models import AttachmentData, MailMessage, MailRef, MailSecurity, OutgoingMail


class MailServer(BaseModel):
    """Where a mail server answers and how to reach it (the password comes from the vault).

    Args:
        host: name or address.
        port: TCP port (IMAPS 993, IMAP 143, SMTPS 465, submission 587).
        security: ``ssl``, ``starttls`` or ``none`` (``none`` only for a server on this machine).
        timeout_s: per network operation.
        ca_file: a PEM bundle for a server whose certificate the system does not trust.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str
    port: int = Field(gt=0, le=65535)
    security: MailSecurity = MailSecurity.SSL
    timeout_s: float = Field(30.0, gt=0)
    ca_file: Path | None = None

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying TLS context (system roots, or ``ca_file``)."""
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)


class Mailbox(Protocol):
    """A mailbox a robot reads and files mail in."""

    def messages(self, folder: str, *, limit: int | None = None) -> list[MailMessage]:
        """The messages now in ``folder``, oldest first."""
        ...

    def message(self, ref: MailRef) -> MailMessage | None:
        """The message at ``ref``, or None when it is no longer there."""
        ...

    def attachments(self, ref: MailRef) -> list[AttachmentData]:
        """The attachments of the message at ``ref``, with content."""
        ...

    def move(self, ref: MailRef, folder: str) -> None:
        """Move the message to ``folder`` (created when missing)."""
        ...

    def add_flags(self, ref: MailRef, flags: list[str]) -> None:
        """Set flags or keywords on the message."""
        ...

    def find(self, folder: str, message_id: str) -> MailRef | None:
        """The message with this Message-ID header in ``folder``, if any."""
        ...


class MailSender(Protocol):
    """Something that sends mail."""

    def send(self, mail: OutgoingMail) -> str | None:
        """Send ``mail``; returns its Message-ID when the channel tells it."""
        ...
