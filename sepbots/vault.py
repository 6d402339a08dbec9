"""Credentials, encrypted at rest with the installation key.

Values are set from a prompt or standard input (never from a command line), listed without their
values, and registered with the log redactor the moment they are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.fernet import InvalidToken
from pydantic import SecretStr
from sqlalchemy import delete, insert, select, update

from sepbots.audit import AuditEvent, AuditEventType, AuditTrail
from sepbots.clock import Clock
from sepbots.exceptions import VaultError
from sepbots.keys import KeyRing
from sepbots.redaction import Redactor
from sepbots.store import Store
from sepbots.store.schema import credentials


@dataclass(frozen=True)
class Credential:
    """A username and its secret."""

    name: str
    username: str | None
    password: SecretStr


@dataclass(frozen=True)
class CredentialInfo:
    """What ``credentials list`` shows: never the value."""

    name: str
    username: str | None
    updated_at: datetime


class Vault:
    """The credential store of an installation."""

    def __init__(self, store: Store, keys: KeyRing, redactor: Redactor, audit: AuditTrail, clock: Clock) -> None:
        self.store = store
        self._fernet = keys.fernet
        self.redactor = redactor
        self.audit = audit
        self.clock = clock

    def set(self, name: str, secret: str, *, username: str | None = None, actor: str) -> None:
        """Create or replace credential ``name``."""
        if not name.strip():
            raise VaultError("en loginoplysning skal have et navn / a credential needs a name")
        if not secret:
            raise VaultError(f"loginoplysning/credential {name}: hemmeligheden er tom / the secret is empty")
        now = self.clock.now()
        token = self._fernet.encrypt(secret.encode())
        with self.store.begin() as conn:
            exists = conn.execute(select(credentials.c.name).where(credentials.c.name == name)).first()
            if exists:
                conn.execute(update(credentials).where(credentials.c.name == name)
                             .values(username=username, secret=token, updated_at=now))
            else:
                conn.execute(insert(credentials).values(name=name, username=username, secret=token,
                                                        created_at=now, updated_at=now))
            self.audit.append(conn, [AuditEvent(AuditEventType.CREDENTIAL_SET, actor,
                                                details={"name": name, "replaced": bool(exists)})], now)

    def get(self, name: str, *, actor: str, bot: str | None = None, run_id: str | None = None) -> Credential:
        """Read credential ``name``; the value is registered with the redactor and the use audited."""
        with self.store.begin() as conn:
            row = conn.execute(select(credentials).where(credentials.c.name == name)).first()
            if row is None:
                raise VaultError(f"ingen loginoplysning hedder {name!r} / "
                                 f"no credential named {name!r}; tilføj/add: sepbots credentials set {name}")
            try:
                value = self._fernet.decrypt(bytes(row.secret)).decode()
            except InvalidToken as exc:
                raise VaultError(f"loginoplysningen {name!r} er krypteret med en anden nøgle; tjek SEPBOTS_KEY eller nøglefilen / "
                             f"credential {name!r} was encrypted with another key; check SEPBOTS_KEY or the key file") from exc
            self.redactor.add_secret(value)
            self.audit.append(conn, [AuditEvent(AuditEventType.CREDENTIAL_USED, actor, bot=bot, run_id=run_id,
                                                details={"name": name})], self.clock.now())
        return Credential(name=name, username=row.username, password=SecretStr(value))

    def list(self) -> list[CredentialInfo]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(credentials.c.name, credentials.c.username, credentials.c.updated_at)
                                .order_by(credentials.c.name)).all()
            conn.rollback()
        return [CredentialInfo(r.name, r.username, r.updated_at) for r in rows]

    def delete(self, name: str, *, actor: str) -> None:
        with self.store.begin() as conn:
            res = conn.execute(delete(credentials).where(credentials.c.name == name))
            if not res.rowcount:
                raise VaultError(f"ingen loginoplysning hedder {name!r} / no credential named {name!r}")
            self.audit.append(conn, [AuditEvent(AuditEventType.CREDENTIAL_DELETED, actor, details={"name": name})],
                              self.clock.now())
