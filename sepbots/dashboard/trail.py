"""The audit trail as the dashboard sees it: one ``record`` call for dashboard events (through the
core's hash-chained ``AuditTrail``) and paged, index-backed reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from sepbots.audit import AuditEvent
from sepbots.environment import Environment
from sepbots.store.schema import audit_head, audit_log

PAGE = 50


def record(
    conn: Connection,
    env: Environment,
    *,
    event: str,
    actor: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one dashboard event to the audit chain in the caller's transaction."""
    env.audit.append(conn, [AuditEvent(event, actor, details=details or {})], env.clock.now())


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
