"""The dashboard's step in ``sepbots demo``: a login for the demo data and the address to open.

The step creates (or resets) the user ``demo`` with the operator role and a fresh random
password, proves the dashboard serves this installation by logging in over HTTP on a free
port, and prints the address ``sepbots dashboard`` will listen on with the login.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import httpx

from sepbots.audit import AuditEvent
from sepbots.dashboard.app import create_app
from sepbots.dashboard.server import ServerThread
from sepbots.dashboard.users import Role, UserError, add_user, set_password
from sepbots.environment import Environment
from sepbots.i18n import Catalog

if TYPE_CHECKING:
    from sepbots.demo.context import DemoContext

ORDER = 880  # before the audit-trail check (900), which then covers the demo login
TITLE = "Driftsoverblik / dashboard"
DEMO_USER = "demo"

T = Catalog({
    "checked": ("Driftsoverblikket svarer og viser {n} emner, der venter på manuel behandling.",
                "The dashboard answers and shows {n} items waiting for manual handling."),
    "open": ("Start det med:  sepbots dashboard   og åbn {url}", "Start it with:  sepbots dashboard   and open {url}"),
    "login": ("Log ind som {user} med adgangskoden {password} (rolle: operatør)",
              "Log in as {user} with the password {password} (role: operator)"),
})


def ensure_demo_user(env: Environment) -> str:
    """Create or reset the ``demo`` operator and return its new random password."""
    password = secrets.token_urlsafe(12)
    with env.store.begin() as conn:
        try:
            add_user(conn, DEMO_USER, password, Role.OPERATOR, env.clock)
            event = "user_added"
        except UserError:
            set_password(conn, DEMO_USER, password)
            event = "user_password_set"
        env.audit.append(conn, [AuditEvent(event, "demo", details={"user": DEMO_USER, "role": "operator"})],
                         env.clock.now())
    return password


def check_dashboard(env: Environment, password: str) -> int:
    """Serve the dashboard on a free port, log in as the demo user, and return the waiting-items count."""
    import re

    with ServerThread(create_app(env)) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        client.get("/login")
        token = client.cookies["sepbots_login_csrf"]
        r = client.post("/login", data={"username": DEMO_USER, "password": password, "csrf": token, "next": "/"})
        if r.status_code != 303:
            raise RuntimeError(f"the dashboard refused the demo login ({r.status_code})")
        page = client.get("/")
        page.raise_for_status()
        found = re.search(r'id="waiting">([\d.,]+)<', page.text)
        return int(found.group(1).replace(".", "").replace(",", "")) if found else 0


def demo(ctx: DemoContext) -> None:
    """The demo step: print the dashboard address and a login."""
    env: Environment = ctx.env
    password = ensure_demo_user(env)
    waiting = check_dashboard(env, password)
    settings = env.settings.dashboard
    url = f"http://{settings.host}:{settings.port}/"
    ctx.printer.line(T(ctx.lang, "checked", n=waiting))
    ctx.printer.line(T(ctx.lang, "open", url=url))
    ctx.printer.line(T(ctx.lang, "login", user=DEMO_USER, password=password))
    ctx.results["dashboard"] = {"url": url, "user": DEMO_USER, "password": password}
