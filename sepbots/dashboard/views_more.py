"""Pages that depend on other parts of sepbots: the process catalogue with business cases
(``sepbots.catalogue``), measured gains as charts (``sepbots.gains``) and schedules
(``sepbots.scheduling``). Each renders a clear "not configured" state when its part is absent."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sepbots.catalogue.business_case import estimate
from sepbots.dashboard import schedules as schedule_pages
from sepbots.dashboard.messages import MESSAGES
from sepbots.dashboard.users import Role
from sepbots.dashboard.web import bad_parameter, day_param, deps, guard, lang_of, render
from sepbots.exceptions import SepbotsError
from sepbots.i18n import formats
from sepbots.reports.svg import line_chart, paired_bars

MEASURE_DAYS = 90
MAX_GAINS_DAYS = 3660  # ten years: longer periods would draw a chart nobody can read


def _not_configured(request: Request, title: str, module: str, hint: str, error: str | None = None) -> Response:
    return render(request, "notconfigured.html", title=title, module=module, hint=hint, error=error)


@guard(Role.VIEWER)
async def schedules(request: Request) -> Response:
    """Schedules with their next fires and pause state (needs ``sepbots.scheduling``)."""
    if not schedule_pages.installed():
        return _not_configured(request, "nav.schedules", "sepbots.scheduling", "notconfigured.schedules")
    view = await run_in_threadpool(schedule_pages.read_schedules, deps(request).env)
    if view.error is None and not view.rows and not view.queue_triggers:
        return _not_configured(request, "nav.schedules", view.file, "notconfigured.schedules")
    return render(request, "schedules.html", s=view, done=request.query_params.get("done"))


async def _switch(request: Request, paused: bool) -> Response:
    d = deps(request)
    try:
        await run_in_threadpool(schedule_pages.set_paused, d.env, request.path_params["name"], paused,
                                request.state.session.username)
    except SepbotsError as exc:
        raise HTTPException(404) from exc
    return RedirectResponse(f"/schedules?done={'paused' if paused else 'resumed'}", status_code=303)


@guard(Role.OPERATOR)
async def pause_schedule(request: Request) -> Response:
    """Pause a schedule: its fires are skipped until resumed."""
    return await _switch(request, True)


@guard(Role.OPERATOR)
async def resume_schedule(request: Request) -> Response:
    """Resume a paused schedule."""
    return await _switch(request, False)


@guard(Role.VIEWER)
async def catalogue(request: Request) -> Response:
    """Every catalogued process: estimate beside what the last 90 days measured (annualised)."""
    insights = deps(request).insights
    view = await run_in_threadpool(insights.catalogue)
    if view.catalogue is None:
        return _not_configured(request, "nav.catalogue", str(view.folder), "notconfigured.catalogue", view.error)
    ready, result = await run_in_threadpool(insights.gains_if_ready, *insights.last_days(MEASURE_DAYS))
    measured = {p.process_key: p for p in result.figures.processes} if result else {}
    rows = []
    for process in sorted(view.catalogue, key=lambda p: p.name):
        est = estimate(process, insights.settings)
        rows.append((process, est, measured.get(process.key)))
    return render(request, "catalogue.html", rows=rows, days=MEASURE_DAYS, pending=not ready,
                  uncatalogued=result.uncatalogued if result else [])


@guard(Role.VIEWER)
async def gains(request: Request) -> Response:
    """Measured gains for a period: totals, saved hours per process and items per day as charts."""
    insights = deps(request).insights
    day_from = day_param(request.query_params.get("from"), "from")
    day_to = day_param(request.query_params.get("to"), "to")
    view = await run_in_threadpool(insights.catalogue)
    if view.catalogue is None:
        return _not_configured(request, "nav.gains", str(view.folder), "notconfigured.gains_page", view.error)
    first, last = insights.month_to_date()
    start, end = day_from or first, day_to or last
    if end < start:
        start, end = end, start
    if (end - start).days > MAX_GAINS_DAYS:
        raise bad_parameter("from")
    tests = request.query_params.get("tests") == "1"
    if request.query_params.get("refresh") == "1":
        insights.forget()
    result = await run_in_threadpool(insights.gains, start, end, tests)
    assert result is not None
    figures = result.figures
    lang = lang_of(request)
    names = [(p.name_en or p.name) if lang.value == "en" else p.name for p in figures.processes]
    scale = Decimal(figures.days) / Decimal(365)
    hours_chart = paired_bars(
        MESSAGES(lang, "gains.chart_hours"),
        [(name, float(p.saved_hours), float(p.estimate.saved_hours_per_year * scale) if p.estimate else None)
         for name, p in zip(names, figures.processes, strict=True)],
        (MESSAGES(lang, "gains.measured"), MESSAGES(lang, "gains.estimated")),
        lang.value,
    ) if figures.processes else None
    daily: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for p in figures.processes:
        for point in p.daily:
            row = daily[point.day]
            row[0] += point.done
            row[1] += point.handed_over
            row[2] += point.failed
    days = sorted(daily)
    items_chart = line_chart(
        MESSAGES(lang, "gains.chart_items"),
        [formats.day_month(d, lang) for d in days],
        [(MESSAGES(lang, key), [float(daily[d][i]) for d in days])
         for i, key in enumerate(("gains.automated", "gains.manual", "gains.failed"))],
        lang.value,
    ) if len(days) >= 2 else None
    return render(request, "gains.html", g=figures, start=start, end=end, hours_chart=hours_chart,
                  items_chart=items_chart, uncatalogued=result.uncatalogued, tests=tests,
                  has_days=bool(days))
