"""Where a runner's CPU goes per item: one runner, no-op bot, CPU time (not wall time) per part.

Run from the repository root: ``PYTHONPATH=. python bench/bench_runner_breakdown.py [--items 8000]
[--backend postgresql|sqlite] [--pg URL]``. The run loop is the real one (``Runner(env).run``); the
parts are timed by wrapping, in this process only, the claim/release exchange with the database
(``exchange``, which includes the audit append and the payload decryption listed separately), the
audit append, the decoding of claimed rows (``to_claimed``: payload decryption) and the runtime's
per-item log call. "other" is the rest of the run loop: payload validation, the bot call, the
classifier, the counters and contexts. Prints CPU microseconds per item; record in
docs/benchmarks.md (## Fleet).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import BaseModel  # noqa: E402

import sepbots.runtime.runner as runner_module  # noqa: E402
from bench import bench_fleet  # noqa: E402
from sepbots import BotContext, WorkItem, bot  # noqa: E402
from sepbots.audit import AuditTrail  # noqa: E402
from sepbots.config import load_settings  # noqa: E402
from sepbots.environment import Environment  # noqa: E402
from sepbots.logging import configure_logging  # noqa: E402
from sepbots.runtime import Runner, Trigger  # noqa: E402
from sepbots.workitems.queue import WorkQueues  # noqa: E402

CPU: dict[str, float] = {}


def _timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            CPU[label] = CPU.get(label, 0.0) + time.process_time() - t0
    return wrapper


class _TimedLog:
    """The runner's module logger, with its ``info`` calls (one per item) timed."""

    def __init__(self, log: Any) -> None:
        self._log = log
        self.info = _timed("log line", lambda *args, **kwargs: log.info(*args, **kwargs))  # bound at call time

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)


class Job(BaseModel):
    n: int


@bot(name="bench", max_attempts=3)
def bench(item: WorkItem[Job], ctx: BotContext[Any]) -> None:
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=8000)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    print(bench_fleet._machine())
    name = None
    if args.backend == "postgresql":
        name, url = bench_fleet._pg_database(args.pg)
    else:
        url = f"sqlite:///{(Path(tempfile.mkdtemp(prefix='sepbots-bench-db-')) / 'bench.db').as_posix()}"
    try:
        home = Path(tempfile.mkdtemp(prefix="sepbots-bench-"))
        bench_fleet._prepare(url, home, args.items, Path.cwd())
        WorkQueues.exchange = _timed("exchange (total)", WorkQueues.exchange)  # type: ignore[method-assign]  # the benchmark wraps the method to time it
        AuditTrail.append = _timed("  audit append", AuditTrail.append)  # type: ignore[method-assign]  # the benchmark wraps the method to time it
        WorkQueues.to_claimed = _timed("  decode claimed rows", WorkQueues.to_claimed)  # type: ignore[method-assign]  # the benchmark wraps the method to time it
        runner_module.log = _TimedLog(runner_module.log)
        settings = load_settings(home, environ={}, overrides={"database": {"url": url}})
        env = Environment.open(settings, environ={}, create=True)
        configure_logging(logs_dir=settings.logs_dir, redactor=env.redactor, console="never")
        t0, w0 = time.process_time(), time.perf_counter()
        summary = Runner(env).run(bench, produce=False, trigger=Trigger.QUEUE)
        total, wall = time.process_time() - t0, time.perf_counter() - w0
        env.close()
    finally:
        if name:
            bench_fleet._pg_drop(args.pg, name)
    n = summary.counts.done
    print(f"{args.backend}: {n} items, {n / wall:.0f} items/s, CPU {total / n * 1e6:.0f} µs per item")
    other = total - CPU.get("exchange (total)", 0.0) - CPU.get("log line", 0.0)
    for label, seconds in [*sorted(CPU.items()), ("other", other)]:
        print(f"  {label:<24} {seconds / n * 1e6:6.0f} µs/item")


if __name__ == "__main__":
    main()
