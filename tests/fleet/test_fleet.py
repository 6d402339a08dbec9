"""Fleet coordination on both backends: leader election, fleet-wide slots, capabilities, batched claims, outages."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import func, select, text

from sepbots import BotContext, Runner, WorkItem, bot
from sepbots.dashboard.trail import item_events
from sepbots.environment import Environment
from sepbots.exceptions import ConfigError, RunRefused, StopRequested, StoreError
from sepbots.fleet import Capability, FleetSlots, LeaderElection, MissingCapability, SlotBusy
from sepbots.fleet.capabilities import capability_gate, parse_capabilities, runnable
from sepbots.recipes import recipe_of
from sepbots.runtime import StopToken
from sepbots.store import Store, head_revision
from sepbots.store.outage import DatabaseHealth
from sepbots.store.schema import audit_log, item_attempts, work_items
from sepbots.testing import ManualClock
from sepbots.workitems.models import ErrorKind, Finished, ItemState, NewItem, Release
from tests.pg import scratch_database
from tests.store.conftest import claim_one, other_runner

HOLDER = Path(__file__).with_name("leader_holder.py")


class P(BaseModel):
    n: int


def add(env: Environment, n: int, queue: str = "q") -> None:
    with env.store.begin() as conn:
        env.queues.add(conn, queue, [NewItem(reference=f"r{i}", payload=P(n=i)) for i in range(n)], max_attempts=3,
                       run_id=None, actor="test")


# -- leader election ------------------------------------------------------------------------------

def test_only_one_runner_leads_and_another_takes_over_when_it_steps_down(store_env: Environment, clock: ManualClock) -> None:
    """Of two candidates one leads; after it releases, the other wins at its next try."""
    a = LeaderElection(store_env.store, owner="a", clock=clock)
    b = LeaderElection(store_env.store, owner="b", clock=clock)
    try:
        assert a.try_acquire() and not b.try_acquire()
        assert a.check() and a.try_acquire()  # re-acquiring is idempotent for the leader
        a.release()
        assert not a.is_leader
        assert b.try_acquire() and not a.try_acquire()
    finally:
        a.close()
        b.close()


def test_a_sqlite_lease_passes_to_a_standby_once_the_leader_stops_renewing(tmp_path: Path) -> None:
    """On SQLite the leader's lease row expires after ttl_s without renewal and a standby takes it; the old leader learns it lost."""
    clock = ManualClock()
    store = Store(f"sqlite:///{tmp_path / 'l.db'}")
    a = LeaderElection(store, owner="a", clock=clock, ttl_s=10)
    b = LeaderElection(store, owner="b", clock=clock, ttl_s=10)
    assert a.try_acquire()
    clock.advance(8)
    assert a.check() and not b.try_acquire()  # renewed at t=8: valid until t=18
    clock.advance(9)
    assert not b.try_acquire()
    clock.advance(2)
    assert b.try_acquire()
    assert not a.check() and not a.is_leader
    store.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_killed_postgresql_leader_is_replaced_within_15_seconds(pg_session_url: str) -> None:
    """SIGKILL the leader process: its advisory lock goes with its session and a standby leads within 15 s."""
    holder = subprocess.Popen([sys.executable, str(HOLDER), pg_session_url], stdout=subprocess.PIPE, text=True)
    store = Store(pg_session_url)
    standby = LeaderElection(store, owner="standby", clock=ManualClock(), poll_s=0.2)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "leader"
        assert not standby.try_acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        t0 = time.monotonic()
        while not standby.try_acquire():
            assert time.monotonic() - t0 < 15, "no takeover within 15 s"
            time.sleep(0.2)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        if holder.stdout:
            holder.stdout.close()
        standby.close()
        store.dispose()


@pytest.mark.postgres
def test_a_leader_whose_session_is_cut_steps_down_and_the_lock_is_free(pg_session_url: str) -> None:
    """When the leader's database session is terminated, check() reports the loss and another runner can lead."""
    clock = ManualClock()
    store = Store(pg_session_url)
    a = LeaderElection(store, owner="a", clock=clock)
    b = LeaderElection(store, owner="b", clock=clock)
    try:
        assert a.try_acquire()
        with store.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"))
        assert not a.check() and not a.is_leader
        assert b.try_acquire()
    finally:
        a.close()
        b.close()
        store.dispose()


def test_run_calls_back_on_election_and_on_stepping_down(store_env: Environment, clock: ManualClock) -> None:
    """The campaign loop reports winning leadership, and losing it when stopped."""
    events: list[str] = []
    stop = threading.Event()
    election = LeaderElection(store_env.store, owner="a", clock=clock, poll_s=0.05)
    t = threading.Thread(target=election.run, args=(stop,),
                         kwargs={"on_elected": lambda: events.append("elected"), "on_lost": lambda: events.append("lost")})
    t.start()
    deadline = time.monotonic() + 60
    while not events and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    t.join(10)
    election.close()
    assert events == ["elected", "lost"]


# -- fleet-wide slots -----------------------------------------------------------------------------

def test_a_fleet_limit_admits_only_that_many_holders(store_env: Environment, clock: ManualClock) -> None:
    """With limit 1 a second runner is refused until the first releases; a dead holder's slot frees after its ttl."""
    a = FleetSlots(store_env.store, owner="a", clock=clock, ttl_s=30)
    b = FleetSlots(store_env.store, owner="b", clock=clock, ttl_s=30)
    with a.hold("credential:portal", 1):
        with pytest.raises(SlotBusy, match="credential:portal"), b.hold("credential:portal", 1):
            pass
        two = b.acquire("credential:portal", 2)
        assert two is not None and two.slot == 1
        b.release(two)
    held = b.acquire("credential:portal", 1)
    assert held is not None
    clock.advance(20)
    assert b.renew(held)
    clock.advance(20)
    assert a.acquire("credential:portal", 1) is None  # renewed: still b's
    clock.advance(11)
    taken = a.acquire("credential:portal", 1)  # b died (no renewal for 31 s): a takes over
    assert taken is not None and not b.renew(held)


# -- capabilities ---------------------------------------------------------------------------------

@bot(name="web-bot", requires=("browser",))
def web_bot(item: WorkItem[P], ctx: BotContext[Any]) -> None:
    return None


@bot(name="plain-bot")
def plain_bot(item: WorkItem[P], ctx: BotContext[Any]) -> None:
    return None


def test_work_goes_only_to_runners_offering_what_the_bot_requires(env: Environment) -> None:
    """A runner without a browser refuses a browser bot's run and lists only the bots it can take."""
    offered = parse_capabilities(["desktop"])
    assert [r.name for r in runnable([recipe_of(web_bot), recipe_of(plain_bot)], offered)] == ["plain-bot"]
    assert parse_capabilities(None) == frozenset(Capability)
    with pytest.raises(ConfigError, match="fleet.capabilities"):
        parse_capabilities(["gpu"])
    with pytest.raises(RunRefused, match="does not offer: browser") as refused:  # recorded as a refused run
        Runner(env, gate=capability_gate(offered)).run(web_bot)
    assert isinstance(refused.value.__cause__, MissingCapability)
    assert Runner(env, gate=capability_gate(offered)).run(plain_bot).status.value == "completed"


# -- batched claims and releases -----------------------------------------------------------------

def test_an_exchange_writes_releases_and_claims_at_most_its_limit(store_env: Environment) -> None:
    """One exchange releases finished items and claims up to `limit` new ones in priority/FIFO order."""
    add(store_env, 10)
    q = store_env.queues
    landed, first = q.exchange([], "q", limit=4, run_id="r", bot="b")
    assert landed == [] and [c.reference for c in first] == ["r0", "r1", "r2", "r3"]
    now = store_env.clock.now()
    landed, second = q.exchange([Finished(c, Release(ItemState.DONE), 3, now) for c in first], "q", limit=4,
                              run_id="r", bot="b")
    assert landed == [True] * 4 and [c.reference for c in second] == ["r4", "r5", "r6", "r7"]
    with store_env.store.engine.connect() as conn:
        states = dict(conn.execute(select(work_items.c.reference, work_items.c.state)).all())
        done = conn.execute(select(item_attempts.c.outcome)).scalars().all()
    assert [states[f"r{i}"] for i in range(10)] == ["done"] * 4 + ["in_progress"] * 4 + ["new"] * 2
    assert done == ["done"] * 4
    assert q.give_back(second[2:], run_id="r", bot="b") == 2
    with store_env.store.engine.connect() as conn:
        r6 = conn.execute(select(work_items).where(work_items.c.reference == "r6")).one()
    assert (r6.state, r6.attempts, r6.lease_owner) == ("new", 0, None)
    assert store_env.audit.verify().ok
    with store_env.store.engine.connect() as conn:
        trail = conn.execute(select(audit_log.c.event, audit_log.c.item_id, audit_log.c.details)
                             .where(audit_log.c.event.like("item%")).order_by(audit_log.c.seq)).all()
    ids = [c.id for c in first]
    assert [(e, i) for e, i, _ in trail[1:4]] == [("items_claimed", None), ("items_released", None),
                                                  ("items_claimed", None)]
    assert trail[1].details == {"items": [[i, 1] for i in ids]}
    assert trail[2].details == {"items": [[i, 1, "done", None, 3] for i in ids]}
    assert [e for e, _, _ in trail[4:]] == ["item_given_back"] * 2


def test_a_batched_release_writes_every_kind_of_outcome_like_a_single_release(store_env: Environment) -> None:
    """Done with output, business exception, retry later, failure with evidence: the batch writes each item and
    attempt as a release of that item alone would (PostgreSQL writes a batch as two array statements)."""
    add(store_env, 4)
    q, now = store_env.queues, store_env.clock.now()
    _, claimed = q.exchange([], "q", limit=4, run_id="r", bot="b")
    later = now + timedelta(minutes=5)
    outcomes = [
        Release(ItemState.DONE, output={"case": "K-1", "note": "cpr 010203-1234"}),
        Release(ItemState.BUSINESS_EXCEPTION, ErrorKind.BUSINESS, "NOT_FOUND", "no case for 010203-1234"),
        Release(ItemState.NEW, ErrorKind.APPLICATION, "TIMEOUT", "portal timed out", next_attempt_at=later),
        Release(ItemState.FAILED, ErrorKind.APPLICATION, "CRASH", "boom", artifacts=("runs/r/items/x.png",)),
    ]
    landed, _ = q.exchange([Finished(c, o, 10 + i, now) for i, (c, o) in enumerate(zip(claimed, outcomes, strict=True))],
                         "q", limit=0, run_id="r", bot="b")
    assert landed == [True] * 4
    with store_env.store.engine.connect() as conn:
        items = {r.reference: r for r in conn.execute(select(work_items))}
        tries = {r.item_id: r for r in conn.execute(select(item_attempts))}
    done, business, retry, failed = (items[f"r{i}"] for i in range(4))
    token = store_env.redactor.token("0102031234")
    assert (done.state, done.output, done.finished_at, done.lease_owner) == (
        "done", {"case": "K-1", "note": f"cpr {token}"}, now, None)
    assert (business.state, business.error_code, business.error_message) == (
        "business_exception", "NOT_FOUND", f"no case for {token}")
    assert (retry.state, retry.next_attempt_at, retry.finished_at, retry.output) == ("new", later, None, None)
    assert (failed.state, failed.artifacts, failed.duration_ms) == ("failed", ["runs/r/items/x.png"], 13)
    assert [(tries[c.id].outcome, tries[c.id].error_kind, tries[c.id].duration_ms, tries[c.id].artifacts)
            for c in claimed] == [("done", None, 10, None), ("business_exception", "business", 11, None),
                                  ("retry", "application", 12, None), ("failed", "application", 13, ["runs/r/items/x.png"])]
    assert tries[claimed[1].id].error_message == f"no case for {token}"
    assert all(t.started_at == now and t.ended_at == now and t.run_id == "r" and t.attempt == 1 for t in tries.values())


def test_a_batch_that_takes_or_releases_one_item_records_it_under_the_item(store_env: Environment) -> None:
    """A claim or release of a single item keeps the per-item audit row (with its item id)."""
    add(store_env, 1)
    _, (only,) = store_env.queues.exchange([], "q", limit=5, run_id="r", bot="b")
    store_env.queues.exchange([Finished(only, Release(ItemState.DONE), 2, store_env.clock.now())], "q", limit=5,
             run_id="r", bot="b")
    with store_env.store.engine.connect() as conn:
        trail = conn.execute(select(audit_log.c.event, audit_log.c.details).where(audit_log.c.item_id == only.id)
                             .order_by(audit_log.c.seq)).all()
    assert [tuple(r) for r in trail] == [("item_claimed", {"attempt": 1}),
                                         ("item_released", {"state": "done", "attempt": 1, "code": None,
                                                            "duration_ms": 2})]


def test_an_exchange_drops_releases_whose_lease_was_lost(store_env: Environment, clock: ManualClock) -> None:
    """A batched release of an item another runner took over does not land, while the rest of the batch does."""
    add(store_env, 2)
    _, claimed = store_env.queues.exchange([], "q", limit=2, run_id="r", bot="b")
    clock.advance(61)
    store_env.queues.reclaim_expired()
    store_env.clock.now()
    other = other_runner(store_env, "b")
    taken = claim_one(other, run_id="r2")
    assert taken is not None
    lost = next(c for c in claimed if c.id == taken.id)
    kept = next(c for c in claimed if c.id != taken.id)
    with store_env.store.begin() as conn:  # give `kept` back to us so it is still held
        conn.execute(work_items.update().where(work_items.c.id == kept.id).values(
            state="in_progress", lease_owner=store_env.runner_id))
    landed, _ = store_env.queues.exchange([Finished(lost, Release(ItemState.DONE), 1, clock.now()),
                                            Finished(kept, Release(ItemState.DONE), 1, clock.now())],
                         "q", limit=0, run_id="r", bot="b")
    assert landed == [False, True]


FAST: list[int] = []


@bot(name="fast", max_attempts=2)
def fast(item: WorkItem[P], ctx: BotContext[Any]) -> dict[str, int]:
    FAST.append(item.payload.n)
    return {"n": item.payload.n}


def test_a_run_of_a_fast_bot_processes_every_item_once_in_order(store_env: Environment) -> None:
    """With claims ahead and batched releases, a run still processes each item once, in queue order, with its output."""
    FAST.clear()
    add(store_env, 150, queue="fast")
    summary = Runner(store_env).run(fast, produce=False)
    assert summary.counts.done == 150 and list(range(150)) == FAST
    with store_env.store.engine.connect() as conn:
        rows = conn.execute(select(work_items.c.state, work_items.c.output).order_by(work_items.c.id)).all()
    assert all(r.state == "done" for r in rows) and rows[7].output == {"n": 7}
    assert store_env.audit.verify().ok
    # The chain holds every claim and every release once, mostly as batch rows naming the items.
    claims: list[int] = []
    releases: list[int] = []
    with store_env.store.engine.connect() as conn:
        for r in conn.execute(select(audit_log).where(audit_log.c.run_id == summary.run_id)):
            if r.event == "item_claimed":
                claims.append(r.item_id)
            elif r.event == "items_claimed":
                claims.extend(i for i, _ in r.details["items"])
            elif r.event == "item_released":
                releases.append(r.item_id)
            elif r.event == "items_released":
                assert all(state == "done" for _, _, state, _, _ in r.details["items"])
                releases.extend(i for i, *_ in r.details["items"])
        ids = conn.execute(select(work_items.c.id).order_by(work_items.c.id)).scalars().all()
        batch_rows = conn.execute(select(func.count()).select_from(audit_log)
                                  .where(audit_log.c.event.in_(["items_claimed", "items_released"]))).scalar()
        # The dashboard's item page finds an item's batch rows.
        events = item_events(conn, ids[100])
    assert sorted(claims) == ids and sorted(releases) == ids
    assert batch_rows is not None and batch_rows < 40  # batches grow 1, 2, 4 … up to 256 items
    assert [(e.event, e.details["attempt"]) for e in events if e.event.startswith("items_")] == [
        ("items_released", 1), ("items_claimed", 1)]


# -- outages --------------------------------------------------------------------------------------

def test_store_calls_wait_out_an_outage_and_log_it_once(capsys: pytest.CaptureFixture[str]) -> None:
    """DatabaseHealth retries through consecutive failures, logs the outage once, and a stop ends the wait."""
    from structlog.testing import capture_logs

    calls = {"n": 0}

    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] < 4:
            raise StoreError("database error on x: connection refused")
        return "ok"

    with capture_logs() as logs:
        assert DatabaseHealth(StopToken(), max_wait_s=0.05).call(flaky) == "ok"
    assert calls["n"] == 4
    assert [entry["event"] for entry in logs] == ["database_unavailable", "database_available"]
    stop = StopToken()
    stop.set()

    def down() -> None:
        raise StoreError("down")

    with pytest.raises(StopRequested):
        DatabaseHealth(stop).call(down)


@pytest.mark.postgres
def test_migrations_bring_an_empty_postgresql_database_to_head_and_are_idempotent() -> None:
    """Opening a fresh PostgreSQL database creates every table at the newest revision; opening again changes nothing."""
    with scratch_database("sepbots_migr") as url:
        store = Store(url)
        store.migrate()
        with store.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            tables = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
        store.dispose()
        assert version == head_revision()
        assert {"work_items", "item_attempts", "audit_log", "audit_head", "fleet_leader", "fleet_slots"} <= tables


def test_migrations_bring_an_empty_sqlite_database_to_head(tmp_path: Path) -> None:
    """The same migrations create the same tables in a new SQLite file."""
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    with store.engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        tables = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
    store.dispose()
    assert version == head_revision()
    assert {"work_items", "item_attempts", "audit_log", "audit_head", "fleet_leader", "fleet_slots"} <= tables


# -- least privilege ------------------------------------------------------------------------------

ROLES_SQL = Path(__file__).resolve().parents[2] / "docs" / "fleet-roles.sql"


def _produce(ctx: BotContext[Any]) -> list[NewItem[P]]:
    return [NewItem(reference=f"p{i}", payload=P(n=i)) for i in range(5)]


@bot(name="least-privilege", producer=_produce)
def least_privilege(item: WorkItem[P], ctx: BotContext[Any]) -> None:
    return None


@pytest.mark.postgres
def test_a_runner_with_the_documented_grants_runs_bots_but_cannot_rewrite_the_audit_trail(home: Path) -> None:
    """With docs/fleet-roles.sql applied, sepbots_runner produces, claims and releases; it may not update audit rows or read them back."""
    from sqlalchemy.engine import make_url

    from sepbots.keys import new_key_text
    from sepbots.testing import open_test_environment

    key = new_key_text()
    with scratch_database("sepbots_roles") as owner_url:
        open_test_environment(home, overrides={"database": {"url": owner_url}},
                              environ={"SEPBOTS_KEY": key}).close()  # the owner creates the schema
        store = Store(owner_url)
        with store.engine.connect() as conn:
            conn.exec_driver_sql(ROLES_SQL.read_text(encoding="utf-8"))
            conn.commit()
        store.dispose()
        runner_url = make_url(owner_url).set(username="sepbots_runner").render_as_string(hide_password=False)
        env = open_test_environment(home, overrides={"database": {"url": runner_url}}, environ={"SEPBOTS_KEY": key})
        try:
            summary = Runner(env).run(least_privilege)
            assert (summary.status.value, summary.counts.done) == ("completed", 5)
            with pytest.raises(Exception, match="permission denied"), env.store.begin() as conn:
                conn.execute(text("UPDATE audit_log SET details = NULL"))
            with pytest.raises(Exception, match="permission denied"), env.store.begin() as conn:
                conn.execute(text("DELETE FROM work_items"))
        finally:
            env.close()
        dash_url = make_url(owner_url).set(username="sepbots_dashboard").render_as_string(hide_password=False)
        dash = Store(dash_url)
        try:
            with dash.engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM work_items WHERE state = 'done'")).scalar_one() == 5
            with pytest.raises(Exception, match="permission denied"), dash.engine.connect() as conn:
                conn.execute(text("SELECT secret FROM credentials"))
        finally:
            dash.dispose()


# -- a database restart under a running runner ----------------------------------------------------

SLOW: list[int] = []
DOWN = threading.Event()  # set once the database is down


@bot(name="steady", max_attempts=3)
def steady(item: WorkItem[P], ctx: BotContext[Any]) -> None:
    time.sleep(0.02)
    if len(SLOW) >= 15:
        # The 16th item finishes only once the database is down, so the run cannot drain the
        # queue before the outage however slowly the server stops (its result meets the outage).
        assert DOWN.wait(120), "the database never went down"
    SLOW.append(item.payload.n)


@pytest.mark.postgres
@pytest.mark.slow
def test_a_runner_rides_out_a_database_restart_and_finishes_every_item(home: Path) -> None:
    """While PostgreSQL restarts, the runner stops claiming, logs the outage once, then writes its results and drains the queue."""
    from structlog.testing import capture_logs

    from sepbots.testing import open_test_environment
    from tests.pg import private_cluster

    SLOW.clear()
    DOWN.clear()
    with private_cluster() as cluster:
        env = open_test_environment(home, overrides={"database": {"url": cluster.database("restart")},
                                                     "queue": {"heartbeat_s": 0.2}})
        try:
            add(env, 150, queue="steady")
            result: dict[str, Any] = {}
            with capture_logs() as logs:
                t = threading.Thread(target=lambda: result.setdefault("s", Runner(env).run(steady, produce=False)))
                t.start()
                deadline = time.monotonic() + 60
                while len(SLOW) < 15 and time.monotonic() < deadline:
                    time.sleep(0.02)
                # Down for longer than the runner's write interval, so it must notice the outage
                # (a restart faster than that can be hidden by the pool's pre-ping reconnect).
                cluster.outage(1.5, on_down=DOWN.set)
                t.join(120)
            summary = result["s"]
            assert (summary.status.value, summary.counts.done) == ("completed", 150)
            assert sorted(set(SLOW)) == list(range(150))
            events = [e["event"] for e in logs]
            assert events.count("database_unavailable") == events.count("database_available") >= 1
            assert events.count("database_unavailable") <= 2  # once per outage, not once per retry
            with env.store.engine.connect() as conn:
                states = conn.execute(text("SELECT state, count(*) FROM work_items GROUP BY state")).all()
            assert [tuple(s) for s in states] == [("done", 150)]
            assert env.audit.verify().ok
        finally:
            env.close()


# -- a fleet-wide limit inside a bot --------------------------------------------------------------

PORTAL_SESSIONS: list[str] = []


@bot(name="portal-bot", max_attempts=3, retry_delay=__import__("datetime").timedelta(milliseconds=10))
def portal_bot(item: WorkItem[P], ctx: BotContext[Any]) -> None:
    with ctx.fleet_slot("credential:portal"):
        PORTAL_SESSIONS.append(item.reference)


def test_a_bot_waits_for_a_fleet_slot_another_runner_holds(store_env: Environment, clock: ManualClock) -> None:
    """While another runner holds the only portal slot, the item is retried as FLEET_LIMIT; once freed it goes through."""
    PORTAL_SESSIONS.clear()
    add(store_env, 1, queue="portal-bot")
    other = FleetSlots(store_env.store, owner="other-runner", clock=clock)
    held = other.acquire("credential:portal", 1)
    assert held is not None
    first = Runner(store_env).run(portal_bot, produce=False, wait_for_retries=False)
    assert (first.counts.retried, PORTAL_SESSIONS) == (1, [])
    with store_env.store.engine.connect() as conn:
        assert conn.execute(select(work_items.c.error_code)).scalar_one() == "FLEET_LIMIT"
    other.release(held)
    clock.advance(1)
    second = Runner(store_env).run(portal_bot, produce=False)
    assert (second.counts.done, PORTAL_SESSIONS) == (1, ["r0"])
    assert FleetSlots(store_env.store, owner="x", clock=clock).acquire("credential:portal", 1) is not None  # freed
