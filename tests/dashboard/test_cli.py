"""``sepbots users`` and ``sepbots dashboard`` through typer's CliRunner and as a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from sepbots.cli.users import app as users_app
from sepbots.dashboard import users
from sepbots.store import Store


def _env(home: Path) -> dict[str, str]:
    return {"SEPBOTS_HOME": str(home)}


def test_users_add_list_disable(tmp_path: Path) -> None:
    """Users are created with a password from stdin (never argv), listed in Danish, and disabled."""
    runner = CliRunner()
    env = _env(tmp_path)
    r = runner.invoke(users_app, ["add", "mette", "--role", "operator", "--password-stdin"], input="hemmelig-kode-42\n", env=env)
    assert r.exit_code == 0, r.output
    assert "Brugeren mette er oprettet med rollen operator." in r.output
    dup = runner.invoke(users_app, ["add", "mette", "--password-stdin"], input="hemmelig-kode-42\n", env=env)
    assert dup.exit_code == 2 and "already exists" in dup.output
    short = runner.invoke(users_app, ["add", "ib", "--password-stdin"], input="kort\n", env=env)
    assert short.exit_code == 2 and "at least 10" in short.output
    listed = runner.invoke(users_app, ["list"], env=env)
    assert "mette" in listed.output and "aktiv" in listed.output
    r = runner.invoke(users_app, ["disable", "mette"], env=env)
    assert r.exit_code == 0 and "deaktiveret" in r.output
    store = Store(f"sqlite:///{tmp_path / 'var' / 'sepbots.db'}")
    with store.engine.connect() as conn:
        user = users.get_user(conn, "mette")
    store.dispose()
    assert not user.active
    assert runner.invoke(users_app, ["disable", "nobody"], env=env).exit_code == 2


def test_users_add_prompts_for_password(tmp_path: Path) -> None:
    """Without --password-stdin the password is prompted for twice (hidden) and must match."""
    r = CliRunner().invoke(users_app, ["add", "anna"], input="langt-kodeord-1\nlangt-kodeord-1\n", env=_env(tmp_path))
    assert r.exit_code == 0, r.output
    assert "langt-kodeord-1" not in r.output


def test_dashboard_command_serves_login_page(tmp_path: Path) -> None:
    """``python -m sepbots.cli.dashboard --port N`` starts a server whose login page answers in Danish."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = "from sepbots.cli.dashboard import app; app()"
    env = {**os.environ, "SEPBOTS_HOME": str(tmp_path), "PYTHONPATH": str(Path.cwd())}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "the dashboard did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and "Adgangskode" in r.text
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 303
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
