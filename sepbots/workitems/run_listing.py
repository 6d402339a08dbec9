"""The runs ledger's listings as plain SQL: the newest runs, and run requests that never became a run.

Part of the runs ledger (:mod:`sepbots.workitems.runs` writes and counts runs); these two reads are
kept here, in plain SQL without SQLAlchemy at import, because ``sepbots runs list`` runs them on a
read-only ``sqlite3`` connection to start fast (:mod:`sepbots.store.readonly`). The same text runs
through SQLAlchemy for PostgreSQL and for the dashboard, so each query is written once.
"""

from __future__ import annotations

from typing import Any

from sepbots.store.readonly import fetch

RUN_FIELDS = ("id", "bot", "process", "queue", "trigger", "status", "test_mode", "started_at", "ended_at",
              "produced", "done", "business", "retried", "failed", "abandoned", "work_ms", "error")
REQUEST_FIELDS = ("id", "bot", "trigger", "state", "schedule", "created_at", "ended_at", "error")
_TIMES = ("started_at", "ended_at", "created_at")


def _columns(table: str, names: tuple[str, ...]) -> str:
    return ", ".join(f'{table}."{name}"' for name in names)


def latest_runs(source: Any, *, bot: str | None = None, status: str | None = None, limit: int = 20) -> list[Any]:
    """The newest runs first, optionally of one bot or status (``source``: sqlite3 or SQLAlchemy connection)."""
    filters = {name: value for name, value in (("bot", bot), ("status", status)) if value}
    where = " AND ".join(f'runs."{name}" = :{name}' for name in filters)
    return fetch(source, f"SELECT {_columns('runs', RUN_FIELDS)} FROM runs{' WHERE ' + where if where else ''} "
                         "ORDER BY runs.started_at DESC LIMIT :limit",
                 {**filters, "limit": limit}, times=_TIMES, flags=("test_mode",))


def requests_without_run(source: Any, limit: int = 20, *, bot: str | None = None) -> list[Any]:
    """Refused or failed run requests for which no run was recorded, newest first (optionally of one bot)."""
    requests = fetch(source, f"SELECT {_columns('run_requests', REQUEST_FIELDS)} FROM run_requests "
                             "LEFT OUTER JOIN runs ON runs.id = run_requests.run_id "
                             "WHERE run_requests.state IN ('failed', 'refused') AND runs.id IS NULL "
                             "ORDER BY run_requests.id DESC LIMIT :limit", {"limit": limit}, times=_TIMES)
    return [r for r in requests if not bot or r.bot == bot]
