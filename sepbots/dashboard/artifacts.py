"""Run artifacts on disk: per-item log lines from ``log.jsonl`` and safe paths to screenshots.

Paths in ``work_items.artifacts`` are relative to ``runs_dir``; anything that resolves outside it
(``..``, absolute paths, symlinks pointing out) is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

MAX_LOG_LINES = 500
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
_BASE_KEYS = ("event", "level", "timestamp", "run_id", "bot", "item_id", "attempt")


@dataclass(frozen=True)
class LogLine:
    """One structured log event about an item."""

    timestamp: str
    level: str
    event: str
    attempt: int | None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def at(self) -> datetime | None:
        """The logged time (ISO 8601, UTC unless it says otherwise), or ``None`` when it is not one."""
        try:
            moment = datetime.fromisoformat(self.timestamp)
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def item_log_lines(
    runs_dir: Path, run_id: str | None, item_id: int, redact: Callable[[str], str]
) -> list[LogLine]:
    """The log events of ``item_id`` in the run's ``log.jsonl`` (oldest first, at most 500).

    ``redact`` is applied to every value again: the runtime redacts before writing, the page is
    the last line of defence.
    """
    if not run_id or "/" in run_id or "\\" in run_id or run_id in (".", ".."):
        return []
    path = runs_dir / run_id / "log.jsonl"
    if not path.is_file():
        return []
    lines: list[LogLine] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            if str(item_id) not in raw:
                continue
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(data, dict) or str(data.get("item_id")) != str(item_id):
                continue
            extra = {k: redact(str(v)) for k, v in data.items() if k not in _BASE_KEYS}
            attempt = data.get("attempt")
            lines.append(
                LogLine(
                    timestamp=str(data.get("timestamp", "")),
                    level=str(data.get("level", "")),
                    event=str(data.get("event", "")),
                    attempt=attempt if isinstance(attempt, int) else None,
                    fields=extra,
                )
            )
            if len(lines) >= MAX_LOG_LINES:
                break
    return lines


def resolve_artifact(runs_dir: Path, relative: str) -> Path | None:
    """The file ``relative`` names inside ``runs_dir``, or ``None`` if it is outside it or missing."""
    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        return None
    root = runs_dir.resolve()
    candidate = (root / Path(*pure.parts)).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def is_image(relative: str) -> bool:
    """Whether the artifact is shown inline as a picture."""
    return PurePosixPath(relative).suffix.lower() in IMAGE_TYPES
