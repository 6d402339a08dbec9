"""The virtual display's lifecycle and the wait loop's timeout guarantee."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sepbots.clock import SystemClock
from sepbots.desktop import DesktopTimeout, DisplayError, VirtualDisplay, wait_until
from sepbots.desktop.display import parse_size
from sepbots.exceptions import ApplicationException
from sepbots.testing import ManualClock

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.desktop
def test_virtual_display_points_the_environment_at_xvfb_and_restores_it() -> None:
    """Starting sets DISPLAY, XDG_SESSION_TYPE and a private XAUTHORITY; stopping restores all three."""
    environ = {"DISPLAY": ":99", "PATH": os.environ["PATH"]}
    display = VirtualDisplay("640x480", environ=environ).start()
    try:
        assert display.running
        assert environ["DISPLAY"] == display.name != ":99"
        assert environ["XDG_SESSION_TYPE"] == "x11"
        assert Path(environ["XAUTHORITY"]).stat().st_size > 0
        probe = subprocess.run(["xdotool", "getdisplaygeometry"], env=environ, capture_output=True, text=True, timeout=10)
        assert probe.stdout.split() == ["640", "480"]
    finally:
        display.stop()
    assert not display.running
    assert environ == {"DISPLAY": ":99", "PATH": os.environ["PATH"]}


@pytest.mark.desktop
def test_virtual_display_refuses_clients_without_its_cookie() -> None:
    """A client without the display's cookie cannot connect, so no one else can type into the robot's apps."""
    environ = {"PATH": os.environ["PATH"]}
    with VirtualDisplay("640x480", environ=environ) as display:
        stranger = {"PATH": os.environ["PATH"], "DISPLAY": str(display.name), "XAUTHORITY": "/dev/null"}
        probe = subprocess.run(["xdotool", "getdisplaygeometry"], env=stranger, capture_output=True, timeout=10)
        assert probe.returncode != 0


def test_missing_xvfb_is_a_clear_error() -> None:
    """Without the Xvfb program the error names the Debian package and the setting to change."""
    with pytest.raises(DisplayError, match="xvfb.*desktop.virtual_display") as caught:
        VirtualDisplay(executable="no-such-xvfb-program", environ={}).start()
    assert isinstance(caught.value, ApplicationException)


@pytest.mark.parametrize("text", ["1280", "axb", "10x10", ""])
def test_display_size_must_be_width_x_height(text: str) -> None:
    """A malformed or tiny display size is rejected before anything starts."""
    with pytest.raises(DisplayError):
        parse_size(text)


def test_wait_until_returns_the_conditions_value() -> None:
    """The first truthy result of the condition is what the wait returns."""
    answers = iter([None, "", "found"])
    assert wait_until(lambda: next(answers), timeout_s=5, clock=SystemClock(), interval_s=0.01) == "found"


def test_wait_until_raises_once_the_timeout_has_passed() -> None:
    """A condition that never holds raises DesktopTimeout after the timeout, not before and not much after.

    On a manual clock (the wait takes its time and pauses from the clock), so the check times are exact
    and a loaded machine cannot stretch them: every 0.2 s, the last one at the deadline itself.
    """
    clock = ManualClock()
    checks: list[float] = []

    def never() -> bool:
        checks.append(clock.monotonic())
        return False

    with pytest.raises(DesktopTimeout, match="ventede forgæves / waited in vain for: the moon") as caught:
        wait_until(never, timeout_s=0.5, clock=clock, interval_s=0.2, what="the moon")
    assert checks == pytest.approx([0.0, 0.2, 0.4, 0.5])
    assert caught.value.timeout_s == 0.5 and caught.value.elapsed_s == pytest.approx(0.5)
    assert caught.value.code == "DESKTOP_TIMEOUT"


def test_wait_until_never_starts_a_check_after_the_deadline() -> None:
    """Slow checks are not repeated past the deadline: the overrun is at most one check."""
    clock = ManualClock()
    calls = []

    def slow_check() -> bool:
        calls.append(clock.monotonic())
        clock.advance(0.3)  # each check takes 0.3 s
        return False

    with pytest.raises(DesktopTimeout) as caught:
        wait_until(slow_check, timeout_s=0.5, clock=clock, interval_s=0.05)
    assert calls == pytest.approx([0.0, 0.35])  # a third check would start at 0.7, past the deadline
    assert caught.value.elapsed_s == pytest.approx(0.65) and clock.monotonic() <= 0.5 + 0.3


def test_zero_timeout_checks_exactly_once() -> None:
    """timeout_s=0 is a single check, then the timeout error."""
    calls = []
    with pytest.raises(DesktopTimeout):
        wait_until(lambda: calls.append(1), timeout_s=0, clock=SystemClock())
    assert calls == [1]


def test_importing_the_toolkit_opens_no_display() -> None:
    """``import sepbots.desktop`` works without a display and does not import pyautogui."""
    environ = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "XAUTHORITY")}
    code = "import sys, sepbots.desktop; assert 'pyautogui' not in sys.modules and 'Xlib' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=environ, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb is for Linux")
@pytest.mark.parametrize(
    ("setting", "environ", "expected"),
    [(True, {"DISPLAY": ":0"}, True), (False, {"DISPLAY": ":0"}, False), (False, {}, True), (True, {}, True)],
)
def test_a_virtual_display_is_used_when_asked_for_or_when_there_is_no_display(
    setting: bool, environ: dict[str, str], expected: bool
) -> None:
    """desktop.virtual_display=false uses the existing display, but a run without any display still gets one."""
    from sepbots.desktop.display import needs_virtual_display

    assert needs_virtual_display(setting, environ) is expected


def test_window_titles_match_by_containment_equality_or_pattern() -> None:
    """A text title matches contained (or equal, with exact=True); a compiled pattern is searched."""
    import re

    from sepbots.desktop.windows import title_matches

    assert title_matches("Sagssystem", "Sagssystem – Journalisering")
    assert not title_matches("Sagssystem", "Sagssystem – Journalisering", exact=True)
    assert title_matches("Fejl", "Fejl", exact=True) and not title_matches("Fejl", "Fejlliste", exact=True)
    assert title_matches(re.compile(r"^Sag.*ring$"), "Sagssystem – Journalisering")
