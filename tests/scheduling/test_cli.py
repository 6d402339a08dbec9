"""The CLI sub-apps: schedule list/pause/resume, bots pause/resume, runner status — Danish by default, English on request."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner, Result

from sepbots.cli import botstate, schedule
from sepbots.cli import runner as runner_cli
from sepbots.store.schema import audit_log
from sepbots.testing import open_test_environment
from sepbots.trigger import Trigger
from sepbots.worker.requests import RequestState, RunRequests
from sepbots.worker.state import BotStates, ScheduleStates, WorkerInfo, WorkerState, WorkerStatuses

from .runner_proc import make_home
from .test_service import QUEUE_BOT

SCHEDULES = """
[[schedule]]
name = "morgen"
bot = "qbot"
cron = "0 7 * * *"
business_days_only = true

[[schedule]]
name = "kvarter"
bot = "qbot"
every = "15m"
enabled = false

[[queue_trigger]]
bot = "qbot"
min_items = 3
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return make_home(tmp_path, {"qbot": QUEUE_BOT}, SCHEDULES)


def invoke(app: typer.Typer, args: list[str], home: Path, lang: str = "da") -> Result:
    return CliRunner().invoke(app, args, env={"SEPBOTS_HOME": str(home), "SEPBOTS_LANGUAGE": lang})


def test_schedule_list_shows_next_five_danish_times_and_state(home: Path) -> None:
    """The listing shows each schedule's next 5 fire times in Danish local time and its state."""
    result = invoke(schedule.app, ["list"], home)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "morgen" in out and "hverdage" in out and "aktiv" in out and "slået fra" in out
    assert "Køudløser: qbot starter ved mindst 3 ventende emner" in out
    # "morgen" lists first: five business-day mornings, Danish time (the 15-minute schedule's times
    # follow, and may include a 07:00:00 of their own, depending on when the test runs).
    times = re.findall(r"(\d\d\.\d\d\.\d{4}) (\d\d:\d\d:\d\d)", out)
    mornings = times[:5]
    assert [t for _, t in mornings] == ["07:00:00"] * 5
    assert all(datetime.strptime(d, "%d.%m.%Y").weekday() < 5 for d, _ in mornings)
    english = invoke(schedule.app, ["list"], home, "en")
    assert (
        "business days" in english.output and "disabled" in english.output and "Next 5 runs" in english.output
    )


def test_schedule_pause_and_resume(home: Path) -> None:
    """Pausing a schedule is stored and listed; unknown names are an error naming the file."""
    assert "sat på pause" in invoke(schedule.app, ["pause", "morgen"], home).output
    env = open_test_environment(home)
    try:
        assert ScheduleStates(env.store, env.clock).paused() == {"morgen"}
        assert "pauset" in invoke(schedule.app, ["list"], home).output
        assert invoke(schedule.app, ["resume", "morgen"], home).exit_code == 0
        assert ScheduleStates(env.store, env.clock).paused() == set()
    finally:
        env.close()
    bad = invoke(schedule.app, ["pause", "aften"], home, "en")
    assert bad.exit_code == 2 and "no schedule named 'aften'" in bad.output and "schedules.toml" in bad.output


def test_bad_schedules_file_is_reported_by_list(home: Path) -> None:
    """schedule list reports a broken schedules.toml with the entry and exit code 2."""
    (home / "config" / "schedules.toml").write_text(
        '[[schedule]]\nname = "x"\nbot = "qbot"\ncron = "99 * * * *"\n'
    )
    result = invoke(schedule.app, ["list"], home)
    assert result.exit_code == 2 and "schedule[1] 'x'" in result.output


def test_bots_pause_resume_and_unknown_bot(home: Path) -> None:
    """bots pause/resume flip the bot's paused flag; an unknown bot is an error listing the known ones."""
    assert invoke(botstate.app, ["pause", "qbot"], home).exit_code == 0
    env = open_test_environment(home)
    try:
        assert BotStates(env.store, env.clock).is_paused("qbot")
        assert invoke(botstate.app, ["resume", "qbot"], home).exit_code == 0
        assert not BotStates(env.store, env.clock).is_paused("qbot")
    finally:
        env.close()
    bad = invoke(botstate.app, ["pause", "nobot"], home)
    assert bad.exit_code == 2 and "unknown bot 'nobot'" in bad.output and "qbot" in bad.output


def test_runner_status_alive_stale_and_none(home: Path) -> None:
    """runner status exits 1 with no runner, 0 with a fresh heartbeat, and marks a silent runner as not alive."""
    none = invoke(runner_cli.app, ["status"], home, "en")
    assert none.exit_code == 1 and "No runner has reported" in none.output
    env = open_test_environment(home)
    try:
        statuses = WorkerStatuses(env.store, env.clock)
        now = datetime.now(UTC)
        statuses.report(WorkerInfo(runner_id="vm:1:abc", host="vm", pid=1, started_at=now, heartbeat_at=env.clock.now(),
                                   state=WorkerState.RUNNING, current_request_id=1, current_run_id="12345678-aaaa",
                                   current_bot="qbot"))
        BotStates(env.store, env.clock).pause("qbot")
        alive = invoke(runner_cli.app, ["status"], home)
        assert alive.exit_code == 0 and "vm:1:abc" in alive.output and "kører" in alive.output
        assert "Pausede robotter: qbot" in alive.output and "12345678" in alive.output
        [row] = statuses.all()
        assert row.alive(now, timedelta(seconds=5)) and not row.alive(
            now + timedelta(seconds=60), timedelta(seconds=5)
        )
    finally:
        env.close()


def test_runner_request_adds_manual_request(home: Path) -> None:
    """runner request queues a manual run request with its parameters and priority for the service."""
    result = invoke(runner_cli.app, ["request", "qbot", "-p", "input=a.xlsx", "--priority", "4"], home, "en")
    assert result.exit_code == 0 and "A run of qbot is requested (no. 1)" in result.output
    env = open_test_environment(home)
    try:
        [req] = RunRequests(env.store, env.clock).list()
        assert (
            req.trigger is Trigger.MANUAL and req.params == {"input": "a.xlsx"} and req.priority == 4
        )
        assert req.key.startswith("manual:qbot:") and req.state is RequestState.PENDING
    finally:
        env.close()
    assert invoke(runner_cli.app, ["request", "qbot", "-p", "oops"], home).exit_code == 2
    assert "unknown bot 'x'" in invoke(runner_cli.app, ["request", "x"], home).output


def test_runner_request_test_mode_is_stored_on_the_request(home: Path) -> None:
    """runner request --test-mode marks the request, so the service runs it as a test run past the legal gate."""
    assert invoke(runner_cli.app, ["request", "qbot"], home, "en").exit_code == 0
    assert invoke(runner_cli.app, ["request", "qbot", "--test-mode"], home, "en").exit_code == 0
    env = open_test_environment(home)
    try:
        newest, oldest = RunRequests(env.store, env.clock).list()
        assert newest.test_mode is True and oldest.test_mode is False
    finally:
        env.close()

def test_schedule_pause_is_an_audit_row_with_the_real_actor(home: Path) -> None:
    """`schedule pause|resume` write operator_action audit rows whose actor is cli:<login name>."""
    result = CliRunner().invoke(schedule.app, ["pause", "morgen"],
                                env={"SEPBOTS_HOME": str(home), "USER": "anna", "LOGNAME": "anna"})
    assert result.exit_code == 0, result.output
    assert invoke(schedule.app, ["resume", "morgen"], home).exit_code == 0
    env = open_test_environment(home)
    try:
        with env.store.engine.connect() as conn:
            rows = conn.execute(select(audit_log.c.actor, audit_log.c.details)
                                .where(audit_log.c.event == "operator_action").order_by(audit_log.c.seq)).all()
    finally:
        env.close()
    assert [(a, d["action"], d["schedule"]) for a, d in rows][0] == ("cli:anna", "schedule_paused", "morgen")
    assert rows[1].details["action"] == "schedule_resumed" and rows[1].actor.startswith("cli:")
    assert "unknown" not in rows[1].actor
