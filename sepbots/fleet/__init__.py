"""Fleet mode: several runners sharing one PostgreSQL database (leader election, limits, capabilities)."""

from sepbots.fleet.capabilities import (
    Capability,
    MissingCapability,
    capability_gate,
    parse_capabilities,
    runnable,
)
from sepbots.fleet.leader import LeaderElection
from sepbots.fleet.limits import FleetSlots, Slot, SlotBusy

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
