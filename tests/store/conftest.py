"""Backend-parametrized fixtures: every store test runs on a SQLite file and on real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from sepbots.environment import Environment
from sepbots.testing import ManualClock, open_test_environment
from sepbots.workitems.codec import PayloadCodec
from sepbots.workitems.models import Claimed, Finished, Release
from sepbots.workitems.queue import WorkQueues
from sepbots.workitems.queues import open_queues
from tests.pg import scratch_database, truncate_all

LEASE_S = 60.0


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str]:
    """One scratch PostgreSQL database for the whole session (dropped at the end)."""
    with scratch_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL on each backend; the PostgreSQL database is emptied before each test."""
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'store.db').as_posix()}"
    url: str = request.getfixturevalue("pg_session_url")
    truncate_all(url)
    return url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def store_env(home: Path, db_url: str, clock: ManualClock) -> Iterator[Environment]:
    """A real installation on the backend under test, with a manual clock."""
    env = open_test_environment(home, overrides={"database": {"url": db_url}, "queue": {"lease_s": LEASE_S}},
                                clock=clock)
    yield env
    env.close()


def other_runner(env: Environment, owner: str) -> WorkQueues:
    """The same queues as seen by another runner (its own lease owner id)."""
    codec = PayloadCodec(env.keys.fernet)
    return open_queues(env.store, codec, env.redactor, env.audit, env.clock, owner=owner,
                       lease=timedelta(seconds=LEASE_S))


def claim_one(q: WorkQueues, queue: str = "q", *, run_id: str = "run-1", bot: str = "b") -> Claimed | None:
    """The next item of ``queue`` through the runtime's path (an exchange claiming one), or None."""
    _, claimed = q.exchange([], queue, limit=1, run_id=run_id, bot=bot)
    return claimed[0] if claimed else None


def release_one(q: WorkQueues, item: Claimed, outcome: Release, *, run_id: str = "run-1", bot: str = "b",
                duration_ms: int = 0) -> bool:
    """Write one release through the runtime's path; False when the lease was lost."""
    (landed,), _ = q.exchange([Finished(item, outcome, duration_ms, q.clock.now())], item.queue, limit=0,
                              run_id=run_id, bot=bot)
    return landed
