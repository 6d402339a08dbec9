"""The heartbeat: beats from the timer thread and from state changes never collide on the status file."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

from sepbots.clock import SystemClock
from sepbots.store import Store
from sepbots.store.outage import DatabaseHealth
from sepbots.worker.heartbeat import Heartbeat
from sepbots.worker.requests import RunRequests
from sepbots.worker.state import WorkerState, WorkerStatuses


def test_concurrent_beats_write_one_whole_status_file(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{(tmp_path / 'sepbots.db').as_posix()}")
    store.migrate(create=True)
    clock = SystemClock()
    heartbeat = Heartbeat(
        "host:1:abc",
        statuses=WorkerStatuses(store, clock),
        requests=RunRequests(store, clock),
        health=DatabaseHealth(threading.Event(), clock=clock),
        clock=clock,
        var_dir=tmp_path / "var",
        interval_s=0.001,
        lease=timedelta(seconds=30),
    )
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            for _ in range(40):
                heartbeat.set(state=WorkerState.IDLE)
        except BaseException as exc:  # noqa: BLE001 - the test collects what a thread raised
            errors.append(exc)

    heartbeat.start()                       # the timer thread beats every millisecond meanwhile
    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    heartbeat.stop()
    assert errors == []
    status = json.loads(heartbeat.file.read_text(encoding="utf-8"))
    assert status["runner_id"] == "host:1:abc" and status["state"] == "idle"
