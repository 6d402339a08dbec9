"""One scheduler per fleet: two runner services on one PostgreSQL database, one leads; kill it and the other takes over."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sepbots.store import Store
from tests.pg import scratch_database
from tests.scheduling.runner_proc import RunnerProcess, log_events, make_home, wait_for

BOT = '''
from typing import Any
from pydantic import BaseModel
from sepbots import BotContext, NewItem, WorkItem, bot

class Tick(BaseModel):
    n: int

def produce(ctx: BotContext[Any]):
    yield NewItem(reference=str(ctx.run_id), payload=Tick(n=1))

@bot(name="tick", producer=produce)
def tick(item: WorkItem[Tick], ctx: BotContext[Any]) -> None:
    return None
'''


def elected(home: Path) -> list[str]:
    return [e["runner_id"] for e in log_events(home) if e.get("event") == "scheduler_elected"]


@pytest.mark.slow
@pytest.mark.postgres
def test_only_the_leader_schedules_and_a_standby_takes_over_within_15_s(tmp_path: Path) -> None:
    """With two runners on PostgreSQL exactly one runs the scheduler; after SIGKILL the other leads within 15 s."""
    with scratch_database() as url:
        home = make_home(tmp_path, {"tick": BOT}, '[[schedule]]\nname = "hver"\nbot = "tick"\nevery = "2s"\n')
        extra = {"SEPBOTS_DATABASE__URL": url}
        Store(url).dispose()  # the fleet database's schema, as `sepbots init` makes it
        first = RunnerProcess(home, **extra).start()
        second = None
        try:
            wait_for(lambda: len(elected(home)) == 1, 60, "the first runner to lead", first.proc)
            second = RunnerProcess(home, **extra).start()
            time.sleep(6)  # the standby campaigns every 2 s and must keep losing
            assert len(set(elected(home))) == 1
            leader = elected(home)[0]
            first.kill()
            killed_at = time.monotonic()
            wait_for(lambda: len(set(elected(home))) == 2, 30, "the standby to take over", second.proc)
            assert time.monotonic() - killed_at <= 15
            assert elected(home)[-1] != leader
        finally:
            if second is not None:
                assert second.stop() == 0, second.stderr
            if first.proc and first.proc.poll() is None:
                first.stop()
