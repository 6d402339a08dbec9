"""CVR lookups per second: cvr_opslag by API (no browser) against by portal (headless Chromium), same companies.

Both modes run the same bot through the real runtime on the same list of CVR numbers (from the
practice register, seed 2026): ``mode = portal`` against ``sepbots practice portal``,
``mode = api`` against ``sepbots practice cvr-api``, without rate limits. Reported: lookups per
second over the whole run (producer, queue, browser or HTTP client start, items, result workbook)
and per item alone. A third line shows the client's batch lookup (one ``terms`` query per 1,000
numbers), which the bot does not use (one item per number keeps the ledger per company).

    .venv/bin/python bench/bench_cvr.py [--companies 100] [--repeat 2]
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

from bots.cvr_opslag.bot import look_up_company  # noqa: E402
from sepbots import ItemState  # noqa: E402
from sepbots.connectors.cvr import CvrClient  # noqa: E402
from sepbots.logging import configure_logging  # noqa: E402
from sepbots.practice.cvrapi import PRACTICE_API_PASSWORD, PRACTICE_API_USER, CvrApiConfig  # noqa: E402
from sepbots.practice.cvrapi import create_app as create_cvr_api  # noqa: E402
from sepbots.practice.data import generate_companies  # noqa: E402
from sepbots.practice.portal import PRACTICE_PASSWORD, PRACTICE_USERNAME, PortalConfig  # noqa: E402
from sepbots.practice.portal import create_app as create_portal  # noqa: E402
from sepbots.practice.server import serve_in_thread  # noqa: E402
from sepbots.testing import open_test_environment, run_bot_once  # noqa: E402
from sepbots.vault import Credential  # noqa: E402


def one_run(mode: str, url: str, numbers: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        source = home / "cvr.csv"
        source.write_text("CVR\n" + "\n".join(numbers) + "\n", encoding="utf-8")
        env = open_test_environment(home / "home", overrides={"logging": {"console": "never"}})
        configure_logging(logs_dir=None, redactor=env.redactor, level="info", console="never", json_file=False)
        try:
            env.vault.set("praksisportal", PRACTICE_PASSWORD, username=PRACTICE_USERNAME, actor="bench")
            env.vault.set("cvr-distribution", PRACTICE_API_PASSWORD, username=PRACTICE_API_USER, actor="bench")
            started = time.perf_counter()
            outcome = run_bot_once(look_up_company, {"input": str(source), "output": str(home / "ud.xlsx"), "mode": mode,
                                                     "portal_url": url, "api_url": url}, env=env)
            wall_s = time.perf_counter() - started
        finally:
            env.close()
    done = sum(1 for item in outcome.items if item.state is ItemState.DONE)
    if done != len(numbers):
        raise SystemExit(f"{mode}: {done} of {len(numbers)} lookups done")
    return {"wall_per_s": len(numbers) / wall_s, "work_per_s": len(numbers) / (outcome.summary.counts.work_ms / 1000)}


def batch_per_s(url: str, numbers: list[str]) -> float:
    login = Credential(name="cvr", username=PRACTICE_API_USER, password=SecretStr(PRACTICE_API_PASSWORD))
    with CvrClient(login, base_url=url, page_size=500) as client:
        started = time.perf_counter()
        found = client.companies(numbers)
        elapsed = time.perf_counter() - started
    assert len(found) == len(numbers)
    return len(numbers) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    numbers = [c.cvr for c in generate_companies(2026, 500)[: args.companies]]
    results: dict[str, list[dict[str, float]]] = {"portal": [], "api": []}
    with tempfile.TemporaryDirectory() as folder:
        portal_url, stop_portal = serve_in_thread(create_portal(PortalConfig(db_path=Path(folder) / "portal.sqlite3")))
        api_url, stop_api = serve_in_thread(create_cvr_api(CvrApiConfig()))
        try:
            for _ in range(args.repeat):
                results["portal"].append(one_run("portal", portal_url, numbers))
                results["api"].append(one_run("api", api_url, numbers))
            batch = statistics.median(batch_per_s(api_url, numbers) for _ in range(3))
        finally:
            stop_portal()
            stop_api()
    med: dict[str, Any] = {m: {k: statistics.median(r[k] for r in runs) for k in runs[0]} for m, runs in results.items()}
    print(f"# bench_cvr — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"companies: {args.companies}, runs per mode: {args.repeat} (median shown)")
    for mode in ("portal", "api"):
        print(f"{mode:>6}: {med[mode]['wall_per_s']:.1f} lookups/s end to end, {med[mode]['work_per_s']:.1f} lookups/s item work")
    print(f" batch: {batch:.0f} lookups/s (CvrClient.companies, one terms query, 500 per page)")
    print(f"load average after the runs: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
