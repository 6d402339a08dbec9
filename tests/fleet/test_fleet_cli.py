"""``sepbots fleet status`` on both backends, in Danish and English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from pydantic import BaseModel
from typer.testing import CliRunner

from sepbots.cli import fleet as fleet_cli
from sepbots.cli.state import CliState
from sepbots.clock import SystemClock
from sepbots.environment import Environment
from sepbots.fleet import FleetSlots, LeaderElection
from sepbots.testing import ManualClock
from sepbots.workitems.models import NewItem


class P(BaseModel):
    n: int


OPENED: list[CliState] = []


def _root(home: Path, url: str, lang: str | None) -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = CliState(home=home, lang=lang, environ={"SEPBOTS_DATABASE__URL": url})
        OPENED.append(ctx.obj)

    root.add_typer(fleet_cli.app, name="fleet")
    return root


@pytest.fixture(autouse=True)
def _close_cli_environments() -> Iterator[None]:
    """The command's environment stays open for the process; close it after each test."""
    yield
    while OPENED:
        st = OPENED.pop()
        if st._env is not None:
            st._env.close()


def test_fleet_status_shows_the_leader_the_runners_holding_work_and_the_slots(
    store_env: Environment, home: Path, db_url: str, clock: ManualClock
) -> None:
    """The status names the scheduler leader, each runner with its items in progress, and every held slot."""
    with store_env.store.begin() as conn:
        store_env.queues.add(conn, "q", [NewItem(reference=f"r{i}", payload=P(n=i)) for i in range(3)],
                             max_attempts=3, run_id=None, actor="t")
    store_env.queues.exchange([], "q", limit=1, run_id="r", bot="b")
    store_env.queues.exchange([], "q", limit=1, run_id="r", bot="b")
    # The command reads the lease against the system clock, so the leader renews by it too.
    election = LeaderElection(store_env.store, owner="ws-01:4242:abc", clock=SystemClock(), ttl_s=600)  # no expiry mid-test
    FleetSlots(store_env.store, owner="ws-02:77:def", clock=clock).acquire("credential:portal", 1)
    try:
        assert election.try_acquire()
        english = CliRunner().invoke(_root(home, db_url, "en"), ["fleet", "status"])
        danish = CliRunner().invoke(_root(home, db_url, None), ["fleet", "status"])
    finally:
        election.close()
    assert english.exit_code == 0, english.output
    assert "Scheduler leader: ws-01:4242:abc" in english.output
    assert store_env.runner_id in english.output and "credential:portal" in english.output
    assert "ws-02:77:def" in english.output
    assert danish.exit_code == 0 and "Leder af planlæggeren: ws-01:4242:abc" in danish.output
    assert "Elementer i gang" in danish.output


def test_fleet_status_says_when_nobody_leads_and_nothing_runs(store_env: Environment, home: Path, db_url: str) -> None:
    """With no leader and no items in progress the status says so plainly."""
    result = CliRunner().invoke(_root(home, db_url, "en"), ["fleet", "status"])
    assert result.exit_code == 0, result.output
    assert "Scheduler leader: nobody" in result.output and "No runner has items in progress." in result.output
