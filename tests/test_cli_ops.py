"""The CLI people like: fast start, Danish labels, JSON for scripts, nothing cut off, real actors, a sample that exists."""

from __future__ import annotations

import json
import os
import pty
import pwd
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner, Result

from sepbots.cli import app
from sepbots.store.schema import audit_log, runs
from sepbots.testing import open_test_environment
from tests.xlsx import active_sheet

ROOT = Path(__file__).resolve().parents[1]


def project(tmp_path: Path) -> Path:
    home = tmp_path / "proj"
    (home / "bots").mkdir(parents=True)
    shutil.copy(ROOT / "bots" / "__init__.py", home / "bots" / "__init__.py")
    shutil.copytree(ROOT / "bots" / "fakturakontrol", home / "bots" / "fakturakontrol",
                    ignore=shutil.ignore_patterns("__pycache__"))
    open_test_environment(home).close()  # the installation (as `sepbots init` makes it)
    return home


def invoke(home: Path, *args: str, columns: int = 200, **environ: str) -> Result:
    return CliRunner().invoke(app, ["--home", str(home), *args],
                              env={"SEPBOTS_KEY": "", "COLUMNS": str(columns), **environ})


def in_terminal(home: Path, *args: str, columns: int) -> str:
    """What ``sepbots --home HOME ARGS`` writes to a pseudo-terminal ``columns`` wide."""
    leader, follower = pty.openpty()
    environ = {**os.environ, "COLUMNS": str(columns), "SEPBOTS_KEY": "", "TERM": "xterm"}
    with subprocess.Popen([sys.executable, "-m", "sepbots", "--home", str(home), *args], stdin=subprocess.DEVNULL,
                          stdout=follower, stderr=follower, env=environ) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")


def test_help_does_not_load_the_framework() -> None:
    """`sepbots --help` imports neither SQLAlchemy, pydantic, rich nor any command module (the cold-start budget)."""
    code = ("import sys; from sepbots.cli import main; sys.argv = ['sepbots', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('sqlalchemy', 'pydantic', 'rich', 'sepbots.cli.ledger', 'sepbots.dashboard') "
            "if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out and "runs" in out and "Kørsler" in out


def test_runs_list_reads_without_sqlalchemy_or_the_item_commands(tmp_path: Path) -> None:
    """`sepbots runs list` (output to a pipe) lists the runs without importing SQLAlchemy, Alembic, the Store,
    the item-handling commands or rich: the cold-start budget of issue 15 (bench/bench_cli_coldstart.py)."""
    home = tmp_path / "home"
    env = open_test_environment(home)
    with env.store.begin() as conn:
        conn.execute(insert(runs).values(id="3f2a9c1e-0000-4000-8000-000000000000", bot="fakturakontrol",
                                         queue="fakturakontrol", trigger="manual", status="completed",
                                         started_at=datetime(2026, 11, 27, 13, 0, tzinfo=UTC)))
    env.close()
    code = ("import sys; from sepbots.cli import main; sys.argv = ['sepbots', 'runs', 'list']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "loaded = [m for m in ('sqlalchemy', 'alembic', 'rich', 'sepbots.store.engine', "
            "'sepbots.store.schema', 'sepbots.cli.handling') if m in sys.modules]\n"
            "loaded += [m for m in sys.modules if m.startswith('sepbots.workitems.') and m != 'sepbots.workitems.run_listing']\n"
            "print('LOADED', loaded)")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SEPBOTS_")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**environ, "SEPBOTS_HOME": str(home), "SEPBOTS_KEY": ""}).stdout
    assert "3f2a9c1e" in out and "gennemført" in out and "27.11.2026 14:00:00" in out
    assert "LOADED []" in out


def test_run_without_parameters_uses_the_shipped_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sepbots run fakturakontrol` with no --param reads the sample that ships with the bot and writes its own output."""
    home = project(tmp_path)
    monkeypatch.chdir(home)
    assert (home / "bots" / "fakturakontrol" / "sample" / "fakturaer.xlsx").is_file()
    result = invoke(home, "run", "fakturakontrol", "--test-mode", "-q")
    assert result.exit_code == 0, result.output
    assert len(list((home / "var" / "out").glob("fakturakontrol-resultat-*.xlsx"))) == 1


def test_tables_use_danish_words_and_json_keeps_raw_values_and_full_names(tmp_path: Path) -> None:
    """Tables say 'gennemført', 'manuel'; JSON has raw states; a 30-column terminal still shows whole names."""
    home = project(tmp_path)
    src = ROOT / "bots" / "fakturakontrol" / "sample" / "fakturaer.xlsx"
    invoke(home, "run", "fakturakontrol", "--test-mode", "-p", f"input={src}", "-p", f"output={tmp_path / 'r.xlsx'}", "-q")
    listed = invoke(home, "runs", "list").output
    assert "gennemført" in listed and "manuel" in listed and "completed" not in listed
    items = invoke(home, "items", "list", "--state", "business_exception").output
    assert "manuel behandling" in items and "business_exception" not in items
    rows = json.loads(invoke(home, "items", "list", "--format", "json").output)
    assert {r["state"] for r in rows} <= {"done", "business_exception"} and rows[0]["reference"]
    bots = json.loads(invoke(home, "bots", "--format", "json").output)
    assert bots[0]["name"] == "fakturakontrol" and bots[0]["process"] == "fakturabehandling-smaafakturaer"
    narrow = invoke(home, "runs", "list", columns=30).output  # into a pipe: plain lines, every value whole
    assert "fakturakontrol" in narrow and "…" not in narrow and "┃" not in narrow
    terminal = in_terminal(home, "runs", "list", columns=30)  # a real (pseudo) terminal 30 columns wide: rich
    assert "fakturakontrol" in terminal and "…" not in terminal and ("│" in terminal or "Kørsel:" in terminal)
    assert max(len(line) for line in strip_ansi(terminal).splitlines()) <= 30
    narrow_bots = invoke(home, "bots", columns=30).output
    assert "fakturabehandling-smaafakturaer" in narrow_bots.replace("\n", "") and "…" not in narrow_bots


def test_pausing_from_the_cli_is_audited_with_the_os_account_when_user_is_unset(tmp_path: Path) -> None:
    """With $USER, $LOGNAME and $USERNAME unset, `bots pause` is an audit row by cli:<OS account>, never 'unknown'."""
    home = project(tmp_path)
    saved = {k: os.environ.pop(k) for k in ("USER", "LOGNAME", "USERNAME") if k in os.environ}
    try:
        assert invoke(home, "bots", "pause", "fakturakontrol").exit_code == 0
        assert invoke(home, "bots", "resume", "fakturakontrol").exit_code == 0
    finally:
        os.environ.update(saved)
    env = open_test_environment(home)
    try:
        with env.store.engine.connect() as conn:
            rows = conn.execute(select(audit_log.c.actor, audit_log.c.details)
                                .where(audit_log.c.event == "operator_action")).all()
    finally:
        env.close()
    account = pwd.getpwuid(os.getuid()).pw_name
    assert [(a, d["action"]) for a, d in rows] == [(f"cli:{account}", "bot_paused"), (f"cli:{account}", "bot_resumed")]


def test_fakturakontrol_speaks_english_when_asked(tmp_path: Path) -> None:
    """With --lang en every manual-handling reason and the result workbook of fakturakontrol are in English."""
    from openpyxl import load_workbook

    home = project(tmp_path)
    src = ROOT / "bots" / "fakturakontrol" / "sample" / "fakturaer.xlsx"
    result = invoke(home, "--lang", "en", "run", "fakturakontrol", "--test-mode", "-p", f"input={src}",
                    "-p", f"output={tmp_path / 'r.xlsx'}", "-p", "today=2026-11-28", "-q")
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("r-*.xlsx")
    rows = list(active_sheet(load_workbook(written)).iter_rows(values_only=True))
    assert rows[0][0] == "Row" and {r[2] for r in rows[1:]} <= {"Approved", "Manual handling"}
    reasons = [str(r[4]) for r in rows[1:] if r[4]]
    assert reasons and all(r.startswith("row ") for r in reasons) and not any("række" in r for r in reasons)
