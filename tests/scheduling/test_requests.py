"""Run requests: unique keys (one row however many schedulers fire), priority order, leases, pauses."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from sepbots.clock import SystemClock
from sepbots.store import Store
from sepbots.testing import ManualClock
from sepbots.trigger import Trigger
from sepbots.worker.requests import NewRequest, RequestState, RunRequests, schedule_key
from sepbots.worker.state import BotStates
from sepbots.worker.tables import run_requests

LEASE = timedelta(seconds=30)


def new(key: str, bot: str = "refusion", priority: int = 0, max_concurrent: int = 1) -> NewRequest:
    return NewRequest(
        key=key, bot=bot, trigger=Trigger.MANUAL, priority=priority, max_concurrent=max_concurrent
    )


def count_rows(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(run_requests)).scalar_one())


def test_schedule_key_is_name_and_utc_fire_time() -> None:
    """A fire's key is the schedule name plus its fire time in UTC, whatever zone it is given in."""
    from sepbots.clock import COPENHAGEN

    fire = datetime(2026, 3, 29, 3, 0, tzinfo=COPENHAGEN)
    assert schedule_key("nat", fire) == "schedule:nat:2026-03-29T01:00:00+00:00"


def test_enqueue_same_key_twice_gives_one_row(store: Store, clock: ManualClock) -> None:
    """Enqueueing an existing key changes nothing and says so."""
    requests = RunRequests(store, clock)
    first = requests.enqueue(new("k1"))
    assert first is not None and first.state is RequestState.PENDING and first.created_at == clock.now()
    assert requests.enqueue(new("k1", priority=9)) is None
    stored = requests.get(first.id)
    assert count_rows(store) == 1 and stored is not None and stored.priority == 0


def test_two_threads_firing_same_keys_make_one_row_each(store: Store) -> None:
    """Two schedulers in one process firing the same 30 keys at once leave 30 rows."""
    requests = RunRequests(store, SystemClock())
    barrier = threading.Barrier(2)
    added: list[int] = []

    def fire_all() -> None:
        barrier.wait()
        added.append(sum(requests.enqueue(new(f"schedule:s:{i}")) is not None for i in range(30)))

    threads = [threading.Thread(target=fire_all) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(added) == 30 and count_rows(store) == 30


def _fire_in_process(
    url: str, barrier: multiprocessing.synchronize.Barrier, out: multiprocessing.Queue[int]
) -> None:
    store = Store(url, migrate=False)
    requests = RunRequests(store, SystemClock())
    barrier.wait()
    out.put(sum(requests.enqueue(new(f"schedule:s:{i}")) is not None for i in range(30)))
    store.dispose()


def test_two_processes_firing_same_keys_make_one_row_each(sqlite_store: Store) -> None:
    """Two scheduler processes firing the same 30 keys at once leave 30 rows: no run happens twice."""
    store = sqlite_store
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_fire_in_process, args=(store.url, barrier, out)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert out.get(timeout=5) + out.get(timeout=5) == 30
    assert count_rows(store) == 30


def test_claim_takes_highest_priority_then_oldest(store: Store, clock: ManualClock) -> None:
    """Claims come in priority order (higher first), and oldest first within a priority."""
    requests = RunRequests(store, clock)
    for key, prio in [("a", 0), ("b", 5), ("c", 0), ("d", 5), ("e", 1)]:
        requests.enqueue(new(key, bot=f"bot-{key}", priority=prio))
        clock.advance(1)
    order = []
    while (req := requests.claim("w1", LEASE)) is not None:
        order.append(req.key)
        assert req.state is RequestState.RUNNING and req.claimed_by == "w1" and req.attempts == 1
    assert order == ["b", "d", "e", "a", "c"]


def test_one_run_per_bot_unless_configured(store: Store, clock: ManualClock) -> None:
    """A bot's second request waits while its first runs; max_concurrent=2 lets two run."""
    requests = RunRequests(store, clock)
    requests.enqueue(new("a1", bot="a"))
    requests.enqueue(new("a2", bot="a"))
    requests.enqueue(new("b1", bot="b", max_concurrent=2))
    requests.enqueue(new("b2", bot="b", max_concurrent=2))
    claimed = [requests.claim(f"w{i}", LEASE) for i in range(4)]
    assert [c.key if c else None for c in claimed] == ["a1", "b1", "b2", None]
    assert claimed[0] is not None and requests.finish(claimed[0].id, "w0", RequestState.DONE, run_id="r1")
    nxt = requests.claim("w9", LEASE)
    assert nxt is not None and nxt.key == "a2"


def test_paused_bot_is_not_claimed_until_resumed(store: Store, clock: ManualClock) -> None:
    """Requests of a paused bot stay pending; other bots' requests run meanwhile."""
    requests, bots = RunRequests(store, clock), BotStates(store, clock)
    requests.enqueue(new("p1", bot="paused-bot", priority=9))
    requests.enqueue(new("o1", bot="other"))
    bots.pause("paused-bot", by="test")
    assert bots.is_paused("paused-bot") and bots.paused() == {"paused-bot"}
    assert (other := requests.claim("w", LEASE)) is not None and other.key == "o1"
    assert requests.claim("w", LEASE) is None
    bots.resume("paused-bot")
    assert (resumed := requests.claim("w", LEASE)) is not None and resumed.key == "p1"


def test_expired_lease_returns_request_then_fails_after_max_claims(store: Store, clock: ManualClock) -> None:
    """A request whose runner died is claimed again after its lease; after 3 deaths it is failed."""
    requests = RunRequests(store, clock, max_claims=3)
    req = requests.enqueue(new("k"))
    assert req is not None
    for attempt in (1, 2, 3):
        got = requests.claim(f"w{attempt}", LEASE)
        assert got is not None and got.id == req.id and got.attempts == attempt
        assert requests.claim("other", LEASE) is None  # lease still held
        clock.advance(LEASE.total_seconds() + 1)
    assert requests.claim("w4", LEASE) is None
    final = requests.get(req.id)
    assert final is not None and final.state is RequestState.FAILED and "stopped answering 3 times" in (final.error or "")


def test_renew_keeps_a_long_run_claimed(store: Store, clock: ManualClock) -> None:
    """Renewing the lease keeps a long run from being claimed by another runner."""
    requests = RunRequests(store, clock)
    req = requests.enqueue(new("k"))
    assert req is not None
    requests.claim("w1", LEASE)
    for _ in range(3):
        clock.advance(20)
        assert requests.renew(req.id, "w1", LEASE)
        assert requests.claim("w2", LEASE) is None
    assert not requests.renew(req.id, "w2", LEASE)


def test_release_makes_request_pending_without_counting_a_claim(store: Store, clock: ManualClock) -> None:
    """A released request (shutdown, pause) is pending again and its claim does not count as a death."""
    requests = RunRequests(store, clock)
    req = requests.enqueue(new("k"))
    assert req is not None
    requests.claim("w1", LEASE)
    assert requests.release(req.id, "w1")
    again = requests.get(req.id)
    assert again is not None and again.state is RequestState.PENDING and again.claimed_by is None and again.attempts == 0
    assert not requests.release(req.id, "w1")


def test_finish_records_outcome_and_only_by_holder(store: Store, clock: ManualClock) -> None:
    """Only the claiming runner can finish a request; the run id, error and end time are kept."""
    requests = RunRequests(store, clock)
    req = requests.enqueue(new("k"))
    assert req is not None
    requests.claim("w1", LEASE)
    requests.attach_run(req.id, "w1", "run-1")
    assert not requests.finish(req.id, "w2", RequestState.DONE)
    clock.advance(5)
    assert requests.finish(req.id, "w1", RequestState.FAILED, error="producer crashed")
    done = requests.get(req.id)
    assert done is not None and done.state is RequestState.FAILED and done.run_id == "run-1" and done.error == "producer crashed"
    assert done.ended_at == clock.now() and done.lease_expires_at is None
    with pytest.raises(ValueError):
        requests.finish(req.id, "w1", RequestState.PENDING)


def test_cancel_and_listing(store: Store, clock: ManualClock) -> None:
    """Pending requests can be cancelled; listings filter by state and bot, newest first."""
    requests = RunRequests(store, clock)
    a = requests.enqueue(new("a", bot="x"))
    assert a is not None
    requests.enqueue(new("b", bot="y"))
    assert requests.cancel(a.id) and not requests.cancel(a.id)
    assert [r.key for r in requests.list()] == ["b", "a"]
    assert [r.key for r in requests.list(states={RequestState.PENDING})] == ["b"]
    assert [r.key for r in requests.list(bot="x")] == ["a"]
    assert requests.active_for("y") == 1 and requests.active_for("x") == 0


def test_times_are_stored_as_utc(store: Store, clock: ManualClock) -> None:
    """Scheduled times given in local time come back as the same instant in UTC."""
    from sepbots.clock import COPENHAGEN

    requests = RunRequests(store, clock)
    when = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=COPENHAGEN)
    req = requests.enqueue(NewRequest(key="t", bot="b", trigger=Trigger.SCHEDULE, scheduled_for=when))
    assert req is not None
    assert req.scheduled_for == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
