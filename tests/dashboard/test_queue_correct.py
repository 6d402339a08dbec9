"""The manual-handling queue helps the person: filters, bulk actions, and correct-and-resubmit from the payload model."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import insert, select

from sepbots.clock import Clock
from sepbots.dashboard import create_app
from sepbots.dashboard.server import ServerThread
from sepbots.environment import Environment
from sepbots.runtime import Runner, Trigger
from sepbots.store.schema import audit_log, users, work_items
from sepbots.testing import open_test_environment

from .conftest import PASSWORD, Dashboard, csrf_of

BOT = '''
    from typing import Any
    from pydantic import BaseModel
    from sepbots import BotContext, BusinessException, NewItem, WorkItem, bot

    class Person(BaseModel):
        name: str
        cpr: str
        amount: int

    def produce(ctx: BotContext[Any]):
        yield NewItem(reference="borger-1", payload=Person(name="", cpr="0102031234", amount=100))
        yield NewItem(reference="borger-2", payload=Person(name="", cpr="0204051234", amount=200))
        yield NewItem(reference="borger-3", payload=Person(name="Ole", cpr="0306071234", amount=-5))

    @bot(name="borgerbrev", process="borgerbreve", producer=produce)
    def send(item: WorkItem[Person], ctx: BotContext[Any]) -> dict:
        if not item.payload.name:
            raise BusinessException("navnet mangler", code="NO_NAME")
        if item.payload.amount <= 0:
            raise BusinessException("beløbet skal være positivt", code="BAD_AMOUNT")
        return {"sent": True}
'''


@pytest.fixture
def installation(tmp_path: Path, clock: Clock) -> Iterator[Environment]:
    bots = tmp_path / "bots" / "borgerbrev"
    bots.mkdir(parents=True)
    (bots / "bot.py").write_text(textwrap.dedent(BOT), encoding="utf-8")
    env = open_test_environment(tmp_path / "home", clock=clock,
                                overrides={"queue": {"poll_s": 0.02}, "bots_dirs": [str(tmp_path / "bots")]})
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


def _state(env: Environment, ref: str) -> str:
    with env.store.engine.connect() as conn:
        return str(conn.execute(select(work_items.c.state).where(work_items.c.reference == ref)).scalar_one())


def test_correct_and_resubmit_validates_masks_cpr_and_audits_the_changed_fields(dashboard: Dashboard) -> None:
    """The form comes from the payload model, hides the CPR, refuses invalid values, and the resubmitted item gets done."""
    env = dashboard.env
    Runner(env).run("borgerbrev", test_mode=True)
    with env.store.engine.connect() as conn:
        item_id = conn.execute(select(work_items.c.id).where(work_items.c.reference == "borger-1")).scalar_one()
    with dashboard.login("operator") as client:
        assert f'href="/items/{item_id}/correct"' in client.get(f"/items/{item_id}").text
        form = client.get(f"/items/{item_id}/correct")
        assert form.status_code == 200 and 'name="f_name"' in form.text and 'name="f_amount"' in form.text
        assert "[CPR:" in form.text and "0102031234" not in form.text and "010203" not in form.text
        bad = client.post(f"/items/{item_id}/correct", data={"csrf": csrf_of(form.text), "f_name": "Anna Hansen",
                                                              "f_cpr": "", "f_amount": "mange"})
        assert bad.status_code == 400 and "skal være et helt tal / must be a whole number" in bad.text
        assert _state(env, "borger-1") == "business_exception"
        ok = client.post(f"/items/{item_id}/correct", data={"csrf": csrf_of(form.text), "f_name": "Anna Hansen",
                                                             "f_cpr": "", "f_amount": "100", "note": "navn fra CPR"})
        assert ok.status_code == 303 and ok.headers["location"] == f"/items/{item_id}?done=resubmit"
    with env.store.engine.connect() as conn:
        row = conn.execute(select(work_items).where(work_items.c.id == item_id)).one()
        audit = conn.execute(select(audit_log.c.actor, audit_log.c.details)
                             .where(audit_log.c.event == "item_resubmitted")).one()
    payload = env.queues.decode_payload(row, env.registry.get("borgerbrev").payload_type)
    assert row.state == "new" and payload.model_dump() == {"name": "Anna Hansen", "cpr": "0102031234", "amount": 100}
    assert audit.actor == "operator" and list(audit.details["fields"]) == ["name"]
    assert audit.details["fields"]["name"]["to"].startswith("[VAL:") and "Anna" not in json.dumps(audit.details)
    summary = Runner(env).run("borgerbrev", trigger=Trigger.QUEUE, produce=False)
    assert summary.counts.done == 1 and _state(env, "borger-1") == "done"


def test_queue_filters_by_bot_process_code_and_age_and_retries_in_bulk(dashboard: Dashboard) -> None:
    """Filters narrow the queue by robot, process, reason code and age; a bulk retry sends each chosen item back."""
    env = dashboard.env
    Runner(env).run("borgerbrev", test_mode=True)
    with dashboard.login("operator") as client:
        page = client.get("/queue").text
        assert all(f"borger-{n}" in page for n in (1, 2, 3)) and 'name="item"' in page
        no_name = client.get("/queue?code=NO_NAME&bot=borgerbrev&process=borgerbreve").text
        assert "borger-1" in no_name and "borger-2" in no_name and "borger-3" not in no_name
        assert "borger-1" not in client.get("/queue?process=andet").text
        assert "borger-1" not in client.get("/queue?age=2").text
    dashboard.clock.advance(days=3)  # the session expires meanwhile: log in again
    with dashboard.login("operator") as client:
        page = client.get("/queue?age=2").text
        assert "borger-1" in page
        with env.store.engine.connect() as conn:
            ids = dict(conn.execute(select(work_items.c.reference, work_items.c.id)).all())
        bulk = client.post("/queue/bulk", data={"csrf": csrf_of(page), "action": "retry",
                                                "item": [str(ids["borger-1"]), str(ids["borger-2"])]})
        assert bulk.status_code == 303 and bulk.headers["location"] == "/queue?done=retry-2"
    assert [_state(env, f"borger-{n}") for n in (1, 2, 3)] == ["new", "new", "business_exception"]
    with env.store.engine.connect() as conn:
        retried = conn.execute(select(audit_log.c.item_id).where(audit_log.c.event == "item_retry_requested")).all()
    assert sorted(r.item_id for r in retried) == sorted([ids["borger-1"], ids["borger-2"]])
