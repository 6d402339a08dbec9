"""Browser session lifecycle: own sessions per test (one Playwright per thread at a time)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pydantic import SecretStr

from sepbots.browser import (
    BrowserSession,
    BrowserSettings,
    BrowserStartError,
    FormLogin,
    LoginRejected,
    RetryPolicy,
)
from tests.practice.conftest import Served

pytestmark = pytest.mark.browser


def _login(password: str = "robot-pass-1") -> FormLogin:
    return FormLogin("robot", SecretStr(password), retry=RetryPolicy(attempts=3, backoff_s=0.01))


def test_wrong_password_is_tried_once_and_never_locks_the_account(served: Served) -> None:
    """A refused login raises LoginRejected and later navigations refuse at once instead of posting again."""
    with BrowserSession(BrowserSettings(timeout_ms=8000), login=_login("forkert")) as browser:
        with pytest.raises(LoginRejected, match="Forkert brugernavn eller adgangskode"):
            browser.goto(f"{served.url}/refusion")
        for _ in range(4):
            with pytest.raises(LoginRejected):
                browser.goto(f"{served.url}/refusion")
    assert served.portal.accounts.locked_until("robot") is None


def test_trace_is_saved_on_close(served: Served, tmp_path: Path) -> None:
    """With trace on, close() writes a Playwright trace archive to the given path."""
    trace = tmp_path / "run" / "trace.zip"
    session = BrowserSession(BrowserSettings(trace=True), trace_path=trace, login=_login())
    session.goto(f"{served.url}/")
    session.close()
    assert zipfile.is_zipfile(trace)


def test_bad_executable_gives_a_clear_start_error() -> None:
    """A browser path that does not exist raises BrowserStartError naming it."""
    session = BrowserSession(BrowserSettings(executable_path="/nonexistent/chromium"))
    with pytest.raises(BrowserStartError, match="/nonexistent/chromium"):
        session.page()
    session.close()


def test_settings_default_to_system_chromium_with_safe_args() -> None:
    """BrowserSettings defaults to /usr/bin/chromium headless with the Linux sandbox/GPU arguments."""
    settings = BrowserSettings()
    assert settings.headless and settings.timeout_ms == 15000 and not settings.trace
    if Path("/usr/bin/chromium").exists():
        assert settings.executable_path == "/usr/bin/chromium"
        assert "--no-sandbox" in settings.args and "--disable-gpu" in settings.args
