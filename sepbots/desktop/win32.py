"""The Windows side of the toolkit: pygetwindow for windows, pyautogui for typing, Tk for the clipboard.

Bots on a Windows workstation use the real, logged-in session; there is no virtual display.
"""

from __future__ import annotations

from types import ModuleType

from sepbots.desktop.errors import DesktopError
from sepbots.desktop.windows import Window


class Win32WindowSystem:
    """Windows and clipboard of the interactive Windows session.

    Args:
        gui: the imported pyautogui module.
    """

    def __init__(self, gui: ModuleType) -> None:
        import pygetwindow  # a pyautogui dependency on Windows

        self._gw = pygetwindow
        self._gui = gui

    def windows(self) -> list[Window]:
        """Visible, titled top-level windows."""
        return [Window(w.title, w.left, w.top, w.width, w.height, int(w._hWnd)) for w in self._gw.getAllWindows() if w.title and w.visible]

    def activate(self, window: Window) -> None:
        """Bring the window to the front and focus it."""
        for candidate in self._gw.getAllWindows():
            if int(candidate._hWnd) == window.handle:
                try:
                    candidate.activate()
                except self._gw.PyGetWindowException as exc:
                    raise DesktopError(f"vinduet {window.title!r} kan ikke aktiveres / "
                                       f"cannot activate window {window.title!r}: {exc}") from exc
                return
        raise DesktopError(f"vinduet {window.title!r} er væk / window {window.title!r} has gone")

    def type_text(self, text: str, interval_s: float = 0.0) -> None:
        """Type ``text`` with pyautogui (characters must exist on the active keyboard layout)."""
        self._gui.write(text, interval=interval_s)

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        """The colour of one screen pixel."""
        red, green, blue = self._gui.pixel(x, y)[:3]
        return red, green, blue

    def clipboard_text(self) -> str:
        """The clipboard's text ("" when empty or not text)."""
        import tkinter

        root = tkinter.Tk()
        root.withdraw()
        try:
            return str(root.clipboard_get())
        except tkinter.TclError:
            return ""
        finally:
            root.destroy()

    def clear_clipboard(self) -> None:
        """Empty the clipboard."""
        import tkinter

        root = tkinter.Tk()
        root.withdraw()
        try:
            root.clipboard_clear()
            root.update()
        finally:
            root.destroy()

    def close(self) -> None:
        """Nothing to release."""
