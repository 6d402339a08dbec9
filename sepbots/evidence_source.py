"""The attempt bookkeeping every run resource with failure evidence shares (the browser, the desktop).

A run's browser or desktop serves all its items, so what it shows when an item fails may belong to
an earlier citizen's item. The runtime (:mod:`sepbots.runtime.evidence`) calls ``begin_attempt``
when an item attempt starts and asks ``capture_failure`` only of resources whose
``used_in_attempt`` is true. Internal: the toolkits' sessions inherit it; bots never use it.
"""

from __future__ import annotations


class AttemptEvidence:
    """Remembers whether the current item attempt has used the resource (``_used``, set by its calls)."""

    _used: bool = False

    def begin_attempt(self) -> None:
        """A new item attempt starts: what the resource shows now belongs to an earlier one."""
        self._used = False

    @property
    def used_in_attempt(self) -> bool:
        """Whether the current attempt has used the resource (asked for the page, the screen, a window …)."""
        return self._used
