"""Issue 13, findings 1, 2 and 4 on each backend: the keyed head, the neutralisation events and the incremental
verify behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, text, update

from sepbots.audit import AuditEvent, ChainProblem
from sepbots.environment import Environment
from sepbots.store.schema import audit_head, audit_log


def fill(env: Environment, n: int) -> None:
    t = env.clock.now()
    for i in range(0, n, 5):  # batches, as the fleet's exchange appends them
        env.audit.record([AuditEvent("item_released", "runner", item_id=i + k, details={"é": "ø", "n": i + k})
                          for k in range(5)], t + timedelta(seconds=i))


def test_finding1_a_rewound_head_fails_verify_on_each_backend(store_env: Environment) -> None:
    """Rows cut off the end with the head pointed at the new last row fail verify on SQLite and PostgreSQL."""
    fill(store_env, 20)
    assert store_env.audit.verify().ok
    with store_env.store.engine.connect() as conn:
        tenth = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == 10)).scalar_one()
    with store_env.store.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq > 10))
        conn.execute(update(audit_head).values(seq=10, hash=tenth))
    assert store_env.audit.verify().problem is ChainProblem.HEAD_FORGED


def test_finding2_a_forged_neutralisation_fails_verify_on_each_backend(store_env: Environment) -> None:
    """Genuine neutralisations verify; `SET details='…forged…', neutralised=true` does not, on either backend."""
    fill(store_env, 20)
    with store_env.store.begin() as conn:
        assert store_env.audit.neutralise(conn, [3, 4, 9], store_env.clock.now()) == 3
    assert store_env.audit.verify().ok
    with store_env.store.begin() as conn:
        conn.execute(text("UPDATE audit_log SET details = '\"…forged…\"', neutralised = true WHERE seq = 12"))
    result = store_env.audit.verify()
    assert (result.broken_seq, result.problem) == (12, ChainProblem.NEUTRALISED_NOT_BLANK)


def test_finding4_incremental_verify_reads_only_new_rows_on_each_backend(store_env: Environment) -> None:
    """After a full verify, an incremental one reads only the rows appended since, on both backends."""
    fill(store_env, 50)
    assert store_env.audit.verify().rows == 50
    fill(store_env, 10)
    result = store_env.audit.verify(incremental=True)
    assert (result.ok, result.rows, result.from_seq, result.head_seq) == (True, 10, 51, 60)
