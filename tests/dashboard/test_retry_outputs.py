"""Never lose work: a retry sent from the dashboard reaches its own output, and earlier outputs stay intact."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from openpyxl import Workbook, load_workbook
from sqlalchemy import insert, select

from sepbots.clock import Clock
from sepbots.dashboard import create_app
from sepbots.dashboard.server import ServerThread
from sepbots.environment import Environment
from sepbots.runtime import Runner, Trigger
from sepbots.scheduling.config import QueueTrigger, ScheduleConfig
from sepbots.store.schema import users, work_items
from sepbots.testing import open_test_environment
from sepbots.worker.service import WorkerService
from tests.xlsx import active_sheet

from .conftest import PASSWORD, Dashboard, csrf_of

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["Fakturanr", "CVR", "EAN", "Beløb", "Forfaldsdato"]
GOOD = ["24256790", "5790000000005", "100,00", "01-12-2026"]


def invoices(path: Path, rows: int, bad_row: int) -> Path:
    """A fakturakontrol input with ``rows`` invoices; invoice ``bad_row`` has a bad CVR check digit."""
    wb = Workbook()
    active_sheet(wb).append(HEADER)
    for n in range(1, rows + 1):
        cvr = "24256791" if n == bad_row else GOOD[0]
        active_sheet(wb).append([f"F{n}", cvr, *GOOD[1:]])
    wb.save(path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def installation(tmp_path: Path, clock: Clock) -> Iterator[Environment]:
    """An installation with the reference bots and one operator account."""
    env = open_test_environment(tmp_path / "home", clock=clock,
                                overrides={"queue": {"poll_s": 0.02}, "bots_dirs": [str(ROOT / "bots")]})
    with env.store.begin() as conn:
        conn.execute(insert(users).values(username="operator", password_hash=PasswordHasher().hash(PASSWORD),
                                          role="operator", active=True, created_at=clock.now()))
    yield env
    env.close()


@pytest.fixture
def dashboard(installation: Environment) -> Iterator[Dashboard]:
    app = create_app(installation)
    with ServerThread(app) as server:
        yield Dashboard(url=server.url, env=installation, app=app)


def test_a_dashboard_retry_writes_a_new_output_and_keeps_the_earlier_one(dashboard: Dashboard, tmp_path: Path) -> None:
    """Retrying one item over HTTP starts a queue-triggered run whose own output holds the item; the 41-row result stays."""
    env = dashboard.env
    params = {"input": str(invoices(tmp_path / "fakturaer.xlsx", 41, bad_row=7)),
              "output": str(tmp_path / "ud" / "resultat.xlsx"), "today": "2026-11-28"}
    first = Runner(env).run("fakturakontrol", params, test_mode=True)
    assert len(first.outputs) == 1 and first.counts.business == 1
    earlier = first.outputs[0]
    before = digest(earlier)
    assert len(list(active_sheet(load_workbook(earlier)).iter_rows(values_only=True))) == 42
    with env.store.engine.connect() as conn:
        bad_id = conn.execute(select(work_items.c.id).where(work_items.c.reference == "24256791/F7")).scalar_one()

    with dashboard.login("operator") as client:
        page = client.get(f"/items/{bad_id}")
        response = client.post(f"/items/{bad_id}/retry", data={"csrf": csrf_of(page.text)})
        assert response.status_code == 303, response.text

    config = ScheduleConfig(queue_triggers=(QueueTrigger(bot="fakturakontrol", params=params),))
    service = WorkerService(env, config, persistent_jobs=False)
    assert service.tick()  # the queue trigger asked for a run and the worker ran it

    outputs = sorted((tmp_path / "ud").glob("resultat-*.xlsx"))
    assert len(outputs) == 2 and earlier in outputs
    assert digest(earlier) == before
    (later,) = [p for p in outputs if p != earlier]
    rows = list(active_sheet(load_workbook(later)).iter_rows(values_only=True))
    assert [r[:4] for r in rows[1:]] == [(8, "F7", "Manuel behandling", "BAD_CVR")]


def test_a_queue_run_with_nothing_to_do_writes_no_output(installation: Environment, tmp_path: Path) -> None:
    """A queue-triggered run that processed no item does not call finish, so no (empty) workbook appears."""
    params = {"input": str(tmp_path / "none.xlsx"), "output": str(tmp_path / "ud" / "resultat.xlsx")}
    summary = Runner(installation).run("fakturakontrol", params, trigger=Trigger.QUEUE, produce=False)
    assert summary.outputs == () and not (tmp_path / "ud").exists()
