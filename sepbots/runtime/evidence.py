"""Failure evidence for one item attempt: asked only of the resources that attempt used, redacted, owner-only.

A run's browser or desktop is shared by all its items, so what it shows when an item fails may be an
earlier citizen's page. The runtime therefore tells every resource when an attempt begins
(``begin_attempt``) and asks for evidence only when the resource reports it was used in that
attempt (``used_in_attempt``); a resource that cannot tell is not asked. Every text file it
writes (HTML, JSON, …) goes through the redactor, and files and folders are owner-only
(0600/0700) — screenshots hold what the page showed, with the bot's ``mask`` selectors blanked.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger("sepbots.runtime")
TEXT_SUFFIXES = frozenset({".html", ".htm", ".json", ".jsonl", ".txt", ".xml", ".csv", ".log"})
FILE_MODE, DIR_MODE = 0o600, 0o700


def owner_only_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) and make it owner-only."""
    path.mkdir(parents=True, exist_ok=True)
    if sys.platform != "win32":
        os.chmod(path, DIR_MODE)


def seal(path: Path, redact: Callable[[str], str]) -> None:
    """Redact a text artifact in place (atomically) and make the file owner-only."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        text = path.read_text(encoding="utf-8", errors="replace")
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(redact(text))
        os.replace(tmp, path)
    if sys.platform != "win32":
        os.chmod(path, FILE_MODE)


def capture(
    resources: Mapping[str, Any],
    folder: Path,
    stem: str,
    *,
    runs_dir: Path,
    mask: Sequence[str],
    redact: Callable[[str], str],
) -> tuple[str, ...]:
    """Evidence from every resource used in this attempt, as paths relative to ``runs_dir``; never raises."""
    found: list[str] = []
    for key, resource in resources.items():
        capture_failure = getattr(resource, "capture_failure", None)
        if capture_failure is None or not getattr(resource, "used_in_attempt", False):
            continue
        try:
            owner_only_dir(folder)
            for path in capture_failure(folder, f"{stem}-{key}", mask=mask) or ():
                path = Path(path)
                seal(path, redact)
                found.append(path.resolve().relative_to(runs_dir.resolve()).as_posix())
        except Exception:
            log.warning("failure_capture_failed", resource=key, exc_info=True)
    return tuple(found)
