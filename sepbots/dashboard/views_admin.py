"""Admin pages: the user list, and disabling or enabling an account (audited)."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sepbots.dashboard import trail, users
from sepbots.dashboard.users import Role
from sepbots.dashboard.web import deps, guard, read, render, write
from sepbots.environment import Environment


@guard(Role.ADMIN)
async def user_list(request: Request) -> Response:
    """Every dashboard account with role, status and last login."""
    found = await read(request, users.list_users)
    return render(request, "users.html", users=found, done=request.query_params.get("done"))


def _set_active(conn: Connection, env: Environment, actor: str, username: str, active: bool) -> None:
    user = users.set_active(conn, username, active)
    trail.record(conn, env, event="user_enabled" if active else "user_disabled", actor=actor,
                 details={"user": user.username})


async def _change(request: Request, active: bool) -> Response:
    username = request.path_params["username"]
    actor = request.state.session.username
    if username == actor:
        raise HTTPException(409, "self")
    try:
        await write(request, _set_active, deps(request).env, actor, username, active)
    except users.UserError as exc:
        raise HTTPException(404) from exc
    return RedirectResponse(f"/users?done={'enabled' if active else 'disabled'}", status_code=303)


@guard(Role.ADMIN)
async def disable_user(request: Request) -> Response:
    """Disable an account; its sessions end at the next request."""
    return await _change(request, False)


@guard(Role.ADMIN)
async def enable_user(request: Request) -> Response:
    """Enable an account again."""
    return await _change(request, True)
