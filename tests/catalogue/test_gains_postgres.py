"""Measured gains and retention on PostgreSQL (the fleet backend) give the same figures as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from sepbots.catalogue.loader import load_catalogue
from sepbots.catalogue.settings import GainsSettings
from sepbots.gains import compute_gains
from sepbots.retention import RetentionKind, apply_retention
from sepbots.testing import ManualClock, open_test_environment, run_bot_once
from sepbots.workitems import items
from tests.pg import scratch_database

from .conftest import process_data
from .test_gains import CREDITS, casebot, linebot

pytestmark = pytest.mark.postgres
@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throw-away database on the test server (skipped locally, an error under CI, when none answers)."""
    with scratch_database("sepbots_gains") as url:
        yield url


def test_gains_and_retention_on_postgres(tmp_path: Path, pg_url: str) -> None:
    """The hour buckets, local dates, measured handling minutes, run unit counts and retention work on PostgreSQL."""
    folder = tmp_path / "catalogue"
    folder.mkdir()
    data = process_data(minutes_per_occurrence={"value": 6, "estimate": True}, retention={"item_payload_days": 1})
    (folder / "p.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    lines = process_data(key="afstemning", minutes_per_occurrence={"value": 0.11, "estimate": True})
    (folder / "a.yaml").write_text(yaml.safe_dump(lines), encoding="utf-8")
    cat = load_catalogue(folder)
    # 22:30 UTC on 4 Oct is 00:30 on 5 Oct in Copenhagen: the items belong to 5 Oct.
    clock = ManualClock(datetime(2026, 10, 4, 22, 30, tzinfo=UTC))
    env = open_test_environment(tmp_path / "home", clock=clock, overrides={"database": {"url": pg_url}})
    try:
        run_bot_once(casebot, env=env, test_mode=False)
        run_bot_once(linebot, env=env, test_mode=False)
        with env.store.engine.connect() as conn:
            first = items.by_reference(conn, "casebot", ["job-7"])["job-7"].id
        env.queues.mark_handled(first, actor="anne", note="ok", minutes=Decimal(4))
        result = compute_gains(env.store, cat, GainsSettings(), start=date(2026, 10, 5), end=date(2026, 10, 5),
                               now=clock.now(), credits=CREDITS)
        procs = {p.process_key: p for p in result.figures.processes}
        p = procs["testproces"]
        assert (p.units_done, p.units_handed_over, p.units_failed) == (7, 2, 1)
        assert p.saved_hours == Decimal("0.73")  # 7 × 6 + (6 − 4) = 44 min
        assert [d.day for d in p.daily] == [date(2026, 10, 5)]
        assert procs["afstemning"].saved_hours == Decimal("1.67")  # 913 × 0.11 min
        clock.advance(days=2)
        report = apply_retention(env, cat)
        assert report.total(RetentionKind.PAYLOADS) == 10  # the process with 1-day payload retention
        assert env.audit.verify().ok
    finally:
        env.close()
