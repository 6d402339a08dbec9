"""The runner's legal gate: scheduled production runs of uncleared processes are refused; test mode runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel
from sqlalchemy import func, select

from sepbots import BotContext, NewItem, Runner, RunStatus, Trigger, WorkItem, bot
from sepbots.catalogue.gate import ProductionRefused, catalogue_gate
from sepbots.exceptions import RunRefused
from sepbots.catalogue.loader import load_catalogue, set_phase
from sepbots.catalogue.models import Phase
from sepbots.store.schema import runs
from sepbots.testing import ManualClock, open_test_environment

from .conftest import COMPLETE_LEGAL, process_data


class One(BaseModel):
    n: int


def produce(ctx: BotContext) -> Iterator[NewItem[One]]:
    yield NewItem(reference="one", payload=One(n=1))


@bot(name="gated", process="testproces", producer=produce)
def gated(item: WorkItem[One], ctx: BotContext) -> None:
    """Does nothing; the gate is what is tested."""


@bot(name="stray", process="ikke-i-kataloget", producer=produce)
def stray(item: WorkItem[One], ctx: BotContext) -> None:
    """A bot whose process key is not catalogued."""


@pytest.fixture
def env(tmp_path: Path):
    e = open_test_environment(tmp_path / "home", clock=ManualClock(datetime(2026, 10, 5, 9, 0, tzinfo=UTC)))
    yield e
    e.close()


def _catalogue(tmp_path: Path, legal: dict) -> Path:
    folder = tmp_path / "catalogue"
    folder.mkdir(exist_ok=True)
    (folder / "p.yaml").write_text(yaml.safe_dump(process_data(legal=legal, phase="implementering")))
    return folder


def _run_count(env) -> int:
    with env.store.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(runs)).scalar()
        conn.rollback()
    return int(n or 0)


def test_scheduled_production_run_is_refused_with_a_clear_message(env, tmp_path: Path) -> None:
    """A scheduled, non-test run of an uncleared process is refused before any item: recorded as a refused run with the reason."""
    cat = load_catalogue(_catalogue(tmp_path, {"art6": "6.1.e"}))
    runner = Runner(env, gate=catalogue_gate(cat, "en"))
    with pytest.raises(RunRefused) as info:
        runner.run(gated, trigger=Trigger.SCHEDULE)
    assert isinstance(info.value.__cause__, ProductionRefused)
    assert "not cleared for production runs" in str(info.value)
    assert "Test plan" in str(info.value) and "phase Operation" in str(info.value)
    with env.store.engine.connect() as conn:
        refused = conn.execute(select(runs.c.status, runs.c.error, runs.c.produced)).all()
    assert refused == [("refused", info.value.reason, 0)]


def test_test_mode_and_manual_runs_still_run(env, tmp_path: Path) -> None:
    """Explicit test mode (even scheduled) and manual runs pass the gate."""
    cat = load_catalogue(_catalogue(tmp_path, {}))
    runner = Runner(env, gate=catalogue_gate(cat))
    assert runner.run(gated, trigger=Trigger.SCHEDULE, test_mode=True).status is RunStatus.COMPLETED
    assert runner.run(gated, trigger=Trigger.MANUAL).status is RunStatus.COMPLETED


def test_cleared_process_runs_on_schedule(env, tmp_path: Path) -> None:
    """Once the checklist is complete and the process is in Drift, scheduled production runs go ahead."""
    cat = load_catalogue(_catalogue(tmp_path, COMPLETE_LEGAL))
    set_phase(cat, "testproces", Phase.OPERATION)
    summary = Runner(env, gate=catalogue_gate(cat)).run(gated, trigger=Trigger.SCHEDULE)
    assert summary.status is RunStatus.COMPLETED


def test_uncatalogued_bot_is_refused_on_schedule(env, tmp_path: Path) -> None:
    """A bot whose process is not in the catalogue cannot make scheduled production runs."""
    cat = load_catalogue(_catalogue(tmp_path, COMPLETE_LEGAL))
    with pytest.raises(RunRefused, match="ikke knyttet til en proces"):
        Runner(env, gate=catalogue_gate(cat)).run(stray, trigger=Trigger.SCHEDULE)
