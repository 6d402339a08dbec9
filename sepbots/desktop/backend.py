"""pyautogui as a process-wide backend: imported once (after a display exists), bound per display.

pyautogui and its helpers (pyscreeze, mouseinfo) do work at import time that a long-running
robot must tidy up after: they connect to ``$DISPLAY`` once and leave probe pipes open.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import warnings
from types import ModuleType


def import_pyautogui() -> ModuleType:
    """Import pyautogui with its fail-safe on.

    At import, pyscreeze and mouseinfo leave pipes open (probing for screenshot programs) and
    mouseinfo an X connection (used only by its own GUI); they are closed here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        import pyautogui

        for name in ("pyscreeze", "mouseinfo"):
            module = sys.modules.get(name)
            probe = getattr(module, "whichProc", None)
            for pipe in (getattr(probe, "stdout", None), getattr(probe, "stderr", None)):
                if pipe is not None and not pipe.closed:
                    pipe.close()
        stray = getattr(sys.modules.get("mouseinfo"), "_display", None)
        if stray is not None and not getattr(stray, "_sepbots_closed", False):
            stray._sepbots_closed = True
            with contextlib.suppress(Exception):
                stray.close()
        gc.collect()
    pyautogui.FAILSAFE = True
    return pyautogui


def bind_pyautogui(display_name: str) -> None:
    """Point pyautogui's X connection at ``display_name`` (X11 only).

    pyautogui connects to ``$DISPLAY`` once, at import; a later run may use another (virtual)
    display, and a finished ``Desktop`` closes the connection (``release_pyautogui``). So every
    use checks the connection and opens a fresh one when it is closed or on another display.
    """
    from sepbots.desktop.x11 import open_display

    x11 = sys.modules["pyautogui._pyautogui_x11"]
    current = x11._display
    closed = getattr(current, "_sepbots_closed", False)
    if closed or current.get_display_name() != display_name:
        x11._display = open_display(display_name)  # type: ignore[attr-defined]  # pyautogui keeps its X connection in a module global
        if not closed:
            with contextlib.suppress(Exception):
                current.close()


def release_pyautogui() -> None:
    """Close pyautogui's X connection; the next ``bind_pyautogui`` opens a new one."""
    x11 = sys.modules.get("pyautogui._pyautogui_x11")
    if x11 is not None and not getattr(x11._display, "_sepbots_closed", False):
        x11._display._sepbots_closed = True
        with contextlib.suppress(Exception):
            x11._display.close()
