"""Fleet-wide concurrency limits: at most N holders of a named slot across every runner.

A database primitive, kept in the store so the runtime can hand slots to bots (``ctx.fleet_slot``)
without importing the fleet package above it; ``sepbots.fleet`` re-exports these names.

Use them for what the other system limits, not what the runner does: "at most one session per
portal credential" is ``slots.hold("credential:portal-login", limit=1)``. A slot is a leased row in
``fleet_slots``: a runner that dies frees its slot when the lease runs out (``ttl_s``), and a
holder doing long work renews it with ``renew``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sepbots.clock import Clock
from sepbots.exceptions import ApplicationException
from sepbots.store.engine import Store
from sepbots.store.schema import fleet_slots


class SlotBusy(ApplicationException):
    """Every slot of a fleet-wide limit is taken. Raised in a bot it is an application error
    (code ``FLEET_LIMIT``): the item is retried after the bot's retry delay."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="FLEET_LIMIT")


@dataclass(frozen=True)
class Slot:
    """A held slot."""

    name: str
    slot: int
    owner: str


class FleetSlots:
    """Named, leased concurrency slots shared by every runner of the database.

    Args:
        store: the project database.
        owner: this runner's id.
        clock: time source.
        ttl_s: how long a slot stays taken without renewal (a dead holder frees it after this).
    """

    def __init__(self, store: Store, *, owner: str, clock: Clock, ttl_s: float = 120.0) -> None:
        self.store = store
        self.owner = owner
        self.clock = clock
        self.ttl = timedelta(seconds=ttl_s)

    def acquire(self, name: str, limit: int) -> Slot | None:
        """Take a free (or expired) slot of ``name`` if fewer than ``limit`` are held; None if all are taken."""
        if limit < 1:
            raise ValueError("a fleet limit must be at least 1")
        now = self.clock.now()
        with self.store.begin() as conn:
            rows = {r.slot: r for r in conn.execute(
                select(fleet_slots).where(fleet_slots.c.name == name, fleet_slots.c.slot < limit))}
            for n in range(limit):
                row = rows.get(n)
                values = {"owner": self.owner, "acquired_at": now, "expires_at": now + self.ttl}
                if row is None:
                    ins = (postgresql.insert if self.store.dialect == "postgresql" else sqlite.insert)(fleet_slots)
                    got = conn.execute(ins.values(name=name, slot=n, **values)
                                       .on_conflict_do_nothing(index_elements=["name", "slot"])
                                       .returning(fleet_slots.c.slot)).first()
                elif row.expires_at <= now:  # the holder died: take over only the lease we saw expire
                    got = conn.execute(update(fleet_slots).where(
                        fleet_slots.c.name == name, fleet_slots.c.slot == n, fleet_slots.c.owner == row.owner,
                        fleet_slots.c.expires_at == row.expires_at).values(**values)
                        .returning(fleet_slots.c.slot)).first()
                else:
                    continue
                if got is not None:
                    return Slot(name, n, self.owner)
        return None

    def renew(self, slot: Slot) -> bool:
        """Extend the lease of ``slot``; False if it was lost (expired and taken by another runner)."""
        now = self.clock.now()
        with self.store.begin() as conn:
            res = conn.execute(update(fleet_slots).where(
                fleet_slots.c.name == slot.name, fleet_slots.c.slot == slot.slot,
                fleet_slots.c.owner == slot.owner).values(expires_at=now + self.ttl))
        return (res.rowcount or 0) == 1

    def release(self, slot: Slot) -> None:
        with self.store.begin() as conn:
            conn.execute(delete(fleet_slots).where(fleet_slots.c.name == slot.name, fleet_slots.c.slot == slot.slot,
                                                   fleet_slots.c.owner == slot.owner))

    @contextmanager
    def hold(self, name: str, limit: int) -> Iterator[Slot]:
        """Hold a slot of ``name`` for the ``with`` block.

        Raises:
            SlotBusy: all ``limit`` slots are held by other runners.
        """
        slot = self.acquire(name, limit)
        if slot is None:
            raise SlotBusy(f"flådens grænse for {name!r} er nået ({limit} ad gangen); prøv igen senere / "
                           f"fleet limit reached for {name!r} ({limit} at a time); try again later")
        try:
            yield slot
        finally:
            self.release(slot)
