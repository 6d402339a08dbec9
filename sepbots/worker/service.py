"""The worker service (``sepbots runner start``): scheduler, queue triggers and the worker loop in one unattended process.

```
APScheduler thread ──fire──► run_requests (unique key) ──wake──► worker loop (main thread)
queue triggers (each tick) ─┘                                    │ claim by priority
                                                                 ▼
heartbeat thread: runner_status row + status file + lease   Runner(env).run(bot, stop=token)
```

* The worker waits on a ``threading.Event`` that this process's fires set, and polls the table
  every ``poll_s`` (0.25 s) for requests other processes add; queue triggers are evaluated on the
  same tick, so an item waiting in a triggered queue starts a run within about a quarter second.
* A run's stop token is set by shutdown and consults ``bot_state`` (cached briefly), so
  ``sepbots bots pause NAME`` stops a run between items; the request goes back to pending.
* A failed run fails its request only; the schedule fires again as planned.
* Database outages: every operation is retried with exponential backoff, logged once when the
  outage starts and once when it ends; a run cut short by an outage is given back and re-run.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from types import FrameType
from typing import Any

import structlog

from sepbots.alerts import AlertService
from sepbots.audit import AuditEvent, AuditEventType
from sepbots.environment import Environment
from sepbots.exceptions import RunRefused, StopRequested, StoreError
from sepbots.runtime import Runner, RunStatus, StopToken, Trigger
from sepbots.runtime.params import resolve_params
from sepbots.scheduling.config import ScheduleConfig, check_params, load_schedules
from sepbots.scheduling.queuetriggers import QueueTriggers
from sepbots.scheduling.scheduler import Firing, Scheduler
from sepbots.store.outage import DatabaseHealth, is_outage, reason
from sepbots.worker.checkpoints import DailyCheckpoint
from sepbots.worker.heartbeat import Heartbeat
from sepbots.worker.requests import RequestState, RunRequest, RunRequests
from sepbots.worker.state import BotStates, ScheduleStates, WorkerState, WorkerStatuses

_PAUSE_CACHE_S = 0.5
_FORGET_WORKERS_AFTER = timedelta(days=7)
_STORE_ERROR = f"{StoreError.__name__}:"  # how the runtime words a run failed by the database


def load_service_config(env: Environment) -> ScheduleConfig:
    """``schedules.toml`` checked against this installation's bots and default timezone.

    Raises:
        ScheduleConfigError: naming the file and every bad entry (also params that do not fit
            the bot's params model, named by schedule and key); the service must not start.
    """
    settings = env.settings
    config = load_schedules(
        settings.schedules_file,
        known_bots=[r.name for r in env.registry],
        timezone=settings.scheduler.timezone,
    )
    check_params(config, lambda bot, params: _fits(env, bot, params))
    return config


def _fits(env: Environment, bot: str, params: dict[str, Any]) -> None:
    """Raises ``ConfigError`` (naming the key) when ``params`` do not fit ``bot``'s params model."""
    resolve_params(env.registry.get(bot), params)


class _PauseCheck:
    """``bot_state.paused`` for one bot, read at most every half second; outages read as 'not paused'."""

    def __init__(self, bots: BotStates, bot: str) -> None:
        self.bots, self.bot = bots, bot
        self._at, self._paused = -1.0, False

    def __call__(self) -> bool:
        now = time.monotonic()
        if now - self._at >= _PAUSE_CACHE_S:
            self._at = now
            try:
                self._paused = self.bots.is_paused(self.bot)
            except Exception as exc:
                if not is_outage(exc):
                    raise
        return self._paused


class WorkerService:
    """One worker process (started by ``sepbots runner start``).

    Args:
        env: the opened installation.
        config: the validated schedules (see :func:`load_service_config`).
        poll_s: how often the worker looks for requests added by other processes.
        heartbeat_s: seconds between heartbeats (default ``settings.queue.heartbeat_s``).
        lease_s: run-request lease (default ``settings.queue.lease_s``).
        gate: passed to the runtime's ``Runner`` (e.g. the catalogue's legal gate).
        persistent_jobs: keep APScheduler's jobs in the database (``False``: in memory, for demos).
        bots: run only requests of these bots (``None``: every bot).
        alerts: checked every ``check_every`` in a thread of its own (``sepbots.alerts.service_for``).
    """

    def __init__(
        self,
        env: Environment,
        config: ScheduleConfig,
        *,
        poll_s: float = 0.25,
        heartbeat_s: float | None = None,
        lease_s: float | None = None,
        gate: Callable[..., None] | None = None,
        persistent_jobs: bool = True,
        bots: set[str] | None = None,
        log: Any | None = None,
        alerts: AlertService | None = None,
    ) -> None:
        self.env, self.config, self.only_bots, self.alerts = env, config, bots, alerts
        self.poll_s, self.gate = poll_s, gate
        self.log = log or structlog.get_logger("sepbots.runner")
        self.worker_id = env.runner_id
        self.lease = timedelta(seconds=lease_s or env.settings.queue.lease_s)
        clock, store = env.clock, env.store
        self.stop_event, self.wake = threading.Event(), threading.Event()
        self.health = DatabaseHealth(self.stop_event, clock=clock, log=self.log, first_wait_s=0.25, max_wait_s=30.0)
        self.requests = RunRequests(store, clock)
        self.bots = BotStates(store, clock)
        self.statuses = WorkerStatuses(store, clock)
        self.queue_triggers = QueueTriggers(
            store, clock, config.queue_triggers, {r.name: r.queue for r in env.registry}
        )
        sink = Firing(self.requests, ScheduleStates(store, clock), config, self.wake, self.log)
        self.scheduler = Scheduler(
            store,
            config,
            sink,
            clock=clock,
            health=self.health,
            timezone=env.settings.scheduler.timezone,
            persistent=persistent_jobs,
            log=self.log,
        )
        self.heartbeat = Heartbeat(
            self.worker_id,
            statuses=self.statuses,
            requests=self.requests,
            health=self.health,
            clock=clock,
            var_dir=env.settings.var_dir,
            interval_s=heartbeat_s or env.settings.queue.heartbeat_s,
            lease=self.lease,
        )
        self.checkpoints = DailyCheckpoint(env.audit, env.settings.logs_dir, clock, self.log)
        self._token: StopToken | None = None
        self._signals = 0

    # -- control ---------------------------------------------------------------------------------

    def request_stop(self) -> None:
        """Stop after the current item (the run stops between items; its request is given back)."""
        self.stop_event.set()
        self.wake.set()
        if self._token is not None:
            self._token.set()

    def install_signal_handlers(self) -> None:
        """SIGTERM/SIGINT (Ctrl+C; Ctrl+Break on Windows): first stops after the item, second gives it back now."""

        def handle(signum: int, _frame: FrameType | None) -> None:
            self._signals += 1
            self.log.info("runner_signal", signal=signal.Signals(signum).name, count=self._signals)
            self.request_stop()
            if self._signals >= 2 and self._token is not None:
                raise StopRequested("second stop signal: give the current item back now")

        signal.signal(signal.SIGINT, handle)
        signal.signal(signal.SIGTERM, handle)
        if sys.platform == "win32":  # pragma: no cover - Windows only
            signal.signal(signal.SIGBREAK, handle)  # type: ignore[attr-defined]  # SIGBREAK exists only on Windows

    # -- scheduling: one scheduler per fleet ----------------------------------------------------

    def _start_scheduling(self) -> None:
        """SQLite (one workstation): schedule here. PostgreSQL (a fleet): only while this worker leads."""
        if self.env.store.dialect != "postgresql":
            self.health.call(self.scheduler.start, "start_scheduler")
            return
        from sepbots.fleet.leader import LeaderElection

        election = LeaderElection(self.env.store, owner=self.worker_id, clock=self.env.clock)

        def elected() -> None:
            self.log.info("scheduler_elected", runner_id=self.worker_id)
            try:
                self.scheduler.lead()
            except Exception as exc:  # the next campaign round tries again; never kill the election
                self.log.error("scheduler_start_failed", exc_info=exc)

        def lost() -> None:
            self.log.info("scheduler_standby", runner_id=self.worker_id)
            self.scheduler.follow()

        def campaign() -> None:
            try:
                election.run(self.stop_event, on_elected=elected, on_lost=lost)
            finally:
                election.close()

        self._election = threading.Thread(target=campaign, name="sepbots-leader", daemon=True)
        self._election.start()

    # -- alerts: checked beside the work, so a long run does not delay them ----------------------

    def _start_alerts(self) -> None:
        alerts = self.alerts
        if alerts is None:
            return
        interval = alerts.config.check_every.total_seconds()

        def loop() -> None:
            while not self.stop_event.wait(interval):
                try:
                    alerts.check()
                except Exception as exc:  # an SMTP server or database hiccup must not end the service
                    self.log.error("alerts_check_failed", exc_info=exc)

        threading.Thread(target=loop, name="sepbots-alerts", daemon=True).start()

    # -- main loop -------------------------------------------------------------------------------

    def run(self) -> int:
        """Run until stopped; returns the process exit code."""
        self.log.info(
            "runner_started",
            runner_id=self.worker_id,
            schedules=len(self.config.schedules),
            queue_triggers=len(self.config.queue_triggers),
            poll_s=self.poll_s,
        )
        try:
            self.heartbeat.beat()
            self.health.call(lambda: self.statuses.forget_stopped(_FORGET_WORKERS_AFTER), "forget_old_runners")
            self._start_scheduling()
            self._start_alerts()
            self.heartbeat.start()
            self.heartbeat.set(state=WorkerState.IDLE)
            failures = 0
            while not self.stop_event.is_set():
                try:
                    worked = self.health.call(self.tick, "runner_tick")
                except Exception as exc:  # a bug must not end an unattended service: log, back off, go on
                    failures += 1
                    self.log.error("runner_tick_failed", exc_info=exc, failures=failures)
                    self.stop_event.wait(min(60.0, 0.5 * 2**failures))
                    continue
                failures = 0
                if not worked:
                    self.wake.wait(self.poll_s)
                    self.wake.clear()
        except StopRequested:
            pass
        finally:
            self._shutdown()
        return 0

    def tick(self) -> bool:
        """Write the day's audit checkpoint when due, evaluate queue triggers, then claim and execute one request;
        ``True`` if one ran."""
        self.checkpoints.write_if_due()
        self.queue_triggers.evaluate()
        request = self.requests.claim(self.worker_id, self.lease, bots=self.only_bots)
        if request is None:
            return False
        self.execute(request)
        return True

    def execute(self, request: RunRequest) -> None:
        """Run the bot of a claimed request and record the outcome on the request."""
        run_id = str(uuid.uuid4())
        log = self.log.bind(
            request_id=request.id, bot=request.bot, run_id=run_id, trigger=request.trigger.value
        )
        self._token = StopToken(check=_PauseCheck(self.bots, request.bot))
        if self.stop_event.is_set():
            self._token.set()
        self.heartbeat.set(state=WorkerState.RUNNING, request_id=request.id, run_id=run_id, bot=request.bot)
        state, error = RequestState.FAILED, None
        try:
            self.health.call(lambda: self.requests.attach_run(request.id, self.worker_id, run_id), "attach_run")
            log.info("request_started", schedule=request.schedule, key=request.key, attempt=request.attempts)
            summary = Runner(self.env, gate=self.gate).run(
                request.bot,
                request.params,
                trigger=request.trigger,
                stop=self._token,
                run_id=run_id,
                produce=request.trigger is not Trigger.QUEUE,
                test_mode=request.test_mode
                or any(s.test_mode for s in self.config.schedules if s.name == request.schedule),
            )
        except StopRequested:
            state = RequestState.PENDING
        except RunRefused as exc:  # recorded as a refused run (runs list, dashboard, audit) by the runtime
            state, error = RequestState.REFUSED, exc.reason
            log.warning("request_refused", reason=exc.reason)
        except Exception as exc:
            if is_outage(exc):
                self.health.failed(exc, "run")
                state, error = RequestState.PENDING, reason(exc)
            else:
                log.error("request_failed", exc_info=exc)
                error = self.env.redactor.redact(f"{type(exc).__name__}: {exc}")
                self.health.call(lambda: self._audit_failure(request, run_id, error or ""), "audit_request_failed")
        else:
            if summary.status is RunStatus.STOPPED:
                state = RequestState.PENDING
            elif summary.status is RunStatus.COMPLETED:
                state = RequestState.DONE
            elif (summary.error or "").startswith(_STORE_ERROR):
                # The database failed mid-run but came back in time to record it: run it again.
                state, error = RequestState.PENDING, summary.error
            else:
                error = summary.error
        finally:
            self._token = None
        self._close(request, state, run_id, error, log)

    def _audit_failure(self, request: RunRequest, run_id: str, error: str) -> None:
        """A request that failed (maybe before its run was recorded) leaves a ``request_failed`` audit row."""
        with self.env.store.begin() as conn:
            self.env.audit.append(conn, [AuditEvent(
                AuditEventType.REQUEST_FAILED, self.worker_id, bot=request.bot, run_id=run_id,
                details={"request_id": request.id, "trigger": request.trigger.value, "reason": error})],
                self.env.clock.now())

    def _close(
        self, request: RunRequest, state: RequestState, run_id: str, error: str | None, log: Any
    ) -> None:
        try:
            if state is RequestState.PENDING:
                self.health.call(lambda: self.requests.release(request.id, self.worker_id), "release_request")
                log.info("request_released", reason=error or "stopped or paused")
            else:
                self.health.call(
                    lambda: self.requests.finish(request.id, self.worker_id, state, run_id=run_id, error=error),
                    "finish_request",
                )
                log.info("request_ended", state=state.value, error=error)
        except StopRequested:
            log.warning(
                "request_left_to_lease", note="stopped during a database outage; its lease will expire"
            )
        self.heartbeat.set(state=WorkerState.IDLE, request_id=None, run_id=None, bot=None)

    def _shutdown(self) -> None:
        self.stop_event.set()
        self.scheduler.shutdown()
        self.heartbeat.stop()
        try:
            self.heartbeat.set(state=WorkerState.STOPPED, request_id=None, run_id=None, bot=None)
        except Exception as exc:  # the database may be gone; the status file says so
            if not is_outage(exc):
                raise
        self.heartbeat.remove_file()
        self.log.info("runner_stopped", runner_id=self.worker_id)
