"""One runner process of the chaos test: consumes the ``chaos`` queue until it is drained.

Usage: ``SEPBOTS_KEY=... python tests/fleet/chaos_worker.py HOME DB_URL``. The processor writes two
side effects per attempt: a row in ``chaos_effect_log`` (every attempt that got this far, so
at-least-once) and, idempotently, a row keyed by the reference in ``chaos_effect`` (``ON CONFLICT
DO NOTHING``: exactly one per item however often it runs).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pydantic import BaseModel  # noqa: E402
from sqlalchemy import Engine, create_engine, text  # noqa: E402

from sepbots import BotContext, WorkItem, bot  # noqa: E402
from sepbots.config import load_settings  # noqa: E402
from sepbots.environment import Environment  # noqa: E402
from sepbots.runtime import Runner, Trigger  # noqa: E402
from sepbots.store.outage import is_outage  # noqa: E402

EFFECTS: list[Engine] = []  # "the other system" the bot writes to (this script's own connection)


class Job(BaseModel):
    n: int


@bot(name="chaos", max_attempts=10, retry_delay=timedelta(milliseconds=200), backoff=1.0)
def chaos(item: WorkItem[Job], ctx: BotContext[Any]) -> None:
    time.sleep(0.004)  # a little work, so items are in flight when a runner is killed
    with EFFECTS[0].begin() as conn:  # the side effect: its own transaction, like a call to another system
        conn.execute(text("INSERT INTO chaos_effect_log (reference, attempt, runner) VALUES (:r, :a, :w)"),
                     {"r": item.reference, "a": item.attempts, "w": os.getpid()})
        conn.execute(text("INSERT INTO chaos_effect (reference, attempt) VALUES (:r, :a) ON CONFLICT DO NOTHING"),
                     {"r": item.reference, "a": item.attempts})


def main(home: str, url: str) -> None:
    settings = load_settings(home, environ={}, overrides={
        "database": {"url": url, "pool_size": 2},
        "queue": {"lease_s": 3, "heartbeat_s": 0.5, "poll_s": 0.1},
        "logging": {"console": "never"},
    })
    EFFECTS.append(create_engine(url, pool_pre_ping=True, pool_size=1))
    while True:
        try:
            env = Environment.open(settings, environ=os.environ)
            try:
                Runner(env).run(chaos, produce=False, trigger=Trigger.QUEUE)
                return  # the queue is drained and nothing is in progress anywhere
            finally:
                env.close()
        except Exception as exc:  # the database went away between runs: wait and start a new run
            if not is_outage(exc):
                raise
            time.sleep(0.5)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
