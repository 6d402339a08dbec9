"""The run loop: classification, retries, timeouts, stops, run records and finish."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from sepbots import (
    ApplicationException,
    BotContext,
    BusinessException,
    InputError,
    ItemState,
    NewItem,
    Runner,
    RunStatus,
    StopToken,
    WorkItem,
    bot,
)
from sepbots.environment import Environment
from sepbots.exceptions import ConfigError
from sepbots.letters import find_soffice
from sepbots.store.schema import item_attempts, runs, work_items


class Job(BaseModel):
    n: int
    action: str = "ok"


class JobParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    jobs: list[Job] = []


def produce_jobs(ctx: BotContext[JobParams]) -> Iterator[NewItem[Job]]:
    for job in ctx.params.jobs:
        yield NewItem(reference=f"job-{job.n}", payload=job)


FINISHED: list[list[WorkItem[Job]]] = []
CALLS: dict[int, int] = {}


def remember(ctx: BotContext[JobParams], items: list[WorkItem[Job]]) -> None:
    FINISHED.append(items)


@bot(name="jobs", params=JobParams, producer=produce_jobs, finish=remember, max_attempts=3,
     retry_delay=timedelta(milliseconds=20), backoff=2.0, timeout=timedelta(seconds=0.5))
def do_job(item: WorkItem[Job], ctx: BotContext[JobParams]) -> dict[str, Any]:
    CALLS[item.payload.n] = CALLS.get(item.payload.n, 0) + 1
    action = item.payload.action
    if action == "business":
        raise BusinessException("the amount must be positive", code="BAD_AMOUNT")
    if action == "app":
        raise ApplicationException("the portal answered 503", code="PORTAL_DOWN")
    if action == "crash":
        raise KeyError("surprise")
    if action == "flaky" and item.attempts < 2:
        raise ApplicationException("temporary glitch", code="GLITCH")
    if action == "slow":
        while True:
            time.sleep(0.01)
    return {"n": item.payload.n, "attempt": item.attempts}


def jobs(*spec: str) -> dict[str, Any]:
    return {"jobs": [{"n": i, "action": a} for i, a in enumerate(spec, start=1)]}


@pytest.fixture(autouse=True)
def _reset() -> None:
    FINISHED.clear()
    CALLS.clear()


def item_rows(env: Environment) -> dict[str, Any]:
    with env.store.engine.connect() as conn:
        return {r.reference: r for r in conn.execute(select(work_items).where(work_items.c.queue == "jobs"))}


def test_each_outcome_is_classified_in_one_place(env: Environment) -> None:
    """Success is done, BusinessException is manual handling without retry, application and unknown errors are retried then failed."""
    summary = Runner(env).run(do_job, jobs("ok", "business", "app", "crash", "flaky"))
    rows = item_rows(env)
    assert rows["job-1"].state == ItemState.DONE
    assert rows["job-2"].state == ItemState.BUSINESS_EXCEPTION
    assert (rows["job-2"].attempts, rows["job-2"].error_code) == (1, "BAD_AMOUNT")
    assert (rows["job-3"].state, rows["job-3"].attempts, rows["job-3"].error_code) == (ItemState.FAILED, 3, "PORTAL_DOWN")
    assert (rows["job-4"].state, rows["job-4"].error_code) == (ItemState.FAILED, "KEYERROR")
    assert "KeyError" in rows["job-4"].error_message
    assert (rows["job-5"].state, rows["job-5"].attempts) == (ItemState.DONE, 2)
    assert CALLS == {1: 1, 2: 1, 3: 3, 4: 3, 5: 2}
    c = summary.counts
    assert (c.done, c.business, c.failed, c.retried) == (2, 1, 2, 5)
    assert summary.status is RunStatus.FAILED  # items failed after all attempts


@bot(name="slow_retry", max_attempts=3, retry_delay=timedelta(seconds=0.2), backoff=2.0)
def slow_retry(item: WorkItem[Job], ctx: BotContext[Any]) -> None:
    raise ApplicationException("still down", code="DOWN")


def test_retry_waits_grow_with_backoff(env: Environment) -> None:
    """Each retry of an application error waits retry_delay × backoff^(attempt-1) (0.2 s, then 0.4 s)."""
    with env.store.begin() as conn:
        env.queues.add(conn, "slow_retry", [NewItem(reference="x", payload=Job(n=1))], max_attempts=3,
                       run_id=None, actor="test")
    Runner(env).run(slow_retry)
    with env.store.engine.connect() as conn:
        attempts = conn.execute(select(item_attempts).order_by(item_attempts.c.id)).all()
    assert [a.outcome for a in attempts] == ["retry", "retry", "failed"]
    gap1 = (attempts[1].started_at - attempts[0].ended_at).total_seconds()
    gap2 = (attempts[2].started_at - attempts[1].ended_at).total_seconds()
    assert gap1 >= 0.15 and gap2 >= 0.35 and gap2 > gap1


def test_a_completed_run_records_its_counts_and_finish_sees_every_item(env: Environment) -> None:
    """The run record holds trigger, times, counts and status; finish gets the producer's items in order."""
    summary = Runner(env).run(do_job, jobs("ok", "business", "ok"))
    assert summary.status is RunStatus.COMPLETED
    with env.store.engine.connect() as conn:
        run = conn.execute(select(runs).where(runs.c.id == summary.run_id)).one()
    assert (run.status, run.trigger, run.done, run.business, run.produced) == ("completed", "manual", 2, 1, 3)
    assert run.ended_at >= run.started_at
    assert [i.reference for i in FINISHED[0]] == ["job-1", "job-2", "job-3"]
    assert [i.state for i in FINISHED[0]] == [ItemState.DONE, ItemState.BUSINESS_EXCEPTION, ItemState.DONE]
    assert FINISHED[0][0].output == {"n": 1, "attempt": 1}


def test_rerunning_the_same_input_adds_and_processes_nothing_twice(env: Environment) -> None:
    """Unique references per queue make producers idempotent: a second run finds no new work."""
    Runner(env).run(do_job, jobs("ok", "ok"))
    second = Runner(env).run(do_job, jobs("ok", "ok"))
    assert (second.counts.produced, second.counts.added, second.counts.done) == (2, 0, 0)
    assert CALLS == {1: 1, 2: 1}
    assert [i.state for i in FINISHED[1]] == [ItemState.DONE, ItemState.DONE]


def test_an_item_past_its_timeout_is_interrupted_and_retried(env: Environment) -> None:
    """A processor that runs past the per-item timeout is stopped and counted as an application error."""
    t0 = time.monotonic()
    Runner(env).run(do_job, jobs("slow"))
    row = item_rows(env)["job-1"]
    assert (row.state, row.error_code, row.attempts) == (ItemState.FAILED, "TIMEOUT", 3)
    assert time.monotonic() - t0 < 60  # the item never ends by itself: interrupted (about 1.6 s idle), not hung


class Strict(BaseModel):
    amount: int


@bot(name="strict", max_attempts=2)
def strict(item: WorkItem[Strict], ctx: BotContext[Any]) -> None:
    return None


def test_a_payload_that_fails_validation_is_a_business_exception_naming_the_field(env: Environment) -> None:
    """An item whose stored payload no longer fits the model goes to manual handling, naming the field and why
    in Danish and English, not the value."""
    from sepbots.recipes import recipe_of

    class Loose(BaseModel):
        amount: str

    with env.store.begin() as conn:
        env.queues.add(conn, "strict", [NewItem(reference="r1", payload=Loose(amount="tolv"))], max_attempts=2,
                       run_id=None, actor="test")
    Runner(env).run(strict)
    with env.store.engine.connect() as conn:
        row = conn.execute(select(work_items).where(work_items.c.queue == recipe_of(strict).queue)).one()
    assert row.state == ItemState.BUSINESS_EXCEPTION
    assert row.error_code == "INVALID_PAYLOAD"
    assert row.error_message == "ugyldige data i opgaven / invalid payload: amount: skal være et helt tal / must be a whole number"


class Receipt(BaseModel):
    transaction_id: int


@bot(name="reader", max_attempts=3)
def reader(item: WorkItem[Strict], ctx: BotContext[Any]) -> None:
    Receipt.model_validate({"transaction_id": "010190-1234"})  # a system's answer that does not fit the bot's model


def test_data_the_bot_finds_invalid_is_invalid_data_not_an_invalid_payload(env: Environment) -> None:
    """A ValidationError raised by the bot's own code (an answer from a system it checks with a model) is named
    for what it is — the model and field, in Danish and English, never the value — not as the item's payload."""
    from sepbots.recipes import recipe_of

    with env.store.begin() as conn:
        env.queues.add(conn, recipe_of(reader).queue, [NewItem(reference="r1", payload=Strict(amount=12))], max_attempts=3,
                       run_id=None, actor="test")
    Runner(env).run(reader)
    with env.store.engine.connect() as conn:
        row = conn.execute(select(work_items).where(work_items.c.queue == recipe_of(reader).queue)).one()
    assert (row.state, row.error_code, row.attempts) == (ItemState.BUSINESS_EXCEPTION, "INVALID_DATA", 1)
    assert row.error_message == ("ugyldige data (Receipt) / invalid data (Receipt): transaction_id: "
                                 "skal være et helt tal / must be a whole number")
    assert "010190" not in row.error_message


def test_a_stop_request_is_honoured_between_items(env: Environment) -> None:
    """After a stop is requested the run ends with status stopped and the rest stays queued."""
    token = StopToken()
    seen = []

    def progress(p: Any) -> None:
        seen.append(p.counts.done)
        if p.counts.done == 2:
            token.set()

    summary = Runner(env).run(do_job, jobs("ok", "ok", "ok", "ok"), stop=token, progress=progress)
    assert summary.status is RunStatus.STOPPED
    states = sorted(r.state for r in item_rows(env).values())
    assert states == ["done", "done", "new", "new"]
    assert FINISHED == []  # outputs are only written by a run that drained its queue


class BadInputParams(BaseModel):
    rows: int


def produce_then_fail(ctx: BotContext[BadInputParams]) -> Iterator[NewItem[Job]]:
    for n in range(ctx.params.rows):
        yield NewItem(reference=f"r{n}", payload=Job(n=n))
    raise InputError("text in an amount cell", file="in.xlsx", sheet="Ark1", row=7, column="Beløb")


@bot(name="halfway", params=BadInputParams, producer=produce_then_fail)
def halfway(item: WorkItem[Job], ctx: BotContext[BadInputParams]) -> None:
    return None


def test_a_producer_input_error_adds_nothing_and_names_the_cell(env: Environment) -> None:
    """A bad row halfway through the input rolls back every item of that run and is raised with its location."""
    with pytest.raises(InputError) as info:
        Runner(env).run(halfway, {"rows": 5})
    assert "ark/sheet 'Ark1', række/row 7, kolonne/column 'Beløb'" in str(info.value)
    with env.store.engine.connect() as conn:
        assert conn.execute(select(work_items)).all() == []
        run = conn.execute(select(runs)).one()
    assert run.status == "failed" and "Beløb" in run.error


@bot(name="letters_misconfigured", params=JobParams, producer=produce_jobs, max_attempts=3,
     retry_delay=timedelta(milliseconds=20))
def letters_misconfigured(item: WorkItem[Job], ctx: BotContext[JobParams]) -> None:
    CALLS[item.payload.n] = CALLS.get(item.payload.n, 0) + 1
    find_soffice("/ingen/steder/soffice")  # the letters toolkit's real check: a setting that points nowhere


def test_a_configuration_error_ends_the_run_at_the_first_item_and_leaves_the_rest_untouched(
        env: Environment) -> None:
    """A wrong setting fails every item alike: the run stops at once, failed, naming the key; no item is used up."""
    with pytest.raises(ConfigError) as info:
        Runner(env).run(letters_misconfigured, jobs("ok", "ok", "ok"))
    assert info.value.key == "letters.soffice"
    assert CALLS == {1: 1}  # one attempt, not 3 attempts x 3 items
    with env.store.engine.connect() as conn:
        rows = {r.reference: r for r in conn.execute(
            select(work_items).where(work_items.c.queue == "letters_misconfigured"))}
        run = conn.execute(select(runs).where(runs.c.bot == "letters_misconfigured")).one()
    assert {ref: (r.state, r.attempts) for ref, r in rows.items()} == {
        "job-1": ("new", 1), "job-2": ("new", 0), "job-3": ("new", 0)}
    assert rows["job-1"].error_code == "CONFIGERROR" and "letters.soffice" in rows["job-1"].error_message
    assert run.status == "failed" and "letters.soffice" in run.error
