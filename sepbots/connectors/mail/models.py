"""Typed mail: a stable reference, a message as read, an attachment, a mail to send."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class MailSecurity(StrEnum):
    """How the connection to a mail server is protected."""

    SSL = "ssl"            # TLS from the first byte (IMAPS 993, SMTPS 465)
    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (IMAP 143, submission 587)
    NONE = "none"          # no TLS: only for a server on the same machine (tests, a local relay)


class MailFlag(StrEnum):
    """Flags a robot sets on a message."""

    SEEN = "\\Seen"
    FLAGGED = "\\Flagged"
    ANSWERED = "\\Answered"


class MailRef(BaseModel):
    """Where one message is, stably: folder, the folder's validity stamp and the message's id in it.

    For IMAP, ``id`` is the UID and ``validity`` the folder's UIDVALIDITY (UIDs are only unique
    within one UIDVALIDITY); for Microsoft Graph, ``id`` is the immutable message id.
    """

    model_config = ConfigDict(frozen=True)

    folder: str
    validity: str
    id: str

    @property
    def reference(self) -> str:
        """The work-item reference: the same message always gives the same text."""
        return f"{self.folder}/{self.validity}/{self.id}"


class Attachment(BaseModel):
    """An attachment as listed (no content)."""

    model_config = ConfigDict(frozen=True)

    filename: str
    content_type: str
    size: int


class AttachmentData(Attachment):
    """An attachment with its content."""

    content: bytes = Field(repr=False)

    def save(self, directory: Path, index: int) -> Path:
        """Write the content atomically as an owner-only file (0600) in an owner-only folder (0700)."""
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(directory, 0o700)
        name = _UNSAFE.sub("_", Path(self.filename).name).strip("._") or "vedhaeftning"
        target = directory / f"{index:02d}-{name}"
        fd, temporary = tempfile.mkstemp(prefix=".attachment.", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(self.content)
            os.chmod(temporary, 0o600)
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        return target


class MailMessage(BaseModel):
    """A message as a robot reads it: header facts, the plain text and the attachment list."""

    model_config = ConfigDict(frozen=True)

    ref: MailRef
    message_id: str | None = None
    sender: str
    sender_name: str = ""
    subject: str = ""
    received: datetime | None = None
    text: str = ""
    attachments: list[Attachment] = Field(default_factory=list)
    flags: frozenset[str] = frozenset()


class OutgoingMail(BaseModel):
    """A mail to send; ``in_reply_to`` makes it a reply in the recipient's thread."""

    sender: str
    to: list[str]
    subject: str
    text: str
    in_reply_to: str | None = None
    attachments: list[AttachmentData] = Field(default_factory=list)
