"""Opening failure evidence on the dashboard: operators and admins only, each opening an audit row.

A file is served only when a work item lists it (``work_items.artifacts`` or an attempt's), so
the route cannot be used to fetch a run's ``log.jsonl`` or a Playwright trace. The audit row
names who looked at which item's evidence (event ``evidence_viewed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import Connection

from sepbots.audit import AuditEvent, AuditEventType
from sepbots.dashboard import artifacts
from sepbots.environment import Environment
from sepbots.workitems import items


@dataclass(frozen=True)
class Evidence:
    """A listed evidence file and the item it belongs to."""

    path: Path
    relative: str
    item_id: int
    run_id: str
    bot: str


def open_evidence(conn: Connection, env: Environment, relative: str, viewer: str) -> Evidence | None:
    """The evidence file ``relative`` with an ``evidence_viewed`` audit row for ``viewer``; None if not evidence."""
    run_id = PurePosixPath(relative.replace("\\", "/")).parts[0] if relative else ""
    path = artifacts.resolve_artifact(env.settings.runs_dir, relative)
    owner = items.evidence_owner(conn, run_id, relative) if path is not None else None
    if path is None or owner is None:
        return None
    item_id, queue = owner
    env.audit.append(conn, [AuditEvent(AuditEventType.EVIDENCE_VIEWED, viewer, bot=queue, run_id=run_id,
                                       item_id=item_id, details={"file": relative})], env.clock.now())
    return Evidence(path=path, relative=relative, item_id=item_id, run_id=run_id, bot=queue)
