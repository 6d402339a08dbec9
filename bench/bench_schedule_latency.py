"""Runner service latency: schedule fire → first item processing, and queue item → processing.

Runs the real service (``python -m runner``) on a fresh SQLite installation in a temp folder.

* schedule mode: a schedule ``every = "<interval>s"``; a tiny bot produces one item per run. For
  each fire, latency = the item's ``started_at`` (claimed, processing starts) − the fire's due time
  (``run_requests.scheduled_for``). Goal (issue 5): p95 ≤ 1 s over 100 fires.
* queue mode: a queue trigger (``min_items = 1``); this script adds one item every ``interval`` s
  from its own process. Latency = the item's ``started_at`` − its ``created_at``. Goal: ≤ 1 s.

    .venv/bin/python bench/bench_schedule_latency.py [--fires 100] [--interval 1.0] [--mode both]
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BOT = """
from __future__ import annotations
from typing import Any
from pydantic import BaseModel
from sepbots import BotContext, NewItem, WorkItem, bot

class Tick(BaseModel):
    run: str

def produce(ctx: BotContext[Any]):
    yield NewItem(reference=ctx.run_id, payload=Tick(run=ctx.run_id))

@bot(name="tick", producer=produce, max_attempts=1)
def tick(item: WorkItem[Tick], ctx: BotContext[Any]) -> None:
    return None

@bot(name="inbox", queue="inbox", max_attempts=1)
def inbox(item: WorkItem[Tick], ctx: BotContext[Any]) -> None:
    return None
"""

SETTINGS = '[logging]\nconsole = "never"\n[queue]\nheartbeat_s = 5.0\n'


def _home(tmp: Path, schedules: str) -> Path:
    home = tmp / "home"
    (home / "bots" / "tick").mkdir(parents=True)
    (home / "bots" / "tick" / "bot.py").write_text(BOT, encoding="utf-8")
    (home / "config").mkdir()
    (home / "config" / "sepbots.toml").write_text(SETTINGS, encoding="utf-8")
    (home / "config" / "schedules.toml").write_text(textwrap.dedent(schedules), encoding="utf-8")
    from sepbots.testing import open_test_environment

    open_test_environment(home).close()  # the installation, as `sepbots init` makes it
    return home


def _start(home: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEPBOTS_")}
    env.update(SEPBOTS_HOME=str(home), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "runner"], cwd=home, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the runner exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        if _rows(home, "SELECT 1 FROM runner_status WHERE state IN ('idle', 'running')"):
            return proc
        time.sleep(0.1)
    raise SystemExit("the runner did not start within 120 s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)


def _rows(home: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    path = home / "var" / "sepbots.db"
    if not path.exists():
        return []
    try:
        with sqlite3.connect(path, timeout=30) as conn:
            return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError:
        return []


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def schedule_latencies(fires: int, interval: float) -> list[float]:
    """Seconds from each fire's due time to its item's processing start."""
    with tempfile.TemporaryDirectory() as tmp:
        home = _home(
            Path(tmp), f'[[schedule]]\nname = "tick"\nbot = "tick"\nevery = "{max(1, round(interval))}s"\n'
        )
        proc = _start(home)
        ready = datetime.now(UTC)
        sql = (
            "SELECT r.scheduled_for, w.started_at FROM run_requests r JOIN work_items w ON w.run_id = r.run_id "
            "WHERE r.state = 'done' AND r.scheduled_for > ? ORDER BY r.id"
        )
        since = ready.replace(tzinfo=None).isoformat(" ")
        try:
            while len(_rows(home, sql, since)) < fires:
                if proc.poll() is not None:
                    raise SystemExit("the runner exited during the benchmark")
                time.sleep(0.5)
        finally:
            _stop(proc)
        return [(_ts(w) - _ts(s)).total_seconds() for s, w in _rows(home, sql, since)[:fires]]


def queue_latencies(items: int, interval: float) -> list[float]:
    """Seconds from an item's creation (by another process) to its processing start."""
    from pydantic import BaseModel

    from sepbots.testing import open_test_environment
    from sepbots.workitems.models import NewItem

    class Tick(BaseModel):
        run: str

    with tempfile.TemporaryDirectory() as tmp:
        home = _home(Path(tmp), '[[queue_trigger]]\nbot = "inbox"\nmin_items = 1\n')
        proc = _start(home)
        env = open_test_environment(home)
        try:
            for n in range(items):
                with env.store.begin() as conn:
                    env.queues.add(
                        conn,
                        "inbox",
                        [NewItem(reference=f"item-{n}", payload=Tick(run=str(n)))],
                        max_attempts=1,
                        run_id=None,
                        actor="bench",
                    )
                time.sleep(interval)
            sql = "SELECT created_at, started_at FROM work_items WHERE queue = 'inbox' AND state = 'done' ORDER BY id"
            deadline = time.monotonic() + 60
            while len(_rows(home, sql)) < items and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            env.close()
            _stop(proc)
        return [(_ts(s) - _ts(c)).total_seconds() for c, s in _rows(home, sql)]


def report(name: str, values: list[float]) -> None:
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    print(
        f"{name}: n={len(ordered)}  p50={q[49] * 1000:.0f} ms  p95={q[94] * 1000:.0f} ms  "
        f"max={ordered[-1] * 1000:.0f} ms  min={ordered[0] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fires", type=int, default=100, help="schedule fires (and queue items) to measure")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between fires / items")
    parser.add_argument("--mode", choices=["schedule", "queue", "both"], default="both")
    args = parser.parse_args()
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} {platform.processor() or ''} "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load {load}"
    )
    if args.mode in ("schedule", "both"):
        report("schedule fire -> item processing", schedule_latencies(args.fires, args.interval))
    if args.mode in ("queue", "both"):
        report("queue item -> item processing", queue_latencies(args.fires, args.interval))


if __name__ == "__main__":
    main()
