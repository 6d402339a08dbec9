"""A helper process for the store tests: claims and completes items, or appends audit events.

Usage: ``python tests/store/claimer.py HOME DB_URL claim QUEUE`` prints the ids it completed as JSON;
``... audit COUNT`` appends COUNT audit events one transaction at a time. Once started it writes
``HOME/ready-<pid>`` and waits for ``HOME/go``, so that the processes of a test start working together
(one slow to start on a loaded machine would otherwise find the work already done). In ``claim``
mode each holds its first item until every process holds one, so the work is always shared.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sepbots.audit import AuditEvent  # noqa: E402
from sepbots.testing import open_test_environment  # noqa: E402
from sepbots.workitems.models import ItemState, Release  # noqa: E402
from tests.store.conftest import claim_one, release_one  # noqa: E402


def main(home: str, url: str, mode: str, arg: str) -> None:
    env = open_test_environment(Path(home), overrides={"database": {"url": url}})
    try:
        (Path(home) / f"ready-{os.getpid()}").write_text("x")
        deadline = time.monotonic() + 120
        while not (Path(home) / "go").exists():
            if time.monotonic() > deadline:
                raise SystemExit("never told to go")
            time.sleep(0.005)
        if mode == "claim":
            done: list[int] = []
            while (item := claim_one(env.queues, arg, run_id="r")) is not None:
                if not done:  # hold the first item until every process holds one: the work is shared for sure
                    _hold_until_all_hold(Path(home), deadline)
                assert release_one(env.queues, item, Release(ItemState.DONE), run_id="r")
                done.append(item.id)
            print(json.dumps(done))
        elif mode == "audit":
            for i in range(int(arg)):
                env.audit.record([AuditEvent("operator_action", env.runner_id, details={"i": i})], env.clock.now())
            print("[]")
    finally:
        env.close()


def _hold_until_all_hold(home: Path, deadline: float) -> None:
    """Write ``HOME/holding-<pid>`` and wait until every started process (``ready-*``) has written one.

    Without it, one process could drain the whole queue before the others' first claim on a loaded
    machine, and the test could not tell sharing from serial work.
    """
    (home / f"holding-{os.getpid()}").write_text("x")
    while len(list(home.glob("holding-*"))) < len(list(home.glob("ready-*"))):
        if time.monotonic() > deadline:
            raise SystemExit("the other claimers never held an item")
        time.sleep(0.005)


if __name__ == "__main__":
    main(*sys.argv[1:5])
