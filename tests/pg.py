"""PostgreSQL for tests: a throw-away database per test session on the server at 127.0.0.1:5432.

``SEPBOTS_TEST_PG`` may name another server (a SQLAlchemy URL of a database the test user may
connect to, with CREATEDB rights). When no server answers, PostgreSQL tests are skipped locally
and fail under CI (``CI`` set), where ``.ci/postgres.sh`` must have started one.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get("SEPBOTS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def admin_url() -> str:
    """The maintenance database URL, or skip (fail under CI) when no server answers."""
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # no server: a local developer without PostgreSQL
        if os.environ.get("CI"):
            raise RuntimeError(f"PostgreSQL is not reachable at {ADMIN_URL} (run .ci/postgres.sh)") from exc
        pytest.skip(f"PostgreSQL is not reachable at {make_url(ADMIN_URL).render_as_string(hide_password=True)}")
    finally:
        engine.dispose()
    return ADMIN_URL


@contextmanager
def scratch_database(prefix: str = "sepbots_test") -> Iterator[str]:
    """Create an empty database, yield its URL, drop it afterwards (closing any connection left)."""
    admin = admin_url()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def truncate_all(url: str) -> None:
    """Empty every sepbots table (the schema and its migration version stay)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            names = conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
            )).scalars().all()
            if names:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


class PrivateCluster:
    """A PostgreSQL server of our own (initdb in a temporary folder, its own port), so a test may restart it.

    Restarting the shared server at 127.0.0.1:5432 would disturb anything else using it; this one
    belongs to the test alone.
    """

    def __init__(self, bindir: Path, folder: Path, port: int) -> None:
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.port = port
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def _ctl(self, action: str, *extra: str) -> None:
        opts = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=60"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", opts, "-w",
                  "-t", "60", action, *extra)

    def init_and_start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self._ctl("start")

    def restart(self, mode: str = "immediate") -> None:
        """Restart the server; ``immediate`` is a crash (every connection dropped, WAL recovery on start)."""
        self._ctl("restart", "-m", mode)

    def stop(self) -> None:
        self._ctl("stop", "-m", "immediate")

    def outage(self, seconds: float, on_down: Callable[[], None] | None = None) -> None:
        """Stop the server (dropping every connection), keep it down ``seconds``, start it again.

        ``on_down`` is called once the server is down (before the wait), e.g. to let a bot that
        waits for the outage go on, so that its results are written while nothing answers.
        """
        self._ctl("stop", "-m", "fast")
        if on_down is not None:
            on_down()
        time.sleep(seconds)
        self._ctl("start")

    def database(self, name: str) -> str:
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """Start a throw-away PostgreSQL server; skip (fail under CI) when PostgreSQL is not installed."""
    bindir = _bindir()
    if bindir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        if os.environ.get("CI"):
            raise RuntimeError("PostgreSQL server binaries not found (run .ci/postgres.sh)")
        pytest.skip("PostgreSQL server binaries are not installed")
    folder = Path(tempfile.mkdtemp(prefix="sepbots-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cluster = PrivateCluster(bindir, folder, port)
    cluster.init_and_start()
    try:
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
