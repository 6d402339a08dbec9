"""Login, logout and the language switch: the only routes anonymous visitors reach."""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy import Connection
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sepbots.dashboard import sessions, trail, users
from sepbots.dashboard.i18n import Lang
from sepbots.dashboard.web import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    deps,
    guard,
    render,
    safe_next,
    write,
)
from sepbots.environment import Environment


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


async def login_form(request: Request) -> Response:
    """The login page; sets a fresh double-submit CSRF cookie for the form."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    nxt = safe_next(request.query_params.get("next"))
    response = render(request, "login.html", login_csrf=token, next=nxt, error=None)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/login"
    )
    return response


def _attempt(conn: Connection, env: Environment, username: str, password: str, ip: str) -> tuple[str, str | None]:
    """``("ok", token)``, ``("blocked", None)`` or ``("bad", None)``; records and audits the attempt."""
    clock = env.clock
    name = trail.login_name(conn, env, username)  # an unknown name is written down as a keyed token only
    if sessions.login_blocked(conn, name, ip, clock):
        return "blocked", None
    user = users.authenticate(conn, username, password, clock)
    sessions.record_login(conn, name, ip, user is not None, clock)
    if user is None:
        trail.record(conn, env, event="dashboard_login_failed", actor=name, details={"ip": ip})
        return "bad", None
    trail.record(conn, env, event="dashboard_login", actor=user.username, details={"ip": ip})
    return "ok", sessions.open_session(conn, user.id, clock, env.settings.dashboard.session_minutes)


async def login(request: Request) -> Response:
    """Check the form's CSRF token and the password (rate-limited), then start a session."""
    form = await request.form()
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    sent = form.get("csrf")
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(sent, cookie):
        raise HTTPException(403, "csrf")
    username = str(form.get("username") or "").strip()[:100]
    password = str(form.get("password") or "")
    nxt = safe_next(str(form.get("next") or "/"))
    d = deps(request)
    ip = request.client.host if request.client else "-"
    outcome, token = await write(request, _attempt, d.env, username, password, ip)
    if outcome != "ok" or token is None:
        status = 429 if outcome == "blocked" else 401
        error = "login.blocked" if outcome == "blocked" else "login.failed"
        return render(request, "login.html", status_code=status, login_csrf=cookie, next=nxt, error=error)
    response = RedirectResponse(nxt, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request),
        max_age=d.settings.dashboard.session_minutes * 60,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@guard(users.Role.VIEWER)
async def logout(request: Request) -> Response:
    """End the session (POST with CSRF token)."""
    token = request.cookies.get(SESSION_COOKIE)
    await write(request, sessions.close_session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def switch_language(request: Request) -> Response:
    """Remember the chosen language in a cookie and go back."""
    lang = Lang.parse(request.path_params["code"], Lang.DA)
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.set_cookie(LANG_COOKIE, lang.value, samesite="lax", max_age=365 * 24 * 3600)
    return response
