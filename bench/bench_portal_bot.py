"""The ``bot`` contender of ``bench_portal_form.py``: the sygedagpenge_refusion bot through the runtime.

Timed like the other contenders: from before the browser starts until the last receipt is stored
(here: the whole run — producer, queue, browser, items, ledger, audit, result workbook).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bots.sygedagpenge_refusion.bot import submit_claim
from bots.sygedagpenge_refusion.sample import write_sample
from sepbots import ItemState
from sepbots.browser import BrowserSettings
from sepbots.logging import configure_logging
from sepbots.practice.data import ClaimRow
from sepbots.practice.portal import PRACTICE_PASSWORD, PRACTICE_USERNAME
from sepbots.testing import open_test_environment, run_bot_once


def run_bot(url: str, claims: list[ClaimRow], settings: BrowserSettings) -> float:
    """Run the bot over ``claims``; returns the run's wall time in seconds."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        overrides = {"browser": settings.model_dump(), "logging": {"console": "never"}}
        env = open_test_environment(home / "home", overrides=overrides)
        configure_logging(logs_dir=None, redactor=env.redactor, level="info", console="never", json_file=False)
        try:
            env.vault.set("praksisportal", PRACTICE_PASSWORD, username=PRACTICE_USERNAME, actor="bench")
            source = write_sample(home / "krav.xlsx", invalid=False, claims=claims)
            started = time.perf_counter()
            outcome = run_bot_once(submit_claim, {"input": str(source), "output": str(home / "resultat.xlsx"),
                                                  "portal_url": url}, env=env)
            elapsed = time.perf_counter() - started
        finally:
            env.close()
    done = sum(1 for item in outcome.items if item.state is ItemState.DONE)
    assert done == len(claims), f"bot: {done} of {len(claims)} claims done"
    return elapsed
