"""A runner killed with SIGKILL in the middle of an item: the item is recovered and completed exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sepbots.testing import open_test_environment

BOT = textwrap.dedent('''
    from __future__ import annotations
    import os, time
    from pathlib import Path
    from typing import Any
    from pydantic import BaseModel
    from sepbots import BotContext, NewItem, WorkItem, bot

    class Step(BaseModel):
        n: int

    def produce(ctx: BotContext[Any]):
        for n in range(1, 4):
            yield NewItem(reference=f"step-{n}", payload=Step(n=n))

    @bot(name="crashy", producer=produce, max_attempts=3)
    def crashy(item: WorkItem[Step], ctx: BotContext[Any]) -> None:
        home = Path(os.environ["SEPBOTS_HOME"])
        started = home / f"started-{item.payload.n}"
        first_time = not started.exists()
        started.write_text("x")
        if item.payload.n == 2 and first_time:
            time.sleep(60)          # the test kills us here
        with (home / "side-effects.txt").open("a") as fh:
            fh.write(f"{item.reference}\\n")
''')


@pytest.mark.slow
def test_sigkill_mid_item_then_restart_completes_every_item_exactly_once(tmp_path: Path) -> None:
    """The killed runner's lease expires, the next runner takes the item over, and nothing completes twice."""
    home = tmp_path / "home"
    (home / "bots" / "crashy").mkdir(parents=True)
    (home / "bots" / "crashy" / "bot.py").write_text(BOT, encoding="utf-8")
    (home / "config").mkdir()
    (home / "config" / "sepbots.toml").write_text("[queue]\nlease_s = 2.0\nheartbeat_s = 0.5\npoll_s = 0.1\n")
    open_test_environment(home).close()  # the installation, as `sepbots init` makes it
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEPBOTS_")} | {"SEPBOTS_HOME": str(home)}
    cmd = [sys.executable, "-m", "sepbots", "run", "crashy", "--quiet", "--test-mode"]
    first = subprocess.Popen(cmd, env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (home / "started-2").exists():
        assert time.monotonic() < deadline, "the first runner never reached item 2"
        assert first.poll() is None, "the first runner exited early"
        time.sleep(0.05)
    time.sleep(0.3)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    with sqlite3.connect(home / "var" / "sepbots.db") as db:
        assert db.execute("SELECT state FROM work_items WHERE reference='step-2'").fetchone() == ("in_progress",)

    second = subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stdout + second.stderr

    effects = (home / "side-effects.txt").read_text().split()
    assert sorted(effects) == ["step-1", "step-2", "step-3"]
    with sqlite3.connect(home / "var" / "sepbots.db") as db:
        states = dict(db.execute("SELECT reference, state FROM work_items"))
        assert states == {"step-1": "done", "step-2": "done", "step-3": "done"}
        attempts = db.execute(
            "SELECT a.outcome, a.attempt FROM item_attempts a JOIN work_items w ON w.id = a.item_id "
            "WHERE w.reference = 'step-2' ORDER BY a.id").fetchall()
        assert attempts == [("lease_expired", 1), ("done", 2)]
        done_rows = db.execute("SELECT COUNT(*) FROM item_attempts WHERE outcome = 'done'").fetchone()[0]
        assert done_rows == 3
        statuses = [r[0] for r in db.execute("SELECT status FROM runs ORDER BY started_at")]
        assert statuses == ["failed", "completed"]  # the killed run is closed, not left "running"
    verify = subprocess.run([sys.executable, "-m", "sepbots", "audit", "verify"], env=env, cwd=home,
                            capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr
