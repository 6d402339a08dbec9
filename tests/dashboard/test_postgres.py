"""The dashboard on PostgreSQL (the fleet backend): migration 0003, login, pages and a retry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select

from sepbots.dashboard import create_app
from sepbots.dashboard.server import ServerThread
from sepbots.store.schema import users, work_items
from sepbots.testing import ManualClock, open_test_environment
from tests.dashboard.conftest import PASSWORD, csrf_of
from tests.dashboard.seed import seed_run
from tests.pg import scratch_database

pytestmark = pytest.mark.postgres
@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throw-away database on the test server (skipped locally, an error under CI, when none answers)."""
    with scratch_database("sepbots_dash") as url:
        yield url


def test_dashboard_pages_and_retry_on_postgres(tmp_path: Path, pg_url: str, password_hash: str) -> None:
    """Every page answers 200 on PostgreSQL and an operator's retry changes the item and is audited."""
    clock = ManualClock()
    env = open_test_environment(tmp_path, clock=clock, overrides={"database": {"url": pg_url}})
    try:
        with env.store.begin() as conn:
            conn.execute(insert(users).values(username="operator", password_hash=password_hash, role="operator",
                                              active=True, created_at=clock.now()))
        run_id, ids = seed_run(env.store, env.settings.runs_dir, clock.now())
        with ServerThread(create_app(env)) as server, httpx.Client(base_url=server.url, timeout=30) as client:
            client.get("/login")
            r = client.post("/login", data={"username": "operator", "password": PASSWORD,
                                            "csrf": client.cookies["sepbots_login_csrf"]})
            assert r.status_code == 303
            for path in ["/", "/runs?status=failed&from=2026-01-01", f"/runs/{run_id}", f"/items/{ids['sag-4']}",
                         "/queue", "/audit?actor=operator", "/catalogue", "/gains"]:
                assert client.get(path).status_code == 200, path
            page = client.get(f"/items/{ids['sag-4']}")
            assert client.post(f"/items/{ids['sag-4']}/retry", data={"csrf": csrf_of(page.text)}).status_code == 303
            assert "item_retry_requested" in client.get("/audit").text
        with env.store.engine.connect() as conn:
            assert conn.execute(select(work_items.c.state).where(work_items.c.id == ids["sag-4"])).scalar() == "new"
    finally:
        env.close()
