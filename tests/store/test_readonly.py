"""The fast read path of listings (``sepbots.store.readonly``, ``workitems.run_listing``): same rows on both backends."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from sepbots.environment import Environment
from sepbots.store.readonly import open_readonly
from sepbots.store.schema import runs
from sepbots.testing import open_test_environment
from sepbots.worker.tables import run_requests
from sepbots.workitems.run_listing import latest_runs, requests_without_run

START = datetime(2026, 11, 27, 13, 5, 6, 789000, tzinfo=UTC)


def seed(env: Environment) -> None:
    with env.store.begin() as conn:
        conn.execute(insert(runs), [
            {"id": f"run-{n}", "bot": "fakturakontrol" if n % 2 else "andet", "process": None, "queue": "q",
             "trigger": "manual", "status": "failed" if n == 2 else "completed", "test_mode": n == 1,
             "started_at": START + timedelta(hours=n), "ended_at": None if n == 2 else START + timedelta(hours=n, minutes=1),
             "done": n, "error": "boom" if n == 2 else None}
            for n in range(3)
        ])
        conn.execute(insert(run_requests), [
            {"key": "k1", "bot": "fakturakontrol", "trigger": "schedule", "schedule": "morgen", "state": "refused",
             "created_at": START, "ended_at": START + timedelta(seconds=1), "error": "uden for åbningstid"},
            {"key": "k2", "bot": "andet", "trigger": "manual", "schedule": None, "state": "done", "created_at": START,
             "ended_at": None, "error": None},
        ])


def _latest_runs(source: object, bot: str | None, status: str | None, limit: int) -> tuple[list[Any], list[Any]]:
    return (latest_runs(source, bot=bot, status=status, limit=limit),
            [] if status else requests_without_run(source, limit, bot=bot))


def test_latest_runs_match_the_schema_typed_rows_on_every_backend(store_env: Environment) -> None:
    """Through SQLAlchemy (every backend) and, on SQLite, through sqlite3: aware UTC times, booleans, same order."""
    seed(store_env)
    with store_env.store.engine.connect() as conn:
        expected = [dict(r._mapping) for r in conn.execute(select(runs).order_by(runs.c.started_at.desc()))]
        via_store = _latest_runs(conn, None, None, 20)
        filtered = _latest_runs(conn, "fakturakontrol", "completed", 20)
    sources = [via_store]
    if store_env.store.path is not None:
        plain = open_readonly(store_env.settings.database_url, busy_timeout_s=5)
        assert plain is not None
        try:
            sources.append(_latest_runs(plain, None, None, 20))
        finally:
            plain.close()
    for rows, requests in sources:
        assert [vars(r) for r in rows] == [{k: e[k] for k in vars(rows[0])} for e in expected]
        assert rows[1].test_mode is True and rows[0].test_mode is False and rows[0].ended_at is None
        assert rows[0].started_at == START + timedelta(hours=2) and rows[0].started_at.tzinfo == UTC
        assert [(q.bot, q.state, q.schedule, q.error, q.created_at) for q in requests] == [
            ("fakturakontrol", "refused", "morgen", "uden for åbningstid", START)]
    assert [r.id for r in filtered[0]] == ["run-1"] and filtered[1] == []


def test_open_readonly_reads_only_an_up_to_date_sqlite_file(home: Path, tmp_path: Path) -> None:
    """Anything else (PostgreSQL, options, a missing, empty or stale file) is left to the Store; writes are refused."""
    env = open_test_environment(home)
    url, db = env.settings.database_url, env.store.path
    assert db is not None
    env.close()
    conn = open_readonly(url, busy_timeout_s=5)
    assert conn is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM runs")
    conn.close()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for other in ("postgresql+psycopg://u@localhost/db", f"sqlite:///{tmp_path / 'missing.db'}",
                  f"sqlite:///{empty}", f"sqlite:///{db}?timeout=3", "sqlite://", "sqlite:///:memory:"):
        assert open_readonly(other, busy_timeout_s=5) is None, other
    assert not (tmp_path / "missing.db").exists()
    env = open_test_environment(home)
    with env.store.begin() as conn_:
        conn_.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
    env.close()
    assert open_readonly(url, busy_timeout_s=5) is None
