"""Shared fixtures: every test gets its own installation folder; nothing touches the project's own state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from hypothesis import settings

from sepbots.environment import Environment
from sepbots.testing import open_test_environment

pytest_plugins = ["tests.mailservers"]  # Dovecot and SMTP fixtures for the connector, alert and mailbox-bot tests

# Hypothesis fails an example that takes over 200 ms by default ("Unreliable test timings" / DeadlineExceeded):
# on a loaded CI box that is load, not a bug. The properties stay; their speed is not a test.
settings.register_profile("sepbots", deadline=None)
settings.load_profile("sepbots")


@pytest.fixture(autouse=True, scope="session")
def _quiet_logging() -> None:
    """Route structlog through the standard library like production, without console output."""
    from sepbots.logging import configure_logging
    from sepbots.redaction import Redactor

    configure_logging(logs_dir=None, redactor=Redactor(b"test-session-key"), console="never")


@pytest.fixture(autouse=True)
def _clean_contextvars() -> Iterator[None]:
    structlog.contextvars.clear_contextvars()
    yield
    structlog.contextvars.clear_contextvars()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def env(home: Path) -> Iterator[Environment]:
    environment = open_test_environment(home, overrides={"queue": {"poll_s": 0.02}})
    yield environment
    environment.close()
