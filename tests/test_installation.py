"""Installation safety (issue 13, findings 14–16): only ``sepbots init`` creates an installation;
missing, empty, damaged or full databases and bad URLs are exit 2 with a sentence naming them; what
sepbots keeps on disk is owner-only."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner, Result

from sepbots.cli import app
from sepbots.keys import new_key_text
from tests.pg import scratch_database
from tests.xlsx import active_sheet

ROOT = Path(__file__).resolve().parents[1]


def invoke(home: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    return CliRunner().invoke(app, ["--home", str(home), *args], input=input, env={"SEPBOTS_KEY": "", **(env or {})})


def _with_fakturakontrol(home: Path) -> Path:
    (home / "bots").mkdir(parents=True)
    shutil.copy(ROOT / "bots" / "__init__.py", home / "bots" / "__init__.py")
    shutil.copytree(ROOT / "bots" / "fakturakontrol", home / "bots" / "fakturakontrol",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return home


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    home = _with_fakturakontrol(tmp_path / "home")
    result = invoke(home, "init")
    assert result.exit_code == 0, result.output
    return home


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- finding 14: only init creates ---------------------------------------------------------------


def test_finding14_init_creates_database_key_and_schema_and_is_idempotent(tmp_path: Path) -> None:
    """``sepbots init`` creates the database, its schema and the key once; a second run changes neither."""
    home = tmp_path / "home"
    first = invoke(home, "--lang", "en", "init")
    assert first.exit_code == 0, first.output
    assert "Database created" in first.output and "Key created" in first.output
    db, key = home / "var" / "sepbots.db", home / "var" / "keys" / "sepbots.key"
    engine = create_engine(f"sqlite:///{db}")
    key_text, tables = key.read_text(), set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"work_items", "audit_log", "users", "alembic_version"} <= tables
    again = invoke(home, "--lang", "en", "init")
    assert again.exit_code == 0, again.output
    assert "Database found" in again.output and "Key found" in again.output
    assert key.read_text() == key_text


@pytest.mark.parametrize("command", [["bots"], ["runs", "list"], ["audit", "verify"], ["schedule", "list"],
                                     ["users", "list"], ["credentials", "list"]])
def test_finding14_commands_refuse_a_home_without_an_installation(tmp_path: Path, command: list[str]) -> None:
    """Every command but init on an empty home exits 2 naming the missing file and ``sepbots init``, creating nothing."""
    home = _with_fakturakontrol(tmp_path / "home")
    result = invoke(home, *command)
    assert result.exit_code == 2, result.output
    assert "sepbots init" in result.output and ("sepbots.key" in result.output or "sepbots.db" in result.output)
    assert not (home / "var").exists()


def test_finding14_a_deleted_database_is_refused_not_recreated(installed: Path) -> None:
    """A database file that went missing is exit 2 naming the file; no new empty database appears."""
    db = installed / "var" / "sepbots.db"
    db.unlink()
    result = invoke(installed, "runs", "list")
    assert result.exit_code == 2
    assert str(db) in result.output and "sepbots init" in result.output and "Traceback" not in result.output
    assert not db.exists()


def test_finding14_a_deleted_key_is_refused_not_recreated(installed: Path) -> None:
    """A key file that went missing is exit 2 naming the file and the setting; no new key is made."""
    key = installed / "var" / "keys" / "sepbots.key"
    key.unlink()
    result = invoke(installed, "bots")
    assert result.exit_code == 2
    assert str(key) in result.output and "vault.key_file" in result.output and "sepbots init" in result.output
    assert not key.exists()


def test_finding14_a_database_url_to_a_missing_file_is_refused(installed: Path, tmp_path: Path) -> None:
    """``database.url`` naming a file that does not exist is exit 2; the file is not created."""
    elsewhere = tmp_path / "elsewhere" / "other.db"
    result = invoke(installed, "bots", env={"SEPBOTS_DATABASE__URL": f"sqlite:///{elsewhere}"})
    assert result.exit_code == 2
    assert str(elsewhere) in result.output and "sepbots init" in result.output
    assert not elsewhere.exists() and not elsewhere.parent.exists()


def test_finding14_a_zero_length_database_is_refused_even_by_init(installed: Path) -> None:
    """An emptied (0-byte) database file is exit 2 for every command, init included: it is not a new installation."""
    db = installed / "var" / "sepbots.db"
    for companion in ("-wal", "-shm"):
        db.with_name(db.name + companion).unlink(missing_ok=True)
    db.write_bytes(b"")
    for command in (["runs", "list"], ["init"]):
        result = invoke(installed, *command)
        assert result.exit_code == 2, result.output
        assert str(db) in result.output and "0 byte" in result.output
    assert db.stat().st_size == 0


def test_finding14_postgresql_init_creates_the_schema_and_other_commands_refuse_an_empty_database(
    tmp_path: Path,
) -> None:
    """On PostgreSQL a database without sepbots tables is refused (exit 2) until ``sepbots init`` migrates it."""
    home = tmp_path / "home"
    with scratch_database() as url:
        env = {"SEPBOTS_DATABASE__URL": url, "SEPBOTS_KEY": new_key_text()}
        before = invoke(home, "runs", "list", env=env)
        assert before.exit_code == 2, before.output
        assert "sepbots init" in before.output and "schema" in before.output
        engine = create_engine(url)
        assert inspect(engine).get_table_names() == []
        engine.dispose()
        assert invoke(home, "init", env=env).exit_code == 0
        after = invoke(home, "runs", "list", env=env)
        assert after.exit_code == 0, after.output


# --- finding 15: damage, full disk, bogus URL ------------------------------------------------------


def _run_fakturakontrol(home: Path, tmp_path: Path, env: dict[str, str] | None = None) -> tuple[Result, Path]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = active_sheet(book)
    sheet.append(["Fakturanr", "CVR", "EAN", "Beløb", "Forfaldsdato"])
    sheet.append(["F1", "24256790", "5790000000005", "1.234,50", "01-12-2026"])
    src, out = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    book.save(src)
    result = invoke(home, "run", "fakturakontrol", "--test-mode", "-p", f"input={src}", "-p", f"output={out}",
                    "-p", "today=2026-11-28", env=env)
    return result, out


def test_finding15_damaged_database_pages_are_exit_2_naming_the_file(installed: Path, tmp_path: Path) -> None:
    """Garbage written over a real database's pages gives exit 2, the file named, no traceback."""
    first, _ = _run_fakturakontrol(installed, tmp_path)
    assert first.exit_code == 0, first.output
    db = installed / "var" / "sepbots.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    raw = bytearray(db.read_bytes())
    for page in range(1, pages):  # keep page 1 (the header), smash every other page's b-tree header
        raw[page * page_size: page * page_size + 64] = b"\xa5" * 64
    db.write_bytes(bytes(raw))
    result = invoke(installed, "runs", "list")
    assert result.exit_code == 2, result.output
    assert str(db) in result.output and ("beskadiget" in result.output or "damaged" in result.output)
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_finding15_a_bogus_database_url_names_the_setting(installed: Path) -> None:
    """``database.url = "bogus://x"`` is exit 2 naming the key ``database.url``, no traceback."""
    (installed / "config").mkdir(exist_ok=True)
    (installed / "config" / "sepbots.toml").write_text('[database]\nurl = "bogus://x"\n', encoding="utf-8")
    for command in (["bots"], ["init"]):
        result = invoke(installed, *command)
        assert result.exit_code == 2, result.output
        assert "database.url" in result.output and "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (root only; skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_finding15_a_full_disk_is_exit_2_naming_the_database_and_writes_no_output(
    tmp_path: Path, tiny_disk: Path
) -> None:
    """A run whose database disk is full exits 2 naming the database; the output workbook is not written."""
    home = _with_fakturakontrol(tmp_path / "home")
    db = tiny_disk / "sepbots.db"
    env = {"SEPBOTS_DATABASE__URL": f"sqlite:///{db}"}
    assert invoke(home, "init", env=env).exit_code == 0
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:  # fill the disk to the last byte
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)
    result, out = _run_fakturakontrol(home, tmp_path, env)
    assert result.exit_code == 2, result.output
    assert str(db) in result.output and ("fuld" in result.output or "full" in result.output)
    assert isinstance(result.exception, SystemExit)
    assert not out.exists()


# --- finding 16: owner-only files ------------------------------------------------------------------


def test_finding16_database_key_logs_and_run_files_are_owner_only(installed: Path, tmp_path: Path) -> None:
    """Folders sepbots creates are 0700 and its files 0600: database (with -wal/-shm), key, logs, run log."""
    old = os.umask(0o022)  # a typical permissive umask: the modes must not depend on it
    try:
        result, out = _run_fakturakontrol(installed, tmp_path)
        assert result.exit_code == 0, result.output
        var = installed / "var"
        db = var / "sepbots.db"
        with sqlite3.connect(db) as conn:  # another process writing: SQLite makes -wal/-shm like the db file
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("INSERT INTO meta(key, value) VALUES (?, 'x')", (uuid.uuid4().hex,))
            companions = [db.with_name(db.name + s) for s in ("-wal", "-shm")]
            assert all(p.exists() for p in companions)
            assert {_mode(p) for p in companions} == {0o600}
        conn.close()
        run_logs = list((var / "runs").glob("*/log.jsonl"))
        assert run_logs
        for folder in (var, var / "keys", var / "runs", installed / "logs", *(p.parent for p in run_logs)):
            assert _mode(folder) == 0o700, folder
        for file in (db, var / "keys" / "sepbots.key", installed / "logs" / "sepbots.jsonl", *run_logs):
            assert _mode(file) == 0o600, file
    finally:
        os.umask(old)


def test_finding16_the_console_entry_point_makes_run_artifacts_owner_only(installed: Path, tmp_path: Path) -> None:
    """``sepbots`` as a process sets an owner-only umask, so files written by bots and libraries are 0600."""
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c",
         "import os, sys; sys.argv = ['sepbots', 'init']; from sepbots.cli import main\n"
         "try: main()\nexcept SystemExit: pass\nopen(os.environ['PROBE'], 'w').write('x')"],
        cwd=installed, env={**os.environ, "SEPBOTS_HOME": str(installed), "PROBE": str(tmp_path / "probe.txt")},
        capture_output=True, text=True, timeout=120, umask=0o022,
    )
    assert result.returncode == 0, result.stderr
    assert _mode(tmp_path / "probe.txt") == 0o600
