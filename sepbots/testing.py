"""Test helpers for bot authors (and sepbots' own tests): fakes only at true boundaries.

- ``ManualClock``: time that moves only when told (or when the runtime sleeps on it).
- ``open_test_environment(home)``: a real installation in a folder (SQLite file, key file).
- ``run_bot_once(bot, params, home=...)``: one real run; returns the summary and the items.
- ``capture_logs``: structlog's own capture helper, re-exported.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from structlog.testing import capture_logs

from sepbots.config import Settings, load_settings
from sepbots.environment import Environment
from sepbots.installation import initialise
from sepbots.recipes import recipe_of
from sepbots.runtime import Runner, RunSummary, Trigger
from sepbots.workitems import items as ledger
from sepbots.workitems.models import ItemState

__all__ = ["ItemRecord", "ManualClock", "RunOutcome", "capture_logs", "open_test_environment", "run_bot_once"]


class ManualClock:
    """A clock for tests: ``now()`` is fixed until ``advance`` (or ``sleep``) moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
        self._mono = 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float = 0, **delta: float) -> datetime:
        with self._lock:
            step = timedelta(seconds=seconds, **delta)
            self._now += step
            self._mono += step.total_seconds()
            return self._now

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def monotonic(self) -> float:
        with self._lock:
            return self._mono


@dataclass(frozen=True)
class ItemRecord:
    """A work item as stored (payload not decoded)."""

    id: int
    reference: str
    state: ItemState
    attempts: int
    error_code: str | None
    error_message: str | None
    output: dict[str, Any] | None
    artifacts: list[str]

    @classmethod
    def of(cls, row: Any) -> ItemRecord:
        """The record of a stored ``work_items`` row."""
        return cls(row.id, row.reference, ItemState(row.state), row.attempts, row.error_code, row.error_message,
                   row.output, row.artifacts or [])


@dataclass(frozen=True)
class RunOutcome:
    """What ``run_bot_once`` returns."""

    summary: RunSummary
    items: list[ItemRecord]
    env: Environment

    @property
    def output(self) -> Path:
        """The one output file the run wrote (``ctx.output_path``); fails when there is not exactly one."""
        outputs = self.summary.outputs
        if len(outputs) != 1:
            raise AssertionError(f"expected one output file, the run wrote {len(outputs)}: {outputs}")
        return outputs[0]

    def by_reference(self) -> dict[str, ItemRecord]:
        return {i.reference: i for i in self.items}


def open_test_environment(
    home: Path,
    *,
    overrides: Mapping[str, Any] | None = None,
    clock: Any = None,
    environ: Mapping[str, str] | None = None,
) -> Environment:
    """A real installation under ``home`` (created when missing, as ``sepbots init`` does) that ignores
    the caller's environment variables."""
    settings: Settings = load_settings(home, environ=dict(environ or {}), overrides=overrides)
    return initialise(settings, environ=environ or {}, clock=clock).env


def run_bot_once(
    bot: Any,
    params: Mapping[str, Any] | BaseModel | None = None,
    *,
    home: Path | None = None,
    env: Environment | None = None,
    trigger: Trigger = Trigger.MANUAL,
    test_mode: bool = True,
    overrides: Mapping[str, Any] | None = None,
) -> RunOutcome:
    """Run ``bot`` once in a real installation and return the summary and the queue's items.

    Args:
        bot: the decorated function (or its Recipe).
        params: run parameters.
        home: an empty folder for the installation (e.g. pytest's ``tmp_path``), unless ``env`` is given.
        env: an environment to reuse across runs (for re-run tests).
        trigger: recorded on the run.
        test_mode: recorded on the run; lets uncleared processes run.
        overrides: settings overrides for a new environment.
    """
    if env is None:
        if home is None:
            raise ValueError("give home= (a folder) or env=")
        env = open_test_environment(home, overrides=overrides)
    recipe = recipe_of(bot)
    summary = Runner(env).run(recipe, params, trigger=trigger, test_mode=test_mode)
    with env.store.engine.connect() as conn:
        rows = ledger.listing(conn, queue=recipe.queue, newest_first=False)
        conn.rollback()
    return RunOutcome(summary, [ItemRecord.of(r) for r in rows], env)
