"""The leader table of fleet coordination, on the project's shared ``metadata`` (migration ``0004_fleet``).

``fleet_leader`` holds the leader lease of a role (e.g. ``scheduler``) where no advisory lock exists
(SQLite). The fleet-wide slots' table ``fleet_slots`` is the store's (``store/schema.py``), because
the runtime hands slots to bots (``ctx.fleet_slot``) and the runtime sits below the fleet.
"""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from sepbots.store.schema import UTCDateTime, metadata

fleet_leader = Table(
    "fleet_leader",
    metadata,
    Column("role", String(100), primary_key=True),
    Column("owner", String(100), nullable=False),
    Column("acquired_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
)
