"""Fixtures: one real Xvfb display for the session, a Desktop on it, and the practice case system."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sepbots.clock import local
from sepbots.desktop import Desktop, DesktopSettings, VirtualDisplay, Window
from sepbots.practice.desktop import JournalStore
from sepbots.practice.desktop.app import INDICATOR_COLOURS, INDICATOR_OFFSET, Status

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def xdisplay() -> Iterator[VirtualDisplay]:
    """A real Xvfb for the whole session (a missing Xvfb fails loudly: CI installs it)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the desktop tests run under Xvfb on Linux")
    with VirtualDisplay("1280x800") as display:
        yield display


@pytest.fixture(scope="session")
def desktop(xdisplay: VirtualDisplay) -> Iterator[Desktop]:
    """A Desktop on the session's display (it starts no display of its own)."""
    # Waits end when their condition holds; the default only bounds a wait for something that is coming
    # (the tests that expect a timeout give their own short one), so it has room for a loaded machine.
    with Desktop(DesktopSettings(virtual_display=False, timeout_s=30.0)) as session:
        yield session


@dataclass
class PracticeApp:
    """A running practice case system."""

    process: subprocess.Popen[bytes]
    window: Window
    db: Path

    @property
    def indicator(self) -> tuple[int, int]:
        return self.window.left + INDICATOR_OFFSET, self.window.bottom - INDICATOR_OFFSET


def start_app(desktop: Desktop, db: Path, *args: str) -> PracticeApp:
    """Start ``python -m sepbots.practice.desktop`` on the desktop and wait for its window."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sepbots.practice.desktop", "--db", str(db), *args],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        window = desktop.wait_for_window("Sagssystem", timeout_s=60)  # a process start: room for a loaded machine
    except BaseException:
        process.kill()
        process.wait()
        raise
    desktop.activate(window)
    return PracticeApp(process, window, db)


def stop_app(app: PracticeApp) -> None:
    app.process.terminate()
    try:
        app.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        app.process.kill()
        app.process.wait()


@pytest.fixture
def practice_app(desktop: Desktop, tmp_path: Path) -> Iterator[PracticeApp]:
    """The practice case system with a fresh journal file, focused and ready."""
    app = start_app(desktop, tmp_path / "journal.db")
    yield app
    stop_app(app)
    desktop.wait_for_window_gone("Sagssystem")


SAVED = INDICATOR_COLOURS[Status.SAVED]
INVALID = INDICATOR_COLOURS[Status.INVALID]
READY = INDICATOR_COLOURS[Status.READY]


def journal_number(db: Path, n: int) -> str:
    """The number the app gave its ``n``-th record: ``J-<Danish year of its saved_at>-<n, 6 digits>``.

    The year comes from the stored time, not from a clock read here, so the tests do not break at
    New Year (the app runs on the wall clock).
    """
    record = JournalStore(db).records()[n - 1]
    return f"J-{local(record.saved_at).year}-{n:06d}"
