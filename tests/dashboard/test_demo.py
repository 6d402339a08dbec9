"""The dashboard's demo step prints an address and a login that really works."""

from __future__ import annotations

import io
import re

import httpx
from rich.console import Console
from sqlalchemy import select

from sepbots.cli.demo import ConsolePrinter
from sepbots.dashboard.app import create_app
from sepbots.dashboard.server import ServerThread
from sepbots.demo import DemoContext
from sepbots.demo import dashboard as dashboard_demo
from sepbots.environment import Environment
from sepbots.store.schema import audit_log


def test_demo_step_prints_address_and_working_login(installation: Environment) -> None:
    """The step prints the configured URL and a demo login; run twice, the newest password works."""
    for _ in range(2):
        out = io.StringIO()
        ctx = DemoContext(env=installation, lang="da", printer=ConsolePrinter(Console(file=out, width=200)),
                          work_dir=installation.settings.var_dir / "demo")
        dashboard_demo.demo(ctx)
    text = out.getvalue()
    assert "http://127.0.0.1:8600/" in text and "sepbots dashboard" in text
    said = re.search(r"adgangskoden (\S+)", text)
    assert said is not None, "the demo names the password it made"
    password = said.group(1)
    assert ctx.results["dashboard"]["password"] == password
    with ServerThread(create_app(installation)) as server, httpx.Client(base_url=server.url) as client:
        client.get("/login")
        r = client.post("/login", data={"username": "demo", "password": password,
                                        "csrf": client.cookies["sepbots_login_csrf"]})
        assert r.status_code == 303
    with installation.store.engine.connect() as conn:
        events = [e for (e,) in conn.execute(select(audit_log.c.event).where(audit_log.c.actor == "demo"))]
        conn.rollback()
    assert events == ["user_added", "dashboard_login", "user_password_set", "dashboard_login", "dashboard_login"]
