"""Request plumbing shared by the views: dependencies, database calls off the event loop, the
access guard (session, role, CSRF) and page rendering."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial, wraps
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
import anyio.to_thread
import jinja2
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sepbots.clock import Clock
from sepbots.config import Settings
from sepbots.dashboard import i18n
from sepbots.dashboard.chain import ChainMonitor
from sepbots.dashboard.i18n import Lang
from sepbots.dashboard.insights import Insights
from sepbots.dashboard.sessions import Session, load_session
from sepbots.dashboard.ratelimit import Limits
from sepbots.dashboard.users import Candidate, Role, Verdict, verify_password
from sepbots.environment import Environment
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
    _hash_limiter: anyio.CapacityLimiter | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        return self.env.settings

    @property
    def login_limits(self) -> Limits:
        s = self.settings.dashboard
        return Limits(s.login_failures_per_user, s.login_failures_per_address, s.login_failures_total)

    async def verify_password(self, candidate: Candidate, password: str) -> Verdict:
        """argon2 in a worker thread, one at a time: a login flood cannot take every CPU from the robots."""
        if self._hash_limiter is None:
            self._hash_limiter = anyio.CapacityLimiter(1)  # made on the event loop, at first use
        return await anyio.to_thread.run_sync(verify_password, candidate, password, limiter=self._hash_limiter)

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
    return request.app.state.deps  # type: ignore[no-any-return]


async def read(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """``fn(conn, *args)`` on a read connection, in the thread pool."""
    return await run_in_threadpool(partial(deps(request).read, fn, *args))


async def write(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """``fn(conn, *args)`` in a write transaction, in the thread pool."""
    return await run_in_threadpool(partial(deps(request).write, fn, *args))


def lang_of(request: Request) -> Lang:
    """The visitor's language: the language cookie, else the configured default."""
    return Lang.parse(request.cookies.get(LANG_COOKIE), Lang(deps(request).settings.language))


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
        t=partial(i18n.translate, lang),
        num=lambda v, decimals=0: i18n.fmt_number(v, lang, decimals),
        dt=lambda v, seconds=False: i18n.fmt_datetime(v, lang, seconds),
        day=lambda v: i18n.fmt_date(v, lang),
        dur=lambda v: i18n.fmt_duration(v, lang),
        mask=lambda text: d.env.redactor.redact(text) if text else text,
        can=lambda role: bool(session and session.role.allows(Role(role))),
        path=request.url.path,
        query=request.url.query,
        **context,
    )
    return Response(page, status_code=status_code, media_type="text/html; charset=utf-8")


def int_param(value: str | None, default: int | None = None) -> int | None:
    """A query/form value as an int, or ``default`` when missing or not a number."""
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default
