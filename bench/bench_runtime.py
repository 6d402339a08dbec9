"""Runner throughput on the embedded default (SQLite file): items/s end to end and raw claims/s.

End to end = produce N items, then the real run loop: claim (atomic, leased, audited), validate
the payload, call a no-op processor, release (ledger row + audit row), per-item logging to the
run's log.jsonl and logs/sepbots.jsonl. Goal (issue 2): ≥ 500 items/s, ≤ 2 ms runtime overhead per item.

    .venv/bin/python bench/bench_runtime.py [--items 5000] [--repeat 3]
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

from pydantic import BaseModel  # noqa: E402

from sepbots import BotContext, NewItem, Runner, WorkItem, bot  # noqa: E402
from sepbots.logging import configure_logging  # noqa: E402
from sepbots.testing import open_test_environment  # noqa: E402


class Row(BaseModel):
    n: int
    text: str


class Params(BaseModel):
    items: int


def produce(ctx: BotContext[Params]) -> Any:
    for n in range(ctx.params.items):
        yield NewItem(reference=f"row-{n}", payload=Row(n=n, text=f"Faktura 2026-{n:06d}"))


@bot(name="noop", params=Params, producer=produce)
def noop(item: WorkItem[Row], ctx: BotContext[Params]) -> None:
    return None


def one_run(items: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = open_test_environment(Path(tmp))
        configure_logging(logs_dir=env.settings.logs_dir, redactor=env.redactor, console="never")
        t0, c0 = time.perf_counter(), time.process_time()
        summary = Runner(env).run(noop, {"items": items})
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert summary.counts.done == items, summary
        # raw claims: add N more, then claim+release-free claims only
        with env.store.begin() as conn:
            env.queues.add(conn, "claims", (NewItem(reference=f"c{n}", payload=Row(n=n, text="x"))
                                            for n in range(items)), max_attempts=1, run_id=None, actor="bench")
        t1 = time.perf_counter()
        claimed = 0
        while env.queues.exchange([], "claims", limit=1, run_id="bench", bot="bench")[1]:
            claimed += 1
        claims = time.perf_counter() - t1
        assert claimed == items
        env.close()
    with_producer = items / total
    return {"items_per_s": with_producer, "ms_per_item": 1000 * total / items, "claims_per_s": items / claims,
            "cpu_ms_per_item": 1000 * cpu / items}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    results = [one_run(args.items) for _ in range(args.repeat)]
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    print(f"# bench_runtime — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"items per run: {args.items}, runs: {args.repeat} (median shown; all runs: "
          + ", ".join(f"{r['items_per_s']:.0f}" for r in results) + " items/s)")
    print(f"end to end (produce + run loop, no-op processor): {med['items_per_s']:.0f} items/s, "
          f"{med['ms_per_item']:.2f} ms/item")
    print(f"CPU time per item (all threads of the process): {med['cpu_ms_per_item']:.2f} ms "
          f"→ {1000 / med['cpu_ms_per_item']:.0f} items per CPU-second")
    print(f"claims only: {med['claims_per_s']:.0f} claims/s")
    print(f"load average during the run: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
