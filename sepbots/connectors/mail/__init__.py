"""Mail connectors: IMAP and Microsoft Graph mailboxes, SMTP sending, typed messages."""

from sepbots.connectors.mail.base import Mailbox, MailSender, MailServer
from sepbots.connectors.mail.graph import GraphApp, GraphMailbox
from sepbots.connectors.mail.imap import ImapMailbox
from sepbots.connectors.mail.models import (
    Attachment,
    AttachmentData,
    MailFlag,
    MailMessage,
    MailRef,
    MailSecurity,
    OutgoingMail,
)
from sepbots.connectors.mail.smtp import SmtpSender

__all__ = [
    "Attachment",
    "AttachmentData",
    "GraphApp",
    "GraphMailbox",
    "ImapMailbox",
    "MailFlag",
    "MailMessage",
    "MailRef",
    "MailSecurity",
    "MailSender",
    "MailServer",
    "Mailbox",
    "OutgoingMail",
    "SmtpSender",
]
