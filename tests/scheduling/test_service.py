"""The runner service as a real process: fires, restarts, SIGKILL, failures, pauses, queue triggers, bad config."""

from __future__ import annotations

import json
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from sepbots.cli import botstate
from sepbots.cli import runner as runner_cli
from sepbots.workitems.models import NewItem

from .runner_proc import RunnerProcess, log_events, make_home, query, wait_for

pytestmark = pytest.mark.slow

STEPS_BOT = """
    from __future__ import annotations
    import os, time
    from pathlib import Path
    from typing import Any
    from pydantic import BaseModel
    from sepbots import BotContext, NewItem, WorkItem, bot

    class Step(BaseModel):
        n: int

    def produce(ctx: BotContext[Any]):
        for n in range(1, int(os.environ.get("STEPS", "3")) + 1):
            yield NewItem(reference=os.environ.get("REF", "step-{n}").format(n=n, run=ctx.run_id), payload=Step(n=n))

    @bot(name="steps", producer=produce, max_attempts=3)
    def steps(item: WorkItem[Step], ctx: BotContext[Any]) -> None:
        home = Path(os.environ["SEPBOTS_HOME"])
        marker = home / f"started-{item.reference}"
        first_time = not marker.exists()
        marker.write_text("x")
        if item.payload.n == int(os.environ.get("HANG_ON", "0")) and first_time:
            time.sleep(60)                      # the test kills the runner here
        if item.payload.n == int(os.environ.get("WAIT_ON", "0")):
            go = home / f"go-{item.reference}"  # the test lets the item finish when it is ready
            deadline = time.monotonic() + 120
            while not go.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        time.sleep(float(os.environ.get("ITEM_S", "0")))
        with (home / "effects.txt").open("a") as fh:
            fh.write(f"{item.reference}\\n")
"""

FLAKY_BOT = """
    from __future__ import annotations
    import os
    from pathlib import Path
    from typing import Any
    from pydantic import BaseModel
    from sepbots import BotContext, NewItem, WorkItem, bot

    class One(BaseModel):
        run: str

    def produce(ctx: BotContext[Any]):
        marker = Path(os.environ["SEPBOTS_HOME"]) / "failed-once"
        if not marker.exists():
            marker.write_text("x")
            raise RuntimeError("the first run fails on purpose")
        yield NewItem(reference=ctx.run_id, payload=One(run=ctx.run_id))

    @bot(name="flaky", producer=produce, max_attempts=1)
    def flaky(item: WorkItem[One], ctx: BotContext[Any]) -> None:
        return None
"""

QUEUE_BOT = """
    from __future__ import annotations
    from typing import Any
    from pydantic import BaseModel
    from sepbots import BotContext, WorkItem, bot

    class Job(BaseModel):
        n: int

    @bot(name="qbot", max_attempts=1)
    def qbot(item: WorkItem[Job], ctx: BotContext[Any]) -> None:
        return None
"""


class Job(BaseModel):
    n: int


def now_local_iso(offset_s: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=offset_s)).replace(microsecond=0).isoformat()


def effects(home: Path) -> list[str]:
    path = home / "effects.txt"
    return path.read_text().split() if path.exists() else []


def release(home: Path, reference: str) -> None:
    """Let the item held by ``WAIT_ON`` finish."""
    (home / f"go-{reference}").write_text("x")


def signals_taken(home: Path) -> int:
    """How many stop signals the runners of ``home`` have logged as handled."""
    return sum(1 for e in log_events(home) if e["event"] == "runner_signal")


def test_schedule_fires_and_restart_catches_up_once(tmp_path: Path) -> None:
    """Fires run; after a clean stop the stored job survives and the fires missed meanwhile run once (coalesced)."""
    home = make_home(tmp_path, {"steps": STEPS_BOT}, '[[schedule]]\nname = "tick"\nbot = "steps"\nevery = "2s"\n')
    first = RunnerProcess(home, STEPS="1", REF="{run}").start()
    try:
        wait_for(
            lambda: query(home, "SELECT 1 FROM run_requests WHERE state='done'"),
            60,
            "a first scheduled run",
            first.proc,
        )
        status = CliRunner().invoke(runner_cli.app, ["status"], env={"SEPBOTS_HOME": str(home), "SEPBOTS_LANGUAGE": "en"})
        assert status.exit_code == 0, status.output
        assert "Runners" in status.output and "yes" in status.output
        [status_file] = (home / "var" / "runner").glob("*.json")
        data = json.loads(status_file.read_text())
        assert data["pid"] == first.proc.pid and data["state"] in ("idle", "running") and data["database_available"]
    finally:
        assert first.stop() == 0, first.stderr
    assert query(home, "SELECT state FROM runner_status") == [("stopped",)]
    assert not list((home / "var" / "runner").glob("*.json"))
    [(next_run,)] = query(home, "SELECT next_run_time FROM apscheduler_jobs WHERE id='tick'")
    stopped_at = datetime.now(UTC)
    wait_for(lambda: time.time() > next_run + 2.5, 10, "two fires to be missed")

    second = RunnerProcess(home, STEPS="1", REF="{run}").start()
    try:

        def caught_up() -> list[tuple[Any, ...]]:
            return query(
                home,
                "SELECT scheduled_for, state FROM run_requests WHERE scheduled_for >= ? ORDER BY id",
                datetime.fromtimestamp(next_run, UTC).replace(tzinfo=None).isoformat(" "),
            )

        rows = wait_for(lambda: [r for r in caught_up() if r[1] == "done"], 60, "the catch-up run", second.proc)
        loaded = [e for e in log_events(home, "sepbots.runner") if e["event"] == "schedules_loaded"]
        assert loaded[-1]["tick"] == "kept"
    finally:
        assert second.stop() == 0, second.stderr
    # The first request after the restart is the catch-up; the fires missed while the runner was down
    # (at least two: the test waited past next_run + 2 s) were already due when it was made. Coalesced,
    # they are that one request, for the latest missed fire; later fires are made when they are due.
    made = [(datetime.fromisoformat(s), datetime.fromisoformat(c)) for s, c in query(
        home, "SELECT scheduled_for, created_at FROM run_requests WHERE created_at >= ? ORDER BY created_at, id",
        stopped_at.replace(tzinfo=None).isoformat(" "))]
    catch_up_for, catch_up_made = made[0]
    already_due = [s for s, _ in made if s < catch_up_made]
    assert already_due == [catch_up_for], f"downtime from {stopped_at}: {made}"
    assert catch_up_for >= datetime.fromtimestamp(next_run + 2, UTC).replace(tzinfo=None), made
    assert rows


def test_sigkill_mid_item_recovers_request_and_item_once(tmp_path: Path) -> None:
    """A runner killed mid-item: the next runner takes over the request and the item; every item is done once."""
    home = make_home(
        tmp_path,
        {"steps": STEPS_BOT},
        f'[[schedule]]\nname = "once"\nbot = "steps"\nat = {now_local_iso()}\n',
    )
    first = RunnerProcess(home, HANG_ON="2").start()
    wait_for(lambda: (home / "started-step-2").exists(), 60, "the runner to reach item 2", first.proc)
    time.sleep(0.3)
    first.kill()
    assert query(home, "SELECT state FROM run_requests") == [("running",)]
    assert query(home, "SELECT state FROM work_items WHERE reference='step-2'") == [("in_progress",)]

    second = RunnerProcess(home, HANG_ON="2").start()
    try:
        wait_for(
            lambda: query(home, "SELECT 1 FROM run_requests WHERE state='done'"),
            60,
            "the recovered run",
            second.proc,
        )
    finally:
        assert second.stop() == 0, second.stderr
    assert sorted(effects(home)) == ["step-1", "step-2", "step-3"]
    assert dict(query(home, "SELECT reference, state FROM work_items")) == {f"step-{n}": "done" for n in (1, 2, 3)}
    attempts = query(
        home,
        "SELECT a.outcome, a.attempt FROM item_attempts a JOIN work_items w ON w.id = a.item_id WHERE w.reference = 'step-2' ORDER BY a.id",
    )
    assert attempts == [("lease_expired", 1), ("done", 2)]
    assert query(home, "SELECT state, attempts FROM run_requests") == [("done", 2)]


def test_failed_run_does_not_block_next_fire(tmp_path: Path) -> None:
    """A run that fails fails only its request: the schedule stays active and the next fire succeeds."""
    home = make_home(tmp_path, {"flaky": FLAKY_BOT}, '[[schedule]]\nname = "retry"\nbot = "flaky"\nevery = "1s"\n')
    proc = RunnerProcess(home).start()
    try:
        wait_for(
            lambda: query(home, "SELECT 1 FROM run_requests WHERE state='done'"),
            60,
            "a successful run",
            proc.proc,
        )
    finally:
        assert proc.stop() == 0, proc.stderr
    rows = query(home, "SELECT state, error FROM run_requests ORDER BY id")
    assert rows[0][0] == "failed" and "first run fails on purpose" in rows[0][1]
    assert "done" in [r[0] for r in rows[1:]]
    assert query(home, "SELECT id FROM apscheduler_jobs") == [("retry",)]
    assert [r[0] for r in query(home, "SELECT status FROM runs ORDER BY started_at")][:2] == [
        "failed",
        "completed",
    ]


def test_pause_is_honoured_between_items_and_resume_continues(tmp_path: Path) -> None:
    """Pausing a bot stops its run after the current item and holds its request; resuming finishes the rest once."""
    home = make_home(
        tmp_path,
        {"steps": STEPS_BOT},
        f'[[schedule]]\nname = "once"\nbot = "steps"\nat = {now_local_iso()}\n',
    )
    cli, env = CliRunner(), {"SEPBOTS_HOME": str(home), "SEPBOTS_LANGUAGE": "en"}
    proc = RunnerProcess(home, STEPS="6", ITEM_S="0.4", WAIT_ON="2").start()
    try:
        wait_for(lambda: (home / "started-step-2").exists(), 60, "item 2 to start", proc.proc)
        result = cli.invoke(botstate.app, ["pause", "steps"], env=env)
        assert result.exit_code == 0 and "Bot steps is paused" in result.output
        # Item 2 waits until the pause is stored and the run's cached reading of the switch (at most
        # 0.5 s old) is out of date, so the check after item 2 sees it however slow the machine is.
        time.sleep(0.6)
        release(home, "step-2")
        wait_for(
            lambda: query(home, "SELECT 1 FROM run_requests WHERE state='pending' AND attempts=0"),
            60,
            "the request to be given back",
            proc.proc,
        )
        held = len(effects(home))
        assert sorted(effects(home)) == ["step-1", "step-2"]  # stopped after the current item
        assert query(home, "SELECT status FROM runs") == [("stopped",)]
        assert query(home, "SELECT COUNT(*) FROM work_items WHERE state='in_progress'") == [(0,)]
        time.sleep(1.5)
        assert len(effects(home)) == held and query(home, "SELECT state FROM run_requests") == [("pending",)]
        result = cli.invoke(botstate.app, ["resume", "steps"], env=env)
        assert result.exit_code == 0
        wait_for(
            lambda: query(home, "SELECT 1 FROM run_requests WHERE state='done'"),
            60,
            "the resumed run",
            proc.proc,
        )
    finally:
        assert proc.stop() == 0, proc.stderr
    assert sorted(effects(home)) == [f"step-{n}" for n in range(1, 7)]


def test_queue_trigger_starts_run_when_items_wait(tmp_path: Path) -> None:
    """Items added to a triggered queue by another process start a queue-triggered run within about a second."""
    from sepbots.testing import open_test_environment

    home = make_home(tmp_path, {"qbot": QUEUE_BOT}, '[[queue_trigger]]\nbot = "qbot"\nmin_items = 2\n')
    proc = RunnerProcess(home).start()
    env = None
    try:
        wait_for(
            lambda: query(home, "SELECT 1 FROM runner_status WHERE state='idle'"),
            60,
            "the runner to idle",
            proc.proc,
        )
        env = open_test_environment(home)
        with env.store.begin() as conn:
            env.queues.add(
                conn,
                "qbot",
                [NewItem(reference="a", payload=Job(n=1))],
                max_attempts=1,
                run_id=None,
                actor="test",
            )
        time.sleep(1.0)
        assert query(home, "SELECT COUNT(*) FROM run_requests") == [(0,)]  # below min_items
        with env.store.begin() as conn:
            env.queues.add(
                conn,
                "qbot",
                [NewItem(reference="b", payload=Job(n=2))],
                max_attempts=1,
                run_id=None,
                actor="test",
            )
        added = datetime.now(UTC)
        wait_for(
            lambda: query(home, "SELECT 1 FROM work_items WHERE state='done' AND reference='b'"),
            30,
            "the items",
            proc.proc,
        )
    finally:
        if env is not None:
            env.close()
        assert proc.stop() == 0, proc.stderr
    [(trigger, started)] = query(home, "SELECT trigger, started_at FROM runs")
    assert trigger == "queue"
    # Within the next polls (poll_s = 0.05 s), not on some slower timer; the bound leaves room for a
    # loaded machine starting the run.
    assert datetime.fromisoformat(started).replace(tzinfo=UTC) - added < timedelta(seconds=15)
    assert query(home, "SELECT trigger, state FROM run_requests") == [("queue", "done")]


def test_bad_config_stops_service_from_starting(tmp_path: Path) -> None:
    """An invalid cron and an unknown bot: exit code 2, the file and both entries named, nothing scheduled."""
    home = make_home(
        tmp_path,
        {"qbot": QUEUE_BOT},
        (
            '[[schedule]]\nname = "ok"\nbot = "qbot"\ncron = "0 7 * * 1-5"\n'
            '[[schedule]]\nname = "bad-cron"\nbot = "qbot"\ncron = "0 7 * *"\n'
            '[[schedule]]\nname = "ghost"\nbot = "nobody"\nevery = "1h"\n'
        ),
    )
    proc = RunnerProcess(home).start()
    assert proc.proc.wait(60) == 2
    proc.stop()
    err = proc.stderr
    assert str(home / "config" / "schedules.toml") in err
    assert "schedule[2] 'bad-cron': cron: ugyldigt cron-udtryk / invalid cron expression '0 7 * *'" in err
    assert "schedule[3] 'ghost': ukendt bot / unknown bot 'nobody'" in err
    assert query(home, "SELECT COUNT(*) FROM apscheduler_jobs") in ([], [(0,)])
    assert query(home, "SELECT COUNT(*) FROM runner_status") in ([], [(0,)])


def test_sigterm_finishes_item_and_second_signal_gives_it_back(tmp_path: Path) -> None:
    """SIGTERM lets the current item finish and returns the request; a second SIGINT gives the item back at once."""
    home = make_home(
        tmp_path,
        {"steps": STEPS_BOT},
        f'[[schedule]]\nname = "once"\nbot = "steps"\nat = {now_local_iso()}\n',
    )
    first = RunnerProcess(home, WAIT_ON="1").start()
    wait_for(lambda: (home / "started-step-1").exists(), 60, "item 1 to start", first.proc)
    first.signal(signal.SIGTERM)
    # Item 1 goes on only once the signal is handled, so it cannot end (and item 2 start) before.
    wait_for(lambda: signals_taken(home) == 1, 60, "the runner to take SIGTERM", first.proc)
    release(home, "step-1")
    assert first.proc.wait(60) == 0, first.stderr
    first.stop()
    assert effects(home) == ["step-1"]
    assert query(home, "SELECT state, attempts FROM run_requests") == [("pending", 0)]
    assert dict(query(home, "SELECT reference, state FROM work_items")) == {
        "step-1": "done",
        "step-2": "new",
        "step-3": "new",
    }
    assert query(home, "SELECT state FROM runner_status") == [("stopped",)]
    assert query(home, "SELECT status FROM runs") == [("stopped",)]

    second = RunnerProcess(home, ITEM_S="30").start()
    wait_for(lambda: (home / "started-step-2").exists(), 60, "item 2 to start", second.proc)
    second.signal(signal.SIGINT)
    # Two signals sent close together may reach the handler as one: send the second once the first is handled.
    wait_for(lambda: signals_taken(home) == 2, 60, "the runner to take the first SIGINT", second.proc)
    second.signal(signal.SIGINT)
    assert second.proc.wait(30) == 0, second.stderr
    second.stop()
    assert effects(home) == ["step-1"]
    assert query(home, "SELECT state FROM work_items WHERE reference = 'step-2'") == [("new",)]
    assert query(home, "SELECT state FROM run_requests") == [("pending",)]

    third = RunnerProcess(home).start()
    try:
        wait_for(lambda: query(home, "SELECT 1 FROM run_requests WHERE state='done'"), 60, "the rest", third.proc)
    finally:
        assert third.stop() == 0, third.stderr
    assert sorted(effects(home)) == ["step-1", "step-2", "step-3"]


def test_two_runners_fire_once_and_run_once(tmp_path: Path) -> None:
    """Two runner processes on one database both fire the schedule; one request, one run, outliving its lease."""
    home = make_home(tmp_path, {"steps": STEPS_BOT}, f'[[schedule]]\nname = "once"\nbot = "steps"\nat = {now_local_iso(4)}\n')
    runners = [RunnerProcess(home, ITEM_S="1.2").start(), RunnerProcess(home, ITEM_S="1.2").start()]
    try:
        wait_for(lambda: query(home, "SELECT 1 FROM run_requests WHERE state='done'"), 90, "the run", runners[0].proc)
        wait_for(lambda: len(query(home, "SELECT 1 FROM runner_status")) == 2, 30, "both runners", runners[1].proc)
    finally:
        codes = [r.stop() for r in runners]
    assert codes == [0, 0], runners[0].stderr + runners[1].stderr
    assert query(home, "SELECT state, attempts FROM run_requests") == [("done", 1)]
    assert query(home, "SELECT COUNT(*) FROM runs") == [(1,)]  # 3.6 s of work outlived the 2 s lease
    assert sorted(effects(home)) == ["step-1", "step-2", "step-3"]
    fired = [e for e in log_events(home, "sepbots.runner") if e["event"].startswith("schedule_fire")]
    assert sorted(e["event"] for e in fired) in (
        ["schedule_fire_duplicate", "schedule_fired"],
        ["schedule_fired"],  # the other scheduler found the shared stored job already fired and removed
    )


@pytest.mark.slow
def test_legal_gate_refuses_scheduled_production_runs_of_an_uncleared_process(tmp_path: Path) -> None:
    """A production schedule of a bot whose process is not cleared is refused with the reason, recorded as a refused run; nothing runs."""
    home = make_home(
        tmp_path,
        {"steps": STEPS_BOT},
        f'[[schedule]]\nname = "prod"\nbot = "steps"\nat = {now_local_iso()}\n',
        test_mode=False,
    )
    proc = RunnerProcess(home).start()
    try:
        wait_for(lambda: query(home, "SELECT 1 FROM run_requests WHERE state='refused'"), 60, "the refusal", proc.proc)
    finally:
        assert proc.stop() == 0, proc.stderr
    error = query(home, "SELECT error FROM run_requests")[0][0]
    assert "steps" in error
    assert query(home, "SELECT status, error FROM runs") == [("refused", error)]
    assert effects(home) == [] and query(home, "SELECT COUNT(*) FROM work_items") == [(0,)]
