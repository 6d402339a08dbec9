"""Items per minute of the journalising bot against the practice case system on its own Xvfb.

One run = the real runtime: produce N documents from a workbook, start Xvfb and the practice
case system, then per document: Ctrl+N, type four fields, Ctrl+S, wait for the status indicator,
copy the journal number from the status line. Reported: items/min over the whole run (start-up
included) and over the item work alone (the runtime's per-item durations), plus ms per item.

    .venv/bin/python bench/bench_journalisering.py [--items 60] [--repeat 2] [--delay-ms 0]
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bots.journalisering.bot import journalise  # noqa: E402
from bots.journalisering.sample import write_sample  # noqa: E402
from sepbots import ItemState  # noqa: E402
from sepbots.logging import configure_logging  # noqa: E402
from sepbots.practice.desktop import JournalStore  # noqa: E402
from sepbots.testing import open_test_environment, run_bot_once  # noqa: E402


def one_run(items: int, delay_ms: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = write_sample(folder / "dokumenter.xlsx", items, seed=11)
        env = open_test_environment(folder / "home", overrides={"desktop": {"virtual_display": True}})
        configure_logging(logs_dir=env.settings.logs_dir, redactor=env.redactor, console="never")
        try:
            started = time.perf_counter()
            outcome = run_bot_once(
                journalise,
                {
                    "input": source,
                    "output": folder / "out.xlsx",
                    "launch_app": True,
                    "app_db": folder / "journal.db",
                    "app_delay_ms": delay_ms,
                },
                env=env,
            )
            wall_s = time.perf_counter() - started
        finally:
            env.close()
        done = sum(1 for item in outcome.items if item.state is ItemState.DONE)
        filed = len(JournalStore(folder / "journal.db").records())
        if done != items or filed != items:
            raise SystemExit(f"expected {items} filed, got {done} done and {filed} in the journal")
        work_s = outcome.summary.counts.work_ms / 1000
        return {
            "wall_per_min": items / wall_s * 60,
            "work_per_min": items / work_s * 60,
            "ms_per_item": work_s / items * 1000,
            "wall_s": wall_s,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--delay-ms", type=int, default=0, help="the practice case system's ms per save")
    args = parser.parse_args()
    runs = [one_run(args.items, args.delay_ms) for _ in range(args.repeat)]
    med = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    all_runs = ", ".join(f"{run['wall_per_min']:.0f}" for run in runs)
    print(
        f"# bench_journalisering — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"documents per run: {args.items}, runs: {args.repeat}, case system delay per save: {args.delay_ms} ms "
        f"(median shown; all runs: {all_runs} items/min end to end)"
    )
    print(f"end to end (Xvfb + app start-up included): {med['wall_per_min']:.0f} items/min ({med['wall_s']:.1f} s per run)")
    print(f"item work only: {med['work_per_min']:.0f} items/min, {med['ms_per_item']:.0f} ms per document")
    print(f"load average after the runs: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
