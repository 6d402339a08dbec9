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
from sepbots.testing import open_test_environment

CREDENTIAL = "praksisportal"


@dataclass
class Served:
    url: str
    app: Starlette

    @property
    def portal(self) -> Portal:
        portal: Portal = self.app.state.portal  # Starlette's app.state is untyped
        return portal


@pytest.fixture
def portal_config(tmp_path: Path) -> PortalConfig:
    return PortalConfig(db_path=tmp_path / "portal" / "portal.sqlite3", lockout_after=3, company_count=500)


@pytest.fixture
def served(portal_config: PortalConfig) -> Iterator[Served]:
    app = create_app(portal_config)
    url, stop = serve_in_thread(app)
    try:
        yield Served(url, app)
    finally:
        stop()
        app.state.portal.db.close()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Environment]:
    """A sepbots home with the practice login stored in the vault."""
    environment = open_test_environment(tmp_path / "home")
    environment.vault.set(CREDENTIAL, PRACTICE_PASSWORD, username=PRACTICE_USERNAME, actor="test")
    try:
        yield environment
    finally:
        environment.close()
