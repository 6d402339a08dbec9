"""Generate a year of operation for the dashboard benchmark: 10,000 runs, 1,000,000 work items
(+ one attempt row each, more for retried ones), 1,000,000 audit rows in a valid hash chain, and
log.jsonl files plus failure screenshots for the most recent runs.

    python bench/gen_dashboard_data.py --home /tmp/sepbots-bench [--runs 10000 --items 1000000 --audit 1000000]

The database is created with sepbots' own migrations, then filled with sqlite3 ``executemany``.
Rerunnable: an existing home is wiped first.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sepbots.audit import GENESIS, _row_hash, details_digest  # noqa: E402
from sepbots.audit_seal import Sealer  # noqa: E402
from sepbots.config import load_settings  # noqa: E402
from sepbots.environment import Environment  # noqa: E402

BOTS = [  # name, share of runs, mean items per run
    ("sygedagpenge-refusion", 0.25, 140),
    ("boligstoette-kontrol", 0.20, 120),
    ("faktura-matchning", 0.20, 90),
    ("flyttesager", 0.15, 60),
    ("ydelseskontrol", 0.12, 70),
    ("skattekort-opslag", 0.08, 40),
]
# The catalogued process each bot automates (config/catalogue/<key>.yaml), for the gains pages.
PROCESS = {
    "sygedagpenge-refusion": "sygedagpenge-refusion",
    "boligstoette-kontrol": "indtaegtskontrol-kontoudtog",
    "faktura-matchning": "fakturabehandling-smaafakturaer",
    "flyttesager": "eflyt-godkendelse",
    "ydelseskontrol": "bopaelskontrol",
    "skattekort-opslag": "ejendomsskat-forespoergsler",
}
CATALOGUE = Path(__file__).resolve().parents[1] / "config" / "catalogue"
STATES = [("done", 0.935), ("business_exception", 0.04), ("failed", 0.02), ("abandoned", 0.005)]
CODES = {"business_exception": ["BAD_CPR", "MISSING_DOC", "AMOUNT_MISMATCH", "CLOSED_CASE"],
         "failed": ["PORTAL_DOWN", "TIMEOUT", "LOGIN_FAILED"], "abandoned": ["LEASE_EXPIRED"]}
LOG_RUNS = 300  # newest runs that get log.jsonl and screenshots on disk


def ts(moment: datetime) -> str:
    """SQLAlchemy's SQLite storage format for a UTC datetime."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def png(seed: int) -> bytes:
    import struct
    import zlib

    w, h = 320, 200
    rgb = bytes([(seed * 37) % 256, (seed * 91) % 256, 120])
    raw = b"".join(b"\x00" + rgb * w for _ in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Chain:
    """Builds audit rows exactly as ``sepbots.audit.AuditTrail.append`` does (HMAC chain with the
    installation's audit key), so ``sepbots audit verify`` and the dashboard's status pass."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.seq = 0
        self.prev = GENESIS

    def row(self, when: datetime, event: str, actor: str, bot: str | None, run_id: str | None,
            item_id: int | None, details: dict[str, Any]) -> tuple[object, ...]:
        self.seq += 1
        digest = details_digest(details)
        fields = {"event": event, "actor": actor, "bot": bot, "run_id": run_id, "item_id": item_id}
        h = _row_hash(self.key, self.prev, self.seq, when, fields, digest)
        canon = json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        out = (self.seq, ts(when), event, actor, bot, run_id, item_id, canon, digest, 0, self.prev, h)
        self.prev = h
        return out


def generate(home: Path, n_runs: int, n_items: int, n_audit: int, end: datetime, seed: int = 7) -> dict[str, Any]:
    rnd = random.Random(seed)
    if home.exists():
        shutil.rmtree(home)
    settings = load_settings(home=home, environ={})
    env = Environment.open(settings, environ={}, create=True)  # schema via migrations, key file created
    key = env.keys.audit_key
    env.close()
    db = sqlite3.connect(settings.var_dir / "sepbots.db")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-200000")
    start = end - timedelta(days=365)
    weights = [b[1] for b in BOTS]
    mean = sum(b[1] * b[2] for b in BOTS)
    scale = n_items / (n_runs * mean)
    # run start times: working days 06-18 local-ish, sorted
    starts = sorted(start + timedelta(seconds=rnd.uniform(0, 365 * 86400 - 7200)) for _ in range(n_runs))
    starts[-1] = end - timedelta(minutes=40)  # a run today for the overview
    Rows = list[tuple[object, ...]]
    run_rows: Rows = []
    item_rows: Rows = []
    attempt_rows: Rows = []
    audit_rows: Rows = []
    chain = Chain(key)
    item_id = 0
    remaining = n_items
    log_from = n_runs - LOG_RUNS
    runs_dir = settings.runs_dir
    unhandled_after = end - timedelta(days=14)
    audit_budget = n_audit
    for r, began in enumerate(starts):
        bot, _, size = rnd.choices(BOTS, weights)[0]
        run_id = str(uuid.UUID(int=rnd.getrandbits(128)))
        left_runs = n_runs - r
        count = remaining if left_runs == 1 else max(1, min(remaining - (left_runs - 1), int(rnd.gauss(size * scale, size * scale * 0.3))))
        remaining -= count
        t = began
        counts = {"done": 0, "business_exception": 0, "failed": 0, "abandoned": 0}
        work_ms = 0
        logs: list[str] = []
        if r >= log_from:
            (runs_dir / run_id / "items").mkdir(parents=True, exist_ok=True)
        audit_rows.append(chain.row(began, "run_started", "runner:bench", bot, run_id, None, {"trigger": "schedule"}))
        for _ in range(count):
            item_id += 1
            state = rnd.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
            counts[state] += 1
            dur = int(rnd.lognormvariate(8.3, 0.5))
            work_ms += dur
            claimed = t
            t = t + timedelta(milliseconds=dur + 50)
            attempts = 1 if state in ("done", "business_exception") else 3
            code = rnd.choice(CODES[state]) if state != "done" else None
            message = None if code is None else f"{code.lower().replace('_', ' ')} for sag-{item_id}"
            artifacts = None
            if state in ("failed", "business_exception") and r >= log_from:
                rel = f"{run_id}/items/{item_id}.png"
                (runs_dir / rel).write_bytes(png(item_id))
                artifacts = json.dumps([rel])
            handled = state != "done" and claimed < unhandled_after
            item_rows.append((
                item_id, bot, f"sag-{item_id}", state, 0, b"{}", 0, attempts, 3, ts(claimed), None, None,
                None if state == "done" else ("business" if state == "business_exception" else "application"),
                code, message, None, artifacts, dur, ts(began), ts(t), ts(claimed), ts(t), run_id, run_id,
                "operator1" if handled else None, "behandlet manuelt" if handled else None,
                ts(t + timedelta(days=1)) if handled else None,
            ))
            for a in range(1, attempts + 1):
                attempt_rows.append((item_id, run_id, a, state if a == attempts else "retry",
                                     None if state == "done" else ("business" if state == "business_exception" else "application"),
                                     code, message, ts(claimed), ts(t), dur, artifacts if a == attempts else None))
            if audit_budget - len(audit_rows) > (n_items - item_id) + 2 * (n_runs - r):
                audit_rows.append(chain.row(t, "item_released", "runner:bench", bot, run_id, item_id,
                                            {"state": state, "attempt": attempts, "code": code, "duration_ms": dur}))
            if r >= log_from:
                base = {"run_id": run_id, "bot": bot, "item_id": item_id, "attempt": attempts}
                logs.append(json.dumps({**base, "event": "item_claimed", "level": "info", "timestamp": claimed.isoformat()}))
                logs.append(json.dumps({**base, "event": "item_released", "level": "info" if state == "done" else "error",
                                        "timestamp": t.isoformat(), "state": state, "code": code}))
        status = "failed" if counts["failed"] > count * 0.05 else "completed"
        run_rows.append((run_id, bot, PROCESS[bot], bot, "schedule", status, 0, ts(began), ts(t), "ws-01", "ws-01:1",
                         None, count, counts["done"], counts["business_exception"], 0, counts["failed"],
                         counts["abandoned"], work_ms, None))
        audit_rows.append(chain.row(t, "run_ended", "runner:bench", bot, run_id, None, {"status": status}))
        if logs:
            (runs_dir / run_id / "log.jsonl").write_text("\n".join(logs) + "\n", encoding="utf-8")
        if len(item_rows) > 200_000:
            flush(db, run_rows, item_rows, attempt_rows, audit_rows)
    while chain.seq < n_audit:  # top up with operator/login events
        audit_rows.append(chain.row(end - timedelta(seconds=n_audit - chain.seq), "dashboard_login", "operator1",
                                    None, None, None, {"ip": "10.0.0.5"}))
    flush(db, run_rows, item_rows, attempt_rows, audit_rows)
    db.execute("UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1",
               (chain.seq, chain.prev, Sealer(key).head(chain.seq, chain.prev)))
    db.commit()
    db.close()
    shutil.copytree(CATALOGUE, home / "config" / "catalogue")
    return {"runs": n_runs, "items": item_id, "audit": chain.seq, "db": str(settings.var_dir / "sepbots.db")}


def flush(db: sqlite3.Connection, runs: list[tuple[object, ...]], items: list[tuple[object, ...]],
          attempts: list[tuple[object, ...]], audit: list[tuple[object, ...]]) -> None:
    db.executemany("INSERT INTO runs (id, bot, process, queue, trigger, status, test_mode, started_at, ended_at, host,"
                   " runner_id, params, produced, done, business, retried, failed, abandoned, work_ms, error)"
                   " VALUES (" + ",".join("?" * 20) + ")", runs)
    db.executemany("INSERT INTO work_items (id, queue, reference, state, priority, payload, encrypted, attempts,"
                   " max_attempts, next_attempt_at, lease_owner, lease_expires_at, error_kind, error_code,"
                   " error_message, output, artifacts, duration_ms, created_at, updated_at, started_at,"
                   " finished_at, created_run_id, run_id, handled_by, handled_note, handled_at)"
                   " VALUES (" + ",".join("?" * 27) + ")", items)
    db.executemany("INSERT INTO item_attempts (item_id, run_id, attempt, outcome, error_kind, error_code,"
                   " error_message, started_at, ended_at, duration_ms, artifacts) VALUES (" + ",".join("?" * 11) + ")",
                   attempts)
    db.executemany("INSERT INTO audit_log (seq, ts, event, actor, bot, run_id, item_id, details, details_digest,"
                   " neutralised, prev_hash, hash) VALUES (" + ",".join("?" * 12) + ")", audit)
    db.commit()
    for rows in (runs, items, attempts, audit):
        rows.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("/tmp/sepbots-bench"))
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--audit", type=int, default=1_000_000)
    args = parser.parse_args()
    began = time.perf_counter()
    out = generate(args.home, args.runs, args.items, args.audit, datetime.now(UTC))
    print(json.dumps({**out, "seconds": round(time.perf_counter() - began, 1)}))


if __name__ == "__main__":
    main()
