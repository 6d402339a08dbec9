"""Fixtures: a real SQLite store in tmp_path, users of every role, and the dashboard served by uvicorn."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from sepbots.config import Settings, load_settings
from sepbots.dashboard import create_app, users
from sepbots.dashboard.server import ServerThread
from sepbots.store import Store

PASSWORD = "korrekt-hest-batteri"


class StepClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)

    def monotonic(self) -> float:
        return self.current.timestamp()


@dataclass
class Dashboard:
    url: str
    settings: Settings
    store: Store
    clock: StepClock

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
def clock() -> StepClock:
    return StepClock(datetime(2026, 11, 27, 13, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path, environ={})


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store(settings.database_url)
    yield s
    s.dispose()


@pytest.fixture
def accounts(store: Store, clock: StepClock) -> None:
    with store.begin() as conn:
        for role in users.Role:
            users.add_user(conn, role.value, PASSWORD, role, clock)


@pytest.fixture
def dashboard(settings: Settings, store: Store, clock: StepClock, accounts: None) -> Iterator[Dashboard]:
    app = create_app(settings, store, clock=clock)
    with ServerThread(app) as server:
        yield Dashboard(url=server.url, settings=settings, store=store, clock=clock)
