"""Micro-benchmark for the Danish helpers: how fast is cpr_birth_date (used by log redaction)?

Run from the repository root: ``PYTHONPATH=. python bench/bench_dk.py [--calls 1000000]``
(``PYTHONPATH=.`` makes a checkout's ``sepbots`` win over an editable install elsewhere).
Prints machine, date and ns per call; record the figures in docs/benchmarks.md (## Danish helpers).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sepbots.dk import cpr_birth_date, parse_cpr, parse_danish_decimal, random_cpr


def _time_per_call(func: Callable[[str], object], inputs: list[str], calls: int) -> float:
    """Return nanoseconds per call of ``func`` cycling through ``inputs``, minus the bare loop cost."""
    pool = (inputs * (calls // len(inputs) + 1))[:calls]
    start = time.perf_counter_ns()
    for text in pool:
        func(text)
    spent = time.perf_counter_ns() - start
    start = time.perf_counter_ns()
    for _text in pool:
        pass
    loop = time.perf_counter_ns() - start
    return (spent - loop) / calls


def _load() -> str:
    """The 1-minute load average where the OS reports it (a busy machine inflates the figures)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):  # Windows has no load average
        return "n/a"


def main() -> None:
    """Time cpr_birth_date (valid and invalid dates), parse_cpr and parse_danish_decimal."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="report the best of this many runs")
    args = parser.parse_args()
    rng = random.Random(2024)
    valid = [random_cpr(rng, born_from=datetime(1858, 1, 1).date()).digits for _ in range(1000)]
    impossible = [f"{rng.randrange(32, 100):02d}{d[2:]}" for d in valid]  # day 32–99: no date
    amounts = ["1.234,56", "kr. 12,50", "-987.654,32 kr.", "100,-", "1234,56"]

    print(f"machine: {platform.node()} {platform.machine()} {platform.processor()} {os.cpu_count()} CPUs")
    print(f"python:  {platform.python_implementation()} {platform.python_version()}")
    print(f"date:    {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(f"calls:   {args.calls:,} per run, best of {args.repeat} runs; load avg {_load()}")
    rows: list[tuple[str, Callable[[str], object], list[str], int]] = [
        ("cpr_birth_date (valid dates)", cpr_birth_date, valid, args.calls),
        ("cpr_birth_date (impossible dates)", cpr_birth_date, impossible, args.calls),
        ("parse_cpr", parse_cpr, [f"{d[:6]}-{d[6:]}" for d in valid], args.calls // 10),
        ("parse_danish_decimal", parse_danish_decimal, amounts, args.calls // 10),
    ]
    for name, func, inputs, calls in rows:
        best = min(_time_per_call(func, inputs, calls) for _ in range(args.repeat))
        print(f"{name:<36} {best:8.0f} ns/call  ({calls:,} calls)")


if __name__ == "__main__":
    main()
