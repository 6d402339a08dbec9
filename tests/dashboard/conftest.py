"""Fixtures: a real SQLite store in tmp_path, users of every role, and the dashboard served by uvicorn."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import insert
from starlette.applications import Starlette

from sepbots.clock import Clock
from sepbots.config import Settings
from sepbots.dashboard import create_app, users
from sepbots.dashboard.server import ServerThread
from sepbots.environment import Environment
from sepbots.store import Store
from sepbots.store.schema import users as user_table
from sepbots.testing import ManualClock, open_test_environment

PASSWORD = "korrekt-hest-batteri"


@dataclass
class Dashboard:
    url: str
    env: Environment
    app: Starlette

    @property
    def settings(self) -> Settings:
        return self.env.settings

    @property
    def store(self) -> Store:
        return self.env.store

    @property
    def clock(self) -> ManualClock:
        assert isinstance(self.env.clock, ManualClock)
        return self.env.clock

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=10)

    @contextmanager
    def login(self, username: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
        with self.client() as client:
            client.get("/login")
            token = client.cookies["sepbots_login_csrf"]
            data = {"username": username, "password": password, "csrf": token, "next": "/"}
            response = client.post("/login", data=data)
            assert response.status_code == 303, response.text
            yield client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 27, 13, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real argon2id hash of PASSWORD, shared by the test accounts (hashing is slow by design)."""
    return PasswordHasher().hash(PASSWORD)


@pytest.fixture
def installation(tmp_path: Path, clock: Clock, password_hash: str) -> Iterator[Environment]:
    env = open_test_environment(tmp_path / "home", clock=clock, overrides={"queue": {"poll_s": 0.02}})
    with env.store.begin() as conn:
        for role in users.Role:
            conn.execute(insert(user_table).values(
                username=role.value, password_hash=password_hash, role=role.value, active=True, created_at=clock.now()
            ))
    yield env
    env.close()


@pytest.fixture
def dashboard(installation: Environment) -> Iterator[Dashboard]:
    app = create_app(installation)
    with ServerThread(app) as server:
        yield Dashboard(url=server.url, env=installation, app=app)
