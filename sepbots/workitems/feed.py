"""A runner's supply of work: claims ahead for fast bots, writes releases in batches, waits out outages.

For slow bots (an item takes longer than ``fast_ms``) the feed claims one item at a time, and the
release of the previous item shares the transaction of the next claim. Fast bots get claims in
batches that double while items stay fast, up to about ``ahead_s`` of work at the recent average
item time (and at most ``max_batch`` items), so a runner never sits on more work than it will do in
about a second while others wait; their releases are written together, at the latest ``flush_s``
after the first one waited. The runner's results are therefore durable within
``flush_s``; an item whose release was not yet written when the runner died is retried once its
lease expires (at-least-once, like an item that was in progress). Items claimed ahead but not
started are given back, without counting an attempt, when the run stops.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sepbots.store.outage import DatabaseHealth
from sepbots.workitems.models import Claimed, Finished, Release
from sepbots.workitems.queue import WorkQueues

OnResult = Callable[[Finished, bool], None]


@dataclass(eq=False)
class ClaimFeed:
    """Claims and releases for one run of one bot.

    Args:
        queues: the work queues.
        queue: the queue to consume.
        run_id: the run.
        bot: the bot's name (for the audit trail).
        health: retries store calls through outages.
        on_result: called for every written release with whether it landed (False: lease lost).
        max_batch: the most items claimed at once.
        fast_ms: items faster than this grow the claim batch; slower ones shrink it to 1.
        ahead_s: the work (at the recent average item time) a batch claim may take ahead.
        flush_s: the longest a finished item waits for its release to be written.
    """

    queues: WorkQueues
    queue: str
    run_id: str
    bot: str
    health: DatabaseHealth
    on_result: OnResult
    # how far ahead to claim and how long a release may wait (see the module docstring)
    max_batch: int = field(default=256)
    fast_ms: int = field(default=50)
    ahead_s: float = field(default=1.0)
    flush_s: float = field(default=0.25)
    _ahead: deque[Claimed] = field(default_factory=deque, init=False)
    _pending: list[Finished] = field(default_factory=list, init=False)
    _pending_since: float = field(default=0.0, init=False)
    _batch: int = field(default=1, init=False)
    _avg_ms: float | None = field(default=None, init=False)  # moving average of item durations
    _current: Claimed | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.max_batch = max(1, self.max_batch)

    def held_ids(self) -> list[int]:
        """Every item whose lease this runner must keep: the current one, those claimed ahead, those awaiting release."""
        pending, ahead, current = list(self._pending), list(self._ahead), self._current  # called from the watchdog thread
        ids = [f.item.id for f in pending] + [c.id for c in ahead]
        if current is not None:
            ids.append(current.id)
        return ids

    def next(self) -> Claimed | None:
        """The next item to process, or None when the queue has nothing due (pending releases are written first)."""
        if self._ahead and self._pending and time.monotonic() - self._pending_since >= self.flush_s:
            self.flush()
        if not self._ahead:
            self._exchange(self._batch)
        self._current = self._ahead.popleft() if self._ahead else None
        return self._current

    def finished(self, item: Claimed, outcome: Release, duration_ms: int, ended_at: datetime | None = None) -> None:
        """Queue the release of ``item`` (ended at ``ended_at``, default now); written with the next claim or within ``flush_s``."""
        if not self._pending:
            self._pending_since = time.monotonic()
        self._pending.append(Finished(item, outcome, duration_ms, ended_at or self.queues.clock.now()))
        self._current = None
        self._avg_ms = duration_ms if self._avg_ms is None else 0.8 * self._avg_ms + 0.2 * duration_ms
        if duration_ms >= self.fast_ms:
            self._batch = 1
        else:
            cap = int(self.ahead_s * 1000 / max(self._avg_ms, 1.0))
            self._batch = max(1, min(self._batch * 2, cap, self.max_batch))

    def flush(self) -> None:
        """Write every pending release now."""
        if self._pending:
            self._exchange(0)

    def close(self) -> None:
        """Write pending releases and give back items claimed ahead (their attempt is not counted)."""
        self.flush()
        ahead = list(self._ahead)
        self._ahead.clear()
        if ahead:
            self.health.call(lambda: self.queues.give_back(ahead, run_id=self.run_id, bot=self.bot))

    def _exchange(self, limit: int) -> None:
        pending = list(self._pending)
        landed, claimed = self.health.call(
            lambda: self.queues.exchange(pending, self.queue, limit=limit, run_id=self.run_id, bot=self.bot))
        self._pending.clear()
        self._ahead.extend(claimed)
        for f, ok in zip(pending, landed, strict=True):
            self.on_result(f, ok)
