"""Batch mode: pause Python's cyclic garbage collector while a batch builds many objects.

Reading 200,000 lines creates millions of small objects that all stay alive; the cyclic
collector then runs full collections again and again, each walking every live object, for no
gain (lines, rows and matches hold no reference cycles; reference counting frees them). Measured
on 100,000 + 100,000 lines it cost a third of the run time (see docs/benchmarks.md). The pause
nests, and the collector is switched back on when the outermost block ends, even on error.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector for the block (nesting and thread safe)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
