"""The schema revisions shipped with sepbots, read from the migration files without importing Alembic or
SQLAlchemy (so a command can tell whether a database is up to date before it loads either)."""

from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION = r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:["']([^"']*)["']|None)"""


def revision_graph() -> dict[str, str | None]:
    """Each shipped migration's revision and its ``down_revision``."""
    graph: dict[str, str | None] = {}
    for file in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((key, value or None) for key, value in
                     re.findall(_REVISION, file.read_text(encoding="utf-8"), re.MULTILINE))
        if found.get("revision"):
            graph[str(found["revision"])] = found.get("down_revision")
    return graph


def head_revision() -> str | None:
    """The newest migration shipped with this version of sepbots."""
    graph = revision_graph()
    heads = set(graph) - {down for down in graph.values() if down}
    return heads.pop() if len(heads) == 1 else None
