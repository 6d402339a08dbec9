"""Refused and failed run requests are visible with their reason: runs list, runner status, dashboard, audit trail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sepbots.cli import app
from sepbots.cli.runner import production_gate
from sepbots.dashboard import create_app
from sepbots.dashboard.server import ServerThread
from sepbots.environment import Environment
from sepbots.scheduling.config import ScheduleConfig
from sepbots.store.schema import audit_log, runs
from sepbots.testing import open_test_environment
from sepbots.trigger import Trigger
from sepbots.worker.requests import NewRequest, RequestState, RunRequests
from sepbots.worker.service import WorkerService

from .runner_proc import make_home

STEPS_BOT = """
    from typing import Any
    from pydantic import BaseModel, ConfigDict
    from sepbots import BotContext, WorkItem, bot

    class One(BaseModel):
        n: int

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")

    @bot(name="steps", process="ikke-i-kataloget", params=Params)
    def steps(item: WorkItem[One], ctx: BotContext[Any]) -> None:
        pass
"""
SCHEDULES = """
    [[schedule]]
    name = "nat"
    bot = "steps"
    cron = "0 2 * * *"
"""


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[Environment]:
    home = make_home(tmp_path, {"steps": STEPS_BOT}, SCHEDULES, "", test_mode=False)
    env = open_test_environment(home, overrides={"queue": {"poll_s": 0.02}})
    yield env
    env.close()


def cli(env: Environment, *args: str) -> str:
    result = CliRunner().invoke(app, ["--home", str(env.settings.home), *args],
                                env={"SEPBOTS_KEY": "", "COLUMNS": "250"})
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_a_refused_scheduled_run_shows_its_reason_everywhere(installation: Environment) -> None:
    """The legal gate's refusal is a refused run and request with the reason, in the CLI, the dashboard and the trail."""
    env = installation
    requests = RunRequests(env.store, env.clock)
    requests.enqueue(NewRequest(key="schedule:nat:1", bot="steps", trigger=Trigger.SCHEDULE, schedule="nat"))
    service = WorkerService(env, ScheduleConfig(), persistent_jobs=False, gate=production_gate(env.settings, "da"))
    assert service.tick()

    (req,) = requests.list()
    assert req.state is RequestState.REFUSED and "ikke-i-kataloget" in (req.error or "")
    with env.store.engine.connect() as conn:
        run = conn.execute(select(runs)).one()
        events = conn.execute(select(audit_log.c.event, audit_log.c.details)).all()
    assert (run.status, run.id, run.error) == ("refused", req.run_id, req.error)
    refusal = [d for e, d in events if e == "run_refused"]
    assert len(refusal) == 1 and refusal[0]["reason"] == req.error and refusal[0]["trigger"] == "schedule"

    listed = cli(env, "runs", "list")
    assert "afvist" in listed and "ikke-i-kataloget" in listed
    as_json = json.loads(cli(env, "runs", "list", "--format", "json"))
    assert as_json["runs"][0]["status"] == "refused" and as_json["runs"][0]["error"] == req.error
    status = cli(env, "runner", "status")
    assert "Afviste og fejlede" in status and "afvist" in status and "ikke-i-kataloget" in status
    warned = cli(env, "schedule", "list")
    assert "Advarsel: tidsplanen nat vil blive afvist" in warned and "ikke-i-kataloget" in warned
    schedules = json.loads(cli(env, "schedule", "list", "--format", "json"))["schedules"]
    assert "ikke-i-kataloget" in schedules[0]["refused"]

    from argon2 import PasswordHasher
    from sqlalchemy import insert

    from sepbots.store.schema import users

    with env.store.begin() as conn:
        conn.execute(insert(users).values(username="anna", password_hash=PasswordHasher().hash("hest-batteri-42"),
                                          role="viewer", active=True, created_at=env.clock.now()))
    with ServerThread(create_app(env)) as server:
        import httpx

        with httpx.Client(base_url=server.url) as client:
            client.get("/login")
            client.post("/login", data={"username": "anna", "password": "hest-batteri-42",
                                        "csrf": client.cookies["sepbots_login_csrf"], "next": "/"})
            page = client.get("/runs").text
            assert "afvist" in page and "ikke-i-kataloget" in page
            assert "run_refused" in client.get("/audit").text


def test_a_request_that_fails_before_its_run_is_listed_and_audited(installation: Environment) -> None:
    """A request whose parameters are invalid fails with the reason, shows under runs list and leaves an audit row."""
    env = installation
    requests = RunRequests(env.store, env.clock)
    requests.enqueue(NewRequest(key="manual:1", bot="steps", trigger=Trigger.MANUAL, params={"farve": "rød"}))
    assert WorkerService(env, ScheduleConfig(), persistent_jobs=False).tick()
    (req,) = requests.list()
    assert req.state is RequestState.FAILED and "farve" in (req.error or "")
    listed = cli(env, "runs", "list")
    assert "Anmodninger uden kørsel" in listed and "farve" in listed
    with env.store.engine.connect() as conn:
        details = conn.execute(select(audit_log.c.details).where(audit_log.c.event == "request_failed")).scalar_one()
    assert "farve" in details["reason"] and details["request_id"] == req.id
