"""Evaluating alert rules against the ledger: each rule yields findings with a de-duplication key.

Event findings (a failed run, a failed item) have a key of their own and are sent once.
Condition findings (a long manual queue, a silent runner, a broken audit chain) keep one key
while the condition holds and are sent again after ``repeat_after``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, select

from sepbots.alerts.config import AlertKind, Rule
from sepbots.audit import AuditTrail
from sepbots.clock import local
from sepbots.store import Store
from sepbots.worker.state import WorkerState
from sepbots.worker.tables import runner_status
from sepbots.workitems import items, runs


@dataclass(frozen=True)
class Finding:
    """One thing worth telling an operator."""

    rule: Rule
    key: str
    bot: str | None
    line: str
    repeat: bool = False
    facts: dict[str, str] = field(default_factory=dict)


def _when(moment: datetime | None) -> str:
    return local(moment).strftime("%d-%m-%Y %H:%M") if moment else "?"


class RuleEvaluator:
    """Runs each rule's query.

    Args:
        store: the installation's database.
        audit: for the chain check.
        queue_bots: queue name → bot name (from the registry; unknown queues are named as themselves).
    """

    def __init__(self, store: Store, audit: AuditTrail, queue_bots: dict[str, str]) -> None:
        self.store = store
        self.audit = audit
        self.queue_bots = queue_bots

    def _bot_of(self, queue: str) -> str:
        return self.queue_bots.get(queue, queue)

    def evaluate(self, rule: Rule, now: datetime) -> list[Finding]:
        handlers = {
            AlertKind.RUN_FAILED: self._runs_failed,
            AlertKind.ITEMS_FAILED: self._items_failed,
            AlertKind.MANUAL_QUEUE: self._manual_queue,
            AlertKind.RUNNER_SILENT: self._runners_silent,
            AlertKind.AUDIT_BROKEN: self._audit_broken,
        }
        found = handlers[rule.kind](rule, now)
        return [f for f in found if not rule.bots or f.bot in rule.bots]

    def _read(self, read: Callable[[Connection], list[Any]]) -> list[Any]:
        with self.store.engine.connect() as conn:
            rows = read(conn)
            conn.rollback()
        return rows

    def _rows(self, query: Select[Any]) -> list[Row[Any]]:
        return self._read(lambda conn: list(conn.execute(query).all()))

    def _runs_failed(self, rule: Rule, now: datetime) -> list[Finding]:
        rows = self._read(lambda conn: runs.failed_since(conn, now - rule.lookback))
        return [Finding(rule, f"run_failed:{r.id}", r.bot,
                        f"{r.bot}: kørslen {r.id[:8]} fejlede {_when(r.ended_at)} / the run failed: {r.error or '-'}",
                        facts={"run": r.id}) for r in rows]

    def _items_failed(self, rule: Rule, now: datetime) -> list[Finding]:
        rows = self._read(lambda conn: items.ended_badly_since(conn, now - rule.lookback))
        return [Finding(rule, f"item_failed:{r.id}", self._bot_of(r.queue),
                        f"{r.reference}: {r.error_code or '-'} efter {r.attempts} forsøg / after {r.attempts} attempts: "
                        f"{(r.error_message or '')[:200]}") for r in rows]

    def _manual_queue(self, rule: Rule, now: datetime) -> list[Finding]:
        found = []
        for queue, count, oldest in self._read(items.waiting_for_people):
            oldest = local(oldest) if oldest is not None else None
            too_many = rule.above is not None and count > rule.above
            too_old = rule.older_than is not None and oldest is not None and oldest < now - rule.older_than
            if too_many or too_old:
                bot = self._bot_of(queue)
                found.append(Finding(rule, f"manual_queue:{queue}", bot,
                                     f"{bot}: {count} emner venter på manuel behandling, ældste fra {_when(oldest)} / "
                                     f"{count} items wait for manual handling, oldest from {_when(oldest)}",
                                     repeat=True, facts={"count": str(count)}))
        return found

    def _runners_silent(self, rule: Rule, now: datetime) -> list[Finding]:
        assert rule.after is not None
        query = (select(runner_status.c.runner_id, runner_status.c.host, runner_status.c.heartbeat_at)
                 .where(runner_status.c.state != WorkerState.STOPPED.value, runner_status.c.heartbeat_at < now - rule.after))
        return [Finding(rule, f"runner_silent:{r.runner_id}", None,
                        f"runneren {r.runner_id} på {r.host} har været tavs siden {_when(r.heartbeat_at)} / "
                        f"runner silent since then", repeat=True) for r in self._rows(query)]

    def _audit_broken(self, rule: Rule, now: datetime) -> list[Finding]:
        result = self.audit.verify()
        if result.ok:
            return []
        return [Finding(rule, f"audit_broken:{result.broken_seq}", None,
                        f"revisionssporet er brudt ved række {result.broken_seq} / the audit chain is broken: {result.reason}",
                        repeat=True)]
