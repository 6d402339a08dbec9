"""Batch mode: pause Python's cyclic garbage collector while a batch builds many objects.

Reading 200,000 lines creates millions of small objects that all stay alive; the cyclic
collector then runs full collections again and again, each walking every live object, for no
gain (lines, rows and matches hold no reference cycles; reference counting frees them). Measured
on 100,000 + 100,000 lines it cost a third of the run time (see docs/benchmarks.md). The pause
nests, and the collector is switched back on when the outermost block ends, even on error; the
objects made meanwhile go to the collector's oldest generation without a pass over them
(:func:`_promote_tracked`).

State: the collector is one per process, so whoever pauses it must share one count of open
blocks; that count lives in the single ``_CollectorPause`` object below (``gc_paused``), behind
its lock, not in module globals.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


class _CollectorPause:
    """The open ``gc_paused()`` blocks of this process, and whether the collector was on before them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        """Disable the cyclic garbage collector for the block (nesting and thread safe)."""
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._was_enabled:
                    _promote_tracked()
                    gc.enable()


def _promote_tracked() -> None:
    """Move every object the collector tracks into its oldest generation, without walking them.

    While paused, the collector still counts each new container object (a line, a row, a match
    group); the first allocation after it is switched back on would start a collection that walks
    every one of them only to find them alive: ~0.1 – 0.15 s per 100,000 lines, after the read,
    the match and the write each (docs/benchmarks.md). :func:`gc.freeze` moves all tracked objects
    to the permanent generation and resets that count, :func:`gc.unfreeze` puts them into the
    oldest generation; both splice lists, whatever their length. The objects are walked again
    only by the next full collection, which the collector runs once enough new objects have
    survived, and any reference cycle among them is collected then (the blocks paused here make
    next to none: the MT940 reader breaks the library's back-references itself). Skipped when
    something else froze objects (a server about to fork), whose freeze this would undo.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


gc_paused = _CollectorPause()
