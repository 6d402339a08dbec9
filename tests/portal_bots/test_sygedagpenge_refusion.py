"""The sygedagpenge_refusion bot: full runs in headless Chromium against the practice portal."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bots.sygedagpenge_refusion.bot import submit_claim
from bots.sygedagpenge_refusion.sample import write_sample
from sepbots import ItemState
from sepbots.environment import Environment
from sepbots.practice.portal import ChaosConfig
from sepbots.testing import capture_logs, run_bot_once
from tests.portal_bots.conftest import Served
from tests.xlsx import active_sheet

pytestmark = pytest.mark.browser


def _params(served: Served, tmp_path: Path, source: Path, **extra: object) -> dict[str, object]:
    return {
        "input": str(source),
        "output": str(tmp_path / "out" / "resultat.xlsx"),
        "portal_url": served.url,
        "portal_backoff_s": 0.05,
        **extra,
    }


def _result_rows(path: Path) -> list[tuple[object, ...]]:
    workbook = load_workbook(path, read_only=True)
    rows: list[tuple[object, ...]] = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return rows


def test_full_run_submits_valid_claims_once_and_writes_receipts(
    served: Served, env: Environment, tmp_path: Path
) -> None:
    """Valid rows get receipts; bad rows and refused claims go to manual handling; a re-run sends nothing."""
    source = write_sample(tmp_path / "krav.xlsx", 8)
    workbook = load_workbook(source)
    active_sheet(workbook)["A9"] = (
        "12345674"  # row 9: valid modulus 11, but no such employer in the portal's register
    )
    workbook.save(source)
    outcome = run_bot_once(submit_claim, _params(served, tmp_path, source), env=env)
    states = [i.state for i in outcome.items]
    assert states.count(ItemState.DONE) == 5 and states.count(ItemState.BUSINESS_EXCEPTION) == 3
    done = [i for i in outcome.items if i.state is ItemState.DONE]
    counts = served.portal.db.submission_counts()
    assert counts == {i.reference: 1 for i in done}
    assert {(i.output or {})["receipt"] for i in done} == {s.receipt for s in served.portal.db.submissions()}

    bad = {i.error_code: i for i in outcome.items if i.state is ItemState.BUSINESS_EXCEPTION}
    assert set(bad) == {"BAD_CPR", "BAD_PERIOD", "PORTAL_REJECTED"}
    assert (bad["BAD_CPR"].error_message or "").startswith("række 3, kolonne 'Medarbejder CPR':")
    assert "310299" not in (bad["BAD_CPR"].error_message or "") and "1234" not in (bad["BAD_CPR"].error_message or "")
    assert (bad["BAD_PERIOD"].error_message or "").startswith("række 6, kolonne 'Periode til':")
    refused = bad["PORTAL_REJECTED"]
    assert (refused.error_message or "").startswith("række 9: portalen afviste anmodningen: ")
    assert "Arbejdsgiveren findes ikke i CVR-registeret." in (refused.error_message or "")
    files = [env.settings.runs_dir / a for a in refused.artifacts]
    assert sorted(f.suffix for f in files) == [".html", ".png"]
    assert next(f for f in files if f.suffix == ".png").read_bytes()[:4] == b"\x89PNG"
    assert "Arbejdsgiveren findes ikke" in next(f for f in files if f.suffix == ".html").read_text("utf-8")

    rows = _result_rows(outcome.output)
    assert rows[0][:8] == (
        "Række",
        "Arbejdsgiver CVR",
        "Medarbejder CPR",
        "Periode fra",
        "Periode til",
        "Beløb (kr.)",
        "Status",
        "Kvitteringsnummer",
    )
    assert [r[0] for r in rows[1:]] == list(range(2, 10))
    assert (
        rows[2][6] == "Manuel behandling" and rows[1][6] == "Indsendt"
        and re.fullmatch(r"SDP-\d{4}-\d{6}", str(rows[1][7]))  # the year is the portal's wall-clock year
    )
    assert all(str(r[2]).endswith("-XXXX") for r in rows[1:] if r[6] == "Indsendt")

    again = run_bot_once(submit_claim, _params(served, tmp_path, source), env=env)
    assert again.summary.counts.added == 0
    assert served.portal.db.submission_counts() == counts
    assert _result_rows(again.output)[1][7] == rows[1][7] and again.output != outcome.output


@pytest.mark.slow
def test_chaos_run_ends_with_every_valid_item_done_and_retries_in_the_ledger(
    served: Served, limited_env: Environment, tmp_path: Path
) -> None:
    """With 10 % HTTP 500s and a rate limit every valid claim ends done, sent once, retries recorded."""
    served.portal.chaos.set(ChaosConfig(error_rate=0.1, rate_limit_per_s=4, retry_after_s=1, seed=21))
    source = write_sample(tmp_path / "krav.xlsx", 8, invalid=False, seed=3)
    with capture_logs() as logs:
        outcome = run_bot_once(submit_claim, _params(served, tmp_path, source), env=limited_env)
    assert [i.state for i in outcome.items] == [ItemState.DONE] * 8
    assert served.portal.db.submission_counts() == {i.reference: 1 for i in outcome.items}
    retries = sum(i.attempts - 1 + (i.output or {})["portal_retries"] for i in outcome.items)
    assert retries > 0
    statuses = {e["status"] for e in logs if e["event"] == "portal_retry"}
    assert 429 in statuses and 500 in statuses


class LeapingClock:
    """The portal's clock: jumps 25 minutes every ``every`` readings, so sessions expire mid-run."""

    def __init__(self, every: int) -> None:
        self.every, self.reads, self.start = every, 0, datetime(2026, 3, 2, 9, tzinfo=UTC)

    def now(self) -> datetime:
        self.reads += 1
        return self.start + timedelta(minutes=25) * (self.reads // self.every)


@pytest.mark.slow
def test_session_expiry_mid_run_logs_in_again_and_sends_each_claim_once(
    env: Environment, tmp_path: Path
) -> None:
    """When the portal session expires between and inside forms, the bot logs in again and finishes."""
    from sepbots.practice.portal import PortalConfig, create_app
    from sepbots.practice.server import serve_in_thread

    app = create_app(PortalConfig(db_path=tmp_path / "p.sqlite3"), clock=LeapingClock(every=15))
    url, stop = serve_in_thread(app)
    try:
        source = write_sample(tmp_path / "krav.xlsx", 6, invalid=False)
        with capture_logs() as logs:
            outcome = run_bot_once(
                submit_claim,
                {"input": str(source), "output": str(tmp_path / "r.xlsx"), "portal_url": url},
                env=env,
            )
    finally:
        stop()
    portal = app.state.portal
    assert [i.state for i in outcome.items] == [ItemState.DONE] * 6
    assert portal.db.submission_counts() == {i.reference: 1 for i in outcome.items}
    assert portal.accounts.attempts["robot"] >= 3
    assert any(entry["event"] == "portal_session_expired" for entry in logs)  # at least once inside a form


@pytest.mark.slow
def test_wrong_password_fails_clearly_without_locking_the_account(
    served: Served, env: Environment, tmp_path: Path
) -> None:
    """A wrong vault password fails the items with LOGIN_REJECTED after one login try; no lockout."""
    env.vault.set("praksisportal", "forkert", username="robot", actor="test")
    source = write_sample(tmp_path / "krav.xlsx", 3, invalid=False)
    outcome = run_bot_once(submit_claim, _params(served, tmp_path, source), env=env)
    assert {(i.state, i.error_code) for i in outcome.items} == {(ItemState.FAILED, "LOGIN_REJECTED")}
    assert "Forkert brugernavn eller adgangskode" in (outcome.items[0].error_message or "")
    assert served.portal.accounts.attempts == {"robot": 1}
    assert served.portal.accounts.locked_until("robot") is None


@pytest.mark.slow
def test_unreachable_portal_is_retried_then_failed_with_a_clear_message(
    env: Environment, tmp_path: Path
) -> None:
    """With nothing listening the item is retried by the runtime and then fails as PORTAL_UNREACHABLE."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = write_sample(tmp_path / "krav.xlsx", 1, invalid=False)
    outcome = run_bot_once(
        submit_claim,
        {
            "input": str(source),
            "output": str(tmp_path / "r.xlsx"),
            "portal_url": f"http://127.0.0.1:{port}",
            "portal_retries": 2,
            "portal_backoff_s": 0.01,
        },
        env=env,
    )
    [item] = outcome.items
    assert (item.state, item.error_code, item.attempts) == (ItemState.FAILED, "PORTAL_UNREACHABLE", 4)
    assert f"the portal http://127.0.0.1:{port} does not answer" in (item.error_message or "")
