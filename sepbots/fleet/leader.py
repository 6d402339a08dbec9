"""One leader per fleet for a role (e.g. the scheduler): the others stand by and take over when it dies.

PostgreSQL: the leader holds a session-level advisory lock (``pg_try_advisory_lock``) on a
dedicated connection. The server frees the lock the moment that session ends — process killed,
machine gone (TCP keepalives on both sides notice a dead peer in about 11 s), or connection cut —
and a standby polling every ``poll_s`` takes it. The leader checks its connection every ``poll_s``
and steps down as soon as the check fails, so with the defaults a hand-over completes within 15 s.

SQLite (one workstation): a lease row in ``fleet_leader`` that the leader renews; a standby takes
over once the lease is ``ttl_s`` old. On a single workstation there is normally one process, which
simply always wins.

Leadership can overlap for a moment during a hand-over (a leader cut off from the database learns
it only at its next check). Work the leader creates must therefore be idempotent: run requests are
keyed by (schedule, fire time), so a fire enqueued by both the old and the new leader runs once.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from sqlalchemy import Connection, NullPool, create_engine, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from sepbots.clock import Clock
from sepbots.fleet.tables import fleet_leader
from sepbots.store import Store
from sepbots.store.outage import is_outage

log = structlog.get_logger("sepbots.fleet")

# Server side: notice a vanished leader machine within ~11 s (idle 5 s, then 3 probes 2 s apart).
_PG_KEEPALIVE = "SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3"
# Client side: the leader notices a vanished server just as fast.
_CLIENT_KEEPALIVE = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
                     "connect_timeout": 5}


def current_leader(store: Store, role: str = "scheduler", *, now: datetime | None = None) -> str | None:
    """Who leads ``role`` now (its owner id), or None. SQLite: an unexpired lease row (``now`` required)."""
    with store.engine.connect() as conn:
        if store.dialect == "postgresql":
            key = lock_key(role) & 0xFFFFFFFFFFFFFFFF
            name = conn.execute(text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND l.classid = CAST(:c AS oid) AND l.objid = CAST(:o AS oid) AND l.objsubid = 1"),
                {"c": key >> 32, "o": key & 0xFFFFFFFF}).scalar()
            conn.rollback()
            return name.split(":", 1)[1] if name and ":" in name else name
        row = conn.execute(select(fleet_leader).where(fleet_leader.c.role == role)).first()
        conn.rollback()
    if row is None or (now is not None and row.expires_at <= now):
        return None
    return str(row.owner)


def lock_key(role: str) -> int:
    """The advisory lock id of ``role``: a signed 64-bit number derived from its name."""
    return int.from_bytes(hashlib.sha256(f"sepbots/leader/{role}".encode()).digest()[:8], "big", signed=True)


class LeaderElection:
    """Leader election for ``role`` among the runners sharing one database.

    Args:
        store: the project database.
        owner: this process's id (the runner id).
        clock: time source (the SQLite lease).
        role: what is being led; one leader per role and database.
        ttl_s: SQLite: how long a lease lasts without renewal.
        poll_s: how often ``run`` renews, checks or tries to take leadership.
    """

    def __init__(self, store: Store, *, owner: str, clock: Clock, role: str = "scheduler", ttl_s: float = 10.0,
                 poll_s: float = 2.0) -> None:
        self.store = store
        self.owner = owner
        self.clock = clock
        self.role = role
        self.ttl = timedelta(seconds=ttl_s)
        self.poll_s = poll_s
        self._leader = False
        self._conn: Connection | None = None
        self._pg = store.dialect == "postgresql"
        # The leader's session is named after it, so `sepbots fleet status` can tell who leads.
        self._engine = (create_engine(store.engine.url, poolclass=NullPool,
                                      connect_args={**_CLIENT_KEEPALIVE, "application_name": f"sepbots-leader:{owner}"[:63]})
                        if self._pg else None)

    @property
    def is_leader(self) -> bool:
        return self._leader

    def try_acquire(self) -> bool:
        """Become leader if nobody is; True if this process leads (now or already). Never blocks on the holder."""
        try:
            self._leader = self._pg_acquire() if self._pg else self._lease(take=True)
        except Exception as exc:
            if not is_outage(exc):
                raise
            self._drop_connection()
            self._leader = False
        return self._leader

    def check(self) -> bool:
        """Confirm (and renew) leadership; False — and no longer leader — if it was lost."""
        if not self._leader:
            return False
        try:
            if self._pg:
                assert self._conn is not None
                # A session-level advisory lock lives exactly as long as its session: if the session
                # answers, the lock is still ours.
                self._conn.execute(text("SELECT 1")).scalar_one()
            else:
                self._leader = self._lease(take=False)
        except Exception as exc:
            if not is_outage(exc):
                raise
            self._leader = False
        if not self._leader:
            self._drop_connection()
        return self._leader

    def release(self) -> None:
        """Step down (a standby takes over at its next poll)."""
        was = self._leader
        self._leader = False
        try:
            if self._pg:
                if self._conn is not None and was:
                    self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(self.role)})
            elif was:
                with self.store.begin() as conn:
                    conn.execute(delete(fleet_leader).where(fleet_leader.c.role == self.role,
                                                            fleet_leader.c.owner == self.owner))
        except Exception as exc:
            if not is_outage(exc):
                raise
        finally:
            self._drop_connection()

    def close(self) -> None:
        self.release()
        if self._engine is not None:
            self._engine.dispose()

    def run(self, stop: threading.Event, *, on_elected: Callable[[], None], on_lost: Callable[[], None]) -> None:
        """Campaign until ``stop``: call ``on_elected`` on winning and ``on_lost`` on losing leadership."""
        try:
            while not stop.is_set():
                if self._leader:
                    if not self.check():
                        log.warning("leadership_lost", role=self.role)
                        on_lost()
                elif self.try_acquire():
                    log.info("leadership_acquired", role=self.role)
                    on_elected()
                stop.wait(self.poll_s)
        finally:
            if self._leader:
                self.release()
                on_lost()

    # -- backends -------------------------------------------------------------------------------

    def _pg_acquire(self) -> bool:
        if self._leader and self.check():
            return True
        if self._conn is None:
            assert self._engine is not None
            self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._conn.exec_driver_sql(_PG_KEEPALIVE)
        return bool(self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(self.role)}).scalar_one())

    def _lease(self, *, take: bool) -> bool:
        now = self.clock.now()
        values = {"owner": self.owner, "expires_at": now + self.ttl}
        with self.store.begin() as conn:
            row = conn.execute(select(fleet_leader).where(fleet_leader.c.role == self.role)).first()
            if row is not None and row.owner == self.owner:
                conn.execute(update(fleet_leader).where(fleet_leader.c.role == self.role).values(**values))
                return True
            if not take or (row is not None and row.expires_at > now):
                return False
            if row is None:
                ins = (postgresql.insert if self.store.dialect == "postgresql" else sqlite.insert)(fleet_leader)
                res = conn.execute(ins.values(role=self.role, acquired_at=now, **values)
                                   .on_conflict_do_nothing(index_elements=["role"]).returning(fleet_leader.c.role))
                return res.first() is not None
            res = conn.execute(update(fleet_leader).where(fleet_leader.c.role == self.role,
                                                          fleet_leader.c.owner == row.owner,
                                                          fleet_leader.c.expires_at == row.expires_at)
                               .values(acquired_at=now, **values))
            return (res.rowcount or 0) == 1

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except DBAPIError:
                pass
