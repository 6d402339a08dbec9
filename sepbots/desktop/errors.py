"""Errors raised by the desktop toolkit.

```
ApplicationException                (sepbots.exceptions: retried with backoff)
└── DesktopError                    the display, a window or the keyboard cannot be used
    ├── DisplayError                Xvfb is missing or did not start
    └── DesktopTimeout              a wait ran out of time (window, image, pixel, predicate)
```

Both are application exceptions: a desktop that misbehaves is system trouble, so the runtime
retries the item. Bot code turns the *application's* verdicts (an error dialog about the data)
into ``BusinessException`` itself.
"""

from __future__ import annotations

from sepbots.exceptions import ApplicationException


class DesktopError(ApplicationException):
    """The desktop cannot be driven: no display, no window, no keyboard mapping."""


class DisplayError(DesktopError):
    """The virtual display (Xvfb) is missing or did not start."""


class DesktopTimeout(DesktopError):
    """A wait ran out of time.

    Args:
        message: what was awaited, e.g. ``window 'Fejl' did not appear``.
        timeout_s: the timeout that was honoured.
        elapsed_s: how long the wait really took.
    """

    def __init__(self, message: str, *, timeout_s: float, elapsed_s: float) -> None:
        super().__init__(f"{message} (grænse/timeout {timeout_s:g} s, ventede/waited {elapsed_s:.2f} s)", code="DESKTOP_TIMEOUT")
        self.timeout_s = timeout_s
        self.elapsed_s = elapsed_s
