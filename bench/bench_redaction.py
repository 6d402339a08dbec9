"""The redactor on the runner's hot path: µs per call for typical log events, texts and payloads.

Measures ``Redactor.redact`` on texts with and without CPR numbers, ``redact_obj`` on an item
output, and the structlog ``RedactProcessor`` on a typical per-item event (what every log line
pays). Run it on two checkouts to compare (it imports the ``sepbots`` next to this folder).

    .venv/bin/python bench/bench_redaction.py [--n 200000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sepbots.logging import RedactProcessor  # noqa: E402
from sepbots.redaction import Redactor  # noqa: E402

TEXTS = {
    "log text, no digits": "the portal answered slowly; retrying after the backoff",
    "log text, amounts and dates": "Faktura 2026-000123 på 1.234,50 kr. forfalder 01-12-2026, tlf. 31 12 90 12",
    "log text with a CPR number": "borgeren 010190-1313 findes ikke i registret",
}
OUTPUT = {"receipt": "KV-2026-004711", "portal_retries": 0, "amount": "1234.50", "recovered": False}


def event() -> dict[str, object]:
    return {"event": "item_released", "state": "done", "duration_ms": 812, "code": None, "run_id":
            "0f6a3c8e-0b7d-4d5e-9a51-1f4a7c2d9e10", "bot": "sygedagpenge_refusion", "item_id": 4711, "attempt": 1,
            "level": "info", "logger": "sepbots.runtime", "timestamp": "2026-12-01T23:30:00.000000Z"}


def per_call_us(fn: Callable[..., object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    n = parser.parse_args().n
    redactor = Redactor(b"k" * 32)
    redactor.add_secret("S3cret-Pa55word!")
    processor = RedactProcessor(redactor)
    print(f"# bench_redaction — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}, {n} calls each")
    for name, text in TEXTS.items():
        print(f"redact({name}): {per_call_us(lambda t=text: redactor.redact(t), n):.2f} µs")
    print(f"redact_obj(item output): {per_call_us(lambda: redactor.redact_obj(OUTPUT), n):.2f} µs")
    print(f"RedactProcessor(per-item event): {per_call_us(lambda: processor(None, 'info', event()), n):.2f} µs")
    print(f"  (building the event dict alone: {per_call_us(event, n):.2f} µs)")


if __name__ == "__main__":
    main()
