"""PostgreSQL for tests: a throw-away database per test session on the server at 127.0.0.1:5432.

``SEPBOTS_TEST_PG`` may name another server (a SQLAlchemy URL of a database the test user may
connect to, with CREATEDB rights). When no server answers, PostgreSQL tests are skipped locally
and fail under CI (``CI`` set), where ``.ci/postgres.sh`` must have started one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get("SEPBOTS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def admin_url() -> str:
    """The maintenance database URL, or skip (fail under CI) when no server answers."""
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # no server: a local developer without PostgreSQL
        if os.environ.get("CI"):
            raise RuntimeError(f"PostgreSQL is not reachable at {ADMIN_URL} (run .ci/postgres.sh)") from exc
        pytest.skip(f"PostgreSQL is not reachable at {make_url(ADMIN_URL).render_as_string(hide_password=True)}")
    finally:
        engine.dispose()
    return ADMIN_URL


@contextmanager
def scratch_database(prefix: str = "sepbots_test") -> Iterator[str]:
    """Create an empty database, yield its URL, drop it afterwards (closing any connection left)."""
    admin = admin_url()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def truncate_all(url: str) -> None:
    """Empty every sepbots table (the schema and its migration version stay)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            names = conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
            )).scalars().all()
            if names:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()
