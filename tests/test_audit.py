"""The audit trail is hash-chained: every kind of tampering is caught, and neutralising details is not tampering."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Row, delete, insert, select, text, update
from typer.testing import CliRunner

from sepbots.audit import AuditEvent
from sepbots.cli import app
from sepbots.environment import Environment
from sepbots.store.schema import audit_log


def fill(env: Environment, n: int = 6) -> None:
    t = env.clock.now()
    for i in range(n):
        env.audit.record([AuditEvent("operator_action", "tester", details={"i": i, "note": "ok"})], t + timedelta(seconds=i))


def rows(env: Environment) -> Sequence[Row[Any]]:
    with env.store.engine.connect() as conn:
        return conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()


def test_an_untouched_chain_verifies(env: Environment) -> None:
    """A chain written only by sepbots verifies, counting every row."""
    fill(env)
    result = env.audit.verify()
    assert result.ok and result.rows == 6


def _edit(env: Environment) -> int:
    with env.store.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(actor="mallory"))
    return 3


def _edit_details(env: Environment) -> int:
    with env.store.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 4).values(details={"i": 99, "note": "ok"}))
    return 4


def _delete(env: Environment) -> int:
    with env.store.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 2))
    return 2


def _delete_last(env: Environment) -> int:
    with env.store.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 6))
    return 6


def _insert(env: Environment) -> int:
    r = rows(env)
    with env.store.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq >= 4).values(seq=audit_log.c.seq + 100))
        fake = dict(r[2]._mapping)
        fake.update(seq=4, actor="mallory", prev_hash=r[2].hash)
        conn.execute(insert(audit_log).values(fake))
        conn.execute(update(audit_log).where(audit_log.c.seq >= 104).values(seq=audit_log.c.seq - 99))
    return 4


def _reorder(env: Environment) -> int:
    with env.store.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(seq=-2))
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(seq=2))
        conn.execute(update(audit_log).where(audit_log.c.seq == -2).values(seq=3))
    return 2


@pytest.mark.parametrize(("tamper", "kind"), [
    (_edit, "edited"), (_edit_details, "edited"), (_delete, "missing"), (_delete_last, "end"),
    (_insert, "hash"), (_reorder, "broken"),
])
def test_each_kind_of_tampering_is_caught_at_the_first_broken_link(env: Environment, tamper: Any, kind: str) -> None:
    """Editing, deleting, inserting or reordering rows makes verify fail at the right row."""
    fill(env)
    seq = tamper(env)
    result = env.audit.verify()
    assert not result.ok
    assert result.broken_seq == seq
    assert kind in (result.reason or "")


def test_neutralising_details_keeps_the_chain_valid(env: Environment) -> None:
    """Retention may blank a row's details; the stored digest and a neutralisation event keep the chain verifiable."""
    fill(env)
    with env.store.begin() as conn:
        assert env.audit.neutralise(conn, [2, 3], env.clock.now()) == 2
    assert env.audit.verify().ok
    trail = rows(env)
    assert trail[1].details is None and trail[1].neutralised
    assert trail[-1].event == "details_neutralised" and trail[-1].details["rows"] == 2
    assert trail[1].neutralised_by == trail[-1].seq


def test_audit_verify_cli_exits_0_when_intact_and_1_with_the_broken_row(env: Environment) -> None:
    """`sepbots audit verify` reports the first broken link with exit code 1."""
    fill(env)
    runner = CliRunner()
    args = ["--home", str(env.settings.home), "audit", "verify"]
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "intakt" in ok.output
    _edit(env)
    bad = runner.invoke(app, [*args[:2], "--lang", "en", "audit", "verify"])
    assert bad.exit_code == 1
    assert "broken at row 3" in bad.output


def test_a_row_rewritten_with_a_recomputed_plain_hash_is_still_caught(env: Environment) -> None:
    """Without the installation key an attacker cannot recompute the chain (it is an HMAC)."""
    import hashlib

    fill(env)
    with env.store.begin() as conn:
        conn.execute(text("UPDATE audit_log SET hash = :h WHERE seq = 6"),
                     {"h": hashlib.sha256(b"forged").hexdigest()})
        conn.execute(text("UPDATE audit_head SET hash = :h"), {"h": hashlib.sha256(b"forged").hexdigest()})
    assert env.audit.verify().broken_seq == 6
