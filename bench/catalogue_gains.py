"""Benchmark: catalogue loading, screening, measured gains and retention on a large ledger.

Rerunnable: ``python bench/catalogue_gains.py [--items 200000]``. Prints the machine, the date and
the timings. The ledger rows are inserted with SQLAlchemy Core (fast set-up); the measured parts
are the library calls (``load_catalogue``, ``screen_all``, ``compute_gains``, ``apply_retention``).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import ParamSpec, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from sepbots.catalogue.loader import load_catalogue  # noqa: E402
from sepbots.catalogue.models import Process  # noqa: E402
from sepbots.catalogue.screening import screen_all  # noqa: E402
from sepbots.catalogue.settings import GainsSettings  # noqa: E402
from sepbots.environment import Environment  # noqa: E402
from sepbots.gains import compute_gains  # noqa: E402
from sepbots.reports import write_gains_html, write_gains_xlsx  # noqa: E402
from sepbots.retention import apply_retention  # noqa: E402
from sepbots.store.schema import item_attempts, runs, work_items  # noqa: E402
from sepbots.testing import ManualClock, open_test_environment  # noqa: E402

P = ParamSpec("P")
R = TypeVar("R")


def timed(label: str, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    t0 = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"{label:<58} {time.perf_counter() - t0:8.3f} s")
    return result


def fill(env: Environment, n: int, start: datetime) -> None:
    states = ["done"] * 17 + ["business_exception"] * 2 + ["failed"]
    with env.store.begin() as conn:
        for day in range(365):
            conn.execute(insert(runs).values(
                id=f"run-{day}", bot="fakturakontrol", process="fakturabehandling-smaafakturaer",
                queue="fakturakontrol", trigger="schedule", status="completed", test_mode=False,
                started_at=start + timedelta(days=day), ended_at=start + timedelta(days=day, hours=1)))
        batch, attempts = [], []
        for i in range(n):
            day = i * 365 // n
            t = start + timedelta(days=day, minutes=i % 600)
            state = states[i % len(states)]
            batch.append(dict(queue="fakturakontrol", reference=f"r{i}", state=state, priority=0,
                              payload=b'{"row": 1}', encrypted=False, attempts=1, max_attempts=2,
                              next_attempt_at=t, duration_ms=250, created_at=t, updated_at=t, started_at=t,
                              finished_at=t, run_id=f"run-{day}", created_run_id=f"run-{day}",
                              error_message="besked" if state != "done" else None))
            if len(batch) == 10_000:
                ids = conn.execute(insert(work_items).returning(work_items.c.id), batch).scalars().all()
                attempts += [dict(item_id=k, run_id=b["run_id"], attempt=1, outcome=b["state"], ended_at=b["finished_at"],
                                  duration_ms=250) for k, b in zip(ids, batch, strict=True)]
                conn.execute(insert(item_attempts), attempts)
                batch, attempts = [], []
        if batch:
            ids = conn.execute(insert(work_items).returning(work_items.c.id), batch).scalars().all()
            conn.execute(insert(item_attempts), [dict(item_id=k, run_id=b["run_id"], attempt=1, outcome=b["state"],
                                                      ended_at=b["finished_at"], duration_ms=250)
                                                 for k, b in zip(ids, batch, strict=True)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200_000)
    args = parser.parse_args()
    print(f"sepbots catalogue/gains benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.machine()} {platform.processor() or ''} · {os.cpu_count()} CPUs · "
          f"Python {platform.python_version()} · {platform.system()} {platform.release()}")
    settings = GainsSettings()
    cat = timed("load shipped catalogue (24 YAML files)", load_catalogue, ROOT / "config" / "catalogue")
    base = next(iter(cat)).model_dump()
    many = [Process.model_validate({**base, "key": f"p-{i:04d}"}) for i in range(1000)]
    timed("screen + rank 1,000 processes (incl. business cases)", screen_all, many, settings)
    with tempfile.TemporaryDirectory() as tmp:
        start = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
        clock = ManualClock(datetime(2026, 1, 2, 8, 0, tzinfo=UTC))
        env = open_test_environment(Path(tmp) / "home", clock=clock)
        timed(f"set-up: insert {args.items:,} ledger rows (not a library call)", fill, env, args.items, start)
        result = timed(f"compute_gains over a year, {args.items:,} items", compute_gains, env.store, cat, settings,
                       start=date(2025, 1, 1), end=date(2025, 12, 31), now=clock.now())
        p = result.figures.processes[0]
        print(f"  → {p.units_done:,} done, {p.units_handed_over:,} handed over, {p.saved_hours} h saved")
        timed("write gains .xlsx (365 daily rows, charts)", write_gains_xlsx, result.figures, Path(tmp) / "g.xlsx")
        timed("write gains .html (inline SVG)", write_gains_html, result.figures, Path(tmp) / "g.html")
        timed(f"retention dry run over {args.items:,} items", apply_retention, env, cat, dry_run=True)
        report = timed(f"retention apply over {args.items:,} items", apply_retention, env, cat)
        print(f"  → payloads emptied: {report.total(report.actions[0].kind):,}")
        ok = timed("audit verify after retention", env.audit.verify)
        print(f"  → chain ok: {ok.ok}")
        env.close()


if __name__ == "__main__":
    main()
