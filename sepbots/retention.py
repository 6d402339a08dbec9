"""Retention and neutralisation (GDPR storage limitation), per catalogued process.

Each process's ``retention`` says how many days to keep, counted from when an item ended (or a run
ended):

* ``item_payload_days`` — the item's payload is emptied (``payload = b""``);
* ``item_messages_days`` — error messages, outputs and handling notes on items and attempts are
  cleared, and the details of audit rows about those items are *neutralised* through
  ``AuditTrail.neutralise``: blanked, their digest kept (so the chain stays valid), and accounted
  for by a ``details_neutralised`` audit event that ``audit verify`` checks them against;
* ``run_artifacts_days`` — failure evidence and other files in the run folder are deleted and the
  links to them cleared;
* ``detailed_logs_days`` — the run's own ``log.jsonl`` is deleted; rotated global log files older
  than the strictest process setting are deleted too.

Aggregates are kept: runs with their counts, and items with state, times and durations, so
measured gains stay computable. Only items in a final state are touched. What was done is
recorded as one ``retention_applied`` audit event (counts only), in the same transaction as the
database changes; files are deleted after that commit. ``dry_run`` counts and changes nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import structlog
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, select

from sepbots.audit import AuditEvent, AuditEventType
from sepbots.catalogue.loader import Catalogue
from sepbots.catalogue.models import Process
from sepbots.environment import Environment
from sepbots.i18n import LabelledEnum
from sepbots.store.schema import audit_log
from sepbots.workitems import items, runs

log = structlog.get_logger("sepbots.retention")
_ROTATED = re.compile(r"^sepbots\.jsonl\.(\d{4}-\d{2}-\d{2})$")


class RetentionKind(LabelledEnum):
    """What retention removes."""

    PAYLOADS = "payloads", "elementdata tømt", "item payloads emptied"
    MESSAGES = "messages", "elementbeskeder ryddet", "item messages cleared"
    AUDIT_DETAILS = "audit_details", "revisionsrækker neutraliseret", "audit rows neutralised"
    ARTIFACTS = "artifacts", "kørselsfiler slettet", "run files deleted"
    RUN_LOGS = "run_logs", "kørselslogge slettet", "run logs deleted"
    GLOBAL_LOGS = "global_logs", "roterede logfiler slettet", "rotated log files deleted"


class RetentionAction(BaseModel):
    """How many things of one kind went (or would go) for one process."""

    model_config = ConfigDict(frozen=True)

    process: str | None
    kind: RetentionKind
    count: int
    older_than: datetime


class RetentionReport(BaseModel):
    """What ``apply_retention`` did (or, in a dry run, would do)."""

    dry_run: bool
    at: datetime
    actions: list[RetentionAction] = []
    errors: list[str] = []

    def total(self, kind: RetentionKind) -> int:
        return sum(a.count for a in self.actions if a.kind is kind)

    def summary(self, lang: str = "da") -> str:
        """Lines for the operator."""
        head = (
            ("Prøvekørsel — intet er ændret." if lang == "da" else "Dry run — nothing was changed.")
            if self.dry_run
            else ("Opbevaringsregler anvendt." if lang == "da" else "Retention applied.")
        )
        lines = [head]
        for a in self.actions:
            if a.count:
                lines.append(f"  {a.process or '*'}: {a.count} {a.kind.label(lang)}")
        if len(lines) == 1:
            lines.append("  " + ("Intet at fjerne." if lang == "da" else "Nothing to remove."))
        lines += [f"  ! {e}" for e in self.errors]
        return "\n".join(lines)


def _run_files(env: Environment, conn: Connection, key: str, cutoff: datetime, logs: bool) -> list[Path]:
    ids = conn.execute(runs.ended_before(key, cutoff)).scalars().all()
    files: list[Path] = []
    for run_id in ids:
        folder = env.settings.runs_dir / run_id
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and ((path.name == "log.jsonl" and path.parent == folder) == logs):
                files.append(path)
    return files


def _process_db(
    conn: Connection, env: Environment, p: Process, queues: list[str], now: datetime, dry_run: bool
) -> list[RetentionAction]:
    r = p.retention
    actions = []
    cut = now - timedelta(days=r.item_payload_days)
    n = items.empty_payloads(conn, queues, cut, dry_run=dry_run)
    actions.append(RetentionAction(process=p.key, kind=RetentionKind.PAYLOADS, count=n, older_than=cut))

    cut = now - timedelta(days=r.item_messages_days)
    n = items.clear_messages(conn, queues, cut, dry_run=dry_run)
    old = items.ended_before(queues, cut)
    seqs = (
        conn.execute(
            select(audit_log.c.seq).where(
                audit_log.c.item_id.in_(old), audit_log.c.ts < cut, audit_log.c.neutralised.is_(False)
            )
        )
        .scalars()
        .all()
    )
    if not dry_run:
        env.audit.neutralise(conn, list(seqs), now)
    actions.append(RetentionAction(process=p.key, kind=RetentionKind.MESSAGES, count=n, older_than=cut))
    actions.append(
        RetentionAction(process=p.key, kind=RetentionKind.AUDIT_DETAILS, count=len(seqs), older_than=cut)
    )
    return actions


def _process_files(
    conn: Connection, env: Environment, p: Process, now: datetime, dry_run: bool
) -> tuple[list[RetentionAction], list[Path]]:
    r = p.retention
    cut_a = now - timedelta(days=r.run_artifacts_days)
    artifacts = _run_files(env, conn, p.key, cut_a, logs=False)
    if artifacts and not dry_run:
        items.clear_artifacts(conn, runs.ended_before(p.key, cut_a))
    cut_l = now - timedelta(days=r.detailed_logs_days)
    logs = _run_files(env, conn, p.key, cut_l, logs=True)
    return (
        [
            RetentionAction(
                process=p.key, kind=RetentionKind.ARTIFACTS, count=len(artifacts), older_than=cut_a
            ),
            RetentionAction(process=p.key, kind=RetentionKind.RUN_LOGS, count=len(logs), older_than=cut_l),
        ],
        artifacts + logs,
    )


def _global_logs(
    env: Environment, catalogue: Catalogue, now: datetime
) -> tuple[RetentionAction | None, list[Path]]:
    days = [p.retention.detailed_logs_days for p in catalogue]
    if not days or not env.settings.logs_dir.is_dir():
        return None, []
    cutoff = now - timedelta(days=min(days))
    files = []
    for path in sorted(env.settings.logs_dir.iterdir()):
        m = _ROTATED.match(path.name)
        if m and date.fromisoformat(m.group(1)) < cutoff.date():
            files.append(path)
    return RetentionAction(
        process=None, kind=RetentionKind.GLOBAL_LOGS, count=len(files), older_than=cutoff
    ), files


def apply_retention(
    env: Environment, catalogue: Catalogue, *, dry_run: bool = False, actor: str = "retention"
) -> RetentionReport:
    """Delete or neutralise what each process's retention settings say is too old.

    Args:
        env: the opened installation (store, audit trail, clock, folders).
        catalogue: gives each process's retention settings.
        dry_run: only count; change nothing and record nothing.
        actor: recorded on the audit event.
    """
    now = env.clock.now()
    report = RetentionReport(dry_run=dry_run, at=now)
    files: list[Path] = []
    with env.store.begin() as conn:
        queues = runs.queues_by_process(conn)
        for process in catalogue:
            if process.key not in queues:
                continue
            report.actions += _process_db(conn, env, process, queues[process.key], now, dry_run)
            actions, found = _process_files(conn, env, process, now, dry_run)
            report.actions += actions
            files += found
        action, found = _global_logs(env, catalogue, now)
        if action is not None:
            report.actions.append(action)
            files += found
        if not dry_run:
            details = {
                "actions": [
                    {
                        "process": a.process,
                        "kind": a.kind.value,
                        "count": a.count,
                        "older_than": a.older_than.isoformat(),
                    }
                    for a in report.actions
                    if a.count
                ]
            }
            env.audit.append(
                conn, [AuditEvent(AuditEventType.RETENTION_APPLIED, actor, details=details)], now
            )
    if not dry_run:
        for path in files:
            try:
                path.unlink()
            except OSError as exc:
                report.errors.append(f"{path}: {exc.strerror}")
                log.warning("retention_delete_failed", path=str(path), error=exc.strerror)
        for folder in {p.parent for p in files}:
            _remove_empty(folder, env.settings.runs_dir)
    log.info("retention_applied", dry_run=dry_run, **{k.value: report.total(k) for k in RetentionKind})
    return report


def _remove_empty(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
