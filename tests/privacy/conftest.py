"""Fixtures: a practice portal served in a thread, a sepbots home with its login, and the dashboard
over real HTTP on the same home with one user of each role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import insert

from sepbots.dashboard import create_app, users
from sepbots.dashboard.server import ServerThread
from sepbots.environment import Environment
from sepbots.practice.portal import PRACTICE_PASSWORD, PRACTICE_USERNAME, PortalConfig
from sepbots.practice.portal import create_app as portal_app
from sepbots.practice.server import serve_in_thread
from sepbots.store.schema import users as user_table
from sepbots.testing import ManualClock, open_test_environment
from tests.dashboard.conftest import PASSWORD, Dashboard
from tests.portal_bots.conftest import CREDENTIAL, Served


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    limiter = ManualClock()
    app = portal_app(PortalConfig(db_path=tmp_path / "portal" / "portal.sqlite3", lockout_after=3, company_count=500),
                     monotonic=limiter.monotonic)
    url, stop = serve_in_thread(app)
    try:
        yield Served(url, app, limiter)
    finally:
        stop()
        app.state.portal.db.close()


@pytest.fixture(scope="session")
def password_hash() -> str:
    return PasswordHasher().hash(PASSWORD)


@pytest.fixture
def env(home: Path, password_hash: str) -> Iterator[Environment]:
    """A sepbots home with the practice login in the vault and users named after the roles."""
    environment = open_test_environment(home, overrides={"queue": {"poll_s": 0.02}})
    environment.vault.set(CREDENTIAL, PRACTICE_PASSWORD, username=PRACTICE_USERNAME, actor="test")
    with environment.store.begin() as conn:
        for role in users.Role:
            conn.execute(insert(user_table).values(username=role.value, password_hash=password_hash, role=role.value,
                                                   active=True, created_at=environment.clock.now()))
    try:
        yield environment
    finally:
        environment.close()


@pytest.fixture
def dashboard(env: Environment) -> Iterator[Dashboard]:
    app = create_app(env)
    with ServerThread(app) as server:
        yield Dashboard(url=server.url, env=env, app=app)
