"""Tables of fleet coordination, on the project's shared ``metadata`` (migration ``0004_fleet``).

* ``fleet_leader``: the leader lease of a role (e.g. ``scheduler``) where no advisory lock exists (SQLite);
* ``fleet_slots``: fleet-wide concurrency slots (e.g. one session per portal credential), leased.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, PrimaryKeyConstraint, String, Table

from sepbots.store.schema import UTCDateTime, metadata

fleet_leader = Table(
    "fleet_leader",
    metadata,
    Column("role", String(100), primary_key=True),
    Column("owner", String(100), nullable=False),
    Column("acquired_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
)

fleet_slots = Table(
    "fleet_slots",
    metadata,
    Column("name", String(200), nullable=False),
    Column("slot", Integer, nullable=False),
    Column("owner", String(100), nullable=False),
    Column("acquired_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("name", "slot", name="pk_fleet_slots"),
)
