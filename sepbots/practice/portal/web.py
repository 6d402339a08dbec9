"""What every page of the practice portal shares: its state, rendering, login and CSRF guards."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from sepbots.practice.portal.chaos import ChaosState
from sepbots.practice.portal.config import PortalConfig
from sepbots.practice.portal.database import PortalDatabase
from sepbots.practice.portal.sessions import COOKIE_NAME, Accounts, Clock, Session, SessionStore

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

Endpoint = Callable[[Request], Awaitable[Response]]


class SystemClock:
    """The wall clock, used when the caller injects none."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class Portal:
    """One running portal: its settings, data, sessions, accounts and chaos."""

    config: PortalConfig
    db: PortalDatabase
    sessions: SessionStore
    accounts: Accounts
    chaos: ChaosState
    clock: Clock
    templates: Jinja2Templates

    @classmethod
    def build(cls, config: PortalConfig, clock: Clock, monotonic: Callable[[], float] = time.monotonic) -> Portal:
        """Create the pieces from ``config`` (``monotonic`` is the rate limiter's clock)."""
        return cls(
            config=config,
            db=PortalDatabase(config.db_path),
            sessions=SessionStore(clock, timedelta(minutes=config.session_minutes), config.secret_key),
            accounts=Accounts(
                config.users,
                clock,
                lockout_after=config.lockout_after,
                lockout=timedelta(minutes=config.lockout_minutes),
            ),
            chaos=ChaosState(config.chaos, monotonic),
            clock=clock,
            templates=Jinja2Templates(directory=str(TEMPLATES_DIR)),
        )


def portal_of(request: Request) -> Portal:
    """The portal serving ``request``."""
    return request.app.state.portal  # type: ignore[no-any-return]  # Starlette's app.state is untyped; set by create_app


def current_session(request: Request) -> tuple[Session | None, bool]:
    """The request's live session (or None) and whether a logged-in session just expired."""
    return portal_of(request).sessions.load(request.cookies.get(COOKIE_NAME))


def with_cookie(response: Response, request: Request, session: Session) -> Response:
    """Attach the session cookie to ``response``."""
    response.set_cookie(
        COOKIE_NAME, portal_of(request).sessions.cookie_value(session), httponly=True, samesite="lax"
    )
    return response


def render(
    request: Request,
    template: str,
    session: Session,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """Render ``template`` with the session's user and CSRF token, keeping the session cookie."""
    values = {"user": session.username, "csrf_token": session.csrf_token, **(context or {})}
    response = portal_of(request).templates.TemplateResponse(
        request, template, values, status_code=status_code
    )
    return with_cookie(response, request, session)


def redirect(url: str) -> RedirectResponse:
    """A see-other redirect (after a POST the browser follows with GET)."""
    return RedirectResponse(url, status_code=303)


def login_required(endpoint: Endpoint) -> Endpoint:
    """Send visitors without a live, logged-in session to the login page, remembering where to."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        session, expired = current_session(request)
        if session is None or session.username is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            url = f"/login?next={quote(target, safe='')}" + ("&udloebet=1" if expired else "")
            return redirect(url)
        request.state.session = session
        return await endpoint(request)

    return guarded


async def checked_form(request: Request, session: Session) -> FormData | Response:
    """The posted form, or a 403 page when its CSRF token does not match the session's."""
    form = await request.form()
    if form.get("csrf_token") != session.csrf_token:
        return HTMLResponse(
            "<!doctype html><html lang='da'><head><meta charset='utf-8'><title>Ugyldig formular</title>"
            "</head><body><h1>Ugyldig formular</h1><p>Formularen er udløbet eller kom ikke fra portalen. "
            "Gå tilbage, genindlæs siden og prøv igen.</p></body></html>",
            status_code=403,
        )
    return form


def safe_next(value: str | None) -> str:
    """A local path to continue to after login (never another site)."""
    if value and value.startswith("/") and not value.startswith("//") and not value.startswith("/login"):
        return value
    return "/"
