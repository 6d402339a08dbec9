"""Sending over SMTP to a real SMTP server in this process."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from sepbots.connectors import RetryPolicy
from sepbots.connectors.mail import AttachmentData, MailSecurity, MailServer, OutgoingMail, SmtpSender
from sepbots.connectors.mail.mime import attachments_of, parse, text_of
from sepbots.exceptions import ApplicationException, BusinessException
from sepbots.practice.mail import SmtpInbox, free_port
from sepbots.testing import ManualClock
from tests.mailservers import smtp_server


def test_a_reply_with_an_attachment_arrives_whole_and_in_the_thread(smtp_inbox: SmtpInbox) -> None:
    """The sent mail reaches the server with its text, attachment, In-Reply-To and the returned Message-ID."""
    clock = ManualClock()
    sender = SmtpSender(smtp_server(smtp_inbox), clock=clock)
    kvittering = AttachmentData(filename="kvittering.txt", content_type="text/plain", size=3, content=b"J-1")
    message_id = sender.send(OutgoingMail(sender="robot@kommune.dk", to=["borger@example.dk"], subject="Sv: Ansøgning",
                                          text="Journalnr. J-2026-000001", in_reply_to="<abc@example.dk>",
                                          attachments=[kvittering]))
    (received,) = smtp_inbox.wait_for(1)
    parsed = parse(received.raw)
    assert received.recipients == ("borger@example.dk",) and received.sender == "robot@kommune.dk"
    assert parsed["Message-ID"] == message_id and parsed["In-Reply-To"] == "<abc@example.dk>"
    assert parsed["Subject"] == "Sv: Ansøgning" and text_of(parsed).strip() == "Journalnr. J-2026-000001"
    assert [(a.filename, a.content) for a in attachments_of(parsed)] == [("kvittering.txt", b"J-1")]
    assert smtp_inbox.to("borger@example.dk") == [received]


def test_a_permanently_refused_recipient_is_a_business_error(smtp_inbox: SmtpInbox) -> None:
    """A 550 for the only recipient is MAIL_RECIPIENT_REFUSED, raised without retrying."""
    clock = ManualClock()
    with capture_logs() as logs, pytest.raises(BusinessException) as refused:
        SmtpSender(smtp_server(smtp_inbox), clock=clock).send(
            OutgoingMail(sender="robot@kommune.dk", to=["ukendt@kommune.dk"], subject="x", text="y"))
    assert refused.value.code == "MAIL_RECIPIENT_REFUSED" and "ukendt@kommune.dk" in refused.value.message
    assert not [e for e in logs if e["event"] == "connector_retry"] and smtp_inbox.mails == []


def test_a_server_that_is_down_is_retried_then_an_application_error() -> None:
    """Connection refused is retried with backoff on the injected clock, then SMTP_UNAVAILABLE."""
    clock = ManualClock()
    down = MailServer(host="127.0.0.1", port=free_port(), security=MailSecurity.NONE, timeout_s=2)
    with pytest.raises(ApplicationException) as failed:
        SmtpSender(down, clock=clock, retry=RetryPolicy(attempts=3, initial_s=1)).send(
            OutgoingMail(sender="robot@kommune.dk", to=["a@example.dk"], subject="x", text="y"))
    assert failed.value.code == "SMTP_UNAVAILABLE" and clock.monotonic() == 3.0
