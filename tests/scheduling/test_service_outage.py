"""Database outages against the real service: PostgreSQL cut off mid-run, SQLite locked out by another program."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Row, create_engine, text
from sqlalchemy.engine import make_url

from .runner_proc import SETTINGS, RunnerProcess, log_events, make_home, query, wait_for
from .tcpproxy import TcpProxy
from .test_service import STEPS_BOT, effects, now_local_iso, release

DOWN = "database_unavailable"


def outage_logged(home: Path) -> bool:
    """Whether the service has logged that the database went away."""
    return any(e["event"] == DOWN for e in log_events(home, "sepbots.runner"))

pytestmark = pytest.mark.slow


@pytest.mark.postgres
def test_postgres_outage_mid_run_recovers_and_completes(tmp_path: Path, pg_url: str) -> None:
    """PostgreSQL unreachable for 4 s mid-run: the service keeps running, logs the outage once each way, then completes."""
    url = make_url(pg_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432)).start()
    proxied = url.set(port=proxy.port).render_as_string(hide_password=False)
    settings = SETTINGS + f'[database]\nurl = "{proxied}"\n'
    home = make_home(
        tmp_path,
        {"steps": STEPS_BOT},
        f'[[schedule]]\nname = "once"\nbot = "steps"\nat = {now_local_iso()}\n',
        settings,
    )
    direct = create_engine(pg_url)

    def sql(statement: str) -> Sequence[Row[Any]]:
        with direct.connect() as conn:
            return conn.execute(text(statement)).all()

    proc = RunnerProcess(home, STEPS="8", ITEM_S="0.5", WAIT_ON="3").start()
    try:
        wait_for(lambda: len(effects(home)) >= 2, 60, "two items", proc.proc)
        cut_at = time.monotonic()
        proxy.cut()
        release(home, "step-3")  # item 3 ends inside the outage, whatever the machine's speed
        # Down at least 4 s, and until the service has noticed (a slow machine may take longer).
        wait_for(lambda: outage_logged(home), 60, "the outage to be noticed", proc.proc)
        time.sleep(max(0.0, 4 - (time.monotonic() - cut_at)))
        assert proc.proc.poll() is None, "the service died during the outage"
        proxy.restore()
        wait_for(
            lambda: sql("SELECT 1 FROM run_requests WHERE state = 'done'"),
            90,
            "the run to complete",
            proc.proc,
        )
        assert proc.proc.poll() is None
    finally:
        code = proc.stop()
        proxy.close()
        direct.dispose()
    assert code == 0, proc.stderr
    assert set(effects(home)) == {f"step-{n}" for n in range(1, 9)}
    events = [e["event"] for e in log_events(home, "sepbots.runner") if e["event"].startswith("database_")]
    assert events[:2] == ["database_unavailable", "database_available"]
    assert events == ["database_unavailable", "database_available"] * (len(events) // 2)


def test_sqlite_locked_by_another_program_recovers(tmp_path: Path) -> None:
    """Another program holding the SQLite file's exclusive lock for 3 s (a backup or virus scanner) is ridden out."""
    settings = SETTINGS + "[database]\nbusy_timeout_s = 0.2\n"
    home = make_home(
        tmp_path,
        {"steps": STEPS_BOT},
        f'[[schedule]]\nname = "once"\nbot = "steps"\nat = {now_local_iso()}\n',
        settings,
    )
    proc = RunnerProcess(home, STEPS="8", ITEM_S="0.4", WAIT_ON="3").start()
    try:
        wait_for(lambda: len(effects(home)) >= 2, 60, "two items", proc.proc)
        locked = threading.Event()

        def hold() -> None:
            other = sqlite3.connect(home / "var" / "sepbots.db", isolation_level=None, timeout=10)
            other.execute("BEGIN EXCLUSIVE")
            locked.set()
            held_at = time.monotonic()
            try:
                # Held at least 3 s, and until the service has noticed (a slow machine may take longer).
                wait_for(lambda: outage_logged(home), 60, "the lock-out to be noticed")
                time.sleep(max(0.0, 3 - (time.monotonic() - held_at)))
            finally:
                other.execute("ROLLBACK")
                other.close()

        holder = threading.Thread(target=hold)
        holder.start()
        assert locked.wait(15)
        release(home, "step-3")  # item 3 ends inside the lock-out, whatever the machine's speed
        holder.join()
        assert proc.proc.poll() is None, "the service died during the lock-out"
        wait_for(
            lambda: query(home, "SELECT 1 FROM run_requests WHERE state='done'"),
            90,
            "the run to complete",
            proc.proc,
        )
    finally:
        code = proc.stop()
    assert code == 0, proc.stderr
    assert set(effects(home)) == {f"step-{n}" for n in range(1, 9)}
    assert dict(query(home, "SELECT reference, state FROM work_items")) == {
        f"step-{n}": "done" for n in range(1, 9)
    }
    events = [e["event"] for e in log_events(home, "sepbots.runner") if e["event"].startswith("database_")]
    assert events[:2] == ["database_unavailable", "database_available"]
