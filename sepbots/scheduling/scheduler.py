"""APScheduler 3.x wired to run requests: each fire only *enqueues*; the worker loop runs.

* Jobs live in the project database (``SQLAlchemyJobStore`` on ``store.engine``, table
  ``apscheduler_jobs``), so a restarted service knows each schedule's next fire time and catches
  up fires it missed while it was down (coalesced to one, within ``misfire_grace_s``).
* The stored job is ``fire(schedule_name, fingerprint)``: a module-level function and plain data
  (APScheduler pickles jobs). ``EnqueueExecutor`` calls it with the fire time and a ``FireSink``,
  so nothing reaches a module global.
* On start, jobs are reconciled with ``schedules.toml``: unchanged schedules keep their stored
  next fire time (and so their missed fires), changed ones are replaced, removed ones deleted.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import structlog
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.base import BaseExecutor
from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from sepbots.clock import Clock
from sepbots.exceptions import StopRequested
from sepbots.scheduling.config import Schedule, ScheduleConfig, TriggerKind
from sepbots.scheduling.triggers import build_trigger
from sepbots.store import Store
from sepbots.store.outage import DatabaseHealth
from sepbots.trigger import Trigger
from sepbots.worker.requests import NewRequest, RunRequests, schedule_key
from sepbots.worker.state import ScheduleStates
from sepbots.worker.tables import APSCHEDULER_TABLE


class FireSink(Protocol):
    """Receives schedule fires."""

    def fire(self, schedule: str, scheduled_for: datetime) -> None: ...


def fire(
    schedule: str, fingerprint: str, *, scheduled_for: datetime | None = None, sink: FireSink | None = None
) -> None:
    """The job function APScheduler stores: hand one fire of ``schedule`` to the sink.

    Args:
        schedule: the schedule's name.
        fingerprint: the trigger's fingerprint when the job was stored (for reconciling).
        scheduled_for: the fire time.
        sink: where fires go (given by ``EnqueueExecutor``; optional only so that APScheduler's
            signature check accepts the stored job, which carries just the plain arguments).

    Raises:
        TypeError: when called without a fire time and sink (not through ``EnqueueExecutor``).
    """
    if scheduled_for is None or sink is None:
        raise TypeError("fire() is run by EnqueueExecutor, which passes scheduled_for and sink")
    sink.fire(schedule, scheduled_for)


def job_fingerprint(schedule: Schedule, config: ScheduleConfig) -> str:
    """Changes whenever the schedule's fire times or misfire options change."""
    trig = build_trigger(schedule, config.calendar)
    return f"{trig.fingerprint()}|grace={schedule.misfire_grace_s}|coalesce={schedule.coalesce}"


def fires_due(job: Job, now: datetime) -> list[datetime]:
    """The fire times APScheduler hands to the executor for ``job`` at ``now`` (coalesced)."""
    run_times: list[datetime] = job._get_run_times(now)
    return run_times[-1:] if job.coalesce and run_times else run_times


class EnqueueExecutor(BaseExecutor):  # type: ignore[misc]  # APScheduler 3 ships no type hints
    """Runs APScheduler jobs on one background thread, passing each fire to ``sink``.

    Fires older than the job's ``misfire_grace_time`` (by the injected clock) are reported as
    missed instead. The database call is retried through outages until it works or shutdown is
    requested, so a fire is not lost to a short outage; a fire enqueued twice is harmless (unique key).
    """

    def __init__(self, sink: FireSink, clock: Clock, health: DatabaseHealth, log: Any) -> None:
        super().__init__()
        self.sink = sink
        self.clock = clock
        self.health = health
        self.log = log
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sepbots-fire")

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        future = self._pool.submit(self.run_job, job, run_times)

        def done(f: concurrent.futures.Future[list[JobExecutionEvent]]) -> None:
            exc = f.exception()
            if exc is not None:
                self._run_job_error(job.id, exc, exc.__traceback__)
            else:
                self._run_job_success(job.id, f.result())

        future.add_done_callback(done)

    def run_job(self, job: Job, run_times: list[datetime]) -> list[JobExecutionEvent]:
        """Pass each fire within its grace time to the sink; returns APScheduler events."""
        events = []
        alias = job._jobstore_alias
        for run_time in run_times:
            late = self.clock.now() - run_time
            if job.misfire_grace_time is not None and late > timedelta(seconds=job.misfire_grace_time):
                self.log.warning(
                    "schedule_fire_missed",
                    schedule=job.id,
                    scheduled_for=run_time.astimezone(UTC).isoformat(),
                    late_s=round(late.total_seconds(), 3),
                    grace_s=job.misfire_grace_time,
                )
                events.append(JobExecutionEvent(EVENT_JOB_MISSED, job.id, alias, run_time))
                continue
            try:
                self.health.call(
                    partial(job.func, *job.args, scheduled_for=run_time, sink=self.sink), "enqueue_fire"
                )
            except StopRequested:
                break
            except Exception as exc:  # reported as a job error event with the traceback
                self.log.error("schedule_fire_failed", schedule=job.id, exc_info=exc)
                events.append(JobExecutionEvent(EVENT_JOB_ERROR, job.id, alias, run_time, exception=exc))
            else:
                events.append(JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, alias, run_time))
        return events


class Firing:
    """The sink of the runner service: a fire becomes a run request and wakes the worker.

    Args:
        requests: the run-request table.
        schedule_states: paused schedules (their fires are skipped).
        config: the schedules.
        wake: set after a request is added, so the worker starts at once.
        log: a structlog logger.
    """

    def __init__(
        self,
        requests: RunRequests,
        schedule_states: ScheduleStates,
        config: ScheduleConfig,
        wake: threading.Event,
        log: Any,
    ) -> None:
        self.requests = requests
        self.schedule_states = schedule_states
        self.config = config
        self.wake = wake
        self.log = log

    def fire(self, schedule: str, scheduled_for: datetime) -> None:
        at = scheduled_for.astimezone(UTC).isoformat()
        sched = next((s for s in self.config.schedules if s.name == schedule), None)
        if sched is None:
            self.log.warning("schedule_fire_unknown", schedule=schedule, scheduled_for=at)
            return
        if self.schedule_states.is_paused(schedule):
            self.log.info("schedule_fire_skipped", schedule=schedule, scheduled_for=at, reason="paused")
            return
        req = self.requests.enqueue(
            NewRequest(
                key=schedule_key(schedule, scheduled_for),
                bot=sched.bot,
                trigger=Trigger.SCHEDULE,
                params=dict(sched.params),
                schedule=schedule,
                scheduled_for=scheduled_for,
                priority=sched.priority,
                max_concurrent=sched.max_concurrent,
                requested_by="scheduler",
                test_mode=sched.test_mode,
            )
        )
        if req is None:
            self.log.info("schedule_fire_duplicate", schedule=schedule, scheduled_for=at)
            return
        self.log.info("schedule_fired", schedule=schedule, bot=sched.bot, scheduled_for=at, request_id=req.id)
        self.wake.set()


class Scheduler:
    """APScheduler's ``BackgroundScheduler`` with the job store in the project database.

    Args:
        store: the project database.
        config: the validated schedules.
        sink: where fires go (usually a :class:`Firing`).
        clock: for misfire decisions.
        health: the shared database-health tracker (its stop, set on shutdown, interrupts outage retries).
        timezone: the scheduler's timezone (``settings.scheduler.timezone``).
        jobstore_retry_s: how soon APScheduler retries its job store after a database error.
        persistent: keep jobs in the database (the service); ``False`` keeps them in memory (the
            demo, which must not touch the installation's stored jobs).
    """

    def __init__(
        self,
        store: Store,
        config: ScheduleConfig,
        sink: FireSink,
        *,
        clock: Clock,
        health: DatabaseHealth,
        timezone: str = "Europe/Copenhagen",
        jobstore_retry_s: float = 1.0,
        persistent: bool = True,
        log: Any | None = None,
    ) -> None:
        self.config = config
        self.log = log or structlog.get_logger("sepbots.scheduler")
        # Outages are logged once per change by DatabaseHealth; APScheduler would log each retry.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        self.executor = EnqueueExecutor(sink, clock, health, self.log)
        jobstore = (
            SQLAlchemyJobStore(engine=store.engine, tablename=APSCHEDULER_TABLE)
            if persistent
            else MemoryJobStore()
        )
        self._aps = BackgroundScheduler(
            timezone=ZoneInfo(timezone),
            jobstores={"default": jobstore},
            executors={"default": self.executor},
            jobstore_retry_interval=jobstore_retry_s,
        )
        self.clock = clock

    def start(self) -> None:
        """Start the scheduler thread after reconciling stored jobs with the config."""
        self._aps.start(paused=True)
        self.reconcile()
        self._aps.resume()

    def lead(self) -> None:
        """This runner became the fleet's scheduler: start (first time) or resume firing."""
        if not self._aps.running:
            self.start()
            return
        self.reconcile()
        self._aps.resume()

    def follow(self) -> None:
        """Another runner leads: stop firing (the stored jobs stay for whoever leads)."""
        if self._aps.running:
            self._aps.pause()

    def reconcile(self) -> dict[str, str]:
        """Make the stored jobs match the config; returns what happened to each schedule."""
        stored = {job.id: job for job in self._aps.get_jobs()}
        outcome: dict[str, str] = {}
        wanted = {s.name: s for s in self.config.schedules if s.enabled}
        for job_id in stored.keys() - wanted.keys():
            self._aps.remove_job(job_id)
            outcome[job_id] = "removed"
        now = self.clock.now()
        for name, sched in wanted.items():
            fingerprint = job_fingerprint(sched, self.config)
            job = stored.get(name)
            if job is not None and tuple(job.args) == (name, fingerprint):
                outcome[name] = "kept"
                continue
            trig = build_trigger(sched, self.config.calendar)
            if sched.kind is TriggerKind.DATE:
                first = trig.get_next_fire_time(None, now)
                if first is None or now - first > timedelta(seconds=sched.misfire_grace_s):
                    if job is not None:
                        self._aps.remove_job(name)
                    outcome[name] = "past"
                    continue
            self._aps.add_job(
                fire,
                trigger=trig,
                args=(name, fingerprint),
                id=name,
                name=name,
                misfire_grace_time=sched.misfire_grace_s,
                coalesce=sched.coalesce,
                max_instances=1,
                replace_existing=True,
            )
            outcome[name] = "replaced" if job is not None else "added"
        self.log.info("schedules_loaded", **outcome)
        return outcome

    def next_fire_time(self, name: str) -> datetime | None:
        """When the stored job of schedule ``name`` fires next (``None`` when it has none)."""
        job = self._aps.get_job(name)
        return None if job is None or job.next_run_time is None else job.next_run_time.astimezone(UTC)

    def shutdown(self) -> None:
        """Stop the scheduler thread and wait for a fire in progress."""
        if self._aps.running:
            self._aps.shutdown(wait=True)
