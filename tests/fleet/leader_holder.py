"""Holds the scheduler leadership for the leader test until killed: ``python leader_holder.py DB_URL``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sepbots.clock import SystemClock  # noqa: E402
from sepbots.fleet.leader import LeaderElection  # noqa: E402
from sepbots.store import Store  # noqa: E402

election = LeaderElection(Store(sys.argv[1]), owner="holder", clock=SystemClock())
while not election.try_acquire():
    time.sleep(0.1)
print("leader", flush=True)
while True:
    time.sleep(1)
    election.check()
