"""Keyed records that anchor the audit chain, so that its *end* cannot be forged either.

The rows' own HMACs catch edits inside the chain; these catch what happens at its edges:

* the **installation record** (``audit_installation``: a random id, when it was set up, a MAC),
  written when the database is set up with its key — an emptied, replaced or foreign database
  has none, or one whose MAC does not match;
* the **head MAC** (``audit_head.mac`` over seq and hash), renewed by every append — a head
  rewound to an earlier row, or written by someone without the key, does not match;
* the **last verified point** (``audit_verified``), so the next verify reads only new rows;
* **checkpoints**: the same (seq, hash, time, MAC) as a JSON file the operator keeps *outside*
  the database, which catches even someone holding both the database and the key who cut the
  chain short and re-sealed it.

Every MAC is an HMAC-SHA256 with the audit key over a labelled canonical JSON list, so one kind
of record can never stand in for another.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import Connection, insert, select, update

from sepbots.exceptions import InputError
from sepbots.store.schema import audit_head, audit_installation, audit_verified

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    """The canonical JSON bytes every digest and MAC of the trail is computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


_ESC: Callable[[str], str] = json.encoder.encode_basestring


def _scalar(value: str | int | None) -> str:
    return "null" if value is None else _ESC(value) if isinstance(value, str) else str(int(value))


def row_fields(prev: str, seq: int, ts_iso: str, event: str, actor: str, bot: str | None, run_id: str | None,
               item_id: int | None, digest: str) -> bytes:
    """``canonical([prev, seq, ts_iso, event, actor, bot, run_id, item_id, digest])`` — the bytes a row's
    HMAC covers — built without the general JSON encoder (verify computes it for every row)."""
    return (f"[{_ESC(prev)},{seq},{_ESC(ts_iso)},{_ESC(event)},{_ESC(actor)},{_scalar(bot)},{_scalar(run_id)},"
            f"{_scalar(item_id)},{_ESC(digest)}]").encode()


class Sealer:
    """Computes the trail's keyed MACs (one HMAC key object, copied per MAC)."""

    def __init__(self, key: bytes) -> None:
        self._base = hmac.new(key, digestmod=hashlib.sha256)

    def mac(self, *parts: Any) -> str:
        h = self._base.copy()
        h.update(canonical(list(parts)))
        return h.hexdigest()

    def head(self, seq: int, hash_: str) -> str:
        return self.mac("sepbots/audit/head", seq, hash_)

    def installation(self, installation_id: str, created_at: datetime) -> str:
        return self.mac("sepbots/audit/installation", installation_id, created_at.isoformat())

    def verified(self, seq: int, hash_: str, at: datetime) -> str:
        return self.mac("sepbots/audit/verified", seq, hash_, at.isoformat())

    def checkpoint(self, installation_id: str, seq: int, hash_: str, at: datetime) -> str:
        return self.mac("sepbots/audit/checkpoint", installation_id, seq, hash_, at.isoformat())


@dataclass(frozen=True)
class Installation:
    """The installation record as stored."""

    installation_id: str
    created_at: datetime
    mac: str


def read_installation(conn: Connection) -> Installation | None:
    row = conn.execute(
        select(audit_installation.c.installation_id, audit_installation.c.created_at, audit_installation.c.mac)
        .where(audit_installation.c.id == 1)
    ).first()
    return None if row is None else Installation(row.installation_id, row.created_at, row.mac)


def install(conn: Connection, sealer: Sealer, now: datetime) -> Installation:
    """Write the installation record and seal the head as it stands (a new chain: the genesis head)."""
    inst = Installation(uuid.uuid4().hex, now, "")
    inst = Installation(inst.installation_id, now, sealer.installation(inst.installation_id, now))
    conn.execute(insert(audit_installation).values(
        id=1, installation_id=inst.installation_id, created_at=now, mac=inst.mac))
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    if head is None:
        conn.execute(insert(audit_head).values(id=1, seq=0, hash=GENESIS, mac=sealer.head(0, GENESIS)))
    else:
        conn.execute(update(audit_head).where(audit_head.c.id == 1).values(mac=sealer.head(head.seq, head.hash)))
    return inst


def record_verified(conn: Connection, sealer: Sealer, seq: int, hash_: str, at: datetime) -> None:
    """Remember (keyed) that the chain up to ``seq`` verified, so the next verify starts there."""
    values = {"seq": seq, "hash": hash_, "verified_at": at, "mac": sealer.verified(seq, hash_, at)}
    if conn.execute(update(audit_verified).where(audit_verified.c.id == 1).values(values)).rowcount == 0:
        conn.execute(insert(audit_verified).values(id=1, **values))


class Checkpoint(BaseModel):
    """A point of the chain, kept outside the database: ``sepbots audit checkpoint`` writes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    installation: str
    seq: int
    hash: str
    at: datetime
    mac: str

    def genuine(self, sealer: Sealer) -> bool:
        return hmac.compare_digest(self.mac, sealer.checkpoint(self.installation, self.seq, self.hash, self.at))


def make_checkpoint(sealer: Sealer, installation_id: str, seq: int, hash_: str, at: datetime) -> Checkpoint:
    return Checkpoint(installation=installation_id, seq=seq, hash=hash_, at=at,
                      mac=sealer.checkpoint(installation_id, seq, hash_, at))


def write_checkpoint(checkpoint: Checkpoint, path: Path) -> None:
    """Write ``checkpoint`` as JSON, atomically and owner-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(checkpoint.model_dump_json(indent=2) + "\n")
    os.replace(tmp, path)


def read_checkpoint(path: Path) -> Checkpoint:
    """Load a checkpoint file.

    Raises:
        InputError: the file is missing, unreadable or not a checkpoint (the file is named).
    """
    try:
        return Checkpoint.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError(f"kontrolpunktsfilen kan ikke læses / cannot read the checkpoint file: {exc.strerror}", file=path) from exc
    except ValidationError as exc:
        raise InputError("ikke et sepbots-kontrolpunkt for revisionssporet / not a sepbots audit checkpoint "
                         "(JSON med/with installation, seq, hash, at, mac)",
                         file=path) from exc
