"""velkomstbreve end to end: address register, letter template, LibreOffice and Digital Post over mutual TLS — each letter once."""

from __future__ import annotations

import base64
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from openpyxl import Workbook
from pypdf import PdfReader
from sqlalchemy import select
from structlog.testing import capture_logs

from bots.velkomstbreve.bot import send_welcome_letter
from bots.velkomstbreve.sample import MOVES, UNKNOWN_ADDRESS_MOVE, write_moves
from sepbots import ItemState
from sepbots.connectors.digitalpost.memo import NS
from sepbots.logging import configure_logging
from sepbots.practice.certs import practice_pki
from sepbots.practice.dar import create_app as create_dar
from sepbots.practice.digitalpost import DigitalPost, DigitalPostConfig
from sepbots.practice.digitalpost import create_app as create_digitalpost
from sepbots.practice.server import ServerTls, serve_in_thread
from sepbots.redaction import Redactor
from sepbots.store.schema import work_items
from sepbots.testing import open_test_environment, run_bot_once

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CPRS = [m[0] for m in (*MOVES, UNKNOWN_ADDRESS_MOVE)]


@dataclass
class Targets:
    """The running practice servers and the parameters that point the bot at them."""

    post: DigitalPost
    params: dict[str, Any]


@contextmanager
def practice_targets(tmp_path: Path, config: DigitalPostConfig | None = None) -> Iterator[Targets]:
    pki = practice_pki(tmp_path / "pki")
    post_app = create_digitalpost(config)
    post_url, stop_post = serve_in_thread(post_app, tls=ServerTls(pki.server.cert, pki.server.key, client_ca=pki.ca.cert))
    dar_url, stop_dar = serve_in_thread(create_dar())
    params = {"input": str(write_moves(tmp_path / "tilflyttere.xlsx", with_unknown=True)),
              "letters_dir": str(tmp_path / "breve"), "digitalpost_url": post_url, "dar_url": dar_url,
              "client_cert": str(pki.client.cert), "client_key": str(pki.client.key), "ca_file": str(pki.ca.cert)}
    try:
        yield Targets(post_app.state.digitalpost, params)
    finally:
        stop_post()
        stop_dar()


def _recipient(xml: bytes | None) -> str:
    assert xml is not None, "a message accepted in this run keeps its MeMo XML"
    return etree.fromstring(xml).findtext(f"{{{NS}}}MessageHeader/{{{NS}}}Recipient/{{{NS}}}recipientID") or ""


def test_each_new_citizen_gets_one_letter_and_an_unknown_address_goes_to_manual_handling(tmp_path: Path) -> None:
    """Four moves get a PDF letter with their name by Digital Post; an unknown address is UNKNOWN_ADDRESS; a re-run sends nothing."""
    with practice_targets(tmp_path) as targets:
        env = open_test_environment(tmp_path / "home")
        try:
            outcome = run_bot_once(send_welcome_letter, targets.params, env=env)
            again = run_bot_once(send_welcome_letter, targets.params, env=env)
        finally:
            env.close()
        accepted = dict(targets.post.accepted)
    states = [i.state for i in outcome.items]
    assert states == [ItemState.DONE] * 4 + [ItemState.BUSINESS_EXCEPTION]
    assert outcome.items[4].error_code == "UNKNOWN_ADDRESS"
    assert len(again.items) == 5 and targets.post.requests == 4  # the re-run added and sent nothing
    assert sorted(_recipient(a.xml) for a in accepted.values()) == sorted(CPRS[:4])
    receipts = {i.output["message_uuid"]: i.output["receipt_id"] for i in outcome.items[:4] if i.output}
    assert receipts == {uuid: a.receipt["receipt_id"] for uuid, a in accepted.items()}
    by_cpr = {_recipient(a.xml): a.xml for a in accepted.values()}
    letter = by_cpr[MOVES[2][0]]
    assert letter is not None
    content = etree.fromstring(letter).findtext(f".//{{{NS}}}content") or ""
    pdf = tmp_path / "sent.pdf"
    pdf.write_bytes(base64.b64decode(content))
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Cecilie Hansen & Søn" in text and "Skolegade 3, 4000 Roskilde" in text and "november 2026" in text
    assert len(list((tmp_path / "breve").glob("*.pdf"))) == 4


def test_a_runner_killed_after_sending_and_before_recording_never_sends_the_letter_twice(tmp_path: Path) -> None:
    """SIGKILL while Digital Post holds its answer to an accepted letter; the re-run is refused as a duplicate, keeps the first receipt."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "sepbots.toml").write_text(
        f'bots_dirs = ["{REPO / "bots"}"]\n[queue]\nlease_s = 2.0\nheartbeat_s = 0.5\n', encoding="utf-8")
    open_test_environment(home).close()  # the installation, as `sepbots init` makes it
    with practice_targets(tmp_path, DigitalPostConfig(hold_s=60)) as targets:
        command = [sys.executable, "-m", "sepbots", "--home", str(home), "run", "velkomstbreve", "--test-mode",
                   *[arg for key, value in targets.params.items() for arg in ("--param", f"{key}={value}")]]
        first = subprocess.Popen(command, cwd=REPO, env=dict(os.environ), start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        while not targets.post.accepted and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first.poll() is None and len(targets.post.accepted) == 1, "the first run never reached Digital Post"
        os.killpg(first.pid, signal.SIGKILL)  # the letter is accepted, the runner never learns it
        first.wait()
        targets.post.hold_s = 0
        first_receipt = next(iter(targets.post.accepted.values())).receipt
        time.sleep(2.5)  # the killed run's lease runs out
        second = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
        assert second.returncode == 0, second.stdout + second.stderr
        accepted, duplicates = dict(targets.post.accepted), targets.post.duplicates
    assert len(accepted) == 4 and duplicates == 1  # four letters, the interrupted one refused once as a duplicate
    env = open_test_environment(home)
    with env.store.engine.connect() as conn:
        rows = conn.execute(select(work_items.c.state, work_items.c.attempts, work_items.c.output)
                            .order_by(work_items.c.id)).all()
    env.close()
    assert [r.state for r in rows] == [ItemState.DONE.value] * 4 + [ItemState.BUSINESS_EXCEPTION.value]
    interrupted = [r for r in rows if r.attempts == 2]
    assert len(interrupted) == 1 and interrupted[0].output["already_sent"] is True
    assert interrupted[0].output["receipt_id"] == first_receipt["receipt_id"]


def test_no_cpr_number_reaches_logs_files_or_the_practice_server_s_log(tmp_path: Path) -> None:
    """After a run, no file of the home or the letters folder, and no log line of either server, holds a CPR number."""
    with practice_targets(tmp_path) as targets:
        env = open_test_environment(tmp_path / "home")
        configure_logging(logs_dir=env.settings.logs_dir, redactor=env.redactor, console="never")
        try:
            with capture_logs() as server_and_bot_logs:
                outcome = run_bot_once(send_welcome_letter, targets.params, env=env)
        finally:
            for handler in list(logging.getLogger().handlers):
                handler.flush()
            configure_logging(logs_dir=None, redactor=Redactor(b"test-session-key"), console="never")
            env.close()
    assert [i.state for i in outcome.items].count(ItemState.DONE) == 4
    assert "memo_accepted" in repr(server_and_bot_logs) and "welcome_letter_sent" in repr(server_and_bot_logs)
    files = [p for p in (tmp_path / "home").rglob("*") if p.is_file()] + list((tmp_path / "breve").iterdir())
    assert any(p.suffix == ".jsonl" for p in files)
    for cpr in CPRS:
        assert cpr not in repr(server_and_bot_logs)
        assert all(i.reference.find(cpr) < 0 for i in outcome.items)
        for path in files:
            data = path.read_bytes()
            assert cpr.encode() not in data and f"{cpr[:6]}-{cpr[6:]}".encode() not in data, f"a CPR number leaked into {path}"


def test_rows_with_a_bad_cpr_no_date_or_no_name_go_to_manual_handling_and_numeric_cprs_keep_their_zero(tmp_path: Path) -> None:
    """A CPR typed as a number and a Danish date are read; a malformed CPR, a non-date and an empty name are BAD_ROW."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["CPR", "Navn", "Adresse", "Tilflytningsdato"])
    sheet.append([101901234, "Anna Jensen", "Algade 12, 4000 Roskilde", "02-11-2026"])  # leading zero lost in Excel
    sheet.append(["0101901", "Bo Nielsen", "Algade 12, 4000 Roskilde", "02-11-2026"])
    sheet.append(["1503852345", "Bo Nielsen", "Algade 12, 4000 Roskilde", "snart"])
    sheet.append(["2207763456", "", "Skolegade 3, 4000 Roskilde", "03-11-2026"])
    book.save(tmp_path / "flyt.xlsx")
    with practice_targets(tmp_path) as targets:
        outcome = run_bot_once(send_welcome_letter, targets.params | {"input": str(tmp_path / "flyt.xlsx")},
                               home=tmp_path / "home")
        recipients = [_recipient(a.xml) for a in targets.post.accepted.values()]
    assert [i.state for i in outcome.items] == [ItemState.DONE] + [ItemState.BUSINESS_EXCEPTION] * 3
    assert recipients == ["0101901234"]
    assert [i.error_code for i in outcome.items[1:]] == ["BAD_ROW"] * 3
    messages = [i.error_message or "" for i in outcome.items[1:]]
    assert "række/row 3" in messages[0] and "'CPR'" in messages[0] and "0101901" not in messages[0]
    assert "'Tilflytningsdato'" in messages[1] and "Navn" in messages[2]
