"""Audit chain verify throughput: a full verify of a 1,000,000-row chain and an incremental verify of
10,000 rows appended on top of it.

    PYTHONPATH=. python bench/bench_audit_verify.py [--rows 1000000] [--new 10000] [--pg URL]

The chain is written fast but genuinely: each row's HMAC is computed exactly as
``AuditTrail.append`` does (same key, same fields, canonical JSON details), then the rows are
bulk-inserted and the head sealed. The 10,000 new rows are real appends (``AuditTrail.record``,
100 events a transaction). Targets (issue 13, finding 4): a full verify reads ≥ 50,000 rows/s; the
incremental verify of the new rows takes ≤ 1 s. Prints machine, date, load; record in
docs/benchmarks.md (## Audit chain verify).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, update  # noqa: E402

from sepbots.audit import GENESIS, AuditEvent, _row_hash, details_digest  # noqa: E402
from sepbots.audit_seal import Sealer  # noqa: E402
from sepbots.config import load_settings  # noqa: E402
from sepbots.environment import Environment  # noqa: E402
from sepbots.store.schema import audit_head, audit_log  # noqa: E402

EVENTS = ("item_claimed", "item_released", "items_released", "run_started", "operator_action")


def generate(env: Environment, n: int, chunk: int = 50_000) -> None:
    """Append ``n`` rows with precomputed hashes to the (empty) chain of ``env``, then seal the head."""
    key = env.keys.audit_key
    start = env.clock.now() - timedelta(days=365)
    prev, rows = GENESIS, []
    with env.store.begin() as conn:
        for seq in range(1, n + 1):
            event = EVENTS[seq % len(EVENTS)]
            details = ({"items": [[seq * 3 + k, 1, "done", None, 800 + k] for k in range(3)]}
                       if event == "items_released" else {"attempt": 1, "state": "done", "duration_ms": seq % 5000})
            ev = {"event": event, "actor": "runner:bench", "bot": "faktura-matchning",
                  "run_id": f"run-{seq // 1000:06d}", "item_id": seq if event.startswith("item_") else None}
            when = start + timedelta(seconds=seq * 30)
            digest = details_digest(details)
            h = _row_hash(key, prev, seq, when, ev, digest)
            rows.append({**ev, "seq": seq, "ts": when, "details": details, "details_digest": digest,
                         "neutralised": False, "prev_hash": prev, "hash": h})
            prev = h
            if len(rows) >= chunk:
                conn.execute(insert(audit_log), rows)
                rows.clear()
        if rows:
            conn.execute(insert(audit_log), rows)
        conn.execute(update(audit_head).where(audit_head.c.id == 1)
                     .values(seq=n, hash=prev, mac=Sealer(key).head(n, prev)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--pg", help="an empty PostgreSQL database URL (default: a SQLite file in a temporary folder)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="sepbots-audit-bench-"))
    overrides = {"database": {"url": args.pg}} if args.pg else None
    env = Environment.open(load_settings(home, environ={}, overrides=overrides), environ={}, create=True)
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{env.store.dialect}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load {os.getloadavg()[0]:.2f}")
    began = time.perf_counter()
    generate(env, args.rows)
    print(f"generated {args.rows:,} rows in {time.perf_counter() - began:.1f} s")

    began, cpu = time.perf_counter(), time.process_time()
    full = env.audit.verify()
    s, c = time.perf_counter() - began, time.process_time() - cpu
    assert full.ok, full.reason
    print(f"full verify: {full.rows:,} rows in {s:.2f} s = {full.rows / s:,.0f} rows/s "
          f"(CPU {c:.2f} s = {full.rows / c:,.0f} rows per CPU second; load {os.getloadavg()[0]:.2f})")

    t = env.clock.now()
    for i in range(0, args.new, 100):
        env.audit.record([AuditEvent("operator_action", "bench", details={"i": i + k}) for k in range(100)], t)
    began, cpu = time.perf_counter(), time.process_time()
    inc = env.audit.verify(incremental=True)
    s, c = time.perf_counter() - began, time.process_time() - cpu
    assert inc.ok and inc.rows == args.new, (inc.reason, inc.rows)
    print(f"incremental verify: {inc.rows:,} new rows (from row {inc.from_seq:,}) in {s:.3f} s "
          f"(CPU {c:.3f} s; load {os.getloadavg()[0]:.2f})")
    env.close()


if __name__ == "__main__":
    main()
