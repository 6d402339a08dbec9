"""Journalisering from a real IMAP mailbox (Dovecot) into the practice case system on Xvfb, replies over real SMTP."""

from __future__ import annotations

import logging
import os
import signal
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bots.journalisering.bot import journalise
from bots.journalisering.mailbox import FILED, REPLIED
from sepbots import ItemState
from sepbots.connectors.mail import AttachmentData, ImapMailbox, OutgoingMail
from sepbots.connectors.mail.mime import build, parse, text_of
from sepbots.desktop import VirtualDisplay
from sepbots.logging import configure_logging
from sepbots.practice.desktop import JournalStore
from sepbots.practice.graph import GraphConfig, GraphPractice, StoredAttachment
from sepbots.practice.graph import create_app as create_graph_app
from sepbots.practice.mail import SmtpInbox
from sepbots.practice.server import serve_in_thread
from sepbots.redaction import Redactor
from sepbots.store.schema import work_items
from sepbots.testing import open_test_environment, run_bot_once
from tests.desktop.conftest import journal_number
from tests.mailservers import MailAccount

pytestmark = [pytest.mark.desktop, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def mail_params(account: MailAccount, inbox: SmtpInbox, tmp_path: Path, **extra: object) -> dict[str, object]:
    return {
        "source": "mailbox", "output": str(tmp_path / "resultat.xlsx"), "launch_app": True,
        "app_db": str(tmp_path / "journal.db"), "imap_host": "127.0.0.1", "imap_port": account.server.port,
        "imap_security": "none", "smtp_host": "127.0.0.1", "smtp_port": inbox.port, "smtp_security": "none",
        "reply_from": "journalisering@kommune.dk", **extra,
    }  # fmt: skip


def deliver(account: MailAccount, subjects: list[str], *, attachment: bool = False) -> list[str]:
    """Put mails into the account's INBOX; returns their Message-IDs."""
    ids = []
    with ImapMailbox(account.server, account.credential) as box:
        for n, subject in enumerate(subjects):
            pdf = AttachmentData(filename="bilag.pdf", content_type="application/pdf", size=8, content=b"%PDF-1.7")
            files = [pdf] if attachment else []
            message = build(OutgoingMail(sender=f"borger{n}@example.dk", to=["post@kommune.dk"], subject=subject,
                                         text="Se vedhæftede.", attachments=files), now=RECEIVED)
            box.append("INBOX", message.as_bytes())
            ids.append(str(message["Message-ID"]))
    return ids


def test_mails_are_filed_replied_to_and_moved_and_an_unplaceable_mail_goes_to_manual_handling(
    xdisplay: VirtualDisplay, home: Path, tmp_path: Path, imap_account: MailAccount, smtp_inbox: SmtpInbox
) -> None:
    """Two mails with case numbers are filed, answered with their journal numbers and moved; one without goes to manual handling."""
    ids = deliver(imap_account, ["Sag 2026-000101: Ansøgning om hjælpemidler", "Spørgsmål uden sagsnummer",
                                 "Sv: Sag 2026-000102 - Klage over afgørelse"], attachment=True)
    env = open_test_environment(home, overrides={"desktop": {"virtual_display": False, "timeout_s": 30.0}})
    env.vault.set("journalisering-postkasse", imap_account.credential.password.get_secret_value(),
                  username=imap_account.credential.username, actor="test")
    outcome = run_bot_once(journalise, mail_params(imap_account, smtp_inbox, tmp_path), env=env)
    assert outcome.summary.error is None, outcome.summary.error
    first, unplaced, second = outcome.items
    assert (first.state, second.state) == (ItemState.DONE, ItemState.DONE)
    assert unplaced.state is ItemState.BUSINESS_EXCEPTION and unplaced.error_code == "NO_CASE_NUMBER"
    assert first.reference.startswith("INBOX/") and first.output
    assert first.output["journal_number"] == journal_number(tmp_path / "journal.db", 1)
    records = JournalStore(tmp_path / "journal.db").records()
    assert [(r.case_number, r.title, r.category, r.document_date.isoformat()) for r in records] == [
        ("2026-000101", "Ansøgning om hjælpemidler", "Ansøgning", "2026-03-02"),
        ("2026-000102", "Klage over afgørelse", "Klage", "2026-03-02"),
    ]
    replies = smtp_inbox.wait_for(2)
    assert sorted(r.recipients for r in replies) == [("borger0@example.dk",), ("borger2@example.dk",)]
    reply = parse(smtp_inbox.to("borger0@example.dk")[0].raw)
    assert reply["In-Reply-To"] == ids[0] and journal_number(tmp_path / "journal.db", 1) in text_of(reply)
    with ImapMailbox(imap_account.server, imap_account.credential) as box:
        assert box.messages("INBOX") == []
        filed = box.messages("Journaliseret")
        assert sorted(m.message_id or "" for m in filed) == sorted([ids[0], ids[2]])
        assert all({FILED, REPLIED, "\\Seen", "\\Answered"} <= m.flags for m in filed)
        assert [m.message_id for m in box.messages("Manuel behandling")] == [ids[1]]
    saved = outcome.env.settings.var_dir / first.output["attachments"][0]
    assert saved.read_bytes() == b"%PDF-1.7" and stat.S_IMODE(saved.stat().st_mode) == 0o600
    env.close()


def test_a_runner_killed_mid_mail_files_every_mail_exactly_once_after_a_rerun(
    xdisplay: VirtualDisplay, home: Path, tmp_path: Path, imap_account: MailAccount, smtp_inbox: SmtpInbox
) -> None:
    """SIGKILL of the runner (and its case system) during the third of five mails; a rerun files each mail once, replies once."""
    ids = deliver(imap_account, [f"Sag 2026-00020{n}: Notat {n}" for n in range(5)])
    (home / "config").mkdir()
    (home / "config" / "sepbots.toml").write_text(
        f'bots_dirs = ["{REPO / "bots"}"]\n[queue]\nlease_s = 2.0\nheartbeat_s = 0.5\n'
        '[desktop]\nvirtual_display = false\ntimeout_s = 30.0\n', encoding="utf-8")
    env = open_test_environment(home)
    env.vault.set("journalisering-postkasse", imap_account.credential.password.get_secret_value(),
                  username=imap_account.credential.username, actor="test")
    env.close()
    params = mail_params(imap_account, smtp_inbox, tmp_path, app_delay_ms=400)
    command = [sys.executable, "-m", "sepbots", "--home", str(home), "run", "journalisering", "--test-mode",
               *[arg for key, value in params.items() for arg in ("--param", f"{key}={value}")]]
    environ = {**os.environ, "DISPLAY": os.environ["DISPLAY"]}
    journal = JournalStore(tmp_path / "journal.db")
    first = subprocess.Popen(command, cwd=REPO, env=environ, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and first.poll() is None:
        if (tmp_path / "journal.db").exists() and len(journal.records()) >= 3:
            break
        time.sleep(0.02)
    assert first.poll() is None, "the first run ended before it could be killed"
    os.killpg(first.pid, signal.SIGKILL)  # the runner and the case system it started, as a power cut would
    first.wait()
    time.sleep(2.5)  # the killed run's lease (2 s) runs out
    second = subprocess.run(command, cwd=REPO, env=environ, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    records = journal.records()
    assert sorted(r.title for r in records) == [f"Notat {n}" for n in range(5)]  # each mail filed exactly once
    replies = smtp_inbox.wait_for(5)
    assert sorted(r.recipients[0] for r in replies) == [f"borger{n}@example.dk" for n in range(5)]
    with ImapMailbox(imap_account.server, imap_account.credential) as box:
        assert box.messages("INBOX") == []
        assert sorted(m.message_id or "" for m in box.messages("Journaliseret")) == sorted(ids)
    env = open_test_environment(home)
    with env.store.engine.connect() as conn:
        rows = conn.execute(select(work_items.c.state, work_items.c.attempts, work_items.c.output)).all()
    env.close()
    assert [r.state for r in rows] == [ItemState.DONE.value] * 5
    interrupted = [r for r in rows if r.attempts == 2]  # the mail the kill cut short was taken up again…
    assert len(interrupted) == 1 and interrupted[0].output["already_filed"] is True  # …and found filed, not filed twice


def test_cpr_numbers_in_mails_and_the_mailbox_password_never_reach_logs_or_the_database(
    xdisplay: VirtualDisplay, home: Path, tmp_path: Path, imap_account: MailAccount, smtp_inbox: SmtpInbox
) -> None:
    """Subjects with CPR numbers, filed or sent to manual handling, leave no CPR number and no password in any file of the home."""
    deliver(imap_account, ["Sag 2026-000301: Ansøgning fra 010165-1234", "Henvendelse om 2902004013"])
    env = open_test_environment(home, overrides={"desktop": {"virtual_display": False, "timeout_s": 30.0}})
    password = imap_account.credential.password.get_secret_value()
    env.vault.set("journalisering-postkasse", password, username=imap_account.credential.username, actor="test")
    configure_logging(logs_dir=env.settings.logs_dir, redactor=env.redactor, console="never")
    try:
        outcome = run_bot_once(journalise, mail_params(imap_account, smtp_inbox, tmp_path), env=env)
    finally:
        for handler in list(logging.getLogger().handlers):
            handler.flush()
        configure_logging(logs_dir=None, redactor=Redactor(b"test-session-key"), console="never")
        env.close()
    assert [i.state for i in outcome.items] == [ItemState.DONE, ItemState.BUSINESS_EXCEPTION]
    files = [p for p in home.rglob("*") if p.is_file()]
    logs = (env.settings.logs_dir / "sepbots.jsonl").read_text(encoding="utf-8")
    assert "mail_sent" in logs and "[CPR:" in logs  # the reply's subject was logged, redacted
    for path in files:
        data = path.read_bytes()
        for needle in (b"010165-1234", b"0101651234", b"2902004013", password.encode()):
            assert needle not in data, f"{needle!r} leaked into {path}"


def test_a_microsoft_365_mailbox_through_graph_is_filed_replied_to_from_the_mailbox_and_moved(
    xdisplay: VirtualDisplay, home: Path, tmp_path: Path
) -> None:
    """mailbox = graph against the practice Graph (every 4th call throttled): filed, answered by sendMail, moved, categorised."""
    app = create_graph_app(GraphConfig(throttle_every=4, retry_after_s=0))
    graph: GraphPractice = app.state.graph
    box = graph.config.mailboxes[0]
    filed = graph.store.add_message(box, "inbox", subject="Sag 2026-000401: Partshøring svar", sender=("Borger", "b1@example.dk"),
                                    received=RECEIVED, body="x", attachments=[StoredAttachment("svar.pdf", "application/pdf", b"%PDF")])
    graph.store.add_message(box, "inbox", subject="Hvornår har I åbent?", sender=("B", "b2@example.dk"), received=RECEIVED, body="y")
    url, stop = serve_in_thread(app)
    env = open_test_environment(home, overrides={"desktop": {"virtual_display": False, "timeout_s": 30.0}})
    env.vault.set("journalisering-graph", graph.config.client_secret, actor="test")
    try:
        outcome = run_bot_once(journalise, {
            "source": "mailbox", "mailbox": "graph", "output": str(tmp_path / "ud.xlsx"), "launch_app": True,
            "app_db": str(tmp_path / "journal.db"), "graph_tenant": graph.config.tenant, "graph_client_id": graph.config.client_id,
            "graph_mailbox": box, "graph_url": f"{url}/v1.0", "graph_login_url": url,
        }, env=env)
    finally:
        stop()
        env.close()
    by_reference = {i.reference: i for i in outcome.items}  # the listing order follows Graph's random ids
    done = by_reference.pop(f"INBOX/immutable/{filed.id}")
    (manual,) = by_reference.values()
    assert done.state is ItemState.DONE
    assert manual.state is ItemState.BUSINESS_EXCEPTION and manual.error_code == "NO_CASE_NUMBER"
    assert [(r.case_number, r.category) for r in JournalStore(tmp_path / "journal.db").records()] == [("2026-000401", "Partshøring")]
    (reply,) = graph.store.sent
    assert reply["message"]["toRecipients"] == [{"emailAddress": {"address": "b1@example.dk"}}]
    assert journal_number(tmp_path / "journal.db", 1) in reply["message"]["body"]["content"]
    assert graph.store.in_folder(box, "inbox") == [] and graph.throttled >= 1
    folders = {f["displayName"]: f["id"] for f in graph.store.folders(box)}
    (moved,) = graph.store.in_folder(box, folders["Journaliseret"])
    assert moved.id == filed.id and {FILED, REPLIED} <= set(moved.categories) and moved.is_read
    assert [m.subject for m in graph.store.in_folder(box, folders["Manuel behandling"])] == ["Hvornår har I åbent?"]
    assert done.output is not None
    assert (outcome.env.settings.var_dir / done.output["attachments"][0]).read_bytes() == b"%PDF"
