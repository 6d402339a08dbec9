"""Test data written straight into a real SQLite store: runs, items, attempts, log lines, a screenshot."""

from __future__ import annotations

import json
import struct
import uuid
import zlib
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from sepbots.store import Store
from sepbots.store.schema import item_attempts, runs, work_items


def png_bytes(width: int = 40, height: int = 20, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid solid-colour PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def seed_run(
    store: Store, runs_dir: Path, now: datetime, *, bot: str = "refusion", states: list[str] | None = None,
    process: str = "sygedagpenge",
) -> tuple[str, dict[str, int]]:
    """One finished run with one item per state in ``states``; returns the run id and item ids by reference."""
    states = states or ["done", "done", "business_exception", "failed"]
    run_id = str(uuid.uuid4())
    started = now - timedelta(minutes=30)
    ids: dict[str, int] = {}
    run_dir = runs_dir / run_id
    (run_dir / "items").mkdir(parents=True)
    log_lines = []
    with store.begin() as conn:
        conn.execute(
            insert(runs).values(
                id=run_id, bot=bot, process=process, queue=bot, trigger="schedule", status="failed",
                test_mode=False, started_at=started, ended_at=now - timedelta(minutes=20), produced=len(states),
                done=states.count("done"), business=states.count("business_exception"),
                failed=states.count("failed"), work_ms=12345,
            )
        )
        for n, state in enumerate(states):
            ref = f"sag-{n + 1}"
            error = state in ("business_exception", "failed")
            shot = f"{run_id}/items/{ref}.png" if state == "failed" else None
            if shot:
                (runs_dir / shot).write_bytes(png_bytes())
            key = conn.execute(
                insert(work_items).values(
                    queue=bot, reference=ref, state=state, priority=0, payload=b"{}", encrypted=False,
                    attempts=3 if state == "failed" else 1, max_attempts=3, next_attempt_at=started,
                    error_kind=("business" if state == "business_exception" else "application") if error else None,
                    error_code=("BAD_CPR" if state == "business_exception" else "PORTAL_DOWN") if error else None,
                    error_message="CPR 010203-1234 findes ikke" if state == "business_exception" else
                    ("portalen svarer ikke" if error else None),
                    artifacts=[shot] if shot else [], duration_ms=1500 + n, created_at=started,
                    updated_at=now - timedelta(minutes=21), started_at=started,
                    finished_at=now - timedelta(minutes=21, seconds=n), created_run_id=run_id, run_id=run_id,
                )
            ).inserted_primary_key
            assert key is not None
            item_id = key[0]
            ids[ref] = item_id
            conn.execute(
                insert(item_attempts).values(
                    item_id=item_id, run_id=run_id, attempt=1, outcome=state,
                    error_code="PORTAL_DOWN" if state == "failed" else None, started_at=started,
                    ended_at=started + timedelta(seconds=2), duration_ms=1500, artifacts=[shot] if shot else [],
                )
            )
            log_lines.append({"event": "item_claimed", "level": "info", "timestamp": started.isoformat(),
                              "run_id": run_id, "bot": bot, "item_id": item_id, "attempt": 1})
            log_lines.append({"event": "item_released", "level": "info" if state == "done" else "error",
                              "timestamp": started.isoformat(), "run_id": run_id, "bot": bot, "item_id": item_id,
                              "attempt": 1, "state": state, "note": "cpr 0102031234"})
    (run_dir / "log.jsonl").write_text("\n".join(json.dumps(x) for x in log_lines) + "\n", encoding="utf-8")
    return run_id, ids
