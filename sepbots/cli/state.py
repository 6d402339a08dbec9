"""Shared CLI state: settings and the environment, opened lazily once per command."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from sepbots.exceptions import SepbotsError

if TYPE_CHECKING:
    from sepbots.config import Settings
    from sepbots.environment import Environment
    from sepbots.store import Store

T = TypeVar("T")


@dataclass
class CliState:
    home: Path | None
    lang: str | None
    environ: dict[str, str]
    _settings: Settings | None = field(default=None, repr=False)
    _env: Environment | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from sepbots.config import load_settings

            overrides = {"language": self.lang} if self.lang else None
            self._settings = load_settings(self.home, environ=self.environ, overrides=overrides)
        return self._settings

    @property
    def language(self) -> str:
        if self.lang:
            return self.lang
        try:
            return self.settings.language
        except SepbotsError:
            return "da"

    @property
    def actor(self) -> str:
        """Who the audit trail records for this command: ``cli:<login name>`` (never "unknown")."""
        return "cli:" + os_account(self.environ)

    def close(self) -> None:
        """Release the database connections (called when the command ends)."""
        if self._env is not None:
            self._env.close()
            self._env = None
        if self._store is not None:
            self._store.dispose()
            self._store = None

    def store(self) -> Store:
        """The database alone, for read-only listings: no key ring, vault or logging is opened (fast start)."""
        if self._env is not None:
            return self._env.store
        if self._store is None:
            from sepbots.store import Store

            db = self.settings.database
            self._store = Store(self.settings.database_url, busy_timeout_s=db.busy_timeout_s, pool_size=db.pool_size,
                                create=False)
        return self._store

    def read(self, query: Callable[[Any], T]) -> T:
        """``query(connection)`` on a read-only connection, for listings: an up-to-date SQLite file is read
        through ``sqlite3`` without loading SQLAlchemy (fast start, ``sepbots.store.readonly``); any other
        database, or a file the plain path cannot read, goes through ``store()``, which migrates it or names
        the trouble. ``query`` runs its statements with ``sepbots.store.readonly.fetch``."""
        if self._env is None and self._store is None:
            import sqlite3

            from sepbots.store.readonly import open_readonly

            plain = open_readonly(self.settings.database_url, busy_timeout_s=self.settings.database.busy_timeout_s)
            if plain is not None:
                try:
                    return query(plain)
                except sqlite3.Error:
                    pass  # e.g. a damaged page: the Store below reports it with the file's name
                finally:
                    plain.close()
        with self.store().engine.connect() as conn:
            return query(conn)

    def env(self, *, log: bool = True, create: bool = False) -> Environment:
        """The opened installation; a missing or empty one is refused (only ``sepbots init`` creates one)."""
        if self._env is None:
            from sepbots.environment import Environment
            from sepbots.logging import configure_logging

            settings = self.settings
            env = Environment.open(settings, environ=self.environ, create=create)
            if log:
                configure_logging(logs_dir=settings.logs_dir, redactor=env.redactor, level=settings.logging.level,
                                  console="never", json_file=settings.logging.json_file)
            self._env = env
        return self._env


def os_account(environ: dict[str, str]) -> str:
    """The person's login name: ``$USER``/``$LOGNAME``/``$USERNAME``, else the OS account of this process."""
    for key in ("USER", "LOGNAME", "USERNAME"):
        if environ.get(key):
            return environ[key]
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # Windows has no pwd; getpass asks the OS there
        import getpass

        return getpass.getuser()


def state(ctx: typer.Context) -> CliState:
    """The shared CLI state; created here when a sub-app runs on its own (``python -m runner``)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState(home=None, lang=None, environ=dict(os.environ))
    return root.obj


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"fejl/error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def errors_to_exit() -> Iterator[None]:
    """Report sepbots errors as one clear line and exit code 2."""
    try:
        yield
    except SepbotsError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        typer.echo("afbrudt / interrupted", err=True)
        sys.exit(130)
