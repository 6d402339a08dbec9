"""``sepbots users`` and ``sepbots dashboard`` through typer's CliRunner and as a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from sepbots.cli import dashboard as dashboard_cli
from sepbots.cli import users as users_cli
from sepbots.cli.state import CliState
from sepbots.dashboard import users
from sepbots.store.schema import audit_log
from sepbots.testing import open_test_environment


def root(home: Path, lang: str | None = None) -> typer.Typer:
    """A root command like ``sepbots`` with the dashboard's groups registered."""
    app = typer.Typer()

    @app.callback()
    def _main(ctx: typer.Context) -> None:
        ctx.obj = CliState(home=home, lang=lang, environ={"USER": "it-drift"})

    users_cli.register(app)
    dashboard_cli.register(app)
    return app


def test_users_add_list_disable(tmp_path: Path) -> None:
    """Users are created with a password from stdin (never argv), listed in Danish, disabled, and audited."""
    open_test_environment(tmp_path).close()  # the installation, as `sepbots init` makes it
    runner = CliRunner()
    app = root(tmp_path)
    r = runner.invoke(app, ["users", "add", "mette", "--role", "operator", "--password-stdin"], input="hemmelig-kode-42\n")
    assert r.exit_code == 0, r.output
    assert "Brugeren mette er oprettet med rollen operator." in r.output
    dup = runner.invoke(app, ["users", "add", "mette", "--password-stdin"], input="hemmelig-kode-42\n")
    assert dup.exit_code == 2 and "already exists" in dup.output
    short = runner.invoke(app, ["users", "add", "ib", "--password-stdin"], input="kort\n")
    assert short.exit_code == 2 and "at least 10" in short.output
    listed = runner.invoke(app, ["users", "list"])
    assert "mette" in listed.output and "aktiv" in listed.output and "Rolle" in listed.output
    r = runner.invoke(app, ["users", "disable", "mette"])
    assert r.exit_code == 0 and "deaktiveret" in r.output
    assert runner.invoke(app, ["users", "disable", "nobody"]).exit_code == 2
    env = open_test_environment(tmp_path)
    with env.store.engine.connect() as conn:
        user = users.get_user(conn, "mette")
        events = conn.execute(select(audit_log.c.event, audit_log.c.actor).order_by(audit_log.c.seq)).all()
        conn.rollback()
    env.close()
    assert not user.active
    assert [tuple(e) for e in events] == [("user_added", "cli:it-drift"), ("user_disabled", "cli:it-drift")]
    assert "hemmelig-kode-42" not in "".join(str(x) for x in events)


def test_users_add_prompts_for_password_in_english(tmp_path: Path) -> None:
    """Without --password-stdin the password is prompted for twice (hidden); English texts with --lang en."""
    open_test_environment(tmp_path).close()  # the installation, as `sepbots init` makes it
    r = CliRunner().invoke(root(tmp_path, "en"), ["users", "add", "anna"], input="langt-kodeord-1\nlangt-kodeord-1\n")
    assert r.exit_code == 0, r.output
    assert "Password for anna" in r.output and "User anna created with role viewer." in r.output
    assert "langt-kodeord-1" not in r.output


def test_dashboard_command_serves_login_page(tmp_path: Path) -> None:
    """``sepbots dashboard --port N`` starts a server whose login page answers in Danish."""
    open_test_environment(tmp_path).close()  # the installation, as `sepbots init` makes it
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = (
        "import sys, typer; from pathlib import Path; from tests.dashboard.test_cli import root; "
        "root(Path(sys.argv[1]))(sys.argv[2:])"
    )
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path), "dashboard", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60  # a process start: room for a loaded machine
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=30)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "the dashboard did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and "Adgangskode" in r.text
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 303
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in out.decode() and "sepbots users add" in out.decode()
