"""Fixtures: a practice portal served by uvicorn in a thread, with manual clocks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from sepbots.practice.portal import PRACTICE_PASSWORD, PRACTICE_USERNAME, Portal, PortalConfig, create_app
from sepbots.practice.server import serve_in_thread
from sepbots.testing import ManualClock

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class StepClock:
    """A clock that only moves when told to."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@dataclass
class Served:
    """A running portal for one test."""

    url: str
    app: Starlette
    clock: StepClock
    limiter: ManualClock  # the rate limiter's clock: it moves only when a test (or a retry's sleep) moves it

    @property
    def portal(self) -> Portal:
        portal: Portal = self.app.state.portal  # Starlette's app.state is untyped
        return portal


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def portal_config(tmp_path: Path) -> PortalConfig:
    return PortalConfig(
        db_path=tmp_path / "portal.sqlite3", session_minutes=20, lockout_after=3, company_count=120
    )


@pytest.fixture
def served(portal_config: PortalConfig, clock: StepClock) -> Iterator[Served]:
    limiter = ManualClock()
    app = create_app(portal_config, clock=clock, monotonic=limiter.monotonic)
    url, stop = serve_in_thread(app)
    try:
        yield Served(url, app, clock, limiter)
    finally:
        stop()
        app.state.portal.db.close()


def csrf(response: httpx.Response) -> str:
    """The CSRF token on a rendered page."""
    found = CSRF.search(response.text)
    assert found, f"no CSRF token on {response.url}"
    return found.group(1)


def log_in(
    client: httpx.Client, username: str = PRACTICE_USERNAME, password: str = PRACTICE_PASSWORD
) -> httpx.Response:
    """Open the login page and post the credentials; returns the final response."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "csrf_token": csrf(page),
            "username": username,
            "password": password,
            "next": "/",
        },
    )


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, follow_redirects=True, timeout=10) as http:
        yield http
