"""Issue 13, finding 8: a login name typed at the dashboard enters the audit chain only when it is a user's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from sepbots.store.schema import audit_log, login_attempts
from tests.dashboard.conftest import Dashboard


def _fail_login(dashboard: Dashboard, username: str) -> int:
    with dashboard.client() as client:
        client.get("/login")
        data = {"username": username, "password": "forkert", "csrf": client.cookies["sepbots_login_csrf"], "next": "/"}
        return client.post("/login", data=data).status_code


def test_f8_unknown_login_names_enter_the_trail_as_keyed_tokens(dashboard: Dashboard, home: Path) -> None:
    """A CPR number or another unknown name typed as user name is stored as a keyed token (a CPR number as
    its correlation token); an existing user's name is written as it is; the raw text is nowhere on disk."""
    redactor = dashboard.env.redactor
    for typed in ("0101904321", "010190-4321", "mallory", "operator"):
        assert _fail_login(dashboard, typed) == 401, typed
    with dashboard.store.engine.connect() as conn:
        actors = [a for (a,) in conn.execute(select(audit_log.c.actor).where(
            audit_log.c.event == "dashboard_login_failed").order_by(audit_log.c.seq))]
        attempts = {u for (u,) in conn.execute(select(login_attempts.c.username))}
    cpr_token = redactor.token("0101904321")
    assert actors == [cpr_token, cpr_token, redactor.name_token("mallory"), "operator"]
    assert actors[2].startswith("[NAME:") and actors[2] != redactor.name_token("mallory2")
    assert attempts == {cpr_token, redactor.name_token("mallory"), "operator"}
    dashboard.store.dispose()
    for path in (p for p in home.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for raw in (b"0101904321", b"010190-4321", b"mallory"):
            assert raw not in data, f"{raw!r} in {path}"
