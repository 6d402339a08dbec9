"""Batch mode: pause Python's cyclic garbage collector while a batch builds many objects.

Reading 200,000 lines creates millions of small objects that all stay alive; the cyclic
collector then runs full collections again and again, each walking every live object, for no
gain (lines, rows and matches hold no reference cycles; reference counting frees them). Measured
on 100,000 + 100,000 lines it cost a third of the run time (see docs/benchmarks.md). The pause
nests, and the collector is switched back on when the outermost block ends, even on error. What
the block built is then moved to the oldest generation at once (``gc.freeze()`` + ``gc.unfreeze()``)
instead of being walked by a young and a middle collection on the way there (~0.35 s for a
camt.054 run of 100,000 lines); see :func:`_promote_to_oldest`.

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
                    _promote_to_oldest()
                    gc.enable()


def _promote_to_oldest() -> None:
    """Move every tracked object into the oldest generation without a collection.

    ``gc.freeze()`` moves all tracked objects into the permanent generation (and zeroes the
    young generation's allocation count), ``gc.unfreeze()`` moves them back into the oldest one.
    Without this, the first young collection after the block walks everything the block
    allocated (~0.1 s per 100,000 lines, only to promote it), and a middle-generation pass walks
    it all again. Nothing stays frozen and nothing is lost: the next full collection sees every
    object. The move is process-wide, so cyclic garbage of other code that was young at that
    moment waits for the next full collection instead of the next young one (a delay, not a
    leak; the pause itself already delays it). Skipped when anything is frozen already (a
    pre-fork server's ``gc.freeze()``), which the unfreeze would undo.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


gc_paused = _CollectorPause()
