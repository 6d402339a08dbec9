"""Owner-only files and folders for what sepbots keeps on disk: database, key, logs, run artifacts.

Folders get mode 0700 and files 0600 on POSIX systems, whatever the process's umask; on Windows
the folder's inherited access list applies and these helpers only create. SQLite gives its
``-wal`` and ``-shm`` files the database file's own mode, and ``tighten_sqlite_files`` makes sure
of it after the first connection.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

POSIX = sys.platform != "win32"
DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents owner-only; an existing ``path`` is made owner-only too.

    Parents that already existed keep their mode (the home folder is the operator's business).
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for folder in {path, *missing}:
        if POSIX and folder.stat().st_mode & 0o077:
            os.chmod(folder, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty and owner-only if it is missing; tighten it if it is too open."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    tighten(path)
    return path


def tighten(path: Path) -> None:
    """Make an existing file owner-only (POSIX; missing files are left alone)."""
    if not POSIX:
        return
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, FILE_MODE)


def tighten_sqlite_files(database: Path) -> None:
    """Make a SQLite database and its ``-wal``/``-shm``/``-journal`` companions owner-only."""
    tighten(database)
    for suffix in SQLITE_COMPANIONS:
        tighten(database.with_name(database.name + suffix))
