"""An opened installation: settings, database, keys, redactor, audit trail, vault and queues.

Built once at an entry point (CLI, runner service, dashboard, tests) and passed down.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, insert, select

from sepbots.audit import AuditTrail
from sepbots.clock import Clock, SystemClock
from sepbots.config import Settings
from sepbots.exceptions import VaultError
from sepbots.files import tighten_sqlite_files
from sepbots.keys import KeyRing, load_keyring
from sepbots.recipes import Registry, discover
from sepbots.redaction import Redactor
from sepbots.store import Store
from sepbots.store.schema import meta
from sepbots.vault import Vault
from sepbots.workitems.codec import PayloadCodec
from sepbots.workitems.queue import WorkQueues
from sepbots.workitems.queues import open_queues


def new_runner_id() -> str:
    """``host:pid:random`` — identifies one process's leases."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Environment:
    """Everything a run, a command or a page needs, opened once."""

    settings: Settings
    store: Store
    keys: KeyRing
    redactor: Redactor
    audit: AuditTrail
    clock: Clock
    runner_id: str = field(default_factory=new_runner_id)

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        environ: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        runner_id: str | None = None,
        create: bool = False,
    ) -> Environment:
        """Open the installation described by ``settings``.

        Args:
            settings: loaded settings.
            environ: where ``SEPBOTS_KEY`` is looked up (the entry point passes ``os.environ``).
            clock: time source (tests pass a manual clock).
            runner_id: this process's lease owner id.
            create: set up a new installation (database, key, keyed audit records) when there is
                none (``sepbots init`` and the test helper only); otherwise a missing or empty
                database or key is refused, and no new keyed records are written (``sepbots audit
                verify`` must not mistake a replaced database for a new one).

        Raises:
            StoreError: the database is missing, empty, damaged, or cannot be opened or migrated.
            VaultError: the key is missing, unreadable or not the one this database was set up with.
            ConfigError: the database URL cannot be used.
        """
        env_key = (environ or {}).get("SEPBOTS_KEY")
        keys = load_keyring(settings.key_file, env_key, create=create)
        clock = clock or SystemClock()
        store = Store(settings.database_url, busy_timeout_s=settings.database.busy_timeout_s,
                      pool_size=settings.database.pool_size, migrate=False, create=create)
        redactor = Redactor(keys.pseudonym_key)
        audit = AuditTrail(store, keys.audit_key, redactor, clock)

        def set_up(conn: Connection, attributes: Mapping[str, Any]) -> None:
            _set_up(conn, store, keys, audit, clock, create=create, upgrade=bool(attributes.get("audit_seal_needed")))

        try:
            store.migrate(create=create, after=set_up)
            with store.begin() as conn:
                _set_up(conn, store, keys, audit, clock, create=create, upgrade=False)
            if create and store.path is not None:
                tighten_sqlite_files(store.path)
        except BaseException:
            store.dispose()
            raise
        return cls(settings=settings, store=store, keys=keys, redactor=redactor, audit=audit,
                   clock=clock, runner_id=runner_id or new_runner_id())

    @cached_property
    def vault(self) -> Vault:
        return Vault(self.store, self.keys, self.redactor, self.audit, self.clock)

    @cached_property
    def queues(self) -> WorkQueues:
        codec = PayloadCodec(self.keys.fernet if self.settings.vault.encrypt_payloads else None)
        return open_queues(self.store, codec, self.redactor, self.audit, self.clock, owner=self.runner_id,
                           lease=timedelta(seconds=self.settings.queue.lease_s))

    @cached_property
    def registry(self) -> Registry:
        return discover(self.settings.bot_paths)

    def close(self) -> None:
        self.store.dispose()


def _set_up(conn: Connection, store: Store, keys: KeyRing, audit: AuditTrail, clock: Clock, *,
            create: bool, upgrade: bool) -> None:
    """Check the key against the database; set up a new installation's keyed records, or seal an upgraded chain.

    A database never opened with a key gets its key check and the audit chain's installation
    record (unless ``create`` is false: then it stays without, and ``audit verify`` says so). An
    upgrade that added the keyed audit records (``upgrade``) seals the chain as it stands. A
    database that has a key check but lost its installation record is *not* re-sealed: that is
    what emptying or replacing the trail looks like.
    """
    token = conn.execute(select(meta.c.value).where(meta.c.key == "key_check")).scalar()
    if token is None:
        if create:
            conn.execute(insert(meta).values(key="key_check", value=keys.check_token().decode()))
            audit.seal(conn, clock.now())
        return
    if not keys.matches(token.encode()):
        raise VaultError(
            "nøglen passer ikke til den, databasen blev sat op med; tjek SEPBOTS_KEY eller nøglefilen / "
            "the key does not match the one the database was set up with; check SEPBOTS_KEY or the key file: "
            f"{store.describe()}"
        )
    if upgrade and not audit.installed(conn):
        audit.seal(conn, clock.now())
