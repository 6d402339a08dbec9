"""Login, logout and the language switch: the only routes anonymous visitors reach."""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy import Connection
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sepbots.dashboard import ratelimit, sessions, trail, users
from sepbots.dashboard.web import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    deps,
    guard,
    read,
    render,
    safe_next,
    write,
)
from sepbots.environment import Environment
from sepbots.i18n import Language


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


def _finish(
    conn: Connection, env: Environment, candidate: users.Candidate, verdict: users.Verdict, name: str, ip: str
) -> str | None:
    """Record a checked attempt and audit it; a session token when the login is accepted.

    ``name`` is the login name as it may be written down (``trail.login_name``): an unknown name
    only as a keyed token.
    """
    now = env.clock.now()
    user = users.accept_login(conn, candidate, verdict, now)
    if user is None:
        trail.record(conn, env, event="dashboard_login_failed", actor=name, details={"ip": ip})
        return None
    ratelimit.succeeded(conn, name, ip, now)
    trail.record(conn, env, event="dashboard_login", actor=user.username, details={"ip": ip})
    return sessions.open_session(conn, user.id, env.clock, env.settings.dashboard.session_minutes)


async def login(request: Request) -> Response:
    """Check the form's CSRF token and the rate limits, then the password, then start a session.

    The limits are read first (a refused attempt writes nothing), then the attempt is counted as
    failed in a short write transaction; argon2 runs on the dashboard's own worker thread,
    one check at a time, outside any transaction; a short write records a success and the audit row.
    """
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
    name = await read(request, trail.login_name, d.env, username)  # an unknown name is written only as a keyed token
    block = await read(request, ratelimit.blocked, name, ip, d.clock.now(), d.login_limits)
    if block is None:
        block = await write(request, ratelimit.reserve, name, ip, d.clock.now(), d.login_limits)
    if block is not None:
        response = render(request, "login.html", status_code=429, login_csrf=cookie, next=nxt, error=block.value)
        response.headers["Retry-After"] = str(int(ratelimit.WINDOW.total_seconds()))
        return response
    candidate = await read(request, users.find_candidate, username)
    verdict = await d.passwords.check(candidate, password)
    token = await write(request, _finish, d.env, candidate, verdict, name, ip)
    if token is None:
        return render(request, "login.html", status_code=401, login_csrf=cookie, next=nxt, error="login.failed")
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
    response.delete_cookie(SESSION_COOKIE, secure=_secure(request), httponly=True, samesite="lax")
    return response


async def switch_language(request: Request) -> Response:
    """Remember the chosen language in a cookie and go back."""
    lang = Language.parse(request.path_params["code"], Language.DA)
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.set_cookie(LANG_COOKIE, lang.value, samesite="lax", max_age=365 * 24 * 3600, secure=_secure(request))
    return response
