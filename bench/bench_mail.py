"""Mails filed per minute, end to end: IMAP (Dovecot) → practice case system on Xvfb → SMTP reply → move.

One run = the real runtime and real servers: N mails are put into a fresh Dovecot mailbox, then
``journalisering`` with ``source = mailbox`` lists them (UID + UIDVALIDITY references), files each
in the practice case system by keyboard, replies to the sender over SMTP (aiosmtpd) and moves the
mail to "Journaliseret". Reported: mails/min over the whole run (Xvfb + app start-up included) and
over the item work alone (compare with bench_journalisering.py, the same filing from a workbook).

    .venv/bin/python bench/bench_mail.py [--mails 40] [--repeat 2]

Needs Debian's dovecot-imapd and xvfb (./bootstrap.sh test installs both).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bots.journalisering.bot import journalise  # noqa: E402
from sepbots import ItemState  # noqa: E402
from sepbots.connectors.mail import ImapMailbox, MailSecurity, MailServer, OutgoingMail  # noqa: E402
from sepbots.connectors.mail.mime import build  # noqa: E402
from sepbots.logging import configure_logging  # noqa: E402
from sepbots.practice.desktop import JournalStore  # noqa: E402
from sepbots.practice.mail import PrivateDovecot, SmtpInbox  # noqa: E402
from sepbots.testing import open_test_environment, run_bot_once  # noqa: E402
from sepbots.vault import Credential  # noqa: E402

CATEGORIES = ("Ansøgning om tilskud", "Klage over afgørelse", "Notat fra møde", "Partshøring", "Korrespondance")


def deliver(server: MailServer, credential: Credential, count: int) -> None:
    now = datetime.now(UTC)
    with ImapMailbox(server, credential) as box:
        for n in range(count):
            subject = f"Sag 2026-{100000 + n:06d}: {CATEGORIES[n % len(CATEGORIES)]} nr. {n}"
            message = build(OutgoingMail(sender=f"borger{n}@example.dk", to=["post@kommune.dk"], subject=subject,
                                         text="Se venligst vedhæftede."), now=now)
            box.append("INBOX", message.as_bytes())


def one_run(dovecot: PrivateDovecot, mails: int, run: int) -> dict[str, Any]:
    user = f"bench-{run}-{os.getpid()}"
    server = MailServer(host="127.0.0.1", port=dovecot.port, security=MailSecurity.NONE, timeout_s=10)
    credential = Credential(name="journalisering-postkasse", username=user, password=SecretStr(dovecot.password))
    deliver(server, credential, mails)
    with tempfile.TemporaryDirectory() as tmp, SmtpInbox() as smtp:
        folder = Path(tmp)
        env = open_test_environment(folder / "home", overrides={"desktop": {"virtual_display": True}})
        configure_logging(logs_dir=env.settings.logs_dir, redactor=env.redactor, console="never")
        env.vault.set(credential.name, dovecot.password, username=user, actor="bench")
        try:
            started = time.perf_counter()
            outcome = run_bot_once(journalise, {
                "source": "mailbox", "output": folder / "out.xlsx", "launch_app": True, "app_db": folder / "journal.db",
                "imap_host": "127.0.0.1", "imap_port": dovecot.port, "imap_security": "none",
                "smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_security": "none",
            }, env=env)
            wall_s = time.perf_counter() - started
        finally:
            env.close()
        done = sum(1 for item in outcome.items if item.state is ItemState.DONE)
        filed = len(JournalStore(folder / "journal.db").records())
        replies = len(smtp.wait_for(mails, timeout_s=5))
    with ImapMailbox(server, credential) as box:
        moved = len(box.messages("Journaliseret"))
    if not done == filed == replies == moved == mails:
        raise SystemExit(f"expected {mails}: {done} done, {filed} filed, {replies} replies, {moved} moved")
    work_s = outcome.summary.counts.work_ms / 1000
    return {"wall_per_min": mails / wall_s * 60, "work_per_min": mails / work_s * 60,
            "ms_per_mail": work_s / mails * 1000, "wall_s": wall_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with PrivateDovecot(password="bench-mail") as dovecot:
        runs = [one_run(dovecot, args.mails, n) for n in range(args.repeat)]
    med = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print(f"# bench_mail — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    all_runs = ", ".join(f"{r['wall_per_min']:.0f}" for r in runs)
    print(f"mails per run: {args.mails}, runs: {args.repeat} (median shown; all runs: {all_runs} mails/min end to end)")
    print(f"end to end (listing, Xvfb + app start-up included): {med['wall_per_min']:.0f} mails/min ({med['wall_s']:.1f} s per run)")
    print(f"item work only: {med['work_per_min']:.0f} mails/min, {med['ms_per_mail']:.0f} ms per mail "
          "(locate, file by keyboard, flag, reply, move)")
    print(f"load average after the runs: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
