"""The schedules page over a real schedules.toml and bot folder (needs ``sepbots.scheduling``)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sepbots.store.schema import audit_log
from tests.dashboard.conftest import Dashboard, csrf_of

pytest.importorskip("sepbots.scheduling", reason="the scheduler is not part of this installation")

BOT = '''
from pydantic import BaseModel
from sepbots import BotContext, WorkItem, bot


class P(BaseModel):
    n: int = 0


@bot(name="tiny-scheduled", queue="tiny-scheduled")
def handle(item: WorkItem[P], ctx: BotContext[BaseModel]) -> None:
    return None
'''

SCHEDULES = '''
[[schedule]]
name = "morgen"
bot = "tiny-scheduled"
cron = "30 6 * * 1-5"
business_days_only = true
'''


def test_schedules_show_next_fires_and_operator_pauses(dashboard: Dashboard) -> None:
    """A schedule shows its next fires in Danish time; an operator pauses and resumes it, each an
    ``operator_action`` audit row like the CLI's (same transaction as the switch); a viewer may not."""
    home = dashboard.settings.home
    (home / "bots" / "tiny_scheduled").mkdir(parents=True)
    (home / "bots" / "tiny_scheduled" / "bot.py").write_text(BOT, encoding="utf-8")
    (home / "config").mkdir(exist_ok=True)
    (home / "config" / "schedules.toml").write_text(SCHEDULES, encoding="utf-8")
    with dashboard.login("viewer") as viewer:
        page = viewer.get("/schedules")
        assert page.status_code == 200, page.text
        assert "morgen" in page.text and "30 6 * * 1-5" in page.text and "hverdage" in page.text
        assert "30.11.2026 06:30" in page.text  # Friday 27-11 13:00 UTC → next business day Monday
        assert viewer.post("/schedules/morgen/pause", data={"csrf": csrf_of(page.text)}).status_code == 403
    with dashboard.login("operator") as operator:
        page = operator.get("/schedules")
        r = operator.post("/schedules/morgen/pause", data={"csrf": csrf_of(page.text)})
        assert r.status_code == 303
        page = operator.get("/schedules")
        assert "på pause" in page.text and "Genoptag" in page.text
        assert operator.post("/schedules/nope/pause", data={"csrf": csrf_of(page.text)}).status_code == 404
        assert "schedule_paused" in operator.get("/audit?event=operator_action").text
        page = operator.get("/schedules")
        assert operator.post("/schedules/morgen/resume", data={"csrf": csrf_of(page.text)}).status_code == 303
    with dashboard.store.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.event, audit_log.c.actor, audit_log.c.details)
                            .where(audit_log.c.event.in_(["operator_action", "schedule_paused", "schedule_resumed"]))
                            .order_by(audit_log.c.seq)).all()
    assert [(e, a, d) for e, a, d in rows] == [
        ("operator_action", "operator", {"action": "schedule_paused", "schedule": "morgen"}),
        ("operator_action", "operator", {"action": "schedule_resumed", "schedule": "morgen"}),
    ]
    assert dashboard.env.audit.verify().ok
