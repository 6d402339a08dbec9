"""Welcome letters rendered and sent per minute: velkomstbreve end to end through the real runtime.

The bot runs on a list of N fictitious new citizens (CPR numbers drawn by ``sepbots.dk.samples``,
addresses from the practice address register), with ``sepbots practice dar`` and
``sepbots practice digitalpost`` (mutual TLS with practice certificates) in threads and a real
LibreOffice. Reported: letters per minute end to end (producer, queue, clients, every item) and per
item alone, and the stages measured separately on one letter: template filling, PDF rendering
(one ``soffice`` process per letter, private profile) and the Digital Post send; and, for
comparison, rendering alone with all N letters in one ``soffice`` call (``render_pdfs``).

    .venv/bin/python bench/bench_letters.py [--letters 20] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bots.velkomstbreve.bot import send_welcome_letter  # noqa: E402
from bots.velkomstbreve.sample import write_moves, write_template  # noqa: E402
from sepbots import ItemState  # noqa: E402
from sepbots.connectors.digitalpost import (  # noqa: E402
    DigitalPostClient,
    MemoMessage,
    Recipient,
    Sender,
    client_tls_context,
    message_uuid,
)
from sepbots.dk.samples import random_cpr  # noqa: E402
from sepbots.letters import fill_template, render_pdf, render_pdfs  # noqa: E402
from sepbots.logging import configure_logging  # noqa: E402
from sepbots.practice.certs import PracticePki, practice_pki  # noqa: E402
from sepbots.practice.dar import ADDRESSES, record  # noqa: E402
from sepbots.practice.dar import create_app as create_dar  # noqa: E402
from sepbots.practice.digitalpost import create_app as create_digitalpost  # noqa: E402
from sepbots.practice.server import ServerTls, serve_in_thread  # noqa: E402
from sepbots.testing import open_test_environment, run_bot_once  # noqa: E402

NAMES = ["Anna Jensen", "Bo Nielsen", "Cecilie Hansen", "Dorte Pedersen", "Emil Larsen", "Freja Sørensen"]


def moves(count: int, seed: int) -> list[tuple[str, str, str, date]]:
    rng = random.Random(seed)
    return [(random_cpr(rng).digits, NAMES[n % len(NAMES)], record(ADDRESSES[n % len(ADDRESSES)])["betegnelse"],
             date(2026, 11, 2) + timedelta(days=n % 20)) for n in range(count)]


def one_run(count: int, seed: int, urls: tuple[str, str], pki: PracticePki) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        params = {"input": str(write_moves(home / "tilflyttere.xlsx", moves(count, seed))), "letters_dir": str(home / "breve"),
                  "digitalpost_url": urls[0], "dar_url": urls[1], "client_cert": str(pki.client.cert),
                  "client_key": str(pki.client.key), "ca_file": str(pki.ca.cert)}
        env = open_test_environment(home / "home", overrides={"logging": {"console": "never"}})
        configure_logging(logs_dir=None, redactor=env.redactor, level="info", console="never", json_file=False)
        try:
            started = time.perf_counter()
            outcome = run_bot_once(send_welcome_letter, params, env=env)
            wall_s = time.perf_counter() - started
        finally:
            env.close()
    done = sum(1 for item in outcome.items if item.state is ItemState.DONE)
    if done != count:
        raise SystemExit(f"{done} of {count} letters sent")
    return {"wall_per_min": 60 * count / wall_s, "work_per_min": 60 * count / (outcome.summary.counts.work_ms / 1000)}


def stages(url: str, pki: PracticePki, rounds: int = 5) -> dict[str, float]:
    """Median milliseconds of fill, render and send for one letter."""
    timings: dict[str, list[float]] = {"fill": [], "render": [], "send": []}
    with tempfile.TemporaryDirectory() as folder, DigitalPostClient(
            url, client_tls_context(pki.client.cert, pki.client.key, ca_file=pki.ca.cert)) as client:
        work = Path(folder)
        template = write_template(work / "skabelon.docx")
        for n in range(rounds):
            t0 = time.perf_counter()
            letter = fill_template(template, {"navn": "Anna Jensen", "adresse": "Algade 12, 4000 Roskilde",
                                              "tilflytningsdato": "mandag den 2. november 2026", "afsender": "Kommunen"},
                                   work / f"brev-{n}.docx")
            t1 = time.perf_counter()
            pdf = render_pdf(letter, work / f"brev-{n}.pdf")
            t2 = time.perf_counter()
            client.send(MemoMessage(message_uuid=message_uuid("29189854", f"stage-{n}"), label="Velkommen",
                                    sender=Sender(cvr="29189854", label="Kommunen"), recipient=Recipient(id=SecretStr("0101901234")),
                                    created=datetime.now(UTC), filename="brev.pdf", content=pdf.read_bytes()))
            t3 = time.perf_counter()
            for key, value in (("fill", t1 - t0), ("render", t2 - t1), ("send", t3 - t2)):
                timings[key].append(value * 1000)
    return {key: statistics.median(values) for key, values in timings.items()}


def batch_per_min(count: int) -> float:
    """Letters rendered per minute when ``count`` filled letters go to one soffice call (not used by the bot)."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        template = write_template(work / "skabelon.docx")
        jobs = {fill_template(template, {"navn": f"Borger {n}", "adresse": "Algade 12, 4000 Roskilde",
                                         "tilflytningsdato": "mandag den 2. november 2026", "afsender": "Kommunen"},
                              work / f"brev-{n}.docx"): work / "pdf" / f"{n}.pdf" for n in range(count)}
        started = time.perf_counter()
        render_pdfs(jobs, timeout_s=600)
        return 60 * count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pki = practice_pki(Path(folder) / "pki")
        post_url, stop_post = serve_in_thread(create_digitalpost(), tls=ServerTls(pki.server.cert, pki.server.key, pki.ca.cert))
        dar_url, stop_dar = serve_in_thread(create_dar())
        try:
            runs = [one_run(args.letters, seed, (post_url, dar_url), pki) for seed in range(args.repeat)]
            parts = stages(post_url, pki)
            batch = batch_per_min(args.letters)
        finally:
            stop_post()
            stop_dar()
    print(f"# bench_letters — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"letters per run: {args.letters}, runs: {args.repeat} (median shown; each run: "
          + ", ".join(f"{r['wall_per_min']:.1f}" for r in runs) + " letters/min)")
    print(f"end to end: {statistics.median(r['wall_per_min'] for r in runs):.1f} letters/min; "
          f"item work alone: {statistics.median(r['work_per_min'] for r in runs):.1f} letters/min")
    print(f"one letter: fill {parts['fill']:.0f} ms, render (soffice) {parts['render']:.0f} ms, send (mTLS) {parts['send']:.0f} ms")
    print(f"rendering only, {args.letters} letters in one soffice call: {batch:.0f} letters/min")
    print(f"load average after the runs: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
