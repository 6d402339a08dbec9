"""Retention: payloads, messages, evidence and logs go on time; aggregates, gains and the audit chain stay."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel
from sqlalchemy import Row, select
from typer.testing import CliRunner

from sepbots import BotContext, BusinessException, NewItem, WorkItem, bot
from sepbots.catalogue.loader import Catalogue, load_catalogue
from sepbots.catalogue.settings import GainsSettings
from sepbots.environment import Environment
from sepbots.gains import compute_gains
from sepbots.reports.figures import ProcessGains
from sepbots.retention import RetentionKind, apply_retention
from sepbots.store.schema import audit_log, item_attempts, runs, work_items
from sepbots.testing import ManualClock, open_test_environment, run_bot_once

from .conftest import process_data


class Case(BaseModel):
    n: int
    citizen: str


class Evidence:
    """A run resource that leaves real evidence files when an item fails (the runtime asks it)."""

    used_in_attempt = True  # used by every attempt, so the runtime asks it for evidence

    def capture_failure(self, directory: Path, stem: str, mask: tuple[str, ...] = ()) -> list[Path]:
        path = directory / f"{stem}.txt"
        path.write_text("screenshot stand-in", encoding="utf-8")
        return [path]

    def close(self) -> None:
        pass


def produce(ctx: BotContext[Any]) -> Iterator[NewItem[Case]]:
    for n in range(6):
        yield NewItem(reference=f"case-{n}", payload=Case(n=n, citizen=f"Borger {n}"))


@bot(name="keeper", process="testproces", producer=produce, max_attempts=1)
def keeper(item: WorkItem[Case], ctx: BotContext[Any]) -> dict[str, str]:
    """Items 4 and 5 go to manual handling with a message; the others return an output."""
    ctx.use("evidence", Evidence)
    if item.payload.n >= 4:
        raise BusinessException(f"kontakt {item.payload.citizen}", code="MANUAL")
    return {"letter": f"brev til {item.payload.citizen}"}


Setup = tuple[Environment, Catalogue, ManualClock, str]  # the environment, the catalogue, its clock and the run's id


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    data = process_data(
        retention={
            "item_payload_days": 10,
            "item_messages_days": 20,
            "run_artifacts_days": 5,
            "detailed_logs_days": 30,
        }
    )
    (folder / "p.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    clock = ManualClock(datetime(2026, 9, 1, 9, 0, tzinfo=UTC))
    env = open_test_environment(tmp_path / "home", clock=clock)
    outcome = run_bot_once(keeper, env=env, test_mode=False)
    env.queues.mark_handled(
        outcome.by_reference()["case-4"].id, actor="sagsbehandler", note="ringet til borgeren"
    )
    yield env, load_catalogue(folder), clock, outcome.summary.run_id
    env.close()


def _items(env: Environment) -> Sequence[Row[Any]]:
    with env.store.engine.connect() as conn:
        rows = conn.execute(select(work_items).order_by(work_items.c.id)).all()
        conn.rollback()
    return rows


def _gains(env: Environment, cat: Catalogue) -> ProcessGains:
    return compute_gains(
        env.store, cat, GainsSettings(), start=date(2026, 9, 1), end=date(2026, 9, 1), now=env.clock.now()
    ).figures.processes[0]


def test_nothing_goes_before_its_time(setup: Setup) -> None:
    """On the day of the run nothing is old enough, and the report says so."""
    env, cat, _, _ = setup
    report = apply_retention(env, cat)
    assert all(a.count == 0 for a in report.actions)
    assert all(len(r.payload) > 0 for r in _items(env))


def test_dry_run_counts_and_changes_nothing(setup: Setup) -> None:
    """A dry run lists what would go but leaves database, files and audit trail as they were."""
    env, cat, clock, run_id = setup
    clock.advance(days=40)
    before = _items(env)
    with env.store.engine.connect() as conn:
        audit_rows = conn.execute(select(audit_log)).all()
        conn.rollback()
    report = apply_retention(env, cat, dry_run=True)
    assert report.total(RetentionKind.PAYLOADS) == 6
    assert report.total(RetentionKind.MESSAGES) == 6
    assert report.total(RetentionKind.RUN_LOGS) == 1
    assert "Prøvekørsel" in report.summary("da")
    assert _items(env) == before
    with env.store.engine.connect() as conn:
        assert conn.execute(select(audit_log)).all() == audit_rows
        conn.rollback()
    assert (env.settings.runs_dir / run_id / "log.jsonl").is_file()


def test_staged_retention_keeps_aggregates_and_the_chain(setup: Setup) -> None:
    """Payloads go after 10 days, evidence after 5, messages and audit details after 20, logs after 30."""
    env, cat, clock, run_id = setup
    gains_before = _gains(env, cat)
    run_dir = env.settings.runs_dir / run_id
    evidence = sorted((run_dir / "items").glob("*.txt"))
    assert len(evidence) == 2

    clock.advance(days=11)
    report = apply_retention(env, cat)
    assert report.total(RetentionKind.PAYLOADS) == 6
    assert report.total(RetentionKind.ARTIFACTS) == 2
    assert report.total(RetentionKind.MESSAGES) == 0
    rows = _items(env)
    assert all(r.payload == b"" for r in rows)
    assert all(r.artifacts is None for r in rows)
    assert not any(p.exists() for p in evidence)
    assert rows[4].error_message and rows[4].handled_note and rows[0].output  # not yet

    clock.advance(days=10)
    report = apply_retention(env, cat)
    assert report.total(RetentionKind.MESSAGES) == 6
    assert report.total(RetentionKind.AUDIT_DETAILS) > 0
    rows = _items(env)
    assert all(r.error_message is None and r.output is None and r.handled_note is None for r in rows)
    with env.store.engine.connect() as conn:
        assert (
            conn.execute(
                select(item_attempts.c.error_message).where(item_attempts.c.error_message.is_not(None))
            ).all()
            == []
        )
        handled = conn.execute(
            select(audit_log.c.details, audit_log.c.neutralised).where(audit_log.c.event == "item_handled")
        ).one()
        retention_events = (
            conn.execute(select(audit_log.c.details).where(audit_log.c.event == "retention_applied"))
            .scalars()
            .all()
        )
        run = conn.execute(select(runs.c.done, runs.c.business).where(runs.c.id == run_id)).one()
        conn.rollback()
    assert handled.neutralised and "ringet" not in str(handled.details)
    assert len(retention_events) == 2
    assert (run.done, run.business) == (4, 2)
    assert (run_dir / "log.jsonl").is_file()

    clock.advance(days=10)
    report = apply_retention(env, cat)
    assert report.total(RetentionKind.RUN_LOGS) == 1
    assert not (run_dir / "log.jsonl").exists()

    verification = env.audit.verify()
    assert verification.ok, verification.reason
    after = _gains(env, cat)
    assert (after.units_done, after.units_handed_over, after.saved_hours) == (
        gains_before.units_done,
        gains_before.units_handed_over,
        gains_before.saved_hours,
    )


def test_other_processes_are_left_alone(setup: Setup, tmp_path: Path) -> None:
    """A process that is not in the catalogue keeps its data (no retention rule applies to it)."""
    env, _, clock, _ = setup
    empty = tmp_path / "empty"
    empty.mkdir()
    clock.advance(days=100)
    report = apply_retention(env, load_catalogue(empty))
    assert report.actions == []
    assert all(len(r.payload) > 0 for r in _items(env))


def test_cli_retention_apply(setup: Setup, tmp_path: Path) -> None:
    """`sepbots retention apply --dry-run` prints what would go, in English on request."""
    from sepbots.cli.retention import app

    env, cat, _, _ = setup
    result = CliRunner().invoke(
        app,
        ["apply", "--dry-run", "--catalogue", str(cat.directory), "--lang", "en"],
        env={"SEPBOTS_HOME": str(env.settings.home)},
    )
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output
