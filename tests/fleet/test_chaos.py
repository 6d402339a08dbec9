"""Chaos: three runner processes, SIGKILLed and restarted every few seconds, and a PostgreSQL crash mid-run.

"Exactly once" here means exactly-once *completion*: every item ends ``done`` once, with one
``done`` attempt, and the completing attempt's side effect is there. Side effects themselves are
at-least-once: a runner killed after its side effect but before its release is written leaves the
item to be retried, so the raw side-effect log may hold extra rows for such items. The bot's
idempotent write (keyed by the reference, ``ON CONFLICT DO NOTHING``) shows how a bot makes that
harmless: that table holds exactly one row per item.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import create_engine, text

from sepbots.config import load_settings
from sepbots.environment import Environment
from sepbots.keys import new_key_text
from sepbots.workitems.models import NewItem
from tests.pg import PrivateCluster, private_cluster

WORKER = Path(__file__).with_name("chaos_worker.py")
ITEMS = 2000
DEADLINE_S = 300  # about 30 s on an idle 2-core machine; the margin is for a loaded CI box (a liveness bound, not a speed claim)
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(DEADLINE_S + 300)]  # past the suite's 300 s


class Job(BaseModel):
    n: int


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    with private_cluster() as c:
        yield c


def _count_done(url: str) -> int | None:
    engine = create_engine(url, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            done: int = conn.execute(text("SELECT count(*) FROM work_items WHERE state = 'done'")).scalar_one()
            return done
    except Exception:  # the server is restarting
        return None
    finally:
        engine.dispose()


def test_every_item_completes_exactly_once_through_kills_and_a_database_crash(
    cluster: PrivateCluster, tmp_path: Path
) -> None:
    """2,000 items, runners SIGKILLed every 2–4 s and PostgreSQL crashed once: all done once, none stuck, audit chain intact."""
    url = cluster.database("chaos")
    key = new_key_text()
    home = tmp_path / "home"
    settings = load_settings(home, environ={}, overrides={"database": {"url": url}})
    env = Environment.open(settings, environ={"SEPBOTS_KEY": key}, create=True)  # as `sepbots init` does
    with env.store.begin() as conn:
        conn.execute(text("CREATE TABLE chaos_effect_log (id bigserial PRIMARY KEY, reference text NOT NULL, "
                          "attempt int NOT NULL, runner int NOT NULL)"))
        conn.execute(text("CREATE TABLE chaos_effect (reference text PRIMARY KEY, attempt int NOT NULL)"))
        env.queues.add(conn, "chaos", (NewItem(reference=f"item-{i:04d}", payload=Job(n=i)) for i in range(ITEMS)),
                       max_attempts=10, run_id=None, actor="test")
    env.close()

    proc_env = {**os.environ, "SEPBOTS_KEY": key}
    proc_env.pop("SEPBOTS_HOME", None)

    logs = tmp_path / "workers"
    logs.mkdir()
    spawned: list[Path] = []

    def spawn() -> subprocess.Popen[bytes]:
        err = logs / f"worker-{len(spawned)}.err"
        spawned.append(err)
        with err.open("wb") as fh:
            return subprocess.Popen([sys.executable, str(WORKER), str(home), url], env=proc_env,
                                    stdout=subprocess.DEVNULL, stderr=fh)

    rng = random.Random(9)
    workers = [spawn() for _ in range(3)]
    kills, restarted_db = 0, False
    trace: list[tuple[float, int | None]] = []
    started = time.monotonic()
    next_kill, done_at_kill = started + 2.0, 0
    try:
        while time.monotonic() - started < DEADLINE_S:
            done = _count_done(url)
            trace.append((round(time.monotonic() - started, 1), done))
            if not restarted_db and done is not None and done >= ITEMS * 0.3:
                cluster.restart("immediate")
                restarted_db = True
            if all(w.poll() is not None for w in workers):
                break
            # Kill every 2-4 s, but only once the fleet made progress since the last kill, so a slow
            # machine (where a restarted runner needs seconds to start) still finishes.
            if time.monotonic() >= next_kill and done is not None and done - done_at_kill >= 100 and done < ITEMS:
                i = rng.randrange(len(workers))
                if workers[i].poll() is None:
                    workers[i].send_signal(signal.SIGKILL)
                    workers[i].wait()
                    kills += 1
                workers[i] = spawn()
                next_kill, done_at_kill = time.monotonic() + rng.uniform(2.0, 4.0), done
            time.sleep(0.2)
        for w in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                w.wait(timeout=max(5.0, DEADLINE_S + 5 - (time.monotonic() - started)))
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    assert all(w.returncode in (0, -signal.SIGKILL) for w in workers), (trace[::5], [w.returncode for w in workers])
    failed = [p.read_text(errors="replace")[-3000:] for p, w in zip(spawned[-3:], workers, strict=True)
              if w.returncode not in (0, -signal.SIGKILL)]
    assert failed == [], failed[0]
    assert kills >= 3 and restarted_db
    assert trace[-1][1] == ITEMS or _count_done(url) == ITEMS, trace[::10]

    env = Environment.open(settings, environ={"SEPBOTS_KEY": key})
    try:
        with env.store.engine.connect() as conn:
            def q(sql: str) -> list[tuple[Any, ...]]:
                return [tuple(row) for row in conn.execute(text(sql))]

            assert q("SELECT state, count(*) FROM work_items GROUP BY state") == [("done", ITEMS)]
            assert q("SELECT count(*), count(DISTINCT item_id) FROM item_attempts WHERE outcome = 'done'") == [(ITEMS, ITEMS)]
            # The completing attempt of every item made its side effect.
            assert q("""SELECT count(*) FROM work_items w WHERE NOT EXISTS (SELECT 1 FROM chaos_effect_log l
                        WHERE l.reference = w.reference AND l.attempt = w.attempts)""") == [(0,)]
            # No side effect without an attempt behind it, and at most one per attempt number.
            assert q("""SELECT count(*) FROM chaos_effect_log l JOIN work_items w ON w.reference = l.reference
                        WHERE l.attempt > w.attempts""") == [(0,)]
            assert q("SELECT count(*) FROM (SELECT reference, attempt FROM chaos_effect_log "
                     "GROUP BY reference, attempt HAVING count(*) > 1) d") == [(0,)]
            assert q("SELECT count(*) FROM chaos_effect") == [(ITEMS,)]
            recovered = q("SELECT count(*) FROM item_attempts WHERE outcome <> 'done'")[0][0]
            repeated = q("SELECT count(*) - count(DISTINCT reference) FROM chaos_effect_log")[0][0]
        assert recovered > 0  # kills and the crash really interrupted items, and they were recovered
        verification = env.audit.verify()
        assert verification.ok, verification.reason
        print(f"\nchaos: kills={kills} interrupted_attempts={recovered} repeated_side_effects={repeated} "
              f"elapsed={time.monotonic() - started:.1f}s")
    finally:
        env.close()
