"""Finding 17 of issue 13: schedule params that do not fit the bot's params model are refused when
the runner service starts and by ``schedule list`` (exit 2, schedule and key named), not at every fire."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from sepbots.cli import schedule

from .runner_proc import RunnerProcess, make_home, query

PARAMS_BOT = """
    from __future__ import annotations
    from typing import Any, Literal
    from pydantic import BaseModel, ConfigDict
    from sepbots import BotContext, WorkItem, bot

    class Settings(BaseModel):
        model_config = ConfigDict(extra="forbid")
        count: int
        mode: Literal["fast", "careful"] = "careful"

    class Job(BaseModel):
        n: int

    @bot(name="pbot", params=Settings, max_attempts=1)
    def pbot(item: WorkItem[Job], ctx: BotContext[Settings]) -> None:
        return None
"""

BAD = """
[[schedule]]
name = "morgen"
bot = "pbot"
cron = "0 7 * * *"
[schedule.params]
count = "mange"

[[schedule]]
name = "aften"
bot = "pbot"
cron = "0 19 * * *"
[schedule.params]
count = 3
colour = "red"

[[queue_trigger]]
bot = "pbot"
min_items = 2
[queue_trigger.params]
count = 1
mode = "reckless"
"""

GOOD = """
[[schedule]]
name = "morgen"
bot = "pbot"
cron = "0 7 * * *"
[schedule.params]
count = 4
mode = "fast"
"""


def _list(home: Path) -> Result:
    return CliRunner().invoke(schedule.app, ["list"], env={"SEPBOTS_HOME": str(home), "SEPBOTS_LANGUAGE": "en"})


def test_finding17_schedule_list_names_each_schedule_and_key_whose_params_do_not_fit(tmp_path: Path) -> None:
    """``schedule list`` exits 2 naming the file, every schedule or trigger and the parameter key that does not fit."""
    home = make_home(tmp_path, {"pbot": PARAMS_BOT}, BAD)
    result = _list(home)
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert str(home / "config" / "schedules.toml") in out
    assert "schedule 'morgen' [params.count]" in out
    assert "schedule 'aften' [params.colour]" in out and "no parameter 'colour'" in out
    assert "queue_trigger 'pbot' [params.mode]" in out


def test_finding17_fitting_params_are_listed(tmp_path: Path) -> None:
    """Params that fit the bot's model (with its defaults) pass: the schedule is listed with exit 0."""
    home = make_home(tmp_path, {"pbot": PARAMS_BOT}, GOOD)
    result = _list(home)
    assert result.exit_code == 0, result.output
    assert "morgen" in result.output


def test_finding17_runner_start_refuses_schedules_whose_params_do_not_fit(tmp_path: Path) -> None:
    """The runner service exits 2 at start, naming the schedule and key, and schedules nothing."""
    home = make_home(tmp_path, {"pbot": PARAMS_BOT}, BAD)
    proc = RunnerProcess(home).start()
    assert proc.proc is not None
    assert proc.proc.wait(90) == 2
    proc.stop()
    err = " ".join(proc.stderr.split())
    assert "schedule 'morgen' [params.count]" in err and "queue_trigger 'pbot' [params.mode]" in err
    assert query(home, "SELECT COUNT(*) FROM apscheduler_jobs") in ([], [(0,)])
    assert query(home, "SELECT COUNT(*) FROM run_requests") in ([], [(0,)])
