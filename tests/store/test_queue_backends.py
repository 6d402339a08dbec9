"""The work queue's contract, run on both backends: SQLite file and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Row, func, select

from sepbots.environment import Environment
from sepbots.exceptions import QueueError
from sepbots.store.schema import audit_log, item_attempts, work_items
from sepbots.testing import ManualClock
from sepbots.workitems.models import ErrorKind, ItemState, NewItem, Release
from sepbots.workitems.queue_postgresql import PostgresqlQueues
from sepbots.workitems.queue_sqlite import SqliteQueues
from tests.store.conftest import LEASE_S, claim_one, other_runner, release_one

CLAIMER = Path(__file__).with_name("claimer.py")


def start_together(home: Path, db_url: str, *args: str, count: int = 3) -> list[subprocess.Popen[str]]:
    """``count`` claimer processes, let go at once when every one of them is ready."""
    procs = [subprocess.Popen([sys.executable, str(CLAIMER), str(home), db_url, *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(count)]
    deadline = time.monotonic() + 120
    while len(list(home.glob("ready-*"))) < count:
        assert all(p.poll() is None for p in procs), [p.communicate()[1] for p in procs if p.poll() is not None]
        assert time.monotonic() < deadline, "the claimer processes did not start"
        time.sleep(0.02)
    (home / "go").write_text("x")
    return procs


class P(BaseModel):
    n: int


def add(env: Environment, refs: list[str], *, queue: str = "q", max_attempts: int = 3,
        priority: dict[str, int] | None = None) -> int:
    items: list[NewItem[P]] = [NewItem(reference=r, payload=P(n=i), priority=(priority or {}).get(r, 0)) for i, r in enumerate(refs)]
    with env.store.begin() as conn:
        added, _ = env.queues.add(conn, queue, items, max_attempts=max_attempts, run_id=None, actor="test")
    return added


def row(env: Environment, item_id: int) -> Any:
    with env.store.engine.connect() as conn:
        return conn.execute(select(work_items).where(work_items.c.id == item_id)).one()


def attempts_of(env: Environment, item_id: int) -> Sequence[Row[Any]]:
    with env.store.engine.connect() as conn:
        return conn.execute(select(item_attempts).where(item_attempts.c.item_id == item_id)
                            .order_by(item_attempts.c.id)).all()


def claim(env: Environment, queue: str = "q") -> Any:
    return claim_one(env.queues, queue)


def test_the_queue_is_the_one_implementation_for_the_stores_database(store_env: Environment) -> None:
    """The environment's queues (and another runner's) are the implementation for its dialect, chosen once."""
    expected = {"sqlite": SqliteQueues, "postgresql": PostgresqlQueues}[store_env.store.dialect]
    assert type(store_env.queues) is expected
    assert type(other_runner(store_env, "runner-b")) is expected
    assert expected.dialect == store_env.store.dialect


def test_adding_the_same_reference_twice_keeps_one_item(store_env: Environment) -> None:
    """References are unique per queue: a second add of the same reference inserts nothing."""
    assert add(store_env, ["a", "b"]) == 2
    assert add(store_env, ["b", "c"]) == 1
    assert add(store_env, ["a"], queue="other") == 1  # unique per queue, not globally
    with store_env.store.engine.connect() as conn:
        refs = conn.execute(select(work_items.c.queue, work_items.c.reference).order_by(work_items.c.id)).all()
    assert [tuple(r) for r in refs] == [("q", "a"), ("q", "b"), ("q", "c"), ("other", "a")]


def test_claims_take_highest_priority_first_then_oldest(store_env: Environment) -> None:
    """Claim order is priority descending, then insertion order (FIFO)."""
    add(store_env, ["low1", "high1", "low2", "high2", "mid"], priority={"high1": 5, "high2": 5, "mid": 1})
    order = []
    while (item := claim(store_env)) is not None:
        order.append(item.reference)
    assert order == ["high1", "high2", "mid", "low1", "low2"]


def test_an_item_waiting_for_its_retry_time_is_not_claimed_early(store_env: Environment, clock: ManualClock) -> None:
    """An item released for a retry later is invisible to claims until its next attempt time."""
    add(store_env, ["a"])
    item = claim(store_env)
    later = clock.now().replace(microsecond=0) + (clock.now() - clock.now()) + __import__("datetime").timedelta(seconds=30)
    assert release_one(store_env.queues, item, Release(ItemState.NEW, ErrorKind.APPLICATION, "X", "x",
                                                       next_attempt_at=later), duration_ms=1)
    assert claim(store_env) is None
    clock.advance(31)
    again = claim(store_env)
    assert again is not None and again.attempts == 2


def test_claimed_items_carry_their_decoded_payload_and_lease(store_env: Environment, clock: ManualClock) -> None:
    """A claim sets state, attempt, owner and lease expiry, and returns the decrypted payload."""
    add(store_env, ["a"])
    item = claim(store_env)
    assert P.model_validate_json(item.payload_json) == P(n=0)
    r = row(store_env, item.id)
    assert (r.state, r.attempts, r.lease_owner) == (ItemState.IN_PROGRESS, 1, store_env.runner_id)
    assert (r.lease_expires_at - clock.now()).total_seconds() == LEASE_S
    assert r.encrypted and b'"n"' not in r.payload


def test_threads_claiming_at_once_never_get_the_same_item(store_env: Environment) -> None:
    """Four threads with their own runner ids claim concurrently; every item is handed out exactly once."""
    add(store_env, [f"r{i}" for i in range(200)])
    got: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def work(owner: str) -> None:
        q = other_runner(store_env, owner)
        mine = got.setdefault(owner, [])
        try:
            while (item := claim_one(q, run_id="run")) is not None:
                mine.append(item.id)
                assert release_one(q, item, Release(ItemState.DONE), run_id="run")
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    ids = [i for lst in got.values() for i in lst]
    assert len(ids) == 200 and len(set(ids)) == 200
    with store_env.store.engine.connect() as conn:
        done = conn.execute(select(func.count()).select_from(item_attempts).where(item_attempts.c.outcome == "done")).scalar()
    assert done == 200


def test_processes_claiming_at_once_never_get_the_same_item(store_env: Environment, home: Path, db_url: str) -> None:
    """Three runner processes drain one queue together; each item is completed by exactly one of them."""
    add(store_env, [f"r{i}" for i in range(120)])
    procs = start_together(home, db_url, "claim", "q")
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    ids = [i for r in results for i in r]
    assert len(ids) == 120 and len(set(ids)) == 120
    assert all(results)  # the work really was shared: each process held an item while the others claimed
    with store_env.store.engine.connect() as conn:
        states = conn.execute(select(work_items.c.state, func.count()).group_by(work_items.c.state)).all()
    assert [tuple(s) for s in states] == [("done", 120)]


def test_an_expired_lease_returns_the_item_and_counts_the_attempt(store_env: Environment, clock: ManualClock) -> None:
    """When a runner stops heartbeating, reclaim puts its item back as new with the attempt counted."""
    add(store_env, ["a"], max_attempts=2)
    item = claim(store_env)
    clock.advance(LEASE_S - 1)
    assert store_env.queues.reclaim_expired() == 0
    clock.advance(2)
    assert store_env.queues.reclaim_expired() == 1
    r = row(store_env, item.id)
    assert (r.state, r.attempts, r.lease_owner, r.error_code) == (ItemState.NEW, 1, None, "LEASE_EXPIRED")
    assert [a.outcome for a in attempts_of(store_env, item.id)] == ["lease_expired"]
    second = claim(store_env)
    assert second.attempts == 2
    clock.advance(LEASE_S + 1)
    assert store_env.queues.reclaim_expired("q") == 1
    r = row(store_env, item.id)
    assert (r.state, r.attempts) == (ItemState.ABANDONED, 2) and r.finished_at == clock.now()


def test_a_release_after_the_lease_was_lost_is_refused(store_env: Environment, clock: ManualClock) -> None:
    """A runner presumed dead cannot complete an item another runner has taken over."""
    add(store_env, ["a"])
    slow = claim(store_env)
    clock.advance(LEASE_S + 1)
    store_env.queues.reclaim_expired()
    other = other_runner(store_env, "runner-b")
    taken = claim_one(other, run_id="run-2")
    assert taken is not None and taken.id == slow.id
    assert not release_one(store_env.queues, slow, Release(ItemState.DONE), duration_ms=5)
    assert release_one(other, taken, Release(ItemState.DONE), run_id="run-2", duration_ms=5)
    assert [a.outcome for a in attempts_of(store_env, slow.id)] == ["lease_expired", "done"]
    assert row(store_env, slow.id).state == ItemState.DONE


def test_a_heartbeat_extends_only_the_owners_lease(store_env: Environment, clock: ManualClock) -> None:
    """Heartbeats move the lease expiry forward for the owning runner; another runner's heartbeat does nothing."""
    add(store_env, ["a"])
    item = claim(store_env)
    clock.advance(LEASE_S * 0.75)
    assert store_env.queues.heartbeat([item.id]) == 1
    assert other_runner(store_env, "intruder").heartbeat([item.id]) == 0
    clock.advance(LEASE_S * 0.75)
    assert store_env.queues.reclaim_expired() == 0
    clock.advance(LEASE_S * 0.3)
    assert store_env.queues.reclaim_expired() == 1
    assert store_env.queues.heartbeat([item.id]) == 0  # the lease is gone


def test_operators_can_retry_failed_items_and_mark_manual_ones_handled(store_env: Environment) -> None:
    """retry sends a failed item back with one more attempt; mark_handled records who handled it; wrong states are refused."""
    add(store_env, ["fail", "biz", "ok"], max_attempts=1)
    outcomes = {"fail": Release(ItemState.FAILED, ErrorKind.APPLICATION, "DOWN", "portal down"),
                "biz": Release(ItemState.BUSINESS_EXCEPTION, ErrorKind.BUSINESS, "BAD", "bad amount"),
                "ok": Release(ItemState.DONE)}
    ids = {}
    while (item := claim(store_env)) is not None:
        ids[item.reference] = item.id
        release_one(store_env.queues, item, outcomes[item.reference], duration_ms=1)
    store_env.queues.retry(ids["fail"], actor="op", note="portal is back")
    r = row(store_env, ids["fail"])
    assert (r.state, r.max_attempts, r.finished_at) == (ItemState.NEW, 2, None)
    again = claim(store_env)
    assert (again.id, again.attempts) == (ids["fail"], 2)
    with pytest.raises(QueueError, match="in_progress"):
        store_env.queues.retry(ids["fail"], actor="op")
    with pytest.raises(QueueError, match="done"):
        store_env.queues.retry(ids["ok"], actor="op")
    with pytest.raises(QueueError, match="no work item"):
        store_env.queues.retry(999_999, actor="op")
    store_env.queues.mark_handled(ids["biz"], actor="op", note="fixed by hand")
    r = row(store_env, ids["biz"])
    assert (r.state, r.handled_by, r.handled_note) == (ItemState.BUSINESS_EXCEPTION, "op", "fixed by hand")
    with pytest.raises(QueueError):
        store_env.queues.mark_handled(ids["ok"], actor="op", note="x")
    with store_env.store.engine.connect() as conn:
        events = conn.execute(select(audit_log.c.event).order_by(audit_log.c.seq)).scalars().all()
    assert events.count("item_retry_requested") == 1 and events.count("item_handled") == 1
    assert store_env.audit.verify().ok


def test_the_audit_chain_stays_valid_under_concurrent_appends_from_processes(
    store_env: Environment, home: Path, db_url: str
) -> None:
    """Three processes appending at once produce one unbroken chain with every row present."""
    add(store_env, ["seed"])  # the chain already has a head row
    procs = start_together(home, db_url, "audit", "60")
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    result = store_env.audit.verify()
    assert result.ok, result.reason
    assert result.rows == 1 + 180


def test_the_first_audit_appends_race_safely_on_an_empty_chain(store_env: Environment) -> None:
    """Several first appends at once (no head row yet) all land in one valid chain."""
    from sepbots.audit import AuditEvent

    errors: list[BaseException] = []

    def append(i: int) -> None:
        try:
            store_env.audit.record([AuditEvent("operator_action", f"t{i}")], store_env.clock.now())
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    result = store_env.audit.verify()
    assert result.ok and result.rows == 4
