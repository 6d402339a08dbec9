"""The audit trail as the dashboard sees it: one append call for operator actions and paged reads.

``append`` is the only writer the dashboard uses; it delegates to the core's hash chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sepbots.clock import Clock
from sepbots.store.schema import audit_head, audit_log

PAGE = 50
GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def append(
    conn: Connection,
    clock: Clock,
    *,
    event: str,
    actor: str,
    bot: str | None = None,
    run_id: str | None = None,
    item_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Append one event to the hash-chained audit log in the caller's transaction; returns its seq."""
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    seq, prev = (head.seq + 1, head.hash) if head is not None else (1, GENESIS)
    ts = clock.now()
    digest = hashlib.sha256(_canonical(details or {}).encode()).hexdigest()
    body = _canonical([seq, ts.isoformat(), event, actor, bot, run_id, item_id, digest, prev])
    new_hash = hashlib.sha256(body.encode()).hexdigest()
    conn.execute(
        insert(audit_log).values(
            seq=seq, ts=ts, event=event, actor=actor, bot=bot, run_id=run_id, item_id=item_id,
            details=details or {}, details_digest=digest, neutralised=False, prev_hash=prev, hash=new_hash,
        )
    )
    if head is None:
        conn.execute(insert(audit_head).values(id=1, seq=seq, hash=new_hash))
    else:
        conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=new_hash))
    return seq


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page narrows the trail to."""

    actor: str | None = None
    event: str | None = None
    item_id: int | None = None
    run_id: str | None = None
    before: int | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of the trail, newest first, with the keyset cursor for the next page."""

    rows: list[Any]
    total: int
    next_before: int | None


def read_page(conn: Connection, flt: AuditFilter, page_size: int = PAGE) -> AuditPage:
    """A page of audit rows matching ``flt``, newest first (keyset on ``seq``; index-backed filters)."""
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(page_size + 1)
    if flt.actor:
        query = query.where(audit_log.c.actor == flt.actor)
    if flt.event:
        query = query.where(audit_log.c.event == flt.event)
    if flt.item_id is not None:
        query = query.where(audit_log.c.item_id == flt.item_id)
    if flt.run_id:
        query = query.where(audit_log.c.run_id == flt.run_id)
    if flt.before is not None:
        query = query.where(audit_log.c.seq < flt.before)
    rows = list(conn.execute(query))
    head = conn.execute(select(audit_head.c.seq).where(audit_head.c.id == 1)).scalar()
    more = len(rows) > page_size
    rows = rows[:page_size]
    return AuditPage(rows=rows, total=int(head or 0), next_before=rows[-1].seq if more else None)


def item_events(conn: Connection, item_id: int, limit: int = 50) -> list[Any]:
    """The newest audit rows about one work item."""
    return list(
        conn.execute(
            select(audit_log).where(audit_log.c.item_id == item_id).order_by(audit_log.c.seq.desc()).limit(limit)
        )
    )


@dataclass(frozen=True)
class Verification:
    """The chain's state as last checked."""

    ok: bool | None
    checked_to: int
    checked_at: datetime | None
    problem: str | None = None
