"""Request plumbing shared by the views: dependencies, database calls off the event loop, the
access guard (session, role, CSRF) and page rendering."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial, wraps
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import jinja2
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sepbots.clock import Clock
from sepbots.config import Settings
from sepbots.dashboard.chain import ChainMonitor
from sepbots.dashboard.hashing import PasswordChecker
from sepbots.dashboard.insights import Insights
from sepbots.dashboard.messages import MESSAGES
from sepbots.dashboard.ratelimit import Limits
from sepbots.dashboard.sessions import Session, load_session
from sepbots.dashboard.users import Role
from sepbots.environment import Environment
from sepbots.i18n import Language, formats
from sepbots.store import Store

SESSION_COOKIE = "sepbots_session"
LANG_COOKIE = "sepbots_lang"
LOGIN_CSRF_COOKIE = "sepbots_login_csrf"

T = TypeVar("T")
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass
class Deps:
    """What every request needs; built once by ``create_app``."""

    env: Environment
    read_engine: Engine
    templates: jinja2.Environment
    chain: ChainMonitor
    insights: Insights
    passwords: PasswordChecker = field(default_factory=PasswordChecker, repr=False)

    @property
    def settings(self) -> Settings:
        return self.env.settings

    @property
    def login_limits(self) -> Limits:
        s = self.settings.dashboard
        return Limits(s.login_failures_per_user, s.login_failures_per_address, s.login_failures_total)

    @property
    def store(self) -> Store:
        return self.env.store

    @property
    def clock(self) -> Clock:
        return self.env.clock

    @property
    def runs_dir(self) -> Path:
        return self.settings.runs_dir

    def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(conn, *args)`` on a read connection (no write lock taken)."""
        with self.read_engine.connect() as conn:
            try:
                return fn(conn, *args)
            finally:
                conn.rollback()

    def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(conn, *args)`` in one write transaction."""
        with self.store.begin() as conn:
            return fn(conn, *args)


def deps(request: Request) -> Deps:
    return request.app.state.deps  # type: ignore[no-any-return]  # Starlette's app.state is untyped; set by create_app


async def read(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """``fn(conn, *args)`` on a read connection, in the thread pool."""
    return await run_in_threadpool(partial(deps(request).read, fn, *args))


async def write(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """``fn(conn, *args)`` in a write transaction, in the thread pool."""
    return await run_in_threadpool(partial(deps(request).write, fn, *args))


def lang_of(request: Request) -> Language:
    """The visitor's language: the language cookie, else the configured default."""
    return Language.parse(request.cookies.get(LANG_COOKIE), Language(deps(request).settings.language))


def safe_next(target: str | None) -> str:
    """A local path to go to after login or a language switch (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def guard(role: Role) -> Callable[[Endpoint], Endpoint]:
    """Require a live session with at least ``role``; POSTs also need the session's CSRF token.

    Anonymous visitors are sent to the login page; a too-small role or a missing/wrong CSRF
    token is answered with 403.
    """

    def decorate(fn: Endpoint) -> Endpoint:
        @wraps(fn)
        async def endpoint(request: Request) -> Response:
            d = deps(request)
            token = request.cookies.get(SESSION_COOKIE)
            session = await run_in_threadpool(partial(d.read, load_session, token, d.clock))
            if session is None:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                nxt = target if request.method == "GET" else "/"
                return RedirectResponse(f"/login?next={quote(nxt)}", status_code=303)
            request.state.session = session
            if request.method == "POST":
                form = await request.form()
                sent = form.get("csrf")
                if not isinstance(sent, str) or not hmac.compare_digest(sent, session.csrf):
                    raise HTTPException(403, "csrf")
                request.state.form = form
            if not session.role.allows(role):
                raise HTTPException(403, "role")
            return await fn(request)

        return endpoint

    return decorate


def session_of(request: Request) -> Session | None:
    return getattr(request.state, "session", None)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """Render ``template`` in the visitor's language with the helpers every page uses."""
    d = deps(request)
    lang = lang_of(request)
    session = session_of(request)
    page = d.templates.get_template(template).render(
        request=request,
        lang=lang.value,
        session=session,
        csrf=session.csrf if session else "",
        t=partial(MESSAGES.text, lang),
        num=lambda v, decimals=0: formats.number(v, lang, decimals),
        dt=lambda v, seconds=False: formats.datetime(v, lang, seconds),
        day=lambda v: formats.date(v, lang),
        dur=lambda v: formats.duration(v, lang),
        mask=lambda text: d.env.redactor.redact(text) if text else text,
        can=lambda role: bool(session and session.role.allows(Role(role))),
        path=request.url.path,
        query=request.url.query,
        **context,
    )
    return Response(page, status_code=status_code, media_type="text/html; charset=utf-8")


MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL (bigint) can hold
MAX_PAGE = 1_000_000
FIRST_DAY = date(1900, 1, 1)  # dates outside these bounds cannot be turned into local times safely
LAST_DAY = date(2999, 12, 31)


def bad_parameter(name: str) -> HTTPException:
    """400 for a query or path value that is not a number or date in range (never a 500)."""
    return HTTPException(400, name)


def int_param(value: str | None, name: str, *, default: int | None = None, minimum: int = 1,
              maximum: int = MAX_ID) -> int | None:
    """A query or path value as an int in ``[minimum, maximum]``; ``default`` when missing.

    Raises:
        HTTPException: 400 naming the parameter when the value is not such a number.
    """
    if value in (None, ""):
        return default
    text = value.strip()
    if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 20:
        raise bad_parameter(name)
    number = int(text)
    if not minimum <= number <= maximum:
        raise bad_parameter(name)
    return number


def page_param(request: Request) -> int:
    """The ``page`` query value (1 when missing)."""
    return int_param(request.query_params.get("page"), "page", default=1, maximum=MAX_PAGE) or 1


def day_param(value: str | None, name: str) -> date | None:
    """A ``YYYY-MM-DD`` query value between 1900 and 2999; ``None`` when missing.

    Raises:
        HTTPException: 400 naming the parameter for any other value.
    """
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise bad_parameter(name) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise bad_parameter(name)
    return day
