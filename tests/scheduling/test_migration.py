"""Migration 0002 creates exactly the tables that sepbots.worker.tables declares."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sepbots.store import Store, head_revision
from sepbots.worker import tables

METADATA = tables.run_requests.metadata  # the project's shared metadata, the scheduling tables on it
OURS = {"run_requests", "bot_state", "schedule_state", "runner_status", "apscheduler_jobs"}


def _diff_names(diff: list[Any]) -> set[str]:
    names: set[str] = set()
    for entry in diff:
        for part in entry if isinstance(entry, list) else [entry]:
            for item in part[1:]:
                name = getattr(item, "name", None) or getattr(getattr(item, "table", None), "name", None)
                if isinstance(item, str):
                    name = item
                if name:
                    names.add(name)
    return names


def test_migrated_schema_matches_declared_tables(store: Store) -> None:
    """Autogenerate finds no difference between the migrated database and the scheduling tables."""
    assert head_revision() is not None
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, METADATA)
    ours = [
        d
        for d in diff
        if _diff_names([d]) & (OURS | {c.name for t in OURS for c in METADATA.tables[t].indexes})
    ]
    assert ours == []
