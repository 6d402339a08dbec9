"""Issue 13, findings 1–5: the audit trail's ends, neutralisations and checkpoints cannot be forged, and verify
never answers a broken or unreadable database with a traceback."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Row, delete, select, text, update
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from sepbots.audit import AuditEvent
from sepbots.audit_seal import Sealer, read_checkpoint
from sepbots.audit_verify import ChainProblem
from sepbots.cli import app
from sepbots.environment import Environment
from sepbots.exceptions import AuditError
from sepbots.store.engine import _alembic_config
from sepbots.store.schema import audit_head, audit_log
from sepbots.testing import open_test_environment


def fill(env: Environment, n: int = 6) -> None:
    t = env.clock.now()
    for i in range(n):
        env.audit.record([AuditEvent("operator_action", "tester", details={"i": i})], t + timedelta(seconds=i))


def verify_cli(env: Environment, *extra: str, lang: str = "en") -> Result:
    result = CliRunner().invoke(app, ["--home", str(env.settings.home), "--lang", lang, "audit", "verify", *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def db_path(env: Environment) -> Path:
    return Path(make_url(env.settings.database_url).database or "")


def row(env: Environment, seq: int) -> Any:
    with env.store.engine.connect() as conn:
        return conn.execute(select(audit_log).where(audit_log.c.seq == seq)).one()


# -- finding 1: the ends of the chain -------------------------------------------------------------

def test_finding1_an_emptied_chain_fails_verify(env: Environment) -> None:
    """Deleting every audit row and the head is not "intact: 0 rows" but a failure naming the missing head."""
    fill(env)
    with env.store.begin() as conn:
        conn.execute(delete(audit_log))
        conn.execute(delete(audit_head))
    result = verify_cli(env)
    assert result.exit_code == 1
    assert "head is missing" in result.output


def test_finding1_a_rewound_head_fails_verify(env: Environment) -> None:
    """Deleting the last rows and pointing the head at the new last row fails: the head's seal does not match."""
    fill(env)
    fourth = row(env, 4)
    with env.store.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq > 4))
        conn.execute(update(audit_head).values(seq=4, hash=fourth.hash))
    result = verify_cli(env)
    assert result.exit_code == 1
    assert "rewound or forged" in result.output
    danish = verify_cli(env, lang="da")
    assert danish.exit_code == 1 and "spoleret tilbage" in danish.output


def test_finding1_a_zero_length_database_fails_verify(env: Environment) -> None:
    """A database file truncated to nothing fails verify (and verify does not set up a new installation in it)."""
    fill(env)
    env.close()
    path = db_path(env)
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    path.write_bytes(b"")
    result = verify_cli(env)
    assert result.exit_code == 1
    assert "empty (0 bytes)" in result.output
    import sqlite3

    with sqlite3.connect(path) as db:  # nothing was set up in it
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def test_finding1_a_replaced_database_fails_verify(env: Environment, tmp_path: Path) -> None:
    """A database swapped for another installation's, or one whose keyed records were wiped, fails verify."""
    fill(env)
    env.close()
    other = open_test_environment(tmp_path / "other")
    fill(other)
    other.close()
    path = db_path(env)
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    db_path(other).rename(path)
    result = verify_cli(env)
    assert result.exit_code == 1
    assert "does not match" in result.output


def test_finding1_an_installation_record_wiped_with_the_chain_fails_verify(env: Environment) -> None:
    """Wiping the chain and its installation record fails verify, and reopening the installation does not re-seal it."""
    fill(env)
    with env.store.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
        conn.execute(text("DELETE FROM audit_head"))
        conn.execute(text("DELETE FROM audit_installation"))
    open_test_environment(env.settings.home).close()
    result = verify_cli(env)
    assert result.exit_code == 1
    assert "installation record is missing" in result.output


def test_finding1_a_forged_head_is_never_extended(env: Environment) -> None:
    """An append refuses a head whose seal does not match, so a rewind cannot be laundered by the next robot."""
    fill(env)
    fourth = row(env, 4)
    with env.store.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq > 4))
        conn.execute(update(audit_head).values(seq=4, hash=fourth.hash))
    try:
        env.audit.record([AuditEvent("operator_action", "robot")], env.clock.now())
        raise AssertionError("the append should have been refused")
    except AuditError as exc:
        assert "seal" in str(exc)
    assert env.audit.verify().problem is ChainProblem.HEAD_FORGED


def test_finding1_an_upgraded_database_seals_its_existing_chain(env: Environment) -> None:
    """A chain written before the keyed records existed (schema 0004) is sealed on upgrade and keeps verifying."""
    fill(env)
    with env.store.begin() as conn:
        command.downgrade(_alembic_config(conn), "0004_fleet")
        conn.execute(text("UPDATE audit_log SET details = :d, neutralised = 1 WHERE seq = 2"),
                     {"d": json.dumps({"neutralised": True})})  # how the old retention neutralised
    env.close()
    upgraded = open_test_environment(env.settings.home)
    try:
        result = upgraded.audit.verify()
        assert result.ok, result.reason
        events = [r.event for r in _all(upgraded)]
        assert events[-2:] == ["details_neutralised", "chain_sealed"]
        assert row(upgraded, 2).details is None
        upgraded.audit.record([AuditEvent("operator_action", "tester")], upgraded.clock.now())
        assert upgraded.audit.verify().ok
    finally:
        upgraded.close()


def _all(env: Environment) -> Sequence[Row[Any]]:
    with env.store.engine.connect() as conn:
        return conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()


# -- finding 2: neutralisation ----------------------------------------------------------------------

def test_finding2_a_forged_neutralisation_fails_verify(env: Environment) -> None:
    """`UPDATE audit_log SET details='…forged…', neutralised=1` fails: a neutralised row must be blank."""
    fill(env)
    with env.store.begin() as conn:
        conn.execute(text("UPDATE audit_log SET details = '\"…forged…\"', neutralised = 1 WHERE seq = 3"))
    result = verify_cli(env)
    assert result.exit_code == 1
    assert "broken at row 3" in result.output and "still holds details" in result.output


def test_finding2_a_blanked_row_without_a_neutralisation_event_fails_verify(env: Environment) -> None:
    """Blanking a row and marking it neutralised without the key leaves no matching event, so verify fails."""
    fill(env)
    with env.store.begin() as conn:
        conn.execute(text("UPDATE audit_log SET details = NULL, neutralised = 1 WHERE seq = 3"))
    result = env.audit.verify()
    assert (result.ok, result.broken_seq, result.problem) == (False, 3, ChainProblem.NEUTRALISED_UNRECORDED)


def test_finding2_a_row_slipped_under_a_real_neutralisation_event_fails_verify(env: Environment) -> None:
    """Pointing another blanked row at a genuine neutralisation event breaks that event's count and digest."""
    fill(env)
    with env.store.begin() as conn:
        env.audit.neutralise(conn, [2], env.clock.now())
    event_seq = row(env, 2).neutralised_by
    assert env.audit.verify().ok
    with env.store.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 4)
                     .values(details=None, neutralised=True, neutralised_by=event_seq))
    result = env.audit.verify()
    assert (result.ok, result.broken_seq, result.problem) == (False, event_seq, ChainProblem.NEUTRALISATION_MISMATCH)


def test_finding2_un_neutralising_a_row_fails_verify(env: Environment) -> None:
    """Clearing the neutralised flag of a blanked row fails: its details no longer match the digest."""
    fill(env)
    with env.store.begin() as conn:
        env.audit.neutralise(conn, [2], env.clock.now())
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(neutralised=False))
    assert env.audit.verify().problem is ChainProblem.DETAILS_EDITED


# -- finding 3: checkpoints kept elsewhere --------------------------------------------------------

def _checkpoint(env: Environment, path: Path) -> None:
    result = CliRunner().invoke(app, ["--home", str(env.settings.home), "audit", "checkpoint", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert os.stat(path).st_mode & 0o077 == 0


def test_finding3_a_checkpoint_catches_truncation_by_someone_holding_the_key(env: Environment, tmp_path: Path) -> None:
    """Rows cut off and the head re-sealed with the key pass a plain verify but fail `verify --checkpoint`."""
    fill(env)
    kept = tmp_path / "elsewhere" / "checkpoint.json"
    _checkpoint(env, kept)
    assert json.loads(kept.read_text())["seq"] == 6
    fill(env, 2)
    assert verify_cli(env, "--checkpoint", str(kept)).exit_code == 0
    third = row(env, 3)
    with env.store.begin() as conn:  # an insider with the database and the key
        conn.execute(delete(audit_log).where(audit_log.c.seq > 3))
        conn.execute(update(audit_head).values(seq=3, hash=third.hash, mac=Sealer(env.keys.audit_key).head(3, third.hash)))
    assert verify_cli(env).exit_code == 0
    result = verify_cli(env, "--checkpoint", str(kept))
    assert result.exit_code == 1
    assert "no longer contains" in result.output and "broken at row 6" in result.output


def test_finding3_an_edited_checkpoint_file_is_refused(env: Environment, tmp_path: Path) -> None:
    """A checkpoint whose seq was edited fails its MAC; a file that is not a checkpoint is an input error (exit 2)."""
    fill(env)
    kept = tmp_path / "checkpoint.json"
    _checkpoint(env, kept)
    data = json.loads(kept.read_text())
    kept.write_text(json.dumps({**data, "seq": 2}))
    result = verify_cli(env, "--checkpoint", str(kept))
    assert result.exit_code == 1 and "seal does not match" in result.output
    kept.write_text("{not json")
    bad = verify_cli(env, "--checkpoint", str(kept))
    assert bad.exit_code == 2 and str(kept) in bad.output


def test_finding3_the_runner_service_writes_one_checkpoint_a_day(env: Environment) -> None:
    """Each tick of the runner service writes today's checkpoint into logs/ once; the next day gets another."""
    from sepbots.scheduling.config import ScheduleConfig
    from sepbots.testing import ManualClock
    from sepbots.worker.service import WorkerService

    clock = ManualClock(env.clock.now())
    env.clock = clock
    fill(env)
    service = WorkerService(env, ScheduleConfig(), persistent_jobs=False)
    service.tick()
    service.tick()
    files = sorted(env.settings.logs_dir.glob("audit-checkpoint-*.json"))
    assert len(files) == 1
    assert env.audit.verify_checkpoint(read_checkpoint(files[0])) is None
    clock.advance(days=1)
    service.tick()
    assert len(list(env.settings.logs_dir.glob("audit-checkpoint-*.json"))) == 2


# -- finding 4: incremental verify ----------------------------------------------------------------

def test_finding4_an_incremental_verify_reads_only_the_new_rows(env: Environment) -> None:
    """After a verify, `--incremental` checks only rows added since, and still catches tampering among them."""
    fill(env, 20)
    assert env.audit.verify().rows == 20
    fill(env, 5)
    result = env.audit.verify(incremental=True)
    assert (result.ok, result.rows, result.from_seq) == (True, 5, 21)
    fill(env, 3)
    with env.store.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 27).values(actor="mallory"))
    broken = env.audit.verify(incremental=True)
    assert (broken.ok, broken.broken_seq, broken.rows) == (False, 27, 2)


def test_finding4_an_incremental_verify_checks_old_rows_a_new_event_neutralised(env: Environment) -> None:
    """Rows before the verified point that a newer neutralisation blanked are read too: a forged one fails."""
    fill(env, 10)
    assert env.audit.verify().ok
    with env.store.begin() as conn:
        env.audit.neutralise(conn, [2, 3], env.clock.now())
    assert env.audit.verify(incremental=True).ok
    fill(env, 1)
    with env.store.begin() as conn:
        env.audit.neutralise(conn, [5], env.clock.now())
        conn.execute(update(audit_log).where(audit_log.c.seq == 5).values(details={"forged": True}))
    result = env.audit.verify(incremental=True)
    assert (result.ok, result.broken_seq, result.problem) == (False, 5, ChainProblem.NEUTRALISED_NOT_BLANK)


def test_finding4_a_forged_verified_point_fails_the_incremental_verify(env: Environment) -> None:
    """Moving the stored verified point forward (to skip rows) breaks its seal."""
    fill(env, 10)
    assert env.audit.verify().ok
    with env.store.begin() as conn:
        conn.execute(text("UPDATE audit_verified SET seq = 3"))
    assert env.audit.verify(incremental=True).problem is ChainProblem.VERIFIED_POINT_FORGED


def test_finding4_the_dashboard_chain_status_verifies_incrementally(env: Environment) -> None:
    """The dashboard's chain monitor checks only the rows added since its last check."""
    from sepbots.dashboard.chain import ChainMonitor

    monitor = ChainMonitor(env.audit, env.clock)
    fill(env, 12)
    assert (monitor.check_now().ok, monitor.check_now().rows) == (True, 0)
    fill(env, 4)
    status = monitor.check_now()
    assert (status.ok, status.rows, status.total) == (True, 4, 16)


# -- finding 5: broken databases ------------------------------------------------------------------

def test_finding5_a_dropped_table_fails_verify_with_a_sentence(env: Environment) -> None:
    """`DROP TABLE audit_log` makes verify exit 1 with a sentence, not a traceback."""
    fill(env)
    with env.store.begin() as conn:
        conn.execute(text("DROP TABLE audit_log"))
    result = verify_cli(env)
    assert result.exit_code == 1
    assert "cannot be read" in result.output and "audit_log" in result.output


def test_finding5_garbage_values_in_the_audit_tables_fail_verify_with_a_sentence(env: Environment) -> None:
    """A row time or an installation time that cannot be read fails verify with a sentence, not a traceback."""
    fill(env)
    with env.store.begin() as conn:
        conn.execute(text("UPDATE audit_log SET ts = 'not a time' WHERE seq = 4"))
    result = verify_cli(env)
    assert result.exit_code == 1 and "broken at row 4" in result.output
    with env.store.begin() as conn:
        conn.execute(text("UPDATE audit_installation SET created_at = 'garbage'"))
    result = verify_cli(env)
    assert result.exit_code == 1 and "cannot be read" in result.output


def test_finding5_a_garbage_database_file_fails_verify_with_a_sentence(env: Environment) -> None:
    """A database file overwritten with garbage makes verify exit 1 with a sentence naming the database."""
    fill(env)
    env.close()
    path = db_path(env)
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    path.write_bytes(os.urandom(8192))
    result = verify_cli(env)
    assert result.exit_code == 1
    assert "cannot be verified" in result.output and path.name in result.output


def test_finding4_the_fast_row_encoding_is_the_canonical_json_the_chain_always_hashed() -> None:
    """The verify loop's hand-built row bytes equal the canonical JSON of the fields for awkward values."""
    from sepbots.audit_seal import canonical, row_fields

    awkward = ['"quoted"', "back\\slash", "ny\nlinje", "æøå ÆØÅ", "tab\tand\x01control", "emoji 🤖", "", "\u2028"]
    for i, value in enumerate(awkward):
        fields: tuple[str, int, str, str, str, str | None, str | None, int | None, str] = (
            "a" * 64, i + 1, "2026-01-05T08:00:00+00:00", value, value, value if i % 2 else None,
            None if i % 3 else value, None if i % 2 else 10**12 + i, "d" * 64)
        assert row_fields(*fields) == canonical(list(fields))
