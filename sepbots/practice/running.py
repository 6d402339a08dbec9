"""Keep a practice server in the foreground until Ctrl+C or SIGTERM."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

import typer


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


def practice_language(ctx: Any, lang: str | None) -> str:
    """The ``--lang`` of a practice command, else the CLI's, else Danish; anything but da/en is a usage error."""
    chosen = lang or getattr(ctx.obj, "lang", None) or "da"
    if chosen not in ("da", "en"):
        raise typer.BadParameter("brug da eller en / use da or en", param_hint="--lang")
    return chosen
