"""Polling waits that always honour their timeout.

Peers' "wait for element" calls that ignore their timeout are a standing complaint
(rpaframework #1322, #1125). Here every wait is one loop with one deadline: the condition is
checked at least once, never started after the deadline, the pause before the next check is cut
to the time left, and running out raises ``DesktopTimeout`` with how long it really waited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sepbots.clock import Clock
from sepbots.desktop.errors import DesktopTimeout

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T | None],
    *,
    timeout_s: float,
    clock: Clock,
    interval_s: float = 0.1,
    what: str = "condition",
) -> T:
    """Call ``condition`` until it returns something truthy, and return that.

    Args:
        condition: checked at once, then every ``interval_s``; may raise to abort the wait.
        timeout_s: seconds to keep trying; 0 means check exactly once.
        clock: where the time and the pauses come from (``monotonic()`` and ``sleep()``).
        interval_s: pause between checks.
        what: the awaited thing, for the error message (e.g. ``window 'Fejl' to appear``).

    Raises:
        DesktopTimeout: ``condition`` was not met within ``timeout_s``. A single check that
            itself runs past the deadline is the only way to overrun it.
    """
    if timeout_s < 0:
        raise ValueError(f"timeout_s must be >= 0, got {timeout_s}")
    if interval_s <= 0:
        raise ValueError(f"interval_s must be > 0, got {interval_s}")
    start = clock.monotonic()
    deadline = start + timeout_s
    while True:
        result = condition()
        if result:
            return result
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            break
        clock.sleep(min(interval_s, remaining))
    raise DesktopTimeout(f"ventede forgæves / waited in vain for: {what}", timeout_s=timeout_s, elapsed_s=clock.monotonic() - start)
