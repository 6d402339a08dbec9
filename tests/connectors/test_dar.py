"""The address register client against `sepbots practice dar` (DAWA-style search and address washing)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from sepbots.connectors.dar import AddressClient, Category
from sepbots.connectors.retry import RetryPolicy
from sepbots.exceptions import ApplicationException, BusinessException
from sepbots.practice.dar import DarConfig, Register, create_app
from sepbots.practice.server import serve_in_thread
from sepbots.testing import ManualClock


@contextmanager
def serve(config: DarConfig | None = None) -> Iterator[tuple[str, Register]]:
    app = create_app(config)
    url, stop = serve_in_thread(app)
    try:
        yield url, app.state.dar
    finally:
        stop()


@pytest.fixture
def dar() -> Iterator[tuple[str, Register]]:
    """The practice register with its eight Roskilde addresses."""
    with serve() as running:
        yield running


def test_search_finds_addresses_by_every_word(dar: tuple[str, Register]) -> None:
    """'algade roskilde' finds Algade 12 only; 'Roskilde' finds all seven in 4000 Roskilde; the limit is kept."""
    url, _ = dar
    with AddressClient(url, clock=ManualClock()) as client:
        found = client.search("algade roskilde")
        assert [a.text for a in found] == ["Algade 12, 4000 Roskilde"]
        assert len(client.search("Roskilde")) == 7 and len(client.search("Roskilde", limit=3)) == 3
        assert client.search("Vestergade") == []


def test_washing_gives_exact_certain_and_uncertain_categories(dar: tuple[str, Register]) -> None:
    """The exact text is A, a misspelling is B with the register's spelling, a street the register lacks is C."""
    url, _ = dar
    with AddressClient(url, clock=ManualClock()) as client:
        exact = client.wash("Rådhuspladsen 1, 2. tv, 4000 Roskilde")
        close = client.wash("Raadhuspladsen 1, 2. tv, 4000 Roskilde")
        unknown = client.wash("Ukendt Vej 99, 4000 Roskilde")
    assert exact.category is Category.EXACT and exact.address is not None and exact.address.floor == "2"
    assert close.category is Category.CERTAIN and close.address == exact.address
    assert unknown.category is Category.UNCERTAIN


def test_validate_returns_the_register_s_address_or_unknown_address(dar: tuple[str, Register]) -> None:
    """A certain address comes back as the register writes it; an uncertain one is UNKNOWN_ADDRESS without the text."""
    url, _ = dar
    with AddressClient(url, clock=ManualClock()) as client:
        assert client.validate("algade 12 4000 roskilde").text == "Algade 12, 4000 Roskilde"
        with capture_logs() as logs, pytest.raises(BusinessException) as caught:
            client.validate("Ukendt Vej 99, 4000 Roskilde")
    assert caught.value.code == "UNKNOWN_ADDRESS" and "Ukendt" not in caught.value.message
    assert "Ukendt" not in repr(logs)


def test_503_is_retried_and_a_lasting_outage_is_an_application_error() -> None:
    """Two 503s are waited out with backoff; with more failures than attempts the call fails as DAR_UNAVAILABLE."""
    with serve(DarConfig(fail_first=2)) as (url, register), AddressClient(url, clock=ManualClock()) as client:
        assert client.validate("Algade 12, 4000 Roskilde").street == "Algade" and register.requests == 3
    with serve(DarConfig(fail_first=5)) as (url, _), AddressClient(url, clock=ManualClock(), retry=RetryPolicy(attempts=3)) as client, \
            pytest.raises(ApplicationException) as caught:
        client.wash("Algade 12, 4000 Roskilde")
    assert caught.value.code == "DAR_UNAVAILABLE"


def test_the_practice_dar_command_answers_until_sigterm(tmp_path: Path) -> None:
    """`sepbots practice dar --port 0` prints its URL and answers the client until SIGTERM."""
    process = subprocess.Popen([sys.executable, "-m", "sepbots", "--lang", "en", "practice", "dar", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("The practice address register runs at http://127.0.0.1:"), first
        url = first.split(" at ", 1)[1].split(" ", 1)[0]
        with AddressClient(url) as client:
            assert client.validate("Havnevej 4, 4000 Roskilde").postal_district == "Roskilde"
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=15)
    assert process.returncode == 0 and "The practice address register has stopped." in out
