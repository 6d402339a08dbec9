"""Top-level windows as the toolkit sees them, and the small per-platform port behind them.

The port (``WindowSystem``) has one implementation per platform: ``x11.py`` (python-xlib, which
pyautogui already needs on Linux) and ``win32.py`` (pygetwindow and the Windows clipboard).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Window:
    """A visible top-level window: its title and its position on the screen in pixels."""

    title: str
    left: int
    top: int
    width: int
    height: int
    handle: int

    @property
    def right(self) -> int:
        """The x coordinate just past the right edge."""
        return self.left + self.width

    @property
    def bottom(self) -> int:
        """The y coordinate just past the bottom edge."""
        return self.top + self.height

    @property
    def center(self) -> tuple[int, int]:
        """The middle of the window."""
        return self.left + self.width // 2, self.top + self.height // 2

    @property
    def region(self) -> tuple[int, int, int, int]:
        """``(left, top, width, height)``, the form pyautogui's ``region=`` takes."""
        return self.left, self.top, self.width, self.height


TitlePattern = str | re.Pattern[str]


def title_matches(pattern: TitlePattern, title: str, *, exact: bool = False) -> bool:
    """Whether a window title matches.

    Args:
        pattern: a compiled regular expression (searched), or text.
        title: the window's title.
        exact: compare text for equality instead of containment.
    """
    if isinstance(pattern, re.Pattern):
        return pattern.search(title) is not None
    return title == pattern if exact else pattern in title


class WindowSystem(Protocol):
    """What the toolkit needs from the platform besides pyautogui."""

    def windows(self) -> list[Window]:
        """Visible top-level windows with a title, topmost last where the platform knows."""
        ...

    def activate(self, window: Window) -> None:
        """Raise the window and give it the keyboard focus."""
        ...

    def type_text(self, text: str, interval_s: float = 0.0) -> None:
        """Type ``text`` as key presses, whatever the keyboard layout."""
        ...

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        """The colour of one screen pixel."""
        ...

    def clipboard_text(self) -> str:
        """The clipboard's text ("" when empty or not text)."""
        ...

    def clear_clipboard(self) -> None:
        """Empty the clipboard."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...
