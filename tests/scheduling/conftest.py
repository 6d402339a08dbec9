"""Fixtures for the scheduling tests: an injected clock and real databases (SQLite file, PostgreSQL)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sepbots.store import Store
from sepbots.testing import ManualClock

PG_ADMIN_URL = os.environ.get("SEPBOTS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pg_database_url(name: str) -> str:
    """The URL of database ``name`` on the test PostgreSQL server."""
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def clock() -> ManualClock:
    """The core's injected test clock, at Wednesday 1 April 2026 12:00 Danish time."""
    return ManualClock(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{(tmp_path / 'sepbots.db').as_posix()}")
    yield store
    store.dispose()


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def _fresh_pg_database() -> str:
    name = f"sepbots_sched_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name


def _drop_pg_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for _ in range(20):
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            try:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                break
            except Exception:
                time.sleep(0.1)
    admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    if not _pg_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    name = _fresh_pg_database()
    try:
        yield pg_database_url(name)
    finally:
        _drop_pg_database(name)


@pytest.fixture(scope="session")
def _pg_session_url() -> Iterator[str]:
    """One migrated PostgreSQL database for the session (tests empty its tables)."""
    if not _pg_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    name = _fresh_pg_database()
    url = pg_database_url(name)
    Store(url).dispose()
    try:
        yield url
    finally:
        _drop_pg_database(name)


_TABLES = "run_requests, bot_state, schedule_state, runner_status, apscheduler_jobs, item_attempts, work_items, runs"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The project database on each backend (PostgreSQL: a shared database, emptied first)."""
    if request.param == "sqlite":
        store = Store(f"sqlite:///{(tmp_path / 'sepbots.db').as_posix()}")
    else:
        store = Store(request.getfixturevalue("_pg_session_url"))
        with store.begin() as conn:
            conn.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
    yield store
    store.dispose()
