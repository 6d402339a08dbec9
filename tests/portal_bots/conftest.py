"""Fixtures for the portal bots: a served practice portal and a sepbots home with the credential."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.applications import Starlette

from sepbots.environment import Environment
from sepbots.practice.portal import PRACTICE_PASSWORD, PRACTICE_USERNAME, Portal, PortalConfig, create_app
from sepbots.practice.server import serve_in_thread
from sepbots.testing import ManualClock, open_test_environment

CREDENTIAL = "praksisportal"


@dataclass
class Served:
    url: str
    app: Starlette
    limiter: ManualClock  # the rate limiter's clock: it moves only when a run's clock.sleep moves it

    @property
    def portal(self) -> Portal:
        portal: Portal = self.app.state.portal  # Starlette's app.state is untyped
        return portal


@pytest.fixture
def portal_config(tmp_path: Path) -> PortalConfig:
    return PortalConfig(db_path=tmp_path / "portal" / "portal.sqlite3", lockout_after=3, company_count=500)


@pytest.fixture
def served(portal_config: PortalConfig) -> Iterator[Served]:
    limiter = ManualClock()
    app = create_app(portal_config, monotonic=limiter.monotonic)
    url, stop = serve_in_thread(app)
    try:
        yield Served(url, app, limiter)
    finally:
        stop()
        app.state.portal.db.close()


def open_env(home: Path, clock: ManualClock | None = None) -> Environment:
    """A sepbots home with the practice login stored in the vault (on ``clock`` if given)."""
    environment = open_test_environment(home, clock=clock)
    environment.vault.set(CREDENTIAL, PRACTICE_PASSWORD, username=PRACTICE_USERNAME, actor="test")
    return environment


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Environment]:
    """A sepbots home with the practice login stored in the vault."""
    environment = open_env(tmp_path / "home")
    try:
        yield environment
    finally:
        environment.close()


@pytest.fixture
def limited_env(tmp_path: Path, served: Served) -> Iterator[Environment]:
    """Like ``env``, but the run waits on the portal's rate-limiter clock.

    A retry's wait is then the only thing that refills the rate limit, so a run meets 429s however
    slowly the machine serves its pages (on the wall clock a loaded machine may never exceed it).
    """
    environment = open_env(tmp_path / "home", served.limiter)
    try:
        yield environment
    finally:
        environment.close()
