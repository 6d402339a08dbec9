"""Which items concern which person: keyed digests of the CPR numbers in a payload.

When an item is added, every CPR number in its payload JSON (any written shape, ``find_cprs``) is
turned into the installation's keyed digest (``Redactor.digest``; the log token is its first eight
characters) and stored in ``item_subjects``. An access request (GDPR art. 15, ``sepbots audit
lookups --cpr``) computes the same digest from the number it is given and finds the items — the
number itself is never stored, and the payload stays encrypted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, insert, select

from sepbots.dk.cpr import find_cprs
from sepbots.redaction import Redactor
from sepbots.store.schema import item_subjects


def subjects_of(redactor: Redactor, payload_json: str) -> tuple[str, ...]:
    """The keyed digests of the CPR numbers in a payload's JSON text (each once)."""
    found = find_cprs(payload_json)
    return tuple(dict.fromkeys(redactor.digest(d) for d in found)) if found else ()


def record_subjects(conn: Connection, inserted: Iterable[Sequence[Any]], pending: Mapping[str, tuple[str, ...]]) -> None:
    """Index the subjects of the items just inserted (``(id, reference)`` rows) that have any."""
    rows = [{"subject": s, "item_id": row[0]} for row in inserted for s in pending.get(row[1], ())]
    if rows:
        conn.execute(insert(item_subjects), rows)


def items_of(conn: Connection, digest: str) -> list[int]:
    """The ids of the items whose payload named the person with the keyed digest ``digest``."""
    return list(conn.execute(select(item_subjects.c.item_id).where(item_subjects.c.subject == digest)).scalars())
