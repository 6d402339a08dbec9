"""MIME in and out with the standard library: a raw message to facts, a ``OutgoingMail`` to bytes."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, make_msgid, parsedate_to_datetime

from sepbots.connectors.mail.models import AttachmentData, OutgoingMail


def parse(raw: bytes) -> EmailMessage:
    """The message object for raw RFC 5322 bytes (modern policy: decoded headers)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def sender_of(message: EmailMessage) -> tuple[str, str]:
    """``(name, address)`` of the From header ('' when missing)."""
    found = getaddresses([str(message.get("From", ""))])
    return found[0] if found else ("", "")


def received_of(message: EmailMessage) -> datetime | None:
    """The Date header as an aware datetime, or None when missing or unreadable."""
    value = message.get("Date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def text_of(message: EmailMessage) -> str:
    """The plain-text body ('' when the message has none)."""
    body = message.get_body(preferencelist=("plain",))
    if body is None:
        return ""
    content = body.get_content()
    return content if isinstance(content, str) else ""


def attachments_of(message: EmailMessage) -> list[AttachmentData]:
    """Every attachment with its decoded content, in message order."""
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)  # bytes for a leaf part, None for a multipart one
        content = payload if isinstance(payload, bytes) else b""
        found.append(
            AttachmentData(
                filename=part.get_filename() or "vedhaeftning",
                content_type=part.get_content_type(),
                size=len(content),
                content=content,
            )
        )
    return found


def build(mail: OutgoingMail, *, now: datetime) -> EmailMessage:
    """The MIME message for ``mail`` with Date and a fresh Message-ID."""
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now)
    domain = mail.sender.rpartition("@")[2] or "sepbots.local"
    message["Message-ID"] = make_msgid(domain=domain)
    if mail.in_reply_to:
        message["In-Reply-To"] = mail.in_reply_to
        message["References"] = mail.in_reply_to
    message.set_content(mail.text)
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=attachment.filename)
    return message
