"""The legacy case system as the robot sees it: a window, a form, a status line and an error dialog.

The robot only uses the screen and the keyboard, as it would with a real legacy client: it never
reads the case system's database. What it knows about the screen (titles, keys, the status
indicator's place and colours) is written down here, in one place.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any

from sepbots import ApplicationException, BusinessException
from sepbots.desktop import Desktop, DesktopSettings, Window

# The status indicator: a 16×16 square whose centre is 12 px from the window's left and bottom.
INDICATOR_OFFSET = 12
READY = (192, 192, 192)
SAVING = (255, 200, 0)
SAVED = (0, 160, 0)
JOURNAL_NUMBER = re.compile(r"\bJ-\d{4}-\d{6}\b")
ALREADY_FILED = re.compile(r"(?:findes allerede|already on the case).*?\b(J-\d{4}-\d{6})\b", re.DOTALL)


class Outcome(Enum):
    """What the case system did with a save."""

    SAVED = "saved"
    DIALOG = "dialog"


class CaseSystem:
    """A session with the case system for one run (a ``ctx.use`` resource).

    Args:
        settings: the ``desktop`` settings (virtual display, default timeout).
        window_title: text in the main window's title.
        error_title: the error dialog's exact title.
        save_timeout_s: how long a save may take; ``desktop.timeout_s`` if None.
        launch: a command that starts the case system, or None to attach to a running one.
        launch_log: where the launched program's output goes.
        log: a structlog logger.
    """

    def __init__(
        self,
        settings: DesktopSettings,
        *,
        window_title: str,
        error_title: str,
        save_timeout_s: float | None = None,
        launch: list[str] | None = None,
        launch_log: Path | None = None,
        log: Any = None,
    ) -> None:
        # Real time, not the run's clock: the application on the screen does not follow a test clock.
        self.desktop = Desktop(settings, log=log)
        self.window_title = window_title
        self.error_title = error_title
        self.save_timeout_s = save_timeout_s if save_timeout_s is not None else settings.timeout_s
        self._launch = launch
        self._launch_log = launch_log
        self._log = log

    def __enter__(self) -> CaseSystem:
        self.desktop.open()
        try:
            if self._launch is not None:
                self.desktop.launch(self._launch, output=self._launch_log)
            self.desktop.wait_for_window(self.window_title, timeout_s=max(self.desktop.settings.timeout_s, 20.0))
        except BaseException:
            self.desktop.close()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.desktop.close()

    def begin_attempt(self) -> None:
        """A new item attempt starts (evidence is taken only when it uses the desktop)."""
        self.desktop.begin_attempt()

    @property
    def used_in_attempt(self) -> bool:
        return self.desktop.used_in_attempt

    def capture_failure(self, directory: Path, stem: str, mask: Sequence[str] = ()) -> list[Path]:
        """Screenshot and window list when an item fails (asked by the runtime)."""
        return self.desktop.capture_failure(directory, stem, mask)

    # -- screen reading ----------------------------------------------------------------------

    def _indicator(self, window: Window) -> tuple[int, int]:
        return window.left + INDICATOR_OFFSET, window.bottom - INDICATOR_OFFSET

    def _dismiss_leftover_dialog(self) -> None:
        """Close an error dialog a failed earlier attempt may have left open."""
        if self.desktop.find_window(self.error_title, exact=True) is not None:
            self.desktop.press("esc")
            self.desktop.wait_for_window_gone(self.error_title, exact=True)

    def _outcome(self, window: Window) -> Outcome | None:
        if self.desktop.find_window(self.error_title, exact=True) is not None:
            return Outcome.DIALOG
        if self.desktop.pixel(*self._indicator(window)) == SAVED:
            return Outcome.SAVED
        return None

    # -- the task ----------------------------------------------------------------------------

    def journalise(self, fields: list[str]) -> dict[str, object]:
        """Type one document into the form, save it and read back its journal number.

        Args:
            fields: case number, title, date and category, in tab order, as they should be typed.

        Returns:
            ``{"journal_number": "J-2026-000123", "already_filed": False}``.

        Raises:
            BusinessException: the case system refused the data (its error dialog's text).
            DesktopTimeout: the window, the form or the save did not respond in time.
            ApplicationException: the status line could not be read.
        """
        desktop = self.desktop
        self._dismiss_leftover_dialog()
        window = desktop.wait_for_window(self.window_title)
        indicator = self._indicator(window)
        # A save from an attempt that timed out may still be running: let it finish first.
        desktop.wait_until(
            lambda: desktop.pixel(*indicator) != SAVING,
            timeout_s=self.save_timeout_s,
            interval_s=0.05,
            what="an earlier save to finish",
        )
        desktop.activate(window)
        desktop.hotkey("ctrl", "n")  # a clean form; the indicator turns grey once the app has done it
        desktop.wait_for_pixel(*indicator, READY)
        for index, value in enumerate(fields):
            if index:
                desktop.tab_to_field()
            desktop.type_text(value)
        desktop.hotkey("ctrl", "s")
        outcome = desktop.wait_until(
            lambda: self._outcome(window),
            timeout_s=self.save_timeout_s,
            interval_s=0.05,
            what="the case system to save or show an error",
        )
        if outcome is Outcome.DIALOG:
            dialog = desktop.find_window(self.error_title, exact=True)
            if dialog is not None:  # it can be mapped a moment before it takes the focus itself
                desktop.activate(dialog)
            message = desktop.copy_text().strip()
            desktop.press("enter")
            desktop.wait_for_window_gone(self.error_title, exact=True)
            already = ALREADY_FILED.search(message)
            if already:  # saved by an earlier attempt that timed out: done, not a duplicate
                return {"journal_number": already.group(1), "already_filed": True}
            raise BusinessException(message, code="REJECTED_BY_CASE_SYSTEM")
        desktop.press("f6")  # focus the status line with its text selected
        status = desktop.copy_text()
        found = JOURNAL_NUMBER.search(status)
        if found is None:
            raise ApplicationException("statuslinjen viser intet journalnummer / "
                                       "the status line shows no journal number", code="STATUS_UNREADABLE")
        return {"journal_number": found.group(0), "already_filed": False}


def practice_app_command(db: Path, *, delay_ms: int = 0, slow_every_n: int = 0) -> list[str]:
    """The command that starts sepbots' practice case system on ``db``."""
    return [
        sys.executable, "-m", "sepbots.practice.desktop", "--db", str(db),
        "--delay-ms", str(delay_ms), "--slow-every-n", str(slow_every_n),
    ]  # fmt: skip
