"""The cvr_opslag bot: full runs in headless Chromium against the practice portal."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bots.cvr_opslag.bot import look_up_company
from bots.cvr_opslag.sample import INVALID_CVR, UNKNOWN_CVR, sample_numbers, write_sample
from sepbots import ItemState
from sepbots.environment import Environment
from sepbots.practice.portal import ChaosConfig
from sepbots.testing import capture_logs, run_bot_once
from tests.portal_bots.conftest import Served

pytestmark = pytest.mark.browser


def _params(served: Served, source: Path, out: Path) -> dict[str, object]:
    return {"input": str(source), "output": str(out), "portal_url": served.url, "portal_backoff_s": 0.05}


def test_full_run_writes_company_data_and_flags_unknown_and_invalid(
    served: Served, env: Environment, tmp_path: Path
) -> None:
    """Known numbers get name, address, status, industry code and start date; others go to manual handling."""
    source = write_sample(tmp_path / "cvr.csv", 6)
    out = tmp_path / "out" / "virksomheder.xlsx"
    outcome = run_bot_once(look_up_company, _params(served, source, out), env=env)
    by_state = {i.reference.split("@")[0]: i for i in outcome.items}
    assert by_state[UNKNOWN_CVR].error_code == "NOT_FOUND"
    assert (
        by_state[UNKNOWN_CVR].error_message
        == f"række 4: CVR-nummeret {UNKNOWN_CVR} findes ikke i virksomhedsregisteret"
    )
    invalid = next(i for i in outcome.items if i.error_code == "BAD_CVR")
    assert (invalid.error_message or "").startswith("række 6, kolonne 'CVR':")
    known = [n for n in sample_numbers(6) if n not in (UNKNOWN_CVR, INVALID_CVR)]
    for number in known:
        item = by_state[number]
        company = served.portal.db.company(number)
        assert item.state is ItemState.DONE and company is not None and item.output is not None
        assert item.output["name"] == company.name and item.output["address"] == company.address
        assert item.output["status"] == company.status.value
        assert item.output["industry"].startswith(company.industry_code)
        assert item.output["start_date"] == company.start_date.strftime("%d-%m-%Y")
    workbook = load_workbook(outcome.output, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert rows[0][:8] == (
        "Række",
        "CVR-nummer",
        "Navn",
        "Adresse",
        "Status",
        "Branchekode",
        "Startdato",
        "Resultat",
    )
    assert [r[7] for r in rows[1:]] == [
        "Fundet",
        "Fundet",
        "Manuel behandling",
        "Fundet",
        "Manuel behandling",
        "Fundet",
    ]


@pytest.mark.slow
def test_rate_limits_and_server_errors_are_retried_until_every_lookup_is_done(
    served: Served, limited_env: Environment, tmp_path: Path
) -> None:
    """With 10 % HTTP 500s and a rate limit (429 + Retry-After) every known number still ends done."""
    served.portal.chaos.set(ChaosConfig(error_rate=0.1, rate_limit_per_s=2, retry_after_s=1, seed=5))
    source = write_sample(tmp_path / "cvr.xlsx", 8, extras=False)
    with capture_logs() as logs:
        outcome = run_bot_once(look_up_company, _params(served, source, tmp_path / "r.xlsx"), env=limited_env)
    assert [i.state for i in outcome.items] == [ItemState.DONE] * 8
    assert sum(i.attempts - 1 + (i.output or {})["portal_retries"] for i in outcome.items) > 0
    waits = {(e["status"], e["wait_s"]) for e in logs if e["event"] == "portal_retry"}
    assert (429, 1.0) in waits
