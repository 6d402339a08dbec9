"""A run's page and the CLI list every item the run touched, with each attempt, and the counts agree."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from typer.testing import CliRunner

from sepbots import ApplicationException, BotContext, BusinessException, NewItem, WorkItem, bot
from sepbots.cli import app
from sepbots.runtime import Runner, Trigger
from sepbots.workitems.items import RunOutcome, run_items, run_outcome_counts

from .conftest import Dashboard


class Job(BaseModel):
    n: int


def produce(ctx: BotContext[Any]) -> Any:
    for n in range(1, 7):
        yield NewItem(reference=f"job-{n}", payload=Job(n=n))


@bot(name="ledgerbot", producer=produce, max_attempts=2, retry_delay=timedelta(0))
def work(item: WorkItem[Job], ctx: BotContext[Any]) -> None:
    """Job 1 fails once then succeeds; jobs 4-6 need a person."""
    if item.payload.n == 1 and item.attempts == 1:
        raise ApplicationException("portalen svarede ikke", code="TIMEOUT")
    if item.payload.n > 3:
        raise BusinessException("navnet mangler", code="NO_NAME")


def cli(dashboard: Dashboard, *args: str) -> Any:
    result = CliRunner().invoke(app, ["--home", str(dashboard.settings.home), *args],
                                env={"SEPBOTS_KEY": "", "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result


def test_a_retried_item_stays_on_the_first_runs_page_and_counts_agree(dashboard: Dashboard) -> None:
    """After three items are retried in a second run, the first run still lists all six, with each attempt."""
    env = dashboard.env
    first = Runner(env).run(work)
    with env.store.engine.connect() as conn:
        ids = [i.id for i in run_items(conn, first.run_id) if i.outcome is RunOutcome.BUSINESS_EXCEPTION]
    for item_id in ids:
        env.queues.retry(item_id, actor="operator")
    second = Runner(env).run(work, trigger=Trigger.QUEUE, produce=False)
    assert (second.counts.business, second.counts.produced) == (3, 0)

    with env.store.engine.connect() as conn:
        counts = run_outcome_counts(conn, first.run_id)
        items = run_items(conn, first.run_id)
    assert counts == {RunOutcome.DONE: 3, RunOutcome.BUSINESS_EXCEPTION: 3}
    assert sum(counts.values()) == first.counts.done + first.counts.business == len(items) == 6
    job1 = items[0]
    assert [(a.attempt, a.outcome, a.error_code) for a in job1.run_attempts] == [(1, "retry", "TIMEOUT"), (2, "done", None)]

    with dashboard.login("viewer") as client:
        page = client.get(f"/runs/{first.run_id}").text
        assert "Alle (6)" in page and "udført (3)" in page and "manuel behandling (3)" in page
        assert all(f"job-{n}" in page for n in range(1, 7))
        assert "1: forsøges igen (TIMEOUT)" in page
        later = client.get(f"/runs/{second.run_id}").text
        assert "Alle (3)" in later and "job-4" in later and "job-1<" not in later
        only_manual = client.get(f"/runs/{first.run_id}?state=business_exception").text
        assert "job-4" in only_manual and "job-2" not in only_manual

    shown = json.loads(cli(dashboard, "runs", "show", first.run_id[:8], "--format", "json").output)
    assert [i["reference"] for i in shown["items"]] == [f"job-{n}" for n in range(1, 7)]
    assert shown["items_by_outcome"] == {"done": 3, "business_exception": 3}
    assert [a["outcome"] for a in shown["items"][0]["attempts"]] == ["retry", "done"]
    listed = json.loads(cli(dashboard, "runs", "list", "--format", "json").output)["runs"]
    row = next(r for r in listed if r["id"] == first.run_id)
    assert row["done"] + row["business"] + row["failed"] + row["abandoned"] == len(shown["items"])
    table = cli(dashboard, "runs", "show", first.run_id[:8]).output
    assert "job-6" in table and "manuel behandling" in table and "forsøges igen" in table
