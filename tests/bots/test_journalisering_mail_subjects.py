"""How journalisering reads a mail as a document: case number, title, category and date from the mail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bots.journalisering.bot import Params
from bots.journalisering.mailbox import document_of
from sepbots.connectors.mail import MailMessage, MailRef

REF = MailRef(folder="INBOX", validity="1700000000", id="42")


def mail(subject: str, received: datetime | None = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) -> MailMessage:
    return MailMessage(ref=REF, message_id="<m@x>", sender="b@example.dk", subject=subject, received=received)


@pytest.mark.parametrize(
    ("subject", "case_number", "title", "category"),
    [
        ("Sag 2026-000101: Ansøgning om hjælpemidler", "2026-000101", "Ansøgning om hjælpemidler", "Ansøgning"),
        ("Sv: Fwd: sagsnr. 2026-000007 – Klage over afgørelse", "2026-000007", "Klage over afgørelse", "Klage"),
        ("RE: 2026-123456 referat", "2026-123456", "referat", "Korrespondance"),
        ("Spørgsmål om åbningstider", "", "Spørgsmål om åbningstider", "Korrespondance"),
        ("Sag 2026-00010: for kort sagsnummer", "", "Sag 2026-00010: for kort sagsnummer", "Korrespondance"),
    ],
)
def test_subject_gives_case_number_title_and_category(subject: str, case_number: str, title: str, category: str) -> None:
    """The case number (ÅÅÅÅ-NNNNNN) and reply/forward prefixes are taken off the title; a category word sets the category."""
    document = document_of(mail(subject))
    assert (document.case_number, document.title, document.category) == (case_number, title, category)


def test_the_date_is_the_danish_calendar_day_and_the_row_the_uid() -> None:
    """23:30 UTC on 1 March is 2 March in Denmark; the IMAP UID orders the outcome workbook."""
    document = document_of(mail("Sag 2026-000101: Notat"))
    assert document.document_date == "02-03-2026" and document.row == 42
    assert document.mail is not None and document.mail.ref == REF and document.file == "INBOX/1700000000/42"


def test_a_workbook_run_still_needs_its_input() -> None:
    """source = workbook without input is refused with a message naming input; source = mailbox needs none."""
    with pytest.raises(ValueError, match="source = workbook needs input"):
        Params.model_validate({"output": "ud.xlsx"})
    assert Params.model_validate({"output": "ud.xlsx", "source": "mailbox"}).input is None
