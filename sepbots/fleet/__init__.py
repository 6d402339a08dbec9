"""Fleet mode: several runners sharing one PostgreSQL database (leader election, limits, capabilities).

The fleet-wide slots (``FleetSlots``, ``Slot``, ``SlotBusy``) live in ``sepbots.store.slots`` — the
runtime hands them to bots and sits below this package — and are re-exported here under their
documented names.
"""

from sepbots.fleet.capabilities import (
    Capability,
    MissingCapability,
    capability_gate,
    parse_capabilities,
    runnable,
)
from sepbots.fleet.leader import LeaderElection
from sepbots.store.slots import FleetSlots, Slot, SlotBusy

__all__ = [
    "Capability",
    "FleetSlots",
    "LeaderElection",
    "MissingCapability",
    "Slot",
    "SlotBusy",
    "capability_gate",
    "parse_capabilities",
    "runnable",
]
