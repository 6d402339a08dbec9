"""The practice portal: a small server-rendered web app that behaves like a municipal system.

``create_app(PortalConfig(db_path=...))`` returns a Starlette app with login (lockout, session
expiry, CSRF), the form "Anmodning om refusion af sygedagpenge", the company lookup
"Virksomhedsopslag" and chaos settings. ``app.state.portal`` gives tests the running pieces
(``db``, ``sessions``, ``chaos``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from sepbots.practice.data import generate_companies
from sepbots.practice.portal import auth, companies, refusion
from sepbots.practice.portal.chaos import ChaosMiddleware
from sepbots.practice.portal.config import PRACTICE_PASSWORD, PRACTICE_USERNAME, ChaosConfig, PortalConfig
from sepbots.practice.portal.database import PortalDatabase, SearchPage, Submission
from sepbots.practice.portal.sessions import Clock
from sepbots.practice.portal.web import STATIC_DIR, Portal, SystemClock

__all__ = [
    "PRACTICE_PASSWORD",
    "PRACTICE_USERNAME",
    "ChaosConfig",
    "Portal",
    "PortalConfig",
    "PortalDatabase",
    "SearchPage",
    "Submission",
    "create_app",
]


def create_app(
    config: PortalConfig, *, clock: Clock | None = None, monotonic: Callable[[], float] = time.monotonic
) -> Starlette:
    """Build a practice portal.

    Args:
        config: users, session and lockout rules, chaos, database file and data seed.
        clock: where the portal reads the time (session expiry, lockout, receipts); default the
            wall clock. Tests pass a manual clock to expire sessions without waiting.
        monotonic: where the rate limiter reads the time; default ``time.monotonic``. Tests pass a
            manual clock's ``monotonic`` so that a burst is a burst however slow the machine is.

    Returns:
        The ASGI app; ``app.state.portal`` is its :class:`Portal`.
    """
    portal = Portal.build(config, clock or SystemClock(), monotonic)
    portal.db.seed_companies(generate_companies(config.seed, config.company_count))
    app = Starlette(
        routes=[
            *auth.routes,
            *refusion.routes,
            *companies.routes,
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=[Middleware(ChaosMiddleware, state=portal.chaos)],
    )
    app.state.portal = portal
    return app
