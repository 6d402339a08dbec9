"""Creating an installation: the only place a database, a key and sepbots' folders come into being.

``sepbots init`` (and the test helper ``open_test_environment``) call ``initialise``; every other
entry point opens an existing installation with ``Environment.open`` and refuses a missing or
empty database or key file, naming it. ``initialise`` is idempotent: on an existing installation it
only applies missing migrations and tightens permissions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from sepbots.clock import Clock
from sepbots.config import Settings
from sepbots.environment import Environment
from sepbots.files import private_dir


@dataclass(frozen=True)
class Initialised:
    """What ``initialise`` found and made."""

    env: Environment
    database_created: bool
    key_created: bool
    key_from_environment: bool


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL (``None`` for other databases and in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def initialise(
    settings: Settings, *, environ: Mapping[str, str] | None = None, clock: Clock | None = None
) -> Initialised:
    """Create (or bring up to date) the installation ``settings`` describe, owner-only.

    Makes ``var/``, ``var/runs/`` and ``logs/`` (0700), the key file (0600) unless ``SEPBOTS_KEY`` is
    set, and the database with the newest schema (a SQLite file is 0600, as are its -wal/-shm files).

    Raises:
        StoreError: the database cannot be created or migrated, or is an empty (0-byte) file.
        VaultError: the key file exists but cannot be used.
        ConfigError: the database URL cannot be used.
    """
    environ = environ or {}
    for folder in (settings.var_dir, settings.runs_dir, settings.logs_dir):
        private_dir(folder)
    from_env = bool(environ.get("SEPBOTS_KEY"))
    key_missing = not from_env and not settings.key_file.exists()
    db_path = sqlite_file(settings.database_url)
    db_missing = db_path is not None and not db_path.exists()
    env = Environment.open(settings, environ=environ, clock=clock, create=True)
    return Initialised(env=env, database_created=db_missing, key_created=key_missing, key_from_environment=from_env)
