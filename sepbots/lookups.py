"""Access requests (GDPR art. 15): which runs, items, robots and operators handled one person.

Nothing here stores or logs the CPR number it is given. It is turned into the installation's keyed
digest and token (``Redactor.digest``/``token``), and those are looked for where sepbots keeps
them: ``item_subjects`` (the CPR numbers of each item's payload, indexed when the item was
added), the redacted texts in the database (references, messages, outputs, notes, run
parameters, audit details and actors) and the JSON-lines logs. Each lookup is itself an audit
row (``subject_lookup``) naming who asked, with the token only.

The token has 32 bits: in a large installation another person's number may, rarely, share it.
Items found through ``item_subjects`` use the full 256-bit digest and are certain; treat hits
found only through the token (``found_in`` without ``payload``) as leads to check.
"""

from __future__ import annotations

import enum
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Text, cast, or_, select

from sepbots.audit import AuditEvent, AuditEventType
from sepbots.environment import Environment
from sepbots.store.schema import audit_log
from sepbots.workitems import items, runs, subjects


class FoundIn(enum.StrEnum):
    """Where a trace of the person was found."""

    PAYLOAD = "payload"  # the item's data (through item_subjects)
    REFERENCE = "reference"
    MESSAGE = "message"  # error message or handling note, on the item or an attempt
    OUTPUT = "output"
    RUN_PARAMS = "run_params"
    AUDIT = "audit"
    LOG = "log"


OPERATOR_EVENTS = frozenset({AuditEventType.ITEM_HANDLED, AuditEventType.ITEM_RETRY_REQUESTED,
                             AuditEventType.EVIDENCE_VIEWED, AuditEventType.OPERATOR_ACTION})


@dataclass(frozen=True)
class ItemHit:
    id: int
    queue: str
    reference: str
    state: str
    runs: tuple[str, ...]
    found_in: tuple[FoundIn, ...]


@dataclass(frozen=True)
class RunHit:
    id: str
    bot: str
    trigger: str
    started_at: datetime | None
    found_in: tuple[FoundIn, ...] = ()


@dataclass(frozen=True)
class OperatorHit:
    actor: str
    event: str
    item_id: int | None
    ts: datetime


@dataclass(frozen=True)
class SubjectReport:
    """Everything found about one person, by token."""

    token: str
    items: list[ItemHit] = field(default_factory=list)
    runs: list[RunHit] = field(default_factory=list)
    robots: list[str] = field(default_factory=list)
    operators: list[OperatorHit] = field(default_factory=list)
    failed_logins: int = 0

    def as_json(self) -> dict[str, Any]:
        def ts(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "subject": self.token,
            "items": [{"id": i.id, "queue": i.queue, "reference": i.reference, "state": i.state, "runs": list(i.runs),
                       "found_in": [f.value for f in i.found_in]} for i in self.items],
            "runs": [{"id": r.id, "bot": r.bot, "trigger": r.trigger, "started_at": ts(r.started_at),
                      "found_in": [f.value for f in r.found_in]} for r in self.runs],
            "robots": self.robots,
            "operators": [{"actor": o.actor, "event": o.event, "item_id": o.item_id, "ts": ts(o.ts)}
                          for o in self.operators],
            "failed_logins": self.failed_logins,
        }


class _Found:
    """Item and run ids found so far, with where."""

    def __init__(self) -> None:
        self.items: dict[int, set[FoundIn]] = defaultdict(set)
        self.runs: dict[str, set[FoundIn]] = defaultdict(set)

    def add_items(self, ids: Iterable[Any], where: FoundIn) -> None:
        for item_id in ids:
            if item_id is not None:
                self.items[int(item_id)].add(where)

    def add_runs(self, ids: Iterable[Any], where: FoundIn) -> None:
        for run_id in ids:
            if run_id:
                self.runs[str(run_id)].add(where)


def _scan_database(conn: Connection, digest: str, token: str, found: _Found) -> int:
    """Fill ``found`` from the database; returns the failed dashboard logins under the token."""
    like = f"%{token}%"
    found.add_items(subjects.items_of(conn, digest), FoundIn.PAYLOAD)
    for where, item_ids in items.containing(conn, like).items():
        found.add_items(item_ids, FoundIn(where))
    found.add_runs(runs.containing(conn, like), FoundIn.RUN_PARAMS)
    logins = 0
    query = select(audit_log.c.item_id, audit_log.c.run_id, audit_log.c.actor).where(
        or_(cast(audit_log.c.details, Text).like(like), audit_log.c.actor == token))
    for row in conn.execute(query):
        if row.actor == token:
            logins += 1
        found.add_items([row.item_id], FoundIn.AUDIT)
        found.add_runs([row.run_id], FoundIn.AUDIT)
    return logins


def _log_files(env: Environment) -> Iterator[Path]:
    logs_dir, runs_dir = env.settings.logs_dir, env.settings.runs_dir
    if logs_dir.is_dir():
        yield from sorted(p for p in logs_dir.iterdir() if p.name.startswith("sepbots.jsonl") and p.is_file())
    if runs_dir.is_dir():
        yield from sorted(p for p in runs_dir.glob("*/log.jsonl") if p.is_file())


def _scan_logs(env: Environment, token: str, found: _Found) -> None:
    for path in _log_files(env):
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if token not in line:
                    continue
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    found.add_items([event.get("item_id")] if isinstance(event.get("item_id"), int) else [],
                                    FoundIn.LOG)
                    found.add_runs([event.get("run_id")] if isinstance(event.get("run_id"), str) else [],
                                   FoundIn.LOG)


def _report(conn: Connection, token: str, found: _Found, logins: int) -> SubjectReport:
    item_ids = sorted(found.items)
    item_rows = items.by_id(conn, item_ids, fields=("queue", "reference", "state"))
    item_runs = items.runs_of(conn, item_ids)
    hits = [ItemHit(id=i, queue=item_rows[i].queue, reference=item_rows[i].reference, state=item_rows[i].state,
                    runs=tuple(sorted(item_runs.get(i, ()))), found_in=tuple(sorted(found.items[i])))
            for i in item_ids if i in item_rows]
    run_ids = set(found.runs) | {r for i in hits for r in i.runs}
    run_rows = runs.by_ids(conn, sorted(run_ids), fields=("bot", "trigger", "started_at"))
    run_hits = [RunHit(id=r.id, bot=r.bot, trigger=r.trigger, started_at=r.started_at,
                       found_in=tuple(sorted(found.runs.get(r.id, ())))) for r in run_rows]
    operators = [OperatorHit(actor=r.actor, event=r.event, item_id=r.item_id, ts=r.ts) for r in conn.execute(
        select(audit_log.c.actor, audit_log.c.event, audit_log.c.item_id, audit_log.c.ts)
        .where(audit_log.c.item_id.in_(item_ids), audit_log.c.event.in_([e.value for e in OPERATOR_EVENTS]))
        .order_by(audit_log.c.seq))]
    robots = sorted({r.bot for r in run_hits} | {i.queue for i in hits})
    return SubjectReport(token=token, items=hits, runs=run_hits, robots=robots, operators=operators,
                         failed_logins=logins)


def look_up(env: Environment, digits: str, *, actor: str) -> SubjectReport:
    """What sepbots holds about the person with CPR number ``digits`` (10 digits); the lookup is audited.

    The number is used only to compute the digest and token; it is not stored, logged or returned.
    """
    digest, token = env.redactor.digest(digits), env.redactor.token(digits)
    found = _Found()
    with env.store.engine.connect() as conn:
        logins = _scan_database(conn, digest, token, found)
        conn.rollback()
    _scan_logs(env, token, found)
    with env.store.begin() as conn:
        report = _report(conn, token, found, logins)
        env.audit.append(conn, [AuditEvent(AuditEventType.SUBJECT_LOOKUP, actor, details={
            "subject": token, "items": len(report.items), "runs": len(report.runs)})], env.clock.now())
    return report
