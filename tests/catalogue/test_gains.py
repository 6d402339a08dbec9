"""Measured gains from real runs in a real SQLite ledger, the budget projection, and the reports they feed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from pydantic import BaseModel

from sepbots import ApplicationException, BotContext, BusinessException, NewItem, WorkItem, bot
from sepbots.catalogue.business_case import Basis
from sepbots.catalogue.loader import load_catalogue
from sepbots.catalogue.settings import GainsSettings
from sepbots.gains import compute_budget, compute_gains, measured_summaries
from sepbots.reports import BudgetSource, write_gains_html, write_gains_xlsx
from sepbots.testing import ManualClock, open_test_environment, run_bot_once

from .conftest import COMPLETE_LEGAL, process_data

D = Decimal


class Job(BaseModel):
    n: int


def produce(ctx: BotContext) -> Iterator[NewItem[Job]]:
    for n in range(10):
        yield NewItem(reference=f"job-{n}", payload=Job(n=n))


@bot(name="tallybot", process="testproces", producer=produce, max_attempts=1)
def tallybot(item: WorkItem[Job], ctx: BotContext) -> None:
    """7 done, 2 to manual handling, 1 failure."""
    if item.payload.n in (7, 8):
        raise BusinessException("needs a person", code="MANUAL")
    if item.payload.n == 9:
        raise ApplicationException("portal down", code="DOWN")


@pytest.fixture
def catalogue(tmp_path: Path):
    folder = tmp_path / "catalogue"
    folder.mkdir()
    data = process_data(
        minutes_per_occurrence={"value": 6, "estimate": True},
        phase="drift",
        legal=COMPLETE_LEGAL,
        costs={
            "implementation_dkk": {"value": 10_000, "estimate": True},
            "running_dkk_per_year": {"value": 0, "estimate": True},
        },
    )
    (folder / "testproces.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_catalogue(folder)


@pytest.fixture
def env(tmp_path: Path):
    e = open_test_environment(tmp_path / "home", clock=ManualClock(datetime(2026, 10, 5, 9, 0, tzinfo=UTC)))
    yield e
    e.close()


def test_measured_gains_worked_example(env, catalogue) -> None:
    """7 automated × 6 min − 2 handed over × 5 min = 0.53 h in one day; 194.67 h a year; share 70 %."""
    run_bot_once(tallybot, env=env, test_mode=False)
    result = compute_gains(
        env.store,
        catalogue,
        GainsSettings(),
        start=date(2026, 10, 5),
        end=date(2026, 10, 5),
        now=env.clock.now(),
    )
    (p,) = result.figures.processes
    assert (p.items_automated, p.items_manual, p.items_failed) == (7, 2, 1)
    assert p.saved_hours == D("0.53")
    assert p.realised_automation_share == D("0.7000")
    assert p.annualised_items == D("3650.00")
    assert p.annualised_saved_hours == D("194.67")
    assert p.annualised_saved_dkk == D("77866.67")
    assert p.bots == ["tallybot"]
    assert [(d.day, d.automated, d.manual, d.failed) for d in p.daily] == [(date(2026, 10, 5), 7, 2, 1)]
    m = p.measured
    assert m is not None and m.basis is Basis.MEASURED
    assert m.occurrences_per_year == D("3650.00")
    assert m.saved_hours_per_year == D("194.67")  # 3,650 × 6/60 × 0.7 − 730 × 5/60
    assert p.estimate is not None and p.estimate.saved_hours_per_year == D("100.00")
    assert result.uncatalogued == []


def test_test_mode_runs_are_left_out_unless_asked(env, catalogue) -> None:
    """Runs made in test mode do not count as savings unless include_test_runs is set."""
    run_bot_once(tallybot, env=env, test_mode=True)
    args = dict(start=date(2026, 10, 5), end=date(2026, 10, 5), now=env.clock.now())
    assert compute_gains(env.store, catalogue, GainsSettings(), **args).figures.processes == []
    assert (
        len(
            compute_gains(
                env.store, catalogue, GainsSettings(), include_test_runs=True, **args
            ).figures.processes
        )
        == 1
    )


def test_period_bounds_are_local_dates(env, catalogue) -> None:
    """Items ending outside the period (in Danish local time) are not counted."""
    run_bot_once(tallybot, env=env, test_mode=False)
    before = compute_gains(
        env.store,
        catalogue,
        GainsSettings(),
        start=date(2026, 10, 1),
        end=date(2026, 10, 4),
        now=env.clock.now(),
    )
    assert before.figures.processes == []
    month = compute_gains(
        env.store,
        catalogue,
        GainsSettings(),
        start=date(2026, 10, 1),
        end=date(2026, 10, 31),
        now=env.clock.now(),
    )
    assert month.figures.processes[0].annualised_saved_hours == D("6.28")  # 0.5333 × 365 / 31


def test_handling_minutes_come_from_process_or_settings(env, catalogue, tmp_path: Path) -> None:
    """A process's manual_handling_minutes overrides the setting in the saved-hours formula."""
    run_bot_once(tallybot, env=env, test_mode=False)
    args = dict(start=date(2026, 10, 5), end=date(2026, 10, 5), now=env.clock.now())
    p = compute_gains(
        env.store, catalogue, GainsSettings(manual_handling_minutes=D(0)), **args
    ).figures.processes[0]
    assert p.saved_hours == D("0.70")
    process = catalogue.get("testproces").model_copy(update={"manual_handling_minutes": D(12)})
    catalogue.processes["testproces"] = process
    p = compute_gains(env.store, catalogue, GainsSettings(), **args).figures.processes[0]
    assert p.saved_hours == D("0.30")  # 0.7 − 2 × 12 / 60


def test_uncatalogued_process_is_reported(env, tmp_path: Path) -> None:
    """A bot whose process key is not in the catalogue is listed, not silently counted."""
    run_bot_once(tallybot, env=env, test_mode=False)
    empty = tmp_path / "empty"
    empty.mkdir()
    result = compute_gains(
        env.store,
        load_catalogue(empty),
        GainsSettings(),
        start=date(2026, 10, 5),
        end=date(2026, 10, 5),
        now=env.clock.now(),
    )
    assert result.uncatalogued == ["testproces"]


def test_budget_uses_run_rate_for_operation_and_estimates_for_pipeline(env, catalogue) -> None:
    """Processes in Drift with data count at their measured run-rate; pipeline processes at their estimate."""
    run_bot_once(tallybot, env=env, test_mode=False)
    pipeline = catalogue.get("testproces").model_copy(update={"key": "andet", "phase": "udvikling"})
    idea = catalogue.get("testproces").model_copy(update={"key": "idee", "phase": "ide"})
    catalogue.processes.update({"andet": pipeline, "idee": idea})
    b = compute_budget(
        env.store, catalogue, GainsSettings(), year=2027, now=env.clock.now(), lookback_days=30
    )
    lines = {ln.process_key: ln for ln in b.lines}
    assert set(lines) == {"testproces", "andet"}
    assert lines["testproces"].source is BudgetSource.MEASURED
    assert lines["testproces"].hours == D("6.49")  # 0.5333 × 365 / 30
    assert lines["andet"].source is BudgetSource.PIPELINE and lines["andet"].hours == D("100.00")


def test_reference_bot_gains_reach_the_reports(tmp_path: Path) -> None:
    """A real run of the fakturakontrol reference bot shows up, with its counts, in the xlsx and HTML reports."""
    from bots.fakturakontrol.bot import check_invoice
    from bots.fakturakontrol.sample import write_sample

    shipped = load_catalogue(Path(__file__).resolve().parents[2] / "config" / "catalogue")
    env = open_test_environment(
        tmp_path / "home", clock=ManualClock(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    )
    try:
        src = write_sample(tmp_path / "fakturaer.xlsx", 40)
        outcome = run_bot_once(
            check_invoice,
            {"input": str(src), "output": str(tmp_path / "ud.xlsx"), "today": "2026-11-28"},
            env=env,
        )
        done = outcome.summary.counts.done
        manual = outcome.summary.counts.business
        assert done > 0 and manual > 0
        result = compute_gains(
            env.store,
            shipped,
            GainsSettings(),
            start=date(2026, 11, 1),
            end=date(2026, 11, 30),
            now=env.clock.now(),
            include_test_runs=True,
        )
    finally:
        env.close()
    (p,) = result.figures.processes
    assert p.process_key == "fakturabehandling-smaafakturaer"
    assert (p.items_automated, p.items_manual) == (done, manual)
    assert p.saved_hours == (D(done) * 5 / 60 - D(manual) * 5 / 60).quantize(D("0.01"))
    wb = load_workbook(write_gains_xlsx(result.figures, tmp_path / "gevinster.xlsx"))
    ws = wb["Oversigt"]
    row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Fakturabehandling af småfakturaer")
    assert (ws.cell(row, 3).value, ws.cell(row, 4).value) == (done, manual)
    html = write_gains_html(result.figures, tmp_path / "gevinster.html").read_text(encoding="utf-8")
    assert "Fakturabehandling af småfakturaer" in html and f">{done}<" in html
    bundle = measured_summaries(result.figures)["fakturabehandling-smaafakturaer"][0]
    assert bundle.items_automated == done


def test_items_are_dated_in_danish_local_time(tmp_path: Path, catalogue) -> None:
    """Items ending 22:30 UTC on 4 October end 00:30 on 5 October in Copenhagen, and count for 5 October."""
    env = open_test_environment(tmp_path / "late", clock=ManualClock(datetime(2026, 10, 4, 22, 30, tzinfo=UTC)))
    try:
        run_bot_once(tallybot, env=env, test_mode=False)
        args = dict(now=env.clock.now())
        on_4th = compute_gains(env.store, catalogue, GainsSettings(), start=date(2026, 10, 4), end=date(2026, 10, 4),
                               **args)
        on_5th = compute_gains(env.store, catalogue, GainsSettings(), start=date(2026, 10, 5), end=date(2026, 10, 5),
                               **args)
    finally:
        env.close()
    assert on_4th.figures.processes == []
    assert [d.day for d in on_5th.figures.processes[0].daily] == [date(2026, 10, 5)]


def test_budget_leaves_out_one_off_processes(env, catalogue) -> None:
    """A one-time task in the pipeline frees nothing in next year's budget."""
    migration = catalogue.get("testproces").model_copy(update={"key": "migrering", "phase": "udvikling",
                                                               "one_off": True})
    catalogue.processes["migrering"] = migration
    b = compute_budget(env.store, catalogue, GainsSettings(), year=2027, now=env.clock.now())
    assert "migrering" not in {ln.process_key for ln in b.lines}
