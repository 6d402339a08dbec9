"""Fleet throughput: items/s with 1, 2 and 4 runner processes on PostgreSQL and SQLite.

Run from the repository root: ``PYTHONPATH=. python bench/bench_fleet.py [--items 3000] [--runners 1 2 4]``
(``--code DIR`` runs the runner processes on another checkout, e.g. to measure "before" figures).
Each configuration gets a fresh database (a scratch database on ``--pg`` for PostgreSQL, a file for
SQLite), its items added up front; the runner processes open their environment, wait at a start
line, then each runs ``Runner(env).run(bot, produce=False)`` until the queue is drained. The figure
is items / (last runner's end − first runner's start), so process start-up is not counted; the
runners log to files as in production. Prints machine, date, load; record in docs/benchmarks.md
(## Fleet).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

WORKER = r'''
import json, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from pydantic import BaseModel
from sepbots import BotContext, WorkItem, bot
from sepbots.config import load_settings
from sepbots.environment import Environment
from sepbots.logging import configure_logging
from sepbots.runtime import Runner, Trigger

class Job(BaseModel):
    n: int

DELAY = float(sys.argv[4])

@bot(name="bench", max_attempts=3)
def bench(item: WorkItem[Job], ctx: BotContext) -> None:
    if DELAY:
        time.sleep(DELAY)

settings = load_settings(sys.argv[2], environ={}, overrides={"database": {"url": sys.argv[3]}})
env = Environment.open(settings, environ={}, create=True)
configure_logging(logs_dir=settings.logs_dir, redactor=env.redactor, console="never")
print("ready", flush=True)
sys.stdin.readline()
t0 = time.time()
summary = Runner(env).run(bench, produce=False, trigger=Trigger.QUEUE)
t1 = time.time()
print(json.dumps({"start": t0, "end": t1, "done": summary.counts.done}), flush=True)
env.close()
'''


def _machine() -> str:
    try:
        load = f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        load = "n/a"
    return (f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, load {load}")


def _prepare(url: str, home: Path, items: int, code: Path) -> None:
    sys.path.insert(0, str(code))
    from pydantic import BaseModel

    from sepbots.config import load_settings
    from sepbots.environment import Environment
    from sepbots.workitems.models import NewItem

    class Job(BaseModel):
        n: int

    from sepbots.audit import AuditEvent

    env = Environment.open(load_settings(home, environ={}, overrides={"database": {"url": url}}), environ={}, create=True)
    # Start the audit chain before the runners do (older checkouts raced on creating its head row).
    env.audit.record([AuditEvent("operator_action", "bench", details={"bench": "start"})], env.clock.now())
    with env.store.begin() as conn:
        env.queues.add(conn, "bench", (NewItem(reference=f"i{i}", payload=Job(n=i)) for i in range(items)),
                       max_attempts=3, run_id=None, actor="bench")
    env.close()


def _measure(url: str, runners: int, items: int, delay: float, code: Path) -> float:
    home = Path(tempfile.mkdtemp(prefix="sepbots-bench-"))
    _prepare(url, home, items, code)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(code), str(home), url, str(delay)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(runners)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=900)
        results.append(json.loads(out.strip().splitlines()[-1]))
    done = sum(r["done"] for r in results)
    if done != items:
        raise SystemExit(f"only {done} of {items} items were done")
    elapsed: float = max(r["end"] for r in results) - min(r["start"] for r in results)
    return items / elapsed


def _pg_database(admin: str) -> tuple[str, str]:
    name = f"sepbots_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, make_url(admin).set(database=name).render_as_string(hide_password=False)


def _pg_drop(admin: str, name: str) -> None:
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000, help="items per no-op configuration")
    parser.add_argument("--slow-items", type=int, default=1500, help="items per 2 ms configuration")
    parser.add_argument("--runners", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--delays-ms", type=float, nargs="+", default=[0.0, 2.0])
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--code", type=Path, default=Path.cwd(), help="checkout whose sepbots the runners use")
    args = parser.parse_args()
    print(_machine())
    print(f"code: {args.code.resolve()}")
    print(f"{'backend':<11} {'processor':<10} {'runners':>7} {'items/s':>9}")
    for backend in args.backends:
        for delay in args.delays_ms:
            for n in args.runners:
                items = args.items if delay == 0 else args.slow_items
                if backend == "postgresql":
                    name, url = _pg_database(args.pg)
                    try:
                        rate = _measure(url, n, items, delay / 1000, args.code.resolve())
                    finally:
                        _pg_drop(args.pg, name)
                else:
                    folder = Path(tempfile.mkdtemp(prefix="sepbots-bench-db-"))
                    rate = _measure(f"sqlite:///{(folder / 'bench.db').as_posix()}", n, items, delay / 1000,
                                    args.code.resolve())
                label = "no-op" if delay == 0 else f"{delay:g} ms"
                print(f"{backend:<11} {label:<10} {n:>7} {rate:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
