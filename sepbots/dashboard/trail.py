"""The audit trail as the dashboard sees it: one ``record`` call for dashboard events (through the
core's hash-chained ``AuditTrail``) and paged, index-backed reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, select

from sepbots.audit import AuditEvent, AuditEventType
from sepbots.environment import Environment
from sepbots.store.schema import audit_head, audit_log, users
from sepbots.workitems import items

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


def login_name(conn: Connection, env: Environment, typed: str) -> str:
    """How a login attempt's user name is written down: an existing user's name as it is; anything
    else (a typo, a guess, a CPR number typed in the wrong field) as a keyed token, never as typed."""
    name = typed.strip()[:100]
    if name and conn.execute(select(users.c.id).where(users.c.username == name)).first() is not None:
        return name
    return env.redactor.name_token(name) if name else "-"


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
    rows: list[Any] = list(conn.execute(query))
    if flt.item_id is not None:  # the item's entries in batch rows belong to its trail too
        rows = sorted([*rows, *(b for b in _batch_rows(conn, flt.item_id) if _matches(b, flt))],
                      key=lambda r: r.seq, reverse=True)[:page_size + 1]
    head = conn.execute(select(audit_head.c.seq).where(audit_head.c.id == 1)).scalar()
    more = len(rows) > page_size
    rows = rows[:page_size]
    return AuditPage(rows=rows, total=int(head or 0), next_before=rows[-1].seq if more else None)


def item_events(conn: Connection, item_id: int, limit: int = 50) -> list[Any]:
    """The newest audit rows about one work item, including the batch rows (``items_claimed``,
    ``items_released``) that name it."""
    own: list[Any] = list(
        conn.execute(
            select(audit_log).where(audit_log.c.item_id == item_id).order_by(audit_log.c.seq.desc()).limit(limit)
        )
    )
    return sorted([*own, *_batch_rows(conn, item_id)], key=lambda r: r.seq, reverse=True)[:limit]


@dataclass(frozen=True)
class BatchEntry:
    """A batch row of the trail as it concerns one item: its own entry, and how many items the row lists."""

    seq: int
    ts: Any
    event: str
    actor: str
    bot: str | None
    run_id: str | None
    item_id: int
    details: dict[str, Any]
    neutralised: bool = False


def _matches(entry: BatchEntry, flt: AuditFilter) -> bool:
    return ((flt.before is None or entry.seq < flt.before) and (not flt.actor or entry.actor == flt.actor)
            and (not flt.event or entry.event == flt.event) and (not flt.run_id or entry.run_id == flt.run_id))


_BATCH_FIELDS = {
    AuditEventType.ITEMS_CLAIMED.value: ("attempt",),
    AuditEventType.ITEMS_RELEASED.value: ("attempt", "state", "code", "duration_ms"),
}
# A release is written with the runner's next claim, normally within a second of the attempt's end,
# later only if the database was unreachable; rows this long after the last end are not searched.
_RELEASE_SLACK = timedelta(hours=6)


def _batch_rows(conn: Connection, item_id: int) -> list[BatchEntry]:
    """Batch rows naming ``item_id``, searched in the runs and time span of its attempts."""
    spans = [(r.run_id, r.started_at, r.ended_at) for r in items.history(conn, item_id)]
    current = items.get(conn, item_id, payload=False)
    if current is not None:
        spans.append((current.run_id, current.started_at, None))
    spans = [(run_id, start, end) for run_id, start, end in spans if run_id and start]
    if not spans:
        return []
    rows = conn.execute(
        select(audit_log.c.seq, audit_log.c.ts, audit_log.c.event, audit_log.c.actor, audit_log.c.bot,
               audit_log.c.run_id, audit_log.c.details).where(
            audit_log.c.event.in_(list(_BATCH_FIELDS)),
            audit_log.c.run_id.in_({run_id for run_id, _, _ in spans}),
            audit_log.c.ts >= min(start for _, start, _ in spans),
            audit_log.c.ts <= max(end or start for _, start, end in spans) + _RELEASE_SLACK,
        )
    )
    found = []
    for r in rows:
        entries = (r.details or {}).get("items") or []
        for entry in entries:
            if entry and entry[0] == item_id:
                details = dict(zip(_BATCH_FIELDS[r.event], entry[1:], strict=False))
                found.append(BatchEntry(r.seq, r.ts, r.event, r.actor, r.bot, r.run_id, item_id,
                                        {**details, "batch": len(entries)}))
    return found
