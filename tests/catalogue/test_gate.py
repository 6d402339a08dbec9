"""The runner's legal gate: production runs of uncleared processes are refused on every trigger; test mode runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel
from sqlalchemy import func, select

from sepbots import BotContext, NewItem, Runner, RunStatus, Trigger, WorkItem, bot
from sepbots.catalogue.gate import ProductionRefused, catalogue_gate
from sepbots.catalogue.loader import load_catalogue, set_phase
from sepbots.catalogue.models import Phase
from sepbots.environment import Environment
from sepbots.exceptions import RunRefused
from sepbots.recipes import recipe_of
from sepbots.scheduling.config import ScheduleConfig
from sepbots.store.schema import audit_log, runs
from sepbots.testing import ManualClock, open_test_environment
from sepbots.worker.requests import NewRequest, RequestState
from sepbots.worker.service import WorkerService

from .conftest import COMPLETE_LEGAL, process_data


class One(BaseModel):
    n: int


def produce(ctx: BotContext[Any]) -> Iterator[NewItem[One]]:
    yield NewItem(reference="one", payload=One(n=1))


@bot(name="gated", process="testproces", producer=produce)
def gated(item: WorkItem[One], ctx: BotContext[Any]) -> None:
    """Does nothing; the gate is what is tested."""


@bot(name="stray", process="ikke-i-kataloget", producer=produce)
def stray(item: WorkItem[One], ctx: BotContext[Any]) -> None:
    """A bot whose process key is not catalogued."""


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Environment]:
    e = open_test_environment(tmp_path / "home", clock=ManualClock(datetime(2026, 10, 5, 9, 0, tzinfo=UTC)))
    yield e
    e.close()


def _catalogue(tmp_path: Path, legal: dict[str, Any]) -> Path:
    folder = tmp_path / "catalogue"
    folder.mkdir(exist_ok=True)
    (folder / "p.yaml").write_text(yaml.safe_dump(process_data(legal=legal, phase="implementering")))
    return folder


def _run_count(env: Environment) -> int:
    with env.store.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(runs)).scalar()
        conn.rollback()
    return int(n or 0)


def test_scheduled_production_run_is_refused_with_a_clear_message(env: Environment, tmp_path: Path) -> None:
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


@pytest.mark.parametrize("trigger", [Trigger.MANUAL, Trigger.QUEUE, Trigger.SCHEDULE])
def test_production_run_is_refused_on_every_trigger(env: Environment, tmp_path: Path, trigger: Trigger) -> None:
    """A manual, queue-triggered or scheduled production run of an uncleared process is refused before any item:
    only a refused run (no items) is recorded."""
    cat = load_catalogue(_catalogue(tmp_path, {}))
    with pytest.raises(RunRefused) as info:
        Runner(env, gate=catalogue_gate(cat, "en")).run(gated, trigger=trigger)
    cause = info.value.__cause__
    assert isinstance(cause, ProductionRefused)
    assert cause.trigger == trigger.value and "phase" in cause.missing
    with env.store.engine.connect() as conn:
        recorded = conn.execute(select(runs.c.status, runs.c.trigger, runs.c.produced)).all()
        conn.rollback()
    assert [(r.status, r.trigger, r.produced) for r in recorded] == [("refused", trigger.value, 0)]


@pytest.mark.parametrize("trigger", [Trigger.MANUAL, Trigger.QUEUE, Trigger.SCHEDULE])
def test_test_mode_runs_on_every_trigger_and_is_marked_in_the_ledger(env: Environment, tmp_path: Path, trigger: Trigger) -> None:
    """Test mode passes the gate on every trigger, and the run record and the audit chain mark the run as a test."""
    cat = load_catalogue(_catalogue(tmp_path, {}))
    summary = Runner(env, gate=catalogue_gate(cat)).run(gated, trigger=trigger, test_mode=True)
    assert summary.status is RunStatus.COMPLETED
    with env.store.engine.connect() as conn:
        row = conn.execute(select(runs.c.test_mode, runs.c.trigger).where(runs.c.id == summary.run_id)).one()
        details = conn.execute(
            select(audit_log.c.details).where(audit_log.c.run_id == summary.run_id, audit_log.c.event == "run_started")
        ).scalar_one()
        conn.rollback()
    assert row.test_mode is True and row.trigger == trigger.value
    assert details["test_mode"] is True


def test_cleared_process_runs_on_schedule(env: Environment, tmp_path: Path) -> None:
    """Once the checklist is complete and the process is in Drift, scheduled production runs go ahead."""
    cat = load_catalogue(_catalogue(tmp_path, COMPLETE_LEGAL))
    set_phase(cat, "testproces", Phase.OPERATION)
    summary = Runner(env, gate=catalogue_gate(cat)).run(gated, trigger=Trigger.SCHEDULE)
    assert summary.status is RunStatus.COMPLETED


def test_uncatalogued_bot_is_refused_on_schedule(env: Environment, tmp_path: Path) -> None:
    """A bot whose process is not in the catalogue cannot make scheduled production runs."""
    cat = load_catalogue(_catalogue(tmp_path, COMPLETE_LEGAL))
    with pytest.raises(RunRefused, match="ikke knyttet til en proces"):
        Runner(env, gate=catalogue_gate(cat)).run(stray, trigger=Trigger.SCHEDULE)


@pytest.mark.parametrize("trigger", [Trigger.MANUAL, Trigger.QUEUE, Trigger.SCHEDULE])
def test_runner_service_refuses_production_requests_and_runs_test_requests(
    env: Environment, tmp_path: Path, trigger: Trigger
) -> None:
    """The runner service refuses a production request of an uncleared process with the reason (a refused run with
    no items) and runs a test request."""
    env.registry.add(recipe_of(gated))
    cat = load_catalogue(_catalogue(tmp_path, {}))
    service = WorkerService(env, ScheduleConfig(), gate=catalogue_gate(cat, "en"), persistent_jobs=False)
    for test_mode in (False, True):
        service.requests.enqueue(
            NewRequest(key=f"{trigger.value}:{test_mode}", bot="gated", trigger=trigger, test_mode=test_mode)
        )
        assert service.tick()
    prod, test = sorted(service.requests.list(limit=10), key=lambda r: r.test_mode)
    assert prod.state is RequestState.REFUSED and "not cleared for production runs" in (prod.error or "")
    assert test.state is RequestState.DONE and test.test_mode
    with env.store.engine.connect() as conn:
        recorded = conn.execute(select(runs.c.test_mode, runs.c.status, runs.c.produced).order_by(runs.c.test_mode)).all()
        conn.rollback()
    assert [(r.test_mode, r.status) for r in recorded] == [(False, "refused"), (True, "completed")]
    assert recorded[0].produced == 0  # refused before its producer ran
