"""Issue 13, finding 6 on the desktop: evidence only from an attempt that used the desktop, owner-only."""

from __future__ import annotations

import stat
from typing import Any

import pytest
from pydantic import BaseModel

from sepbots import BotContext, BusinessException, WorkItem, bot
from sepbots.desktop import Desktop, DesktopSettings
from sepbots.environment import Environment
from sepbots.testing import run_bot_once
from sepbots.workitems.models import NewItem

pytestmark = pytest.mark.desktop


class Step(BaseModel):
    n: int


class Garbled(BaseModel):
    n: str


def produce(ctx: BotContext[Any]) -> Any:
    yield NewItem(reference="sag-1", payload=Step(n=1))
    yield NewItem(reference="sag-1b", payload=Garbled(n="ikke et tal"))  # refused when claimed: not a Step
    for n in (2, 3):
        yield NewItem(reference=f"sag-{n}", payload=Step(n=n))


@bot(name="skrivebord", producer=produce, max_attempts=1)
def on_desktop(item: WorkItem[Step], ctx: BotContext[Any]) -> None:
    if item.payload.n == 2:  # refused before touching the desktop (which still shows item 1's screen)
        raise BusinessException("sagen mangler et bilag", code="MISSING_DOC")
    desktop = ctx.use("desktop", lambda: Desktop(DesktopSettings(virtual_display=True, display_size="640x480")))
    desktop.screenshot()
    if item.payload.n == 3:
        raise BusinessException("sagen er lukket", code="CLOSED")


def test_f6_desktop_evidence_only_for_the_attempt_that_used_it(env: Environment) -> None:
    """Under a real Xvfb, items refused before using the desktop (by the bot, or a payload that does not
    validate) get no screenshot; the one that used it gets a screenshot and window list, owner-only."""
    outcome = run_bot_once(on_desktop, env=env)
    items = outcome.by_reference()
    assert items["sag-1"].state.value == "done"
    assert items["sag-1b"].state.value == "business_exception" and items["sag-1b"].artifacts == []
    assert items["sag-2"].error_code == "MISSING_DOC" and items["sag-2"].artifacts == []
    files = [env.settings.runs_dir / a for a in items["sag-3"].artifacts]
    assert sorted(f.suffix for f in files) == [".json", ".png"]
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
