"""Shared CLI state: settings and the environment, opened lazily once per command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import typer

from sepbots.config import Settings, load_settings
from sepbots.environment import Environment
from sepbots.store import Store
from sepbots.exceptions import SepbotsError
from sepbots.logging import configure_logging


@dataclass
class CliState:
    home: Path | None
    lang: str | None
    environ: dict[str, str]
    _settings: Settings | None = field(default=None, repr=False)
    _env: Environment | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
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
        """Who the audit trail records for this command: ``cli:<login name>``."""
        return "cli:" + (self.environ.get("USER") or self.environ.get("USERNAME") or "unknown")

    def close(self) -> None:
        """Release the database connections (called when the command ends)."""
        if self._env is not None:
            self._env.close()
            self._env = None

    def store(self) -> Store:
        """The database, for read-only listings."""
        return self.env(log=False).store

    def env(self, *, log: bool = True) -> Environment:
        if self._env is None:
            settings = self.settings
            env = Environment.open(settings, environ=self.environ)
            if log:
                configure_logging(logs_dir=settings.logs_dir, redactor=env.redactor, level=settings.logging.level,
                                  console="never", json_file=settings.logging.json_file)
            self._env = env
        return self._env


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


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
