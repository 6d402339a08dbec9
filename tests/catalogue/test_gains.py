"""Measured gains from real runs in a real SQLite ledger: one hand-computed ledger per process kind.

Catalogue: ``testproces`` (unit faktura, baseline 6 min) and ``afstemning`` (unit kontoudtogslinje,
baseline 0.11 min); 400 kr./h (651,200 kr. per FTE / 1,628 h). Every expected figure below is
worked out by hand in the test's docstring or comment.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from sepbots import (
    ApplicationException,
    BotContext,
    BusinessException,
    Counting,
    Gains,
    NewItem,
    WorkItem,
    bot,
)
from sepbots.catalogue.loader import Catalogue, load_catalogue
from sepbots.catalogue.settings import GainsSettings
from sepbots.environment import Environment
from sepbots.gains import GainsResult, compute_gains, credits_of, measured_summaries
from sepbots.recipes import Registry, recipe_of
from sepbots.reports import GainsNote
from sepbots.reports.figures import ProcessGains
from sepbots.testing import ManualClock, open_test_environment, run_bot_once
from sepbots.unitcounts import record_review_minutes
from sepbots.workitems.handling import ReviewKind

from .conftest import process_data

D = Decimal
DAY = date(2026, 10, 5)


class Job(BaseModel):
    n: int


def produce(ctx: BotContext[Any]) -> Iterator[NewItem[Job]]:
    for n in range(10):
        yield NewItem(reference=f"job-{n}", payload=Job(n=n))


def _outcome(item: WorkItem[Job]) -> None:
    if item.payload.n in (7, 8):
        raise BusinessException("needs a person", code="MANUAL")
    if item.payload.n == 9:
        raise ApplicationException("portal down", code="DOWN")


@bot(name="casebot", process="testproces", producer=produce, max_attempts=1,
     gains=Gains(unit="faktura", credited_minutes=D(6), step="hele sagen"))
def casebot(item: WorkItem[Job], ctx: BotContext[Any]) -> None:
    """Per-case bot: 7 done, 2 handed over, 1 failed; credits the whole 6-minute baseline."""
    _outcome(item)


@bot(name="precheck", process="testproces", producer=produce, max_attempts=1,
     gains=Gains(unit="faktura", credited_minutes=D(2), step="forhåndskontrol"))
def precheck(item: WorkItem[Job], ctx: BotContext[Any]) -> None:
    """Pre-check bot: the same outcomes, credited only the 2 checking minutes."""
    _outcome(item)


def produce_lines(ctx: BotContext[Any]) -> Iterator[NewItem[Job]]:
    for n in range(3):  # the reconciliation itself plus two unmatched lines for a person
        yield NewItem(reference=f"line-{n}", payload=Job(n=n))


def finish_lines(ctx: BotContext[Any], items: list[WorkItem[Job]]) -> None:
    ctx.record_units(done=913, handed_over=87)


@bot(name="linebot", process="afstemning", producer=produce_lines, finish=finish_lines, max_attempts=1,
     gains=Gains(unit="kontoudtogslinje", credited_minutes=D("0.11"), counted=Counting.RUN))
def linebot(item: WorkItem[Job], ctx: BotContext[Any]) -> None:
    """Per-line reconciliation: counts lines per run; its items are not units."""
    if item.payload.n:
        raise BusinessException("unmatched line", code="UNMATCHED")


@pytest.fixture
def catalogue(tmp_path: Path) -> Catalogue:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    invoice = {"da": "faktura", "en": "invoice", "da_plural": "fakturaer", "en_plural": "invoices"}
    line = {"da": "kontoudtogslinje", "en": "statement line"}
    docs = [
        process_data(minutes_per_occurrence={"value": 6, "estimate": True}, unit=invoice, phase="drift",
                     costs={"implementation_dkk": {"value": 10_000, "estimate": True},
                            "running_dkk_per_year": {"value": 0, "estimate": True}}),
        process_data(key="afstemning", name="Afstemning", unit=line,
                     occurrences_per_year={"value": 100_000, "estimate": True},
                     minutes_per_occurrence={"value": 0.11, "estimate": True}),
    ]
    for doc in docs:
        (folder / f"{doc['key']}.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    return load_catalogue(folder)


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Environment]:
    e = open_test_environment(tmp_path / "home", clock=ManualClock(datetime(2026, 10, 5, 9, 0, tzinfo=UTC)))
    yield e
    e.close()


CREDITS = credits_of(Registry([recipe_of(casebot), recipe_of(precheck), recipe_of(linebot)]))


def _gains(env: Environment, catalogue: Catalogue, start: date = DAY, end: date = DAY,
           include_test_runs: bool = False) -> tuple[dict[str, ProcessGains], GainsResult]:
    result = compute_gains(env.store, catalogue, GainsSettings(), start=start, end=end, now=env.clock.now(),
                           credits=CREDITS, include_test_runs=include_test_runs)
    return {p.process_key: p for p in result.figures.processes}, result


def _manual_ids(env: Environment) -> list[int]:
    from sqlalchemy import select

    from sepbots.store.schema import work_items

    with env.store.engine.connect() as conn:
        return list(conn.execute(select(work_items.c.id).where(work_items.c.state == "business_exception")
                                 .order_by(work_items.c.id)).scalars())


def _audit(env: Environment, event: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from sepbots.store.schema import audit_log

    with env.store.engine.connect() as conn:
        return [r.details for r in conn.execute(select(audit_log.c.details).where(audit_log.c.event == event)
                                                .order_by(audit_log.c.seq))]


def test_per_case_bot_handed_over_without_measured_time_is_neutral(env: Environment, catalogue: Catalogue) -> None:
    """7 done × 6 min = 42 min = 0.70 h = 280.00 kr.; 2 unmeasured handed over count 0; share 7/10."""
    run_bot_once(casebot, env=env, test_mode=False)
    procs, result = _gains(env, catalogue)
    p = procs["testproces"]
    assert (p.units_done, p.units_handed_over, p.units_failed) == (7, 2, 1)
    assert p.saved_hours == D("0.70") and p.saved_dkk == D("280.00")
    assert p.credited_minutes == D("6.00") and p.handled_measured == 0
    assert p.realised_automation_share == D("0.7000")
    assert p.annualised_saved_hours == D("255.50")  # 0.7 × 365
    assert p.measured is not None and p.measured.saved_hours_per_year == D("255.50")
    assert p.measured.occurrences_per_year == D("3650.00") and p.measured.unit == "fakturaer"
    assert p.notes == [] and result.uncatalogued == []
    assert [(d.day, d.done, d.handed_over, d.failed) for d in p.daily] == [(DAY, 7, 2, 1)]


def test_handed_over_with_measured_handling_adds_baseline_minus_measured(env: Environment, catalogue: Catalogue) -> None:
    """One handed-over item handled in 4 min: 42 + (6 − 4) = 44 min = 0.73 h, 293.33 kr.; the other stays neutral."""
    run_bot_once(casebot, env=env, test_mode=False)
    first, _ = _manual_ids(env)
    assert env.queues.mark_handled(first, actor="anne", note="ringede til leverandøren", minutes=D(4)) == D("4.00")
    p = _gains(env, catalogue)[0]["testproces"]
    assert p.handled_measured == 1 and p.handling_minutes_per_unit == D("4.00")
    assert p.saved_hours == D("0.73") and p.saved_dkk == D("293.33")
    assert p.notes == []


def test_measured_handling_above_baseline_is_negative_and_flagged(env: Environment, catalogue: Catalogue) -> None:
    """Handled in 10 min against a 6-minute baseline: 42 + (6 − 10) = 38 min = 0.63 h, with a note."""
    run_bot_once(casebot, env=env, test_mode=False)
    first, _ = _manual_ids(env)
    env.queues.mark_handled(first, actor="anne", note="svær sag", minutes=D(10))
    p = _gains(env, catalogue)[0]["testproces"]
    assert p.saved_hours == D("0.63") and p.saved_dkk == D("253.33")
    assert p.handover_hours == D("-0.07")
    assert p.notes == [GainsNote.HANDLING_EXCEEDS_BASELINE]


def test_opened_to_handled_is_the_measured_time(env: Environment, catalogue: Catalogue) -> None:
    """Opened in the dashboard at 9:00, marked handled at 9:03: 3 min measured; 42 + 3 = 45 min = 0.75 h."""
    run_bot_once(casebot, env=env, test_mode=False)
    first, second = _manual_ids(env)
    env.queues.open_for_handling(first)
    assert isinstance(env.clock, ManualClock)
    env.clock.advance(minutes=3)
    assert env.queues.mark_handled(first, actor="anne", note="rettet") == D("3.00")
    env.queues.open_for_handling(second)
    env.clock.advance(hours=5)  # left open over lunch: not believable, not measured
    assert env.queues.mark_handled(second, actor="anne", note="rettet") is None
    p = _gains(env, catalogue)[0]["testproces"]
    assert p.handled_measured == 1 and p.saved_hours == D("0.75") and p.saved_dkk == D("300.00")
    events = _audit(env, "item_handled")
    assert [e["minutes"] for e in events] == ["3.00", None]
    assert [e["measured"] for e in events] == ["opened", None]


def test_pre_check_bot_credits_only_its_step(env: Environment, catalogue: Catalogue) -> None:
    """7 done × 2 credited min = 14 min = 0.23 h = 93.33 kr., not the 6-minute baseline."""
    run_bot_once(precheck, env=env, test_mode=False)
    p = _gains(env, catalogue)[0]["testproces"]
    assert p.saved_hours == D("0.23") and p.saved_dkk == D("93.33")
    assert p.credited_minutes == D("2.00") and p.baseline_minutes == D(6)
    assert p.estimate is not None and p.estimate.automation_share == D(1)


def test_per_line_reconciliation_counts_statement_lines(env: Environment, catalogue: Catalogue) -> None:
    """913 matched lines × 0.11 min = 100.43 min = 1.67 h = 669.53 kr.; share 913/1,000 lines = 91.3 %."""
    run_bot_once(linebot, env=env, test_mode=False)
    p = _gains(env, catalogue)[0]["afstemning"]
    assert (p.units_done, p.units_handed_over, p.units_failed) == (913, 87, 0)
    assert p.saved_hours == D("1.67") and p.saved_dkk == D("669.53")
    assert p.realised_automation_share == D("0.9130")
    assert p.unit.label("da", p.units_total) == "kontoudtogslinje"  # no plural given: the singular
    assert p.bots[0].counted is Counting.RUN


def test_review_minutes_are_subtracted(env: Environment, catalogue: Catalogue) -> None:
    """30 review minutes entered for the day: 42 − 30 = 12 min = 0.20 h = 80.00 kr.; audited."""
    run_bot_once(casebot, env=env, test_mode=False)
    record_review_minutes(env, process="testproces", kind=ReviewKind.REVIEW, minutes=D(30), day=DAY,
                          actor="bo", note="stikprøve af 10 fakturaer")
    p = _gains(env, catalogue)[0]["testproces"]
    assert p.review_hours == D("0.50") and p.saved_hours == D("0.20") and p.saved_dkk == D("80.00")
    assert [e["minutes"] for e in _audit(env, "operator_action") if e.get("action") == "review_minutes"] == ["30"]


def test_bot_without_declaration_is_credited_the_baseline_and_a_too_high_credit_is_capped(env: Environment, catalogue: Catalogue) -> None:
    """No Gains: 7 × 6 min; Gains credited 9 min > baseline 6: capped to 6 and flagged."""
    run_bot_once(casebot, env=env, test_mode=False)
    p = compute_gains(env.store, catalogue, GainsSettings(), start=DAY, end=DAY, now=env.clock.now()).figures.processes[0]
    assert p.saved_hours == D("0.70") and p.bots[0].declared is False
    greedy = {"casebot": Gains(unit="faktura", credited_minutes=D(9))}
    p = compute_gains(env.store, catalogue, GainsSettings(), start=DAY, end=DAY, now=env.clock.now(),
                      credits=greedy).figures.processes[0]
    assert p.saved_hours == D("0.70") and p.notes == [GainsNote.CREDIT_CAPPED]


def test_test_mode_runs_are_left_out_unless_asked(env: Environment, catalogue: Catalogue) -> None:
    """Runs made in test mode do not count unless include_test_runs is set."""
    run_bot_once(casebot, env=env, test_mode=True)
    assert _gains(env, catalogue)[0] == {}
    assert _gains(env, catalogue, include_test_runs=True)[0]["testproces"].saved_hours == D("0.70")


def test_items_are_dated_in_danish_local_time(tmp_path: Path, catalogue: Catalogue) -> None:
    """Items ending 22:30 UTC on 4 October end 00:30 on 5 October in Copenhagen, and count for 5 October."""
    env = open_test_environment(tmp_path / "late", clock=ManualClock(datetime(2026, 10, 4, 22, 30, tzinfo=UTC)))
    try:
        run_bot_once(casebot, env=env, test_mode=False)
        on_4th = _gains(env, catalogue, date(2026, 10, 4), date(2026, 10, 4))[0]
        on_5th = _gains(env, catalogue)[0]
    finally:
        env.close()
    assert on_4th == {}
    assert [d.day for d in on_5th["testproces"].daily] == [DAY]


def test_fte_cost_gives_the_kroner_per_hour(env: Environment, catalogue: Catalogue) -> None:
    """500,000 kr. per FTE / 1,600 h = 312.50 kr./h: 0.70 h × 312.5 = 218.75 kr."""
    run_bot_once(casebot, env=env, test_mode=False)
    settings = GainsSettings(fte_cost_dkk=D(500_000), net_hours_per_fte=D(1600))
    p = compute_gains(env.store, catalogue, settings, start=DAY, end=DAY, now=env.clock.now(),
                      credits=CREDITS).figures.processes[0]
    assert settings.hourly_cost_dkk == D("312.5") and p.saved_dkk == D("218.75")
    bundle = measured_summaries(compute_gains(env.store, catalogue, settings, start=DAY, end=DAY,
                                              now=env.clock.now(), credits=CREDITS).figures)
    assert bundle["testproces"][0].items_automated == 7


def test_entered_minutes_outside_0_to_480_are_refused_and_nothing_changes(env: Environment, catalogue: Catalogue) -> None:
    """501 minutes for one item is a typing error: refused, the item still waits, no audit row."""
    from sepbots.exceptions import QueueError

    run_bot_once(casebot, env=env, test_mode=False)
    first, _ = _manual_ids(env)
    with pytest.raises(QueueError, match="between 0 and 480"):
        env.queues.mark_handled(first, actor="anne", note="x", minutes=D(501))
    assert _manual_ids(env)[0] == first and _audit(env, "item_handled") == []
    assert _gains(env, catalogue)[0]["testproces"].handled_measured == 0
