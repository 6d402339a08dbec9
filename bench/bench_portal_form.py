"""Benchmark: items/s filling the refund form on the practice portal.

Three contenders, same portal (served in a thread), same claims, same Chromium, same run:

* ``plain``   — a plain Playwright script, one ``fill``/``click`` call per control, as people write it;
* ``toolkit`` — ``sepbots.browser.BrowserSession`` alone (one call per form step);
* ``bot``     — the full ``sygedagpenge_refusion`` bot through the sepbots runtime (queue, ledger,
  audit), when the bot and the runtime are available.

Each contender gets a fresh portal database and is timed from before its browser starts until
the last receipt (browser launch and login included). The goal is ``bot / plain >= 1.0``.

Run: ``python bench/bench_portal_form.py --items 40``.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sepbots.browser import BrowserSession, BrowserSettings, FormLogin  # noqa: E402
from sepbots.practice.data import REASON_LABELS_DA, ClaimRow, generate_claims  # noqa: E402
from sepbots.practice.portal import PRACTICE_PASSWORD, PRACTICE_USERNAME, PortalConfig, create_app  # noqa: E402
from sepbots.practice.server import serve_in_thread  # noqa: E402


def _danish(value: object) -> str:
    return str(value).replace(".", ",")


def run_plain(url: str, claims: list[ClaimRow], settings: BrowserSettings) -> float:
    """The plain Playwright script; returns seconds from browser start to the last receipt."""
    started = time.perf_counter()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=settings.executable_path, headless=True, args=list(settings.args)
        )
        page = browser.new_page()
        page.goto(f"{url}/login")
        page.get_by_label("Brugernavn").fill(PRACTICE_USERNAME)
        page.get_by_label("Adgangskode").fill(PRACTICE_PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url(f"{url}/")
        for number, claim in enumerate(claims, start=2):
            page.goto(f"{url}/refusion")
            page.get_by_label("Arbejdsgivers CVR-nummer").fill(claim.employer_cvr)
            page.get_by_label("Medarbejderens CPR-nummer").fill(claim.employee_cpr)
            page.get_by_label("Egen reference").fill(f"plain:row-{number}")
            page.get_by_role("button", name="Næste").click()
            page.wait_for_url("**/refusion/trin-2")
            page.get_by_label("Periode fra").fill(claim.period_from.strftime("%d-%m-%Y"))
            page.get_by_label("Periode til").fill(claim.period_to.strftime("%d-%m-%Y"))
            page.get_by_label("Antal timer").fill(_danish(claim.hours))
            page.get_by_label("Beløb (kr.)").fill(_danish(claim.amount))
            page.get_by_label("Årsag").select_option(label=REASON_LABELS_DA[claim.reason])
            page.get_by_role("button", name="Næste").click()
            page.wait_for_url("**/refusion/trin-3")
            page.get_by_label("Jeg erklærer, at oplysningerne er korrekte").check()
            page.get_by_role("button", name="Send anmodning").click()
            page.wait_for_url("**/refusion/kvittering/**")
            receipt = page.locator("#kvitteringsnummer").inner_text()
            assert receipt.startswith("SDP-"), receipt
        browser.close()
    return time.perf_counter() - started


def run_toolkit(url: str, claims: list[ClaimRow], settings: BrowserSettings) -> float:
    """The same steps with ``BrowserSession``; returns seconds from browser start to the last receipt."""
    started = time.perf_counter()
    login = FormLogin(PRACTICE_USERNAME, SecretStr(PRACTICE_PASSWORD))
    with BrowserSession(settings, login=login) as session:
        for number, claim in enumerate(claims, start=2):
            session.goto(f"{url}/refusion")
            session.submit_form({
                "Arbejdsgivers CVR-nummer": claim.employer_cvr,
                "Medarbejderens CPR-nummer": claim.employee_cpr,
                "Egen reference": f"toolkit:row-{number}",
            }, button="Næste")
            session.submit_form({
                "Periode fra": claim.period_from.strftime("%d-%m-%Y"),
                "Periode til": claim.period_to.strftime("%d-%m-%Y"),
                "Antal timer": _danish(claim.hours),
                "Beløb (kr.)": _danish(claim.amount),
                "Årsag": claim.reason.value,
            }, button="Næste")
            session.submit_form({"Jeg erklærer, at oplysningerne er korrekte": True}, button="Send anmodning")
            receipt = session.texts("#kvitteringsnummer")[0]
            assert receipt.startswith("SDP-"), receipt
    return time.perf_counter() - started


Contender = Callable[[str, list[ClaimRow], BrowserSettings], float]


def contenders() -> dict[str, Contender]:
    """The contenders available in this checkout (the bot joins once it exists)."""
    found: dict[str, Contender] = {"plain": run_plain, "toolkit": run_toolkit}
    try:
        from bench.bench_portal_bot import run_bot  # noqa: PLC0415 - optional until the bot exists
    except ImportError:
        return found
    found["bot"] = run_bot
    return found


def _chromium_version(settings: BrowserSettings) -> str:
    if not settings.executable_path:
        return "?"
    try:
        out = subprocess.run([settings.executable_path, "--version"], capture_output=True, text=True, timeout=20)
    except OSError:
        return "?"
    return out.stdout.strip() or "?"


def main(argv: list[str] | None = None) -> int:
    """Run every contender ``--rounds`` times (interleaved) and print items/s and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    settings = BrowserSettings()
    claims = generate_claims(args.items, seed=99)
    print(f"# bench_portal_form — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"# machine: {platform.node()} {platform.machine()}, {platform.system()} {platform.release()}, "
          f"python {platform.python_version()}, cpus={_cpu_count()}")
    print(f"# browser: {_chromium_version(settings)}; items per round: {args.items}; rounds: {args.rounds}")
    best: dict[str, float] = {}
    for round_number in range(1, args.rounds + 1):
        for name, contender in contenders().items():
            with tempfile.TemporaryDirectory() as folder:
                app = create_app(PortalConfig(db_path=Path(folder) / "portal.sqlite3"))
                url, stop = serve_in_thread(app)
                try:
                    seconds = contender(url, claims, settings)
                    stored = len(app.state.portal.db.submissions())
                finally:
                    stop()
                    app.state.portal.db.close()
            assert stored == len(claims), f"{name}: {stored} submissions for {len(claims)} claims"
            rate = len(claims) / seconds
            best[name] = max(best.get(name, 0.0), rate)
            print(f"round {round_number}: {name:8s} {rate:6.2f} items/s ({seconds:.2f} s)")
    print("best of rounds:")
    for name, rate in best.items():
        ratio = f"  ratio to plain {rate / best['plain']:.2f}" if name != "plain" else ""
        print(f"  {name:8s} {rate:6.2f} items/s{ratio}")
    return 0


def _cpu_count() -> int:
    import os  # noqa: PLC0415

    return os.cpu_count() or 0


if __name__ == "__main__":
    raise SystemExit(main())
