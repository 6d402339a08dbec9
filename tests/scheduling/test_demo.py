"""The demo step: a one-off schedule two seconds ahead fires through the real service loop and runs the bot."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from sepbots.cli.demo import ConsolePrinter
from sepbots.demo import DemoContext
from sepbots.demo.schedule import schedule_demo
from sepbots.testing import open_test_environment
from sepbots.worker.requests import RequestState

from .runner_proc import make_home
from .test_service import QUEUE_BOT

HOME_BOT = """
    from __future__ import annotations
    from typing import Any
    from pydantic import BaseModel
    from sepbots import BotContext, NewItem, WorkItem, bot

    class Step(BaseModel):
        n: int

    def produce(ctx: BotContext[Any]):
        for n in (1, 2, 3):
            yield NewItem(reference=f"step-{n}", payload=Step(n=n))

    @bot(name="steps", producer=produce, max_attempts=1)
    def steps(item: WorkItem[Step], ctx: BotContext[Any]) -> None:
        with (ctx.settings.home / "effects.txt").open("a") as fh:
            fh.write(f"{item.reference}\\n")
"""


def test_schedule_demo_fires_and_leaves_stored_jobs_alone(tmp_path: Path) -> None:
    """The demo's schedule fires, its run completes, and nothing is added to the installation's job store."""
    home = make_home(tmp_path, {"steps": HOME_BOT, "qbot": QUEUE_BOT}, "")
    env = open_test_environment(home)
    console = Console(record=True, width=200)
    try:
        ctx = DemoContext(env=env, lang="en", printer=ConsolePrinter(console), work_dir=tmp_path / "demo")
        assert schedule_demo(ctx, bot="steps", params={}, lead_s=1.0) is RequestState.DONE
        assert schedule_demo(ctx, bot="absent") is RequestState.CANCELLED
        with env.store.engine.connect() as conn:
            from sqlalchemy import text

            assert conn.execute(text("SELECT COUNT(*) FROM apscheduler_jobs")).scalar() == 0
            assert conn.execute(text("SELECT trigger, status FROM runs")).all() == [("schedule", "completed")]
    finally:
        env.close()
    out = console.export_text()
    assert "Schedule 'demo-planlagt' starts steps at" in out and "ended as: done" in out
    assert "Skipped: there is no bot absent here." in out
    assert sorted((home / "effects.txt").read_text().split()) == ["step-1", "step-2", "step-3"]
