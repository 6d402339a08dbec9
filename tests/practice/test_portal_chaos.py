"""Chaos settings, generated data, the threaded server and the ``practice portal`` command."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from sepbots.cli.practice import app as practice_app
from sepbots.practice.data import generate_claims, generate_companies, is_valid_cvr, random_cpr, random_cvr
from sepbots.practice.portal import ChaosConfig
from sepbots.practice.portal.validation import check_cpr
from tests.practice.conftest import Served, csrf, log_in


def test_error_rate_answers_500_before_anything_happens(served: Served, client: httpx.Client) -> None:
    """With error_rate 1 every page answers 500 and a posted form stores nothing; static files still load."""
    log_in(client)
    page = client.get("/refusion/trin-1")
    served.portal.chaos.set(ChaosConfig(error_rate=1.0))
    failed = client.post("/refusion/trin-1", data={"csrf_token": csrf(page), "employer_cvr": "x"})
    assert failed.status_code == 500 and "Der opstod en fejl på serveren" in failed.text
    assert client.get("/static/portal.css").status_code == 200
    served.portal.chaos.set(ChaosConfig())
    assert client.get("/refusion/trin-1").status_code == 200


def test_error_rate_is_a_share_of_requests(served: Served, client: httpx.Client) -> None:
    """A 30 % error rate with a fixed seed fails roughly that share of 200 requests."""
    log_in(client)
    served.portal.chaos.set(ChaosConfig(error_rate=0.3, seed=11))
    statuses = [client.get("/").status_code for _ in range(200)]
    assert set(statuses) == {200, 500}
    assert 40 <= statuses.count(500) <= 80


def test_rate_limit_answers_429_with_retry_after(served: Served, client: httpx.Client) -> None:
    """Past rate_limit_per_s a burst gets 429 with the configured Retry-After, then recovers.

    The limiter's clock stands still during the burst (a slow machine cannot spread it over a
    refill) and moves only when the test moves it.
    """
    served.portal.chaos.set(ChaosConfig(rate_limit_per_s=5, retry_after_s=2))
    responses = [client.get("/login") for _ in range(12)]
    assert [r.status_code for r in responses] == [200] * 5 + [429] * 7
    limited = responses[5]
    assert limited.headers["retry-after"] == "2"
    assert "For mange forespørgsler" in limited.text
    served.limiter.advance(0.2)  # one request's worth at 5 a second
    assert client.get("/login").status_code == 200
    assert client.get("/login").status_code == 429
    served.limiter.advance(1)  # a full second refills the burst of 5, no more
    assert [client.get("/login").status_code for _ in range(6)] == [200] * 5 + [429]


def test_latency_and_slow_paths_delay_pages(served: Served, client: httpx.Client) -> None:
    """Added latency delays every page; slow paths are slower still; other paths are not slowed."""
    served.portal.chaos.set(ChaosConfig(latency_ms=150, slow_paths=["/virksomheder"], slow_ms=300))
    started = time.monotonic()
    client.get("/login")
    assert time.monotonic() - started >= 0.15
    log_in(client)
    started = time.monotonic()
    client.get("/virksomheder")
    assert time.monotonic() - started >= 0.45


def test_generated_companies_are_reproducible_with_valid_unique_cvrs() -> None:
    """The same seed gives the same 500 companies, each with a unique, modulus-11-valid CVR number."""
    first, again = generate_companies(5), generate_companies(5)
    assert first == again and len(first) == 500
    assert len({c.cvr for c in first}) == 500 and all(is_valid_cvr(c.cvr) for c in first)
    assert len({c.name for c in first}) == 500
    assert generate_companies(6)[0] != first[0]


def test_random_numbers_are_valid() -> None:
    """random_cvr passes modulus 11 and random_cpr has a real birth date the portal accepts."""
    rng = random.Random(3)
    assert all(is_valid_cvr(random_cvr(rng)) for _ in range(300))
    assert all(check_cpr(random_cpr(rng)) for _ in range(300))
    assert not is_valid_cvr("12345678") and is_valid_cvr("12345674")


def test_generated_claims_use_practice_employers() -> None:
    """Generated claims have positive amounts, ordered periods and employers from the register."""
    companies = generate_companies(count=50)
    claims = generate_claims(40, companies=companies)
    cvrs = {c.cvr for c in companies}
    assert all(c.employer_cvr in cvrs and c.period_to >= c.period_from and c.amount > 0 for c in claims)


def test_data_survives_a_restart(tmp_path: Path) -> None:
    """A second portal on the same SQLite file sees the earlier submissions and does not reseed."""
    from sepbots.practice.portal import PortalConfig, PortalDatabase, create_app

    config = PortalConfig(db_path=tmp_path / "p.sqlite3", company_count=30)
    create_app(config).state.portal.db.close()
    db = PortalDatabase(config.db_path)
    assert db.seed_companies(generate_companies(count=5)) == 0
    assert len(db.search_companies("", page=1, page_size=100).companies) == 30
    db.close()


def test_practice_cli_rejects_an_unknown_language() -> None:
    """``sepbots practice portal --lang xx`` stops with a usage error before starting anything."""
    result = CliRunner().invoke(practice_app, ["portal", "--lang", "xx", "--port", "0"])
    assert result.exit_code == 2
    assert "da or en" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_practice_cli_serves_the_portal_until_interrupted(tmp_path: Path) -> None:
    """The command prints the URL and the practice login, serves the login page, and stops on Ctrl+C."""
    code = "from sepbots.cli.practice import app; app(prog_name='sepbots practice')"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "portal",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path),
            "--error-rate",
            "0.5",  # unseeded dice: at 0.1, 30 requests miss a 500 in 4 % of runs; at 0.5, 2 in a billion
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Øvelsesportalen kører på http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        assert "robot" in process.stdout.readline()
        statuses = {httpx.get(f"{url}/login").status_code for _ in range(30)}
        assert 200 in statuses and 500 in statuses
        assert (tmp_path / "portal.sqlite3").exists()
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=10)
        assert "Øvelsesportalen er stoppet." in out
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
