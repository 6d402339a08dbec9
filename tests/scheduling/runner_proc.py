"""Helpers for tests that run the real service as a subprocess (``python -m runner``)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sepbots.testing import open_test_environment

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = textwrap.dedent("""
    [queue]
    lease_s = 2.0
    heartbeat_s = 0.5
    poll_s = 0.05
    [logging]
    console = "never"
""")


def make_home(
    tmp_path: Path, bots: dict[str, str], schedules: str, settings: str = SETTINGS, *, test_mode: bool = True
) -> Path:
    """An installation folder (set up as ``sepbots init`` does) with the given bot sources,
    schedules.toml and sepbots.toml.

    The test bots belong to no catalogue process, so their schedules and queue triggers are test runs (``test_mode``)
    unless a test asks for production runs to see the legal gate refuse them.
    """
    home = tmp_path / "home"
    for name, source in bots.items():
        (home / "bots" / name).mkdir(parents=True)
        (home / "bots" / name / "bot.py").write_text(textwrap.dedent(source), encoding="utf-8")
    (home / "config").mkdir(parents=True, exist_ok=True)
    text = textwrap.dedent(schedules)
    if test_mode:
        text = text.replace("[[schedule]]\n", "[[schedule]]\ntest_mode = true\n")
        text = text.replace("[[queue_trigger]]\n", "[[queue_trigger]]\ntest_mode = true\n")
    (home / "config" / "schedules.toml").write_text(text, encoding="utf-8")
    (home / "config" / "sepbots.toml").write_text(settings, encoding="utf-8")
    open_test_environment(home).close()
    return home


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process: this checkout's sepbots first, the test's home, nothing else of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEPBOTS_")}
    env.update(
        SEPBOTS_HOME=str(home),
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    env.update(extra)
    return env


def wait_for(
    predicate: Callable[[], Any], timeout: float, what: str, proc: subprocess.Popen[bytes] | None = None
) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the runner exited with {proc.returncode} while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class RunnerProcess:
    """``python -m runner`` in ``home``."""

    def __init__(self, home: Path, **env: str) -> None:
        self.home = home
        self.env = child_env(home, **env)
        self._proc: subprocess.Popen[bytes] | None = None
        self.stderr_path = home / f"runner-stderr-{time.monotonic_ns()}.txt"

    def start(self) -> RunnerProcess:
        self._err = self.stderr_path.open("wb")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "runner"],
            cwd=self.home,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._err,
        )
        return self

    @property
    def proc(self) -> subprocess.Popen[bytes]:
        """The runner's process (once started)."""
        assert self._proc is not None, "the runner was not started"
        return self._proc

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self._err.close()
        return code

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._err.close()

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "var" / "sepbots.db", timeout=30)


def query(home: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on the installation's SQLite database ([] while it does not exist yet)."""
    if not (home / "var" / "sepbots.db").exists():
        return []
    try:
        with db(home) as conn:
            return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError:
        return []


def log_events(home: Path, logger: str | None = None) -> list[dict[str, Any]]:
    """The JSON log lines of the installation (optionally of one logger)."""
    events = []
    for path in sorted((home / "logs").glob("sepbots.jsonl*")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if logger is None or event.get("logger") == logger:
                events.append(event)
    return events
