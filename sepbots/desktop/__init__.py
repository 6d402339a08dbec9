"""Desktop automation for bots: pyautogui with honest waits, Xvfb on Linux, evidence on failure.

Importing this package opens no display and does not import pyautogui (which needs a display
at import time); ``Desktop`` does both on first use. Bots import from ``sepbots.desktop``; its
modules are internal.
"""

from __future__ import annotations

from sepbots.config import DesktopSettings
from sepbots.desktop.display import VirtualDisplay
from sepbots.desktop.errors import DesktopError, DesktopTimeout, DisplayError
from sepbots.desktop.toolkit import Desktop
from sepbots.desktop.waits import wait_until
from sepbots.desktop.windows import Window

__all__ = [
    "Desktop",
    "DesktopError",
    "DesktopSettings",
    "DesktopTimeout",
    "DisplayError",
    "VirtualDisplay",
    "Window",
    "wait_until",
]
