"""``Desktop``: pyautogui with waits that keep their timeouts, keyboard-first helpers and evidence.

```python
with Desktop(settings.desktop, clock=ctx.clock) as desktop:   # or ctx.use("desktop", ...)
    desktop.launch([sys.executable, "-m", "sepbots.practice.desktop", "--db", str(db)])
    app = desktop.wait_for_window("Sagssystem")
    desktop.activate(app)
    desktop.type_text("2026-001234")
    desktop.tab_to_field()
    desktop.hotkey("ctrl", "s")
    desktop.wait_for_pixel(app.left + 12, app.bottom - 12, (0, 160, 0), timeout_s=5)
```

Nothing touches the screen until first use. Then, on Linux, an Xvfb display is started when
``desktop.virtual_display`` is on (or no display exists) and only after that is pyautogui
imported: it connects to ``$DISPLAY`` at import time. pyautogui's fail-safe stays on; moving
the mouse into a screen corner raises ``StopRequested``.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, TypeVar

import structlog

from sepbots.clock import Clock, SystemClock
from sepbots.config import DesktopSettings
from sepbots.desktop.backend import bind_pyautogui, import_pyautogui, release_pyautogui
from sepbots.desktop.display import VirtualDisplay, end_process, needs_virtual_display
from sepbots.desktop.errors import DesktopError
from sepbots.desktop.waits import wait_until
from sepbots.desktop.windows import TitlePattern, Window, WindowSystem, title_matches
from sepbots.evidence_source import AttemptEvidence
from sepbots.exceptions import StopRequested

T = TypeVar("T")
RGB = tuple[int, int, int]
Region = tuple[int, int, int, int]


class Desktop(AttemptEvidence):
    """One desktop session for a run: display, pyautogui, windows, keyboard, screenshots.

    Args:
        settings: the ``desktop`` settings section.
        clock: time source for waits; the system clock by default.
        environ: the environment whose ``DISPLAY`` is used (and set, for a virtual display).
        pause_s: pyautogui's pause after each of its calls.
        log: a structlog logger.
    """

    def __init__(
        self,
        settings: DesktopSettings | None = None,
        *,
        clock: Clock | None = None,
        environ: MutableMapping[str, str] | None = None,
        pause_s: float = 0.01,
        log: Any = None,
    ) -> None:
        self.settings = settings or DesktopSettings()
        self.clock: Clock = clock or SystemClock()
        self._environ = os.environ if environ is None else environ
        self._pause_s = pause_s
        self._log = log or structlog.get_logger("sepbots.desktop")
        self._display: VirtualDisplay | None = None
        self._system: WindowSystem | None = None
        self._gui: ModuleType | None = None
        self._processes: list[subprocess.Popen[bytes]] = []
        self._x_display: str | None = None
        self._used = False

    # -- lifecycle ---------------------------------------------------------------------------

    def open(self) -> Desktop:
        """Start the virtual display if needed, import pyautogui and connect; idempotent."""
        self._used = True  # every toolkit call comes through here
        if self._gui is not None:
            return self
        try:
            if needs_virtual_display(self.settings.virtual_display, self._environ):
                self._display = VirtualDisplay(self.settings.display_size, environ=self._environ).start()
                self._log.info("virtual_display_started", display=self._display.name, size=self.settings.display_size)
            display_name = self._environ.get("DISPLAY") if sys.platform.startswith("linux") else None
            gui = import_pyautogui()
            if display_name is not None:
                bind_pyautogui(display_name)
            gui.PAUSE = self._pause_s  # type: ignore[attr-defined]  # pyautogui is set up through module attributes
            if display_name is not None:
                from sepbots.desktop.x11 import X11WindowSystem

                self._system = X11WindowSystem(display_name)
            else:
                from sepbots.desktop.win32 import Win32WindowSystem

                self._system = Win32WindowSystem(gui)
            self._gui = gui
            self._x_display = display_name
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """End launched applications, disconnect and stop the virtual display; safe to call twice."""
        for process in self._processes:
            end_process(process)
        self._processes.clear()
        if self._system is not None:
            self._system.close()
            self._system = None
        if self._gui is not None and sys.platform.startswith("linux"):
            release_pyautogui()
        self._gui = None
        self._x_display = None
        if self._display is not None:
            self._display.stop()
            self._log.info("virtual_display_stopped")
            self._display = None

    def __enter__(self) -> Desktop:
        return self.open()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @property
    def gui(self) -> ModuleType:
        """The pyautogui module, for anything the toolkit does not wrap (opens the desktop)."""
        self.open()
        assert self._gui is not None
        if self._x_display is not None:
            bind_pyautogui(self._x_display)
            self._gui.PAUSE = self._pause_s  # type: ignore[attr-defined]  # pyautogui is set up through module attributes
        return self._gui

    @property
    def _windows(self) -> WindowSystem:
        self.open()
        assert self._system is not None
        return self._system

    @property
    def display_name(self) -> str | None:
        """The X display in use (``":1"``), or None outside Linux."""
        self.open()
        return self._x_display

    @contextlib.contextmanager
    def _fail_safe(self) -> Iterator[ModuleType]:
        gui = self.gui
        try:
            gui.failSafeCheck()
            yield gui
        except gui.FailSafeException as exc:
            raise StopRequested("pyautogui fail-safe: the mouse was moved into a screen corner") from exc

    def launch(self, argv: Sequence[str], *, output: Path | None = None) -> subprocess.Popen[bytes]:
        """Start an application on this desktop; it is ended by ``close()``.

        Args:
            argv: program and arguments (no shell).
            output: file for the program's stdout and stderr; discarded if None.
        """
        self.open()
        sink = open(output, "ab") if output is not None else subprocess.DEVNULL  # noqa: SIM115
        try:
            process = subprocess.Popen(
                list(argv),
                env=dict(self._environ),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        finally:
            if output is not None:
                sink.close()  # type: ignore[union-attr]  # sink is the opened file whenever output is set
        self._processes.append(process)
        self._log.info("desktop_app_launched", program=Path(argv[0]).name, pid=process.pid)
        return process

    # -- waiting -----------------------------------------------------------------------------

    def _timeout(self, timeout_s: float | None) -> float:
        return self.settings.timeout_s if timeout_s is None else timeout_s

    def wait_until(
        self,
        condition: Callable[[], T | None],
        *,
        timeout_s: float | None = None,
        interval_s: float = 0.1,
        what: str = "condition",
    ) -> T:
        """Poll ``condition`` until truthy (see ``sepbots.desktop.waits.wait_until``).

        Raises:
            DesktopTimeout: not met within ``timeout_s`` (default ``desktop.timeout_s``).
        """
        return wait_until(condition, timeout_s=self._timeout(timeout_s), clock=self.clock, interval_s=interval_s, what=what)

    # -- windows -----------------------------------------------------------------------------

    def windows(self) -> list[Window]:
        """Visible, titled top-level windows."""
        return self._windows.windows()

    def find_window(self, title: TitlePattern, *, exact: bool = False) -> Window | None:
        """The topmost visible window whose title matches, or None."""
        matches = [w for w in self.windows() if title_matches(title, w.title, exact=exact)]
        return matches[-1] if matches else None

    def wait_for_window(self, title: TitlePattern, *, timeout_s: float | None = None, exact: bool = False) -> Window:
        """Wait for a window whose title matches (contains ``title``, or equals it if ``exact``).

        Raises:
            DesktopTimeout: no such window appeared in time.
        """
        return self.wait_until(
            lambda: self.find_window(title, exact=exact),
            timeout_s=timeout_s,
            what=f"vinduet {_show(title)} vises / window {_show(title)} to appear",
        )

    def wait_for_window_gone(self, title: TitlePattern, *, timeout_s: float | None = None, exact: bool = False) -> None:
        """Wait until no window with a matching title is visible.

        Raises:
            DesktopTimeout: the window was still there when time ran out.
        """
        self.wait_until(
            lambda: self.find_window(title, exact=exact) is None,
            timeout_s=timeout_s,
            what=f"vinduet {_show(title)} lukkes / window {_show(title)} to close",
        )

    def activate(self, window: Window | TitlePattern) -> Window:
        """Raise a window and give it the keyboard focus.

        Raises:
            DesktopError: no window has that title.
        """
        if not isinstance(window, Window):
            found = self.find_window(window)
            if found is None:
                raise DesktopError(f"intet vindue {_show(window)} at aktivere / no window {_show(window)} to activate")
            window = found
        self._windows.activate(window)
        return window

    # -- screen ------------------------------------------------------------------------------

    def screenshot(self, region: Region | None = None) -> Any:
        """A PIL image of the screen, or of ``region`` = (left, top, width, height)."""
        name = self.display_name
        if name is not None:  # Pillow's XCB grab: no scrot process, no temporary file
            from PIL import ImageGrab

            bbox = None if region is None else (region[0], region[1], region[0] + region[2], region[1] + region[3])
            return ImageGrab.grab(bbox=bbox, xdisplay=name)
        return self.gui.screenshot(region=region)

    def pixel(self, x: int, y: int) -> RGB:
        """The colour of one screen pixel."""
        return self._windows.pixel(x, y)

    def wait_for_pixel(
        self,
        x: int,
        y: int,
        rgb: RGB | Sequence[RGB],
        *,
        tolerance: int = 0,
        timeout_s: float | None = None,
        interval_s: float = 0.05,
    ) -> RGB:
        """Wait until the pixel at (x, y) has one of the expected colours; return the colour seen.

        Args:
            rgb: one colour or several accepted colours.
            tolerance: allowed difference per channel.

        Raises:
            DesktopTimeout: the pixel never took an expected colour in time.
        """
        wanted: list[RGB] = [rgb] if isinstance(rgb[0], int) else list(rgb)  # type: ignore[arg-type,list-item]  # mypy cannot narrow the union on rgb[0]

        def seen() -> RGB | None:
            colour = self.pixel(x, y)
            if any(all(abs(a - b) <= tolerance for a, b in zip(colour, w, strict=True)) for w in wanted):
                return colour
            return None

        return self.wait_until(
            seen,
            timeout_s=timeout_s,
            interval_s=interval_s,
            what=f"pixel ({x}, {y}) får farven / to become {' | '.join(map(str, wanted))}",
        )

    def wait_for_image(
        self,
        image: Path | str,
        *,
        timeout_s: float | None = None,
        region: Region | None = None,
        confidence: float | None = None,
        grayscale: bool = False,
    ) -> Region:
        """Wait until ``image`` (a PNG cut from an earlier screenshot) is on screen.

        Args:
            region: search only this part of the screen.
            confidence: fuzzy matching threshold (needs OpenCV); exact pixels if None.

        Returns:
            ``(left, top, width, height)`` of the match in screen coordinates.

        Raises:
            DesktopTimeout: the image did not appear in time.
        """
        import pyscreeze

        needle = Path(image)
        if not needle.is_file():
            raise DesktopError(f"billedfilen findes ikke / image file does not exist: {needle}")
        options: dict[str, Any] = {"grayscale": grayscale}
        if confidence is not None:
            options["confidence"] = confidence

        def found() -> Region | None:
            haystack = self.screenshot(region)
            try:
                with warnings.catch_warnings():  # pyscreeze's Pillow matcher uses Image.getdata
                    warnings.filterwarnings("ignore", "Image.Image.getdata", DeprecationWarning)
                    box = pyscreeze.locate(str(needle), haystack, **options)
            except pyscreeze.ImageNotFoundException:
                return None
            if box is None:
                return None
            dx, dy = (region[0], region[1]) if region else (0, 0)
            return int(box.left) + dx, int(box.top) + dy, int(box.width), int(box.height)

        return self.wait_until(found, timeout_s=timeout_s, interval_s=0.2, what=f"billedet {needle.name} vises / "
                                                                                f"image {needle.name} to appear")

    # -- keyboard ----------------------------------------------------------------------------

    def type_text(self, text: str, *, interval_s: float | None = None) -> None:
        """Type text into the focused field; any characters, including æ, ø and å.

        Args:
            interval_s: pause between characters (default ``desktop.typing_interval_s``).
        """
        pause = self.settings.typing_interval_s if interval_s is None else interval_s
        with self._fail_safe():
            self._windows.type_text(text, pause)

    def press(self, key: str, *, presses: int = 1) -> None:
        """Press and release a named key (pyautogui names: ``enter``, ``tab``, ``f6``, ``esc`` …)."""
        with self._fail_safe() as gui:
            gui.press(key, presses=presses, interval=self.settings.typing_interval_s)

    def hotkey(self, *keys: str) -> None:
        """Press a key combination such as ``hotkey("ctrl", "s")``."""
        with self._fail_safe() as gui:
            gui.hotkey(*keys)

    def tab_to_field(self, count: int = 1, *, backwards: bool = False) -> None:
        """Move the focus ``count`` fields forward (Tab) or back (Shift+Tab)."""
        if not backwards:
            self.type_text("\t" * count)
            return
        for _ in range(count):
            self.hotkey("shift", "tab")

    def clipboard_text(self) -> str:
        """The clipboard's text, e.g. after ``hotkey("ctrl", "c")``."""
        return self._windows.clipboard_text()

    def clear_clipboard(self) -> None:
        """Empty the clipboard."""
        self._windows.clear_clipboard()

    def copy_text(self, *, timeout_s: float = 2.0) -> str:
        """Copy what is selected in the focused application (Ctrl+C) and return it.

        The clipboard is emptied first, so an old text is never mistaken for the new one.

        Raises:
            DesktopTimeout: nothing arrived on the clipboard in time (nothing was selected).
        """
        self.clear_clipboard()
        self.hotkey("ctrl", "c")
        return self.wait_until(self.clipboard_text, timeout_s=timeout_s, interval_s=0.02, what="kopieret tekst i udklipsholderen / "
                                                                                               "copied text on the clipboard")

    # -- evidence ----------------------------------------------------------------------------

    def capture_failure(self, directory: Path, stem: str, mask: Sequence[str] = ()) -> list[Path]:
        """Save a PNG screenshot and the window list as evidence; never raises.

        Args:
            directory: where to write (created if missing).
            stem: file name without extension, e.g. ``item-42-attempt-1``.
            mask: the bot's browser selectors; a desktop has none to honour.

        Returns:
            The files written (empty when this attempt did not use the desktop, it was never
            opened or capture failed).
        """
        if self._gui is None or not self._used:
            return []
        written: list[Path] = []
        try:
            directory.mkdir(parents=True, exist_ok=True)
            png = directory / f"{stem}.png"
            self.screenshot().save(png)
            written.append(png)
            listing = directory / f"{stem}-windows.json"
            windows = [{"title": w.title, "region": list(w.region)} for w in self.windows()]
            listing.write_text(json.dumps(windows, ensure_ascii=False, indent=2), encoding="utf-8")
            written.append(listing)
        except Exception as exc:  # evidence is best effort: the original error matters more
            self._log.warning("desktop_capture_failed", error=type(exc).__name__)
        return written


def _show(title: TitlePattern) -> str:
    return repr(title.pattern) if not isinstance(title, str) else repr(title)
