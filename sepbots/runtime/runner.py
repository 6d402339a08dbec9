"""The run loop: produce, then consume until the queue is drained or a stop is requested.

One run = one bot, one run record, one artifact folder (``<home>/var/runs/<run_id>/`` with the
run's own ``log.jsonl`` and failure evidence). Exceptions are classified in ``classify`` only.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from functools import cached_property
from typing import Any

import structlog
from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from sepbots.environment import Environment
from sepbots.exceptions import ConfigError, InputError, RunRefused, StopRequested
from sepbots.logging import run_log_file
from sepbots.recipes import Recipe, recipe_of
from sepbots.runtime import evidence
from sepbots.runtime.classify import InvalidPayload, ItemTimeout, classify
from sepbots.runtime.context import BotContext
from sepbots.runtime.models import Progress, RunCounts, RunStatus, RunSummary, StopToken, Trigger
from sepbots.runtime.params import resolve_params
from sepbots.runtime.watchdog import Watchdog
from sepbots.store.outage import DatabaseHealth
from sepbots.workitems import items
from sepbots.workitems.feed import ClaimFeed
from sepbots.workitems.models import Claimed, Finished, ItemState, Release, WorkItem
from sepbots.workitems.runs import RunLedger

log = structlog.get_logger("sepbots.runtime")
Gate = Callable[[Recipe, Trigger, bool], None]
_FLUSH_S = 2.0
_RECLAIM_S = 5.0


class Runner:
    """Executes runs of bots against an opened environment.

    Args:
        env: the opened installation.
        gate: called before a run starts with (recipe, trigger, test_mode); raises to refuse it
            (the catalogue's legal gate refuses scheduled production runs of uncleared processes).
    """

    def __init__(self, env: Environment, *, gate: Gate | None = None) -> None:
        self.env = env
        self.gate = gate

    @cached_property
    def _runs(self) -> RunLedger:
        """Where this runner records its runs."""
        return RunLedger(self.env.store, self.env.audit, self.env.runner_id)

    def run(
        self,
        bot: Recipe | Callable[..., Any] | str,
        params: Mapping[str, Any] | BaseModel | None = None,
        *,
        trigger: Trigger = Trigger.MANUAL,
        stop: StopToken | None = None,
        test_mode: bool = False,
        produce: bool = True,
        wait_for_retries: bool = True,
        progress: Callable[[Progress], None] | None = None,
        run_id: str | None = None,
    ) -> RunSummary:
        """Run ``bot`` once and return what happened.

        Raises:
            ConfigError: invalid parameters (before anything is recorded).
            RunRefused: the gate refused the run; it is recorded as a refused run with the reason.
            InputError: the producer or finish step rejected its input (the run is recorded as failed,
                and no item of this run's producer was added).
        """
        recipe = self.env.registry.get(bot) if isinstance(bot, str) else recipe_of(bot)
        params_model = resolve_params(recipe, params)
        run_id = run_id or str(uuid.uuid4())
        if self.gate is not None:
            try:
                self.gate(recipe, trigger, test_mode)
            except Exception as exc:
                reason = self.env.redactor.redact(str(exc) or type(exc).__name__)
                self._refuse(recipe, run_id, trigger, test_mode, params_model, reason)
                raise RunRefused(reason, run_id=run_id) from exc
        stop = stop or StopToken()
        run_dir = self.env.settings.runs_dir / run_id
        clock = self.env.clock
        started = clock.now()
        counts = RunCounts()
        self._insert_run(recipe, run_id, trigger, test_mode, params_model, started)
        refs: Iterable[str]
        status, error, refs = RunStatus.COMPLETED, None, ()
        failure: BaseException | None = None
        with (
            run_log_file(run_dir / "log.jsonl", self.env.redactor),
            structlog.contextvars.bound_contextvars(run_id=run_id, bot=recipe.name),
            ExitStack() as stack,
        ):
            ctx: BotContext[Any] = BotContext(env=self.env, recipe=recipe, params=params_model, run_id=run_id,
                                             run_dir=run_dir, stack=stack, stop=stop, test_mode=test_mode,
                                             started_at=started)
            touched: dict[int, None] = {}  # ids of the items this run released, in order (an ordered set)
            log.info("run_started", trigger=trigger.value, queue=recipe.queue, test_mode=test_mode)
            try:
                if produce and recipe.producer is not None:
                    refs = self._produce(recipe, ctx, run_id, counts)
                stopped = self._consume(recipe, ctx, run_id, counts, stop, wait_for_retries, progress, touched)
                ran_producer = produce and recipe.producer is not None
                if recipe.finish is not None and not stopped and (ran_producer or touched):
                    recipe.finish(ctx, self._items(recipe, refs, touched))
                if stopped:
                    status = RunStatus.STOPPED
                elif counts.failed or counts.abandoned:
                    status = RunStatus.FAILED
                    error = f"{counts.failed + counts.abandoned} item(s) failed after all attempts"
            except StopRequested:
                status = RunStatus.STOPPED
            except Exception as exc:
                status, error, failure = RunStatus.FAILED, self.env.redactor.redact(f"{type(exc).__name__}: {exc}"), exc
                log.error("run_failed", exc_info=True)
            ended = clock.now()
            self._end_run(recipe, run_id, status, counts, ended, error)
            log.info("run_ended", status=status.value, done=counts.done, business=counts.business,
                     failed=counts.failed, retried=counts.retried, produced=counts.produced)
        if isinstance(failure, InputError | ConfigError):
            raise failure  # the CLI reports it with exit code 2; the run is already recorded as failed
        return RunSummary(run_id=run_id, bot=recipe.name, status=status, trigger=trigger, started_at=started,
                          ended_at=ended, counts=counts, error=error, references=tuple(refs), outputs=ctx.outputs)

    # -- steps ----------------------------------------------------------------------------------

    def _produce(self, recipe: Recipe, ctx: BotContext[Any], run_id: str, counts: RunCounts) -> list[str]:
        assert recipe.producer is not None
        produced: Iterable[Any] = recipe.producer(ctx)
        with self.env.store.begin() as conn:  # all or nothing: a bad row halfway adds no item
            added, refs = self.env.queues.add(conn, recipe.queue, produced, max_attempts=recipe.max_attempts,
                                              run_id=run_id, actor=self.env.runner_id, bot=recipe.name)
        counts.produced, counts.added = len(refs), added
        log.info("items_produced", produced=len(refs), added=added)
        return refs

    def _consume(
        self,
        recipe: Recipe,
        ctx: BotContext[Any],
        run_id: str,
        counts: RunCounts,
        stop: StopToken,
        wait_for_retries: bool,
        progress: Callable[[Progress], None] | None,
        touched: dict[int, None],
    ) -> bool:
        queues, clock = self.env.queues, self.env.clock
        total = self._pending(recipe.queue) if progress else 0
        timeout_s = recipe.timeout.total_seconds() if recipe.timeout else None
        health = DatabaseHealth(stop)  # a lost database pauses claiming; results wait until it is back

        def on_result(f: Finished, landed: bool) -> None:
            if landed:
                touched[f.item.id] = None
            else:
                self._lease_lost(f, counts)

        feed = ClaimFeed(queues, recipe.queue, run_id=run_id, bot=recipe.name, health=health, on_result=on_result)
        watchdog = Watchdog(lambda _item_id: queues.heartbeat(feed.held_ids()), self.env.settings.queue.heartbeat_s)
        last_flush = last_reclaim = time.monotonic()
        health.call(lambda: queues.reclaim_expired(recipe.queue))
        try:
            while True:
                if stop.requested:
                    return True
                now_m = time.monotonic()
                if now_m - last_reclaim >= _RECLAIM_S:
                    health.call(lambda: queues.reclaim_expired(recipe.queue))
                    last_reclaim = now_m
                claimed = feed.next()
                if claimed is None:
                    due = health.call(lambda: queues.next_due(recipe.queue)) if wait_for_retries else None
                    if due is None:
                        if wait_for_retries and health.call(lambda: self._in_progress_elsewhere(recipe.queue)):
                            if stop.wait(self.env.settings.queue.poll_s):
                                return True
                            health.call(lambda: queues.reclaim_expired(recipe.queue))
                            continue
                        return False
                    delay = (due - clock.now()).total_seconds()
                    if stop.wait(min(max(delay, 0.0), self.env.settings.queue.poll_s * 5)):
                        return True
                    continue
                self._attempt(recipe, ctx, claimed, run_id, counts, watchdog, timeout_s, feed)
                if progress:
                    total = max(total, counts.processed + counts.retried)
                    progress(Progress(counts, total))
                if time.monotonic() - last_flush >= _FLUSH_S:
                    health.call(lambda: self._flush_counts(run_id, counts))
                    last_flush = time.monotonic()
        finally:
            watchdog.close()
            try:
                feed.close()
            except StopRequested:
                log.warning("results_not_written", note="stopped while the database was unavailable; "
                            "unwritten items return to the queue when their lease expires")

    def _attempt(
        self,
        recipe: Recipe,
        ctx: BotContext[Any],
        claimed: Claimed,
        run_id: str,
        counts: RunCounts,
        watchdog: Watchdog,
        timeout_s: float | None,
        feed: ClaimFeed,
    ) -> None:
        clock = self.env.clock
        exc: BaseException | None = None
        output: dict[str, Any] | None = None
        artifacts: tuple[str, ...] = ()
        with structlog.contextvars.bound_contextvars(item_id=claimed.id, attempt=claimed.attempts):
            ctx.begin_attempt()  # before the payload is validated: a refused payload used nothing either
            t0 = time.monotonic()
            try:
                try:
                    try:
                        payload = recipe.payload_type.model_validate_json(claimed.payload_json)
                    except ValidationError as refused:  # the stored payload, not the bot's work: INVALID_PAYLOAD
                        raise InvalidPayload(refused) from None
                    item = items.claimed_item(recipe.item_type, claimed, payload, run_id)
                    watchdog.start_item(claimed.id, timeout_s)
                    try:
                        result = recipe.func(item, ctx)
                    finally:
                        watchdog.end_item()
                    output = _as_output(result)
                except StopRequested:
                    raise
                except (Exception, ItemTimeout) as caught:
                    exc = caught
            except StopRequested:
                # Put the item back untouched by this attempt's outcome; the next run takes it.
                feed.finished(claimed, Release(ItemState.NEW, next_attempt_at=clock.now()),
                              int((time.monotonic() - t0) * 1000))
                raise
            duration_ms = int((time.monotonic() - t0) * 1000)
            if exc is not None:
                artifacts = self._capture(ctx, claimed)
            ended = clock.now()
            outcome = classify(exc, claimed, recipe, ended, output=output, artifacts=artifacts)
            if exc is not None:
                level = log.warning if outcome.state is ItemState.BUSINESS_EXCEPTION else log.error
                level("item_error", kind=outcome.error_kind.value if outcome.error_kind else None,
                      code=outcome.error_code, state=outcome.state.value,
                      exc_info=exc if outcome.state is not ItemState.BUSINESS_EXCEPTION else None,
                      error=outcome.error_message)
            feed.finished(claimed, outcome, duration_ms, ended)
            _count(counts, outcome, duration_ms, +1)
            log.info("item_released", state=outcome.state.value, duration_ms=duration_ms, code=outcome.error_code)
            if isinstance(exc, ConfigError):
                # The installation is wrong (a missing program, an expired certificate), not this item:
                # every other item would fail the same way, attempt after attempt. The run ends here as
                # failed with the setting named; the remaining items wait untouched for a fixed setup.
                log.error("run_stopped_config", key=exc.key)
                raise exc

    @staticmethod
    def _lease_lost(f: Finished, counts: RunCounts) -> None:
        """The release did not land: another runner took the item over after our lease expired."""
        _count(counts, f.outcome, f.duration_ms, -1)
        log.warning("item_lease_lost", item_id=f.item.id, attempt=f.item.attempts,
                    note="another runner took the item over; this attempt's outcome is dropped")

    def _capture(self, ctx: BotContext[Any], claimed: Claimed) -> tuple[str, ...]:
        """Evidence from the resources this attempt used (redacted, owner-only); never fails the run."""
        return evidence.capture(ctx.resources, ctx.run_dir / "items", f"{claimed.id}-{claimed.attempts}",
                                runs_dir=self.env.settings.runs_dir, mask=ctx.recipe.mask,
                                redact=self.env.redactor.redact)

    # -- records --------------------------------------------------------------------------------

    def _items(self, recipe: Recipe, refs: Iterable[str], touched: Iterable[int]) -> list[WorkItem[Any]]:
        """What ``finish`` receives: every item this run's producer yielded (in producer order), then
        every other item this run processed (a retried item, a queue-triggered run's items), once each."""
        refs, touched = list(refs), list(touched)
        with self.env.store.engine.connect() as conn:
            by_ref = items.by_reference(conn, recipe.queue, refs)
            rows = [by_ref[ref] for ref in refs if ref in by_ref]
            seen = {row.id for row in rows}
            by_id = items.by_id(conn, [i for i in touched if i not in seen])
            conn.rollback()
        rows += [by_id[i] for i in touched if i in by_id]
        decode = self.env.queues.decode_payload
        return [items.work_item(recipe.item_type, row, decode(row, recipe.payload_type)) for row in rows]

    def _pending(self, queue: str) -> int:
        with self.env.store.engine.connect() as conn:
            n = items.count(conn, queue, ItemState.NEW)
            conn.rollback()
        return n

    def _in_progress_elsewhere(self, queue: str) -> bool:
        with self.env.store.engine.connect() as conn:
            found = items.any_in(conn, queue, ItemState.IN_PROGRESS)
            conn.rollback()
        return found

    def _insert_run(self, recipe: Recipe, run_id: str, trigger: Trigger, test_mode: bool, params: BaseModel,
                    started: Any) -> None:
        self._runs.start(run_id, bot=recipe.name, process=recipe.process, queue=recipe.queue,
                             trigger=trigger.value, test_mode=test_mode, params=self._params(params), now=started)

    def _refuse(self, recipe: Recipe, run_id: str, trigger: Trigger, test_mode: bool, params: BaseModel,
                reason: str) -> None:
        """Record a refused run (no items, no artifacts) and its ``run_refused`` audit row."""
        self._runs.refuse(run_id, bot=recipe.name, process=recipe.process, queue=recipe.queue,
                              trigger=trigger.value, test_mode=test_mode, params=self._params(params), reason=reason,
                              now=self.env.clock.now())
        log.warning("run_refused", run_id=run_id, bot=recipe.name, trigger=trigger.value, reason=reason)

    def _params(self, params: BaseModel) -> Any:
        return self.env.redactor.redact_obj(params.model_dump(mode="json"))

    def _flush_counts(self, run_id: str, counts: RunCounts) -> None:
        self._runs.flush_counts(run_id, counts)

    def _end_run(self, recipe: Recipe, run_id: str, status: RunStatus, counts: RunCounts, ended: Any,
                 error: str | None) -> None:
        self._runs.end(run_id, bot=recipe.name, status=status, counts=counts, error=error, now=ended)


def _count(counts: RunCounts, outcome: Release, duration_ms: int, sign: int) -> None:
    counts.work_ms += sign * duration_ms
    state = outcome.state
    if state is ItemState.DONE:
        counts.done += sign
    elif state is ItemState.BUSINESS_EXCEPTION:
        counts.business += sign
    elif state is ItemState.FAILED:
        counts.failed += sign
    elif outcome.error_kind is not None:
        counts.retried += sign


def _as_output(result: Any) -> dict[str, Any] | None:
    if result is None:
        return None
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, Mapping):
        jsonable: dict[str, Any] = to_jsonable_python(dict(result))
        return jsonable
    return {"result": to_jsonable_python(result)}
