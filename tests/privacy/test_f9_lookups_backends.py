"""Issue 13, finding 9 on both backends: the subject index and the token search work on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sepbots.environment import Environment
from sepbots.lookups import FoundIn, look_up
from sepbots.testing import open_test_environment, run_bot_once
from tests.pg import scratch_database
from tests.privacy.test_f9_lookups import handle


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_env(request: pytest.FixtureRequest, home: Path) -> Iterator[Environment]:
    if request.param == "sqlite":
        env = open_test_environment(home)
        yield env
        env.close()
        return
    with scratch_database("sepbots_privacy") as url:
        env = open_test_environment(home, overrides={"database": {"url": url}})
        yield env
        env.close()


def test_f9_lookup_finds_the_items_through_the_payload_index_and_the_token(backend_env: Environment) -> None:
    """Anna's two items are found through item_subjects (payload) and her business exception's audit trail;
    Bo's item is not among them; the lookup itself is audited."""
    env = backend_env
    outcome = run_bot_once(handle, env=env)
    by_ref = {i.reference: i for i in outcome.items}
    env.queues.mark_handled(by_ref["sag-2"].id, actor="operator-anna", note="talte med 010190-1313")
    report = look_up(env, "0101901313", actor="cli:test")
    assert [i.reference for i in report.items] == ["sag-1", "sag-2"]
    assert all(FoundIn.PAYLOAD in i.found_in for i in report.items)
    assert FoundIn.MESSAGE in report.items[1].found_in  # the redacted handling note holds her token
    assert [r.id for r in report.runs] == [outcome.summary.run_id] and report.robots == ["sagsbot"]
    assert [(o.actor, o.event) for o in report.operators] == [("operator-anna", "item_handled")]
    assert env.audit.verify().ok
