"""Keep a practice server in the foreground until Ctrl+C or SIGTERM."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable


def run_until_signal(stop: Callable[[], None]) -> None:
    """Block until SIGINT or SIGTERM, then call ``stop`` (explicit handlers: an ignored SIGINT still stops us)."""
    stopping = threading.Event()
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: stopping.set())
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stop()
