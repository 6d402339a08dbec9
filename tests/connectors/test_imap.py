"""The IMAP mailbox against a real Dovecot: read, attachments, flags, moves, failures."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from structlog.testing import capture_logs

from sepbots.connectors import RetryPolicy
from sepbots.connectors.mail import AttachmentData, ImapMailbox, MailRef, MailSecurity, MailServer, OutgoingMail
from sepbots.connectors.mail.mime import build
from sepbots.exceptions import ApplicationException, BusinessException
from sepbots.practice.mail import free_port
from sepbots.testing import ManualClock
from sepbots.vault import Credential
from tests.mailservers import MailAccount

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def deliver(box: ImapMailbox, subject: str, *, attachments: list[AttachmentData] | None = None, folder: str = "INBOX") -> str:
    """Put a mail into ``folder`` as a mail server would; returns its Message-ID."""
    message = build(OutgoingMail(sender="Borger <borger@example.dk>", to=["post@kommune.dk"], subject=subject,
                                 text=f"Brødtekst for {subject}", attachments=attachments or []), now=NOW)
    box.append(folder, message.as_bytes())
    return str(message["Message-ID"])


def test_messages_are_listed_oldest_first_with_uidvalidity_and_stay_unread(imap_account: MailAccount) -> None:
    """Listing gives typed messages whose reference holds folder, UIDVALIDITY and UID, without setting \\Seen."""
    with ImapMailbox(imap_account.server, imap_account.credential) as box:
        first = deliver(box, "Ansøgning om hjælpemiddel")
        deliver(box, "Klage over afgørelse")
        listed = box.messages("INBOX")
        again = box.messages("INBOX")
    assert [m.subject for m in listed] == ["Ansøgning om hjælpemiddel", "Klage over afgørelse"]
    one = listed[0]
    assert one.message_id == first and one.sender == "borger@example.dk" and one.sender_name == "Borger"
    assert one.text.strip() == "Brødtekst for Ansøgning om hjælpemiddel" and one.received == NOW
    folder, validity, uid = one.ref.reference.split("/")
    assert folder == "INBOX" and int(validity) > 0 and int(uid) < int(listed[1].ref.id)
    assert all("\\Seen" not in m.flags for m in again)


def test_attachments_are_read_and_saved_as_owner_only_files(imap_account: MailAccount, tmp_path: Path) -> None:
    """Attachments come back byte for byte and are written 0600 in a 0700 folder, with a safe name."""
    pdf = AttachmentData(filename="../../bilag 1.pdf", content_type="application/pdf", size=9, content=b"%PDF-1.7\n")
    with ImapMailbox(imap_account.server, imap_account.credential) as box:
        deliver(box, "Med bilag", attachments=[pdf])
        message = box.messages("INBOX")[0]
        data = box.attachments(message.ref)
    assert [(a.filename, a.content_type, a.size) for a in message.attachments] == [("../../bilag 1.pdf", "application/pdf", 9)]
    saved = data[0].save(tmp_path / "bilag", 1)
    assert saved.parent == tmp_path / "bilag" and saved.name == "01-bilag_1.pdf"
    assert saved.read_bytes() == b"%PDF-1.7\n"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600 and stat.S_IMODE(saved.parent.stat().st_mode) == 0o700


def test_move_files_the_mail_in_a_new_folder_and_the_old_reference_resolves_to_nothing(imap_account: MailAccount) -> None:
    """After a move the mail is gone from the source (message() is None) and found by Message-ID in the target."""
    with ImapMailbox(imap_account.server, imap_account.credential) as box:
        message_id = deliver(box, "Til journalisering")
        ref = box.messages("INBOX")[0].ref
        box.add_flags(ref, ["SepbotsFiled", "\\Flagged"])
        box.move(ref, "Journaliseret")
        assert box.message(ref) is None
        assert box.messages("INBOX") == []
        moved = box.find("Journaliseret", message_id)
        assert moved is not None
        kept = box.message(moved)
        assert kept is not None and {"SepbotsFiled", "\\Flagged"} <= kept.flags
        with pytest.raises(BusinessException) as gone:
            box.move(ref, "Journaliseret")
    assert gone.value.code == "MAIL_GONE"


def test_a_reference_from_another_uidvalidity_never_points_at_another_mail(imap_account: MailAccount) -> None:
    """A UID with a UIDVALIDITY the folder no longer has resolves to None instead of a different message."""
    with ImapMailbox(imap_account.server, imap_account.credential) as box:
        deliver(box, "Første")
        ref = box.messages("INBOX")[0].ref
        stale = MailRef(folder=ref.folder, validity=str(int(ref.validity) + 1), id=ref.id)
        assert box.message(stale) is None
        assert box.message(ref) is not None


def test_a_missing_folder_is_a_business_error(imap_account: MailAccount) -> None:
    """Reading a folder that does not exist raises MAIL_FOLDER_MISSING, not a retried system error."""
    with ImapMailbox(imap_account.server, imap_account.credential) as box, pytest.raises(BusinessException) as missing:
        box.messages("Findes/Ikke")
    assert missing.value.code == "MAIL_FOLDER_MISSING"


def test_a_wrong_password_is_refused_at_once_and_never_shown(imap_account: MailAccount) -> None:
    """A refused login is an application error without retries, and its message holds no password."""
    wrong = Credential(name="postkasse", username=imap_account.credential.username, password=SecretStr("forkert-kodeord"))
    clock = ManualClock()
    with capture_logs() as logs, ImapMailbox(imap_account.server, wrong, clock=clock) as box, \
            pytest.raises(ApplicationException) as refused:
        box.messages("INBOX")
    assert refused.value.code == "IMAP_LOGIN_REFUSED" and "forkert-kodeord" not in str(refused.value)
    assert not [e for e in logs if e["event"] == "connector_retry"] and clock.monotonic() == 0


def test_an_unreachable_server_is_retried_with_backoff_then_an_application_error(imap_account: MailAccount) -> None:
    """Connection refused is transient: retried with 0.5, 1, 2 s waits (on the injected clock), then IMAP_UNAVAILABLE."""
    down = MailServer(host="127.0.0.1", port=free_port(), security=MailSecurity.NONE, timeout_s=2)
    clock = ManualClock()
    with capture_logs() as logs, ImapMailbox(down, imap_account.credential, clock=clock, retry=RetryPolicy(attempts=4)) as box, \
            pytest.raises(ApplicationException) as failed:
        box.messages("INBOX")
    assert failed.value.code == "IMAP_UNAVAILABLE" and "after 4 attempts" in failed.value.message
    assert [e["wait_s"] for e in logs if e["event"] == "connector_retry"] == [0.5, 1.0, 2.0]
    assert clock.monotonic() == 3.5
