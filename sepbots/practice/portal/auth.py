"""Login, logout and the front page of the practice portal."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sepbots.practice.portal.sessions import LoginResult
from sepbots.practice.portal.web import (
    checked_form,
    current_session,
    login_required,
    portal_of,
    redirect,
    render,
    safe_next,
    with_cookie,
)

WRONG_LOGIN = "Forkert brugernavn eller adgangskode."
LOCKED_LOGIN = "Kontoen er spærret efter for mange mislykkede forsøg. Prøv igen senere eller kontakt support."
EXPIRED = "Din session er udløbet. Log ind igen."


async def login_page(request: Request) -> Response:
    """Show the login form (a fresh anonymous session carries its CSRF token)."""
    session, _ = current_session(request)
    if session is None:
        session = portal_of(request).sessions.create()
    info = EXPIRED if request.query_params.get("udloebet") else None
    return render(
        request,
        "login.html",
        session,
        {
            "next": safe_next(request.query_params.get("next")),
            "info": info,
            "username": "",
        },
    )


async def login_submit(request: Request) -> Response:
    """Check the credentials; count failures and lock the account after too many."""
    portal = portal_of(request)
    session, _ = current_session(request)
    if session is None:
        session = portal.sessions.create()
        return render(
            request,
            "login.html",
            session,
            {
                "next": "/",
                "error": EXPIRED,
                "username": "",
            },
            status_code=400,
        )
    form = await checked_form(request, session)
    if isinstance(form, Response):
        return form
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    target = safe_next(str(form.get("next", "")))
    result = await run_in_threadpool(portal.accounts.check, username, password)
    if result == LoginResult.OK:
        portal.sessions.drop(session)
        fresh = portal.sessions.create()  # new id after login: no session fixation
        fresh.username = username
        return with_cookie(redirect(target), request, fresh)
    error = LOCKED_LOGIN if result == LoginResult.LOCKED else WRONG_LOGIN
    status = 423 if result == LoginResult.LOCKED else 401
    return render(
        request,
        "login.html",
        session,
        {
            "next": target,
            "error": error,
            "username": username,
        },
        status_code=status,
    )


@login_required
async def logout(request: Request) -> Response:
    """End the session."""
    session = request.state.session
    form = await checked_form(request, session)
    if isinstance(form, Response):
        return form
    portal_of(request).sessions.drop(session)
    return redirect("/login")


@login_required
async def front_page(request: Request) -> Response:
    """The menu of the portal's services."""
    return render(request, "index.html", request.state.session)


routes = [
    Route("/", front_page),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
