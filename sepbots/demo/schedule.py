"""Demo step: a schedule fires. A one-off schedule 2 s ahead, run by the real service loop.

The service runs for a few seconds on a thread with its jobs in memory (the installation's stored
jobs are left alone) and works only on the demo bot's requests; the step prints when the schedule
was due, when it fired and how the run went, then stops the service as SIGTERM would.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sepbots.i18n import Catalog, label, moment
from sepbots.scheduling.config import Schedule, ScheduleConfig
from sepbots.worker.requests import RequestState, RunRequests, schedule_key
from sepbots.worker.service import WorkerService

if TYPE_CHECKING:
    from sepbots.demo.context import DemoContext

T = Catalog(
    {
        "planned": (
            "Tidsplanen {name!r} starter {bot} kl. {at} (om {s:.0f} s, dansk tid).",
            "Schedule {name!r} starts {bot} at {at} (in {s:.0f} s, Danish time).",
        ),
        "fired": (
            "Tidsplanen blev udløst; kørslen startede {ms:.0f} ms efter det planlagte tidspunkt og endte som: {state}.",
            "The schedule fired; the run started {ms:.0f} ms after its due time and ended as: {state}.",
        ),
        "skipped": ("Springer over: robotten {bot} findes ikke her.", "Skipped: there is no bot {bot} here."),
        "timeout": (
            "Tidsplanen nåede ikke at køre færdig inden for {s} s.",
            "The scheduled run did not finish within {s} s.",
        ),
    }
)

NAME = "demo-planlagt"
SCHEDULE_TITLE = "Tidsplan / a schedule fires"
SCHEDULE_ORDER = 20  # after the fakturakontrol step, whose invoices the scheduled run reuses


def schedule_demo(
    ctx: DemoContext,
    bot: str = "fakturakontrol",
    params: dict[str, Any] | None = None,
    *,
    lead_s: float = 2.0,
    timeout_s: float = 120.0,
) -> RequestState:
    """Schedule ``bot`` ``lead_s`` seconds ahead, run the service until that run ends, report it.

    Args:
        ctx: the demo context.
        bot: the bot to schedule (default: the reference bot ``fakturakontrol`` on the invoices
            its own demo step wrote).
        params: run parameters (default: for ``fakturakontrol``, the demo's invoices).
        lead_s: how far ahead the schedule is due.
        timeout_s: give up after this long.

    Returns:
        the final state of the run request.
    """
    env, lang = ctx.env, ctx.lang
    if bot not in env.registry:
        ctx.printer.line(T(lang, "skipped", bot=bot))
        return RequestState.CANCELLED
    if params is None and bot == "fakturakontrol":
        params = {
            "input": str(ctx.work_dir / "fakturaer.xlsx"),
            "output": str(ctx.work_dir / "fakturakontrol-planlagt.xlsx"),
            "today": "2026-11-28",
        }
    at = (env.clock.now() + timedelta(seconds=lead_s + 1)).replace(microsecond=0)
    schedule = Schedule(name=NAME, bot=bot, at=at, params=params or {}, misfire_grace_s=60)
    service = WorkerService(
        env,
        ScheduleConfig(schedules=(schedule,)),
        poll_s=0.1,
        heartbeat_s=1.0,
        persistent_jobs=False,
        bots={bot},
    )
    ctx.printer.line(
        T(lang, "planned", name=NAME, bot=bot, at=moment(at, lang), s=(at - env.clock.now()).total_seconds())
    )
    thread = threading.Thread(target=service.run, name="sepbots-demo-runner", daemon=True)
    thread.start()
    requests = RunRequests(env.store, env.clock)
    key = schedule_key(NAME, at)
    deadline = time.monotonic() + timeout_s
    request = None
    try:
        while time.monotonic() < deadline:
            request = next((r for r in requests.list(bot=bot, limit=20) if r.key == key), None)
            if request is not None and request.state.final:
                break
            time.sleep(0.1)
    finally:
        service.request_stop()
        thread.join(timeout=60)
    if request is None or not request.state.final or request.started_at is None:
        ctx.printer.line(T(lang, "timeout", s=timeout_s))
        raise RuntimeError("the scheduled demo run did not finish")
    late_ms = (request.started_at - at).total_seconds() * 1000
    ctx.printer.line(T(lang, "fired", ms=late_ms, state=label(lang, "request", request.state)))
    if request.state is not RequestState.DONE:
        raise RuntimeError(request.error or "the scheduled run failed")
    return request.state

