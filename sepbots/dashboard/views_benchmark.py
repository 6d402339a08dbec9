"""The benchmark page: processes we share with other municipalities, side by side per 1,000 inhabitants."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sepbots.catalogue.benchmark import Row, compare, load_all, measured_of, own
from sepbots.catalogue.scaling import scale_catalogue
from sepbots.dashboard.users import Role
from sepbots.dashboard.web import deps, guard, render
from sepbots.exceptions import SepbotsError

MEASURE_DAYS = 90


@guard(Role.VIEWER)
async def benchmark(request: Request) -> Response:
    """Volumes, minutes, automation share and savings per municipality for every shared process."""
    insights = deps(request).insights
    view = await run_in_threadpool(insights.catalogue)
    if view.catalogue is None:
        return render(request, "notconfigured.html", title="nav.benchmark", module=str(view.folder),
                      hint="notconfigured.catalogue", error=view.error)
    municipality = deps(request).env.settings.municipality
    ready, result = await run_in_threadpool(insights.gains_if_ready, *insights.last_days(MEASURE_DAYS))
    measured = measured_of(result.figures.processes) if result else {}
    error = None
    rows: list[Row] = []
    try:
        others = await run_in_threadpool(load_all, view.folder)
        ours = own(scale_catalogue(view.catalogue, municipality), insights.settings, municipality, measured)
        rows = compare(ours, others)
    except SepbotsError as exc:
        error = str(exc)
    return render(request, "benchmark.html", rows=rows, days=MEASURE_DAYS, pending=not ready, error=error,
                  normalised=municipality is not None)
