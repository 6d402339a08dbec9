"""The CVR distribution client against `sepbots practice cvr-api`, and cvr_opslag in API mode (no browser)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr
from structlog.testing import capture_logs

from bots.cvr_opslag.bot import look_up_company
from bots.cvr_opslag.sample import INVALID_CVR, UNKNOWN_CVR, sample_numbers, write_sample
from sepbots import ItemState
from sepbots.connectors.cvr import CvrClient
from sepbots.exceptions import ApplicationException
from sepbots.practice.cvrapi import PRACTICE_API_PASSWORD, PRACTICE_API_USER, CvrApi, CvrApiConfig, create_app
from sepbots.practice.server import serve_in_thread
from sepbots.testing import ManualClock, open_test_environment, run_bot_once
from sepbots.vault import Credential

LOGIN = Credential(name="cvr-distribution", username=PRACTICE_API_USER, password=SecretStr(PRACTICE_API_PASSWORD))


@contextmanager
def serve(config: CvrApiConfig, clock: ManualClock | None = None) -> Iterator[tuple[str, CvrApi]]:
    app = create_app(config, monotonic=clock.monotonic) if clock else create_app(config)
    url, stop = serve_in_thread(app)
    try:
        yield url, app.state.cvr
    finally:
        stop()


@pytest.fixture
def cvr_api() -> Iterator[tuple[str, CvrApi]]:
    """The practice interface with the portal's 500 companies and no rate limit."""
    with serve(CvrApiConfig(max_result_window=50)) as running:
        yield running


def test_one_company_is_read_with_the_portal_s_fields_and_an_unknown_one_is_none(cvr_api: tuple[str, CvrApi]) -> None:
    """A term query gives name, address, status, industry and start date exactly as the register holds them."""
    url, api = cvr_api
    known = api.companies[7]
    with CvrClient(LOGIN, base_url=url, clock=ManualClock()) as client:
        found = client.company(known.cvr)
        assert client.company(UNKNOWN_CVR) is None
    assert found is not None
    assert (found.cvr, found.name, found.address, found.status) == (known.cvr, known.name, known.address, known.status.value)
    assert (found.industry_code, found.industry_text, found.start_date) == (known.industry_code, known.industry_text, known.start_date)


def test_a_batch_lookup_reads_every_page(cvr_api: tuple[str, CvrApi]) -> None:
    """Eight known numbers and one unknown in one terms query, three hits per page, come back complete in three searches."""
    url, api = cvr_api
    wanted = [c.cvr for c in api.companies[:8]] + [UNKNOWN_CVR]
    with CvrClient(LOGIN, base_url=url, page_size=3, clock=ManualClock()) as client:
        found = client.companies(wanted)
    assert sorted(found) == sorted(wanted[:8]) and api.searches == 3


def test_the_rate_limit_is_waited_out_and_no_lookup_is_lost() -> None:
    """At 4 searches a second, ten lookups meet 429s, wait Retry-After (1 s) and all succeed.

    The interface's rate limit and the client's waits share a manual clock: only the waits refill
    the bucket, so the burst meets the limit however slowly the machine answers.
    """
    clock = ManualClock()
    with serve(CvrApiConfig(rate_limit_per_s=4, retry_after_s=1), clock) as (url, api):
        with capture_logs() as logs, CvrClient(LOGIN, base_url=url, clock=clock) as client:
            found = [client.company(c.cvr) for c in api.companies[:10]]
        assert all(found) and api.throttled == 2 and api.searches == 12  # 4 | 429, wait | 4 | 429, wait | 2
        assert [e["wait_s"] for e in logs if e["event"] == "connector_retry"] == [1.0, 1.0]
        assert clock.monotonic() == 2.0


def test_a_wrong_password_and_a_too_large_window_are_application_errors(cvr_api: tuple[str, CvrApi]) -> None:
    """401 is CVR_LOGIN_REFUSED (no retry, no password in the text); from + size over the window is CVR_BAD_QUERY."""
    url, _ = cvr_api
    wrong = Credential(name="cvr", username=PRACTICE_API_USER, password=SecretStr("forkert-kodeord"))
    clock = ManualClock()
    with CvrClient(wrong, base_url=url, clock=clock) as client, pytest.raises(ApplicationException) as refused:
        client.company("12345674")
    assert refused.value.code == "CVR_LOGIN_REFUSED" and "forkert-kodeord" not in str(refused.value) and clock.monotonic() == 0
    with CvrClient(LOGIN, base_url=url) as client, pytest.raises(ApplicationException) as window:
        client.search({"match_all": {}}, start=45, size=10)
    assert window.value.code == "CVR_BAD_QUERY" and "Result window is too large" in window.value.message


def test_cvr_opslag_in_api_mode_needs_no_browser_and_reads_as_the_portal_mode(cvr_api: tuple[str, CvrApi], tmp_path: Path) -> None:
    """mode = api files known numbers with the portal page's formats; unknown and invalid numbers go to manual handling."""
    url, api = cvr_api
    source = write_sample(tmp_path / "cvr.csv", 6)
    env = open_test_environment(tmp_path / "home")
    env.vault.set("cvr-distribution", PRACTICE_API_PASSWORD, username=PRACTICE_API_USER, actor="test")
    outcome = run_bot_once(look_up_company, {"input": str(source), "output": str(tmp_path / "ud.xlsx"), "mode": "api",
                                             "api_url": url}, env=env)
    env.close()
    by_cvr = {i.reference.split("@")[0]: i for i in outcome.items}
    assert by_cvr[UNKNOWN_CVR].error_code == "NOT_FOUND"
    assert by_cvr[UNKNOWN_CVR].error_message == f"række 4: CVR-nummeret {UNKNOWN_CVR} findes ikke i virksomhedsregisteret"
    assert any(i.error_code == "BAD_CVR" for i in outcome.items)
    for number in [n for n in sample_numbers(6) if n not in (UNKNOWN_CVR, INVALID_CVR)]:
        item, company = by_cvr[number], api.by_cvr[number]
        assert item.state is ItemState.DONE and item.output is not None
        assert item.output["name"] == company.name and item.output["address"] == company.address
        assert item.output["industry"] == f"{company.industry_code} {company.industry_text}"
        assert item.output["start_date"] == company.start_date.strftime("%d-%m-%Y")
    assert outcome.output.stat().st_size > 0  # this run's own file (ud-<date>-<run>.xlsx)


def test_the_practice_cvr_api_command_answers_until_sigterm(tmp_path: Path) -> None:
    """`sepbots practice cvr-api --port 0` prints its search URL and login, and answers the client until SIGTERM."""
    process = subprocess.Popen([sys.executable, "-m", "sepbots", "--lang", "en", "practice", "cvr-api", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("The practice CVR API runs at http://127.0.0.1:") and first.rstrip().endswith("/_search")
        url = first.split(" at ", 1)[1].strip().removesuffix("/cvr-permanent/virksomhed/_search")
        assert process.stdout.readline().strip() == f"Basic login: {PRACTICE_API_USER} / {PRACTICE_API_PASSWORD}"
        with CvrClient(LOGIN, base_url=url) as client:
            total, page = client.search({"match_all": {}}, size=5)
        assert total == 500 and len(page) == 5
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=15)
    assert process.returncode == 0 and "The practice CVR API has stopped." in out
