"""APScheduler wiring: fires become run requests, jobs persist in the database, misfires after downtime."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.job import Job
from apscheduler.schedulers.background import BackgroundScheduler
from structlog.testing import capture_logs

from sepbots.clock import Clock, SystemClock
from sepbots.scheduling.config import ScheduleConfig, parse_schedules
from sepbots.scheduling.scheduler import EnqueueExecutor, Firing, Scheduler, fire, fires_due, job_fingerprint
from sepbots.scheduling.triggers import build_trigger
from sepbots.store import Store
from sepbots.store.outage import DatabaseHealth
from sepbots.testing import ManualClock
from sepbots.trigger import Trigger
from sepbots.worker.requests import RequestState, RunRequest, RunRequests
from sepbots.worker.state import ScheduleStates

BOTS = {"refusion", "flytning"}


def config(body: str) -> ScheduleConfig:
    import tomllib

    return parse_schedules(tomllib.loads(body), known_bots=BOTS)


def service(
    store: Store, cfg: ScheduleConfig, clock: Clock | None = None
) -> tuple[Scheduler, threading.Event, threading.Event]:
    clock = clock or SystemClock()
    wake, stop = threading.Event(), threading.Event()
    sink = Firing(RunRequests(store, clock), ScheduleStates(store, clock), cfg, wake, log=_log())
    sched = Scheduler(store, cfg, sink, clock=clock, health=DatabaseHealth(stop, clock=clock))
    return sched, wake, stop


def _log() -> Any:  # structlog.get_logger is typed Any
    import structlog

    return structlog.get_logger("test")


def _fired_at(request: RunRequest) -> datetime:
    """A scheduled request's fire time (every request a schedule makes has one)."""
    assert request.scheduled_for is not None, f"{request.key} has no fire time"
    return request.scheduled_for


HOURLY = '[[schedule]]\nname = "hourly"\nbot = "refusion"\ncron = "0 * * * *"\n'


def test_jobs_persist_and_reconcile_with_config(sqlite_store: Store) -> None:
    """Jobs live in the database: unchanged schedules keep their next fire, edits replace, removals delete."""
    body = HOURLY + '[[schedule]]\nname = "kvarter"\nbot = "flytning"\nevery = "15m"\n'
    before = datetime.now(UTC)  # read before the scheduler: a read after it may fall past an hour boundary
    first, _, _ = service(sqlite_store, config(body))
    first.start()
    try:
        nxt = first.next_fire_time("hourly")
        assert nxt is not None and nxt.minute == 0 and nxt > before
    finally:
        first.shutdown()

    again, _, _ = service(sqlite_store, config(body))
    again.start()
    try:
        assert again.reconcile() == {"hourly": "kept", "kvarter": "kept"}
        assert again.next_fire_time("hourly") == nxt
    finally:
        again.shutdown()

    edited = body.replace('every = "15m"', 'every = "10m"').replace(
        'cron = "0 * * * *"\n', 'cron = "0 * * * *"\nenabled = false\n'
    )
    third, _, _ = service(sqlite_store, config(edited))
    with capture_logs() as logs:
        third.start()
    try:
        loaded = [e for e in logs if e["event"] == "schedules_loaded"][0]
        assert loaded["hourly"] == "removed" and loaded["kvarter"] == "replaced"
        assert third.next_fire_time("hourly") is None
    finally:
        third.shutdown()


def test_past_one_off_is_not_added(sqlite_store: Store) -> None:
    """A one-off date further in the past than its grace time is reported as past and not stored."""
    cfg = config('[[schedule]]\nname = "engang"\nbot = "refusion"\nat = 2020-01-01T08:00:00\n')
    sched, _, _ = service(sqlite_store, cfg)
    sched.start()
    try:
        assert sched.reconcile() == {"engang": "past"}
        assert sched.next_fire_time("engang") is None
    finally:
        sched.shutdown()


def test_interval_fires_become_requests_and_wake_worker(sqlite_store: Store) -> None:
    """A 1-second schedule enqueues one schedule request per fire, keyed by fire time, and sets the wake event."""
    cfg = config(
        '[[schedule]]\nname = "tick"\nbot = "refusion"\nevery = "1s"\npriority = 7\n[schedule.params]\nx = 1\n'
    )
    sched, wake, stop = service(sqlite_store, cfg)
    requests = RunRequests(sqlite_store, SystemClock())
    with capture_logs():
        sched.start()
        try:
            assert wake.wait(60)
            deadline = time.monotonic() + 60
            while len(requests.list()) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop.set()
            sched.shutdown()
    reqs = sorted(requests.list(), key=lambda r: r.id)
    assert len(reqs) >= 2
    for r in reqs:
        assert r.scheduled_for is not None
        assert r.trigger is Trigger.SCHEDULE and r.schedule == "tick" and r.bot == "refusion"
        assert r.priority == 7 and r.params == {"x": 1} and r.state is RequestState.PENDING
        assert r.scheduled_for.microsecond == 0 and r.key == f"schedule:tick:{r.scheduled_for.isoformat()}"
    # One request per fire, on the 1 s grid. Fires are coalesced when the scheduler thread wakes late
    # (a loaded machine), so two requests are a whole number of seconds apart, not always exactly one.
    fires = [r.scheduled_for for r in reqs]
    assert all(f is not None for f in fires)
    gaps = [b - a for a, b in zip(fires, fires[1:], strict=False) if a is not None and b is not None]
    assert all(gap >= timedelta(seconds=1) and gap % timedelta(seconds=1) == timedelta(0) for gap in gaps), gaps


def _job(cfg: ScheduleConfig, name: str, next_run: datetime) -> Job:
    sched = cfg.schedule(name)
    job = Job(
        BackgroundScheduler(),
        id=name,
        func=fire,
        args=(name, job_fingerprint(sched, cfg)),
        kwargs={},
        name=name,
        trigger=build_trigger(sched, cfg.calendar),
        executor="default",
        misfire_grace_time=sched.misfire_grace_s,
        coalesce=sched.coalesce,
        max_instances=1,
        next_run_time=next_run,
    )
    job._jobstore_alias = "default"
    return job


@pytest.mark.parametrize(
    ("options", "expected_fires", "missed"),
    [
        ("coalesce = true\nmisfire_grace_s = 3600", ["09:00"], 0),
        ("coalesce = false\nmisfire_grace_s = 3600", ["09:00"], 3),
        ("coalesce = false\nmisfire_grace_s = 14400", ["06:00", "07:00", "08:00", "09:00"], 0),
        ("coalesce = true\nmisfire_grace_s = 600", [], 1),
    ],
)
def test_misfires_after_downtime(
    sqlite_store: Store, clock: ManualClock, options: str, expected_fires: list[str], missed: int
) -> None:
    """After a 06:00–09:30 UTC outage an hourly schedule runs the latest fire (coalesce) or each fire within grace."""
    cfg = config(HOURLY + options + "\n")
    clock.advance(hours=-0.5)  # 09:30 UTC: the service was down since before 06:00
    job = _job(cfg, "hourly", datetime(2026, 4, 1, 6, 0, tzinfo=UTC))
    requests = RunRequests(sqlite_store, clock)
    sink = Firing(requests, ScheduleStates(sqlite_store, clock), cfg, threading.Event(), _log())
    executor = EnqueueExecutor(sink, clock, DatabaseHealth(threading.Event(), clock=clock), _log())
    with capture_logs() as logs:
        executor.run_job(job, fires_due(job, clock.now()))
    assert sorted(_fired_at(r).strftime("%H:%M") for r in requests.list()) == expected_fires
    assert sum(e["event"] == "schedule_fire_missed" for e in logs) == missed
    executor.shutdown()


def test_paused_schedule_skips_fires(sqlite_store: Store, clock: ManualClock) -> None:
    """A paused schedule's fire is logged as skipped and starts nothing; resumed, it fires again."""
    cfg = config(HOURLY)
    requests, states = RunRequests(sqlite_store, clock), ScheduleStates(sqlite_store, clock)
    sink = Firing(requests, states, cfg, threading.Event(), _log())
    states.pause("hourly", by="ops")
    with capture_logs() as logs:
        sink.fire("hourly", datetime(2026, 4, 1, 9, tzinfo=UTC))
        states.resume("hourly")
        sink.fire("hourly", datetime(2026, 4, 1, 10, tzinfo=UTC))
        sink.fire("hourly", datetime(2026, 4, 1, 10, tzinfo=UTC))
        sink.fire("gone", datetime(2026, 4, 1, 10, tzinfo=UTC))
    assert [e["event"] for e in logs] == [
        "schedule_fire_skipped",
        "schedule_fired",
        "schedule_fire_duplicate",
        "schedule_fire_unknown",
    ]
    assert [_fired_at(r).hour for r in requests.list()] == [10]


def test_fire_outside_executor_is_refused() -> None:
    """The stored job function needs the executor's fire time and sink."""
    with pytest.raises(TypeError):
        fire("x", "fp")
