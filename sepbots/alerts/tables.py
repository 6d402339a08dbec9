"""The alert ledger, on the project's shared ``metadata`` (migration ``0005_connectors``).

``alerts_sent`` has one row per de-duplication key (``run_failed:<run id>``,
``manual_queue:<bot>``, ``digest:<date>`` …). A runner claims a key by inserting or advancing its
row *before* sending, so two runners of a fleet never send the same alert twice.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from sepbots.store.schema import UTCDateTime, metadata

alerts_sent = Table(
    "alerts_sent",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("rule", String(100), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("first_at", UTCDateTime(), nullable=False),
    Column("last_at", UTCDateTime(), nullable=False),
    Column("count", Integer, nullable=False, default=1),
    Index("ix_alerts_sent_last", "last_at"),
)
