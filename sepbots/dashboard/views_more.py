"""Pages that depend on other parts of sepbots: schedules (``sepbots.scheduling``), the process
catalogue with business cases (``sepbots.catalogue``) and measured gains (``sepbots.gains``).

Each page renders a clear "not configured" state when its part is not installed or not set up.
"""

from __future__ import annotations

import importlib.util

from starlette.requests import Request
from starlette.responses import Response

from sepbots.dashboard.users import Role
from sepbots.dashboard.web import guard, render


def _available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _not_configured(request: Request, title: str, module: str, hint: str) -> Response:
    return render(request, "notconfigured.html", title=title, module=module, hint=hint)


@guard(Role.VIEWER)
async def schedules(request: Request) -> Response:
    """Schedules with their next fires, paused or running."""
    return _not_configured(request, "nav.schedules", "sepbots.scheduling", "notconfigured.schedules")


@guard(Role.VIEWER)
async def catalogue(request: Request) -> Response:
    """The process catalogue and each process's business case, estimate beside measured."""
    return _not_configured(request, "nav.catalogue", "sepbots.catalogue", "notconfigured.catalogue")


@guard(Role.VIEWER)
async def gains(request: Request) -> Response:
    """Measured gains per process and month, as charts."""
    return _not_configured(request, "nav.gains", "sepbots.gains", "notconfigured.gains_page")
