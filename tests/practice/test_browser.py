"""The browser toolkit in real headless Chromium against the practice portal."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from sepbots.browser import (
    BrowserSession,
    BrowserSettings,
    ElementNotFound,
    FormLogin,
    HttpStatusError,
    PortalUnreachable,
    RetryNotice,
    RetryPolicy,
    SessionExpired,
)
from sepbots.practice.data import generate_companies
from sepbots.practice.portal import ChaosConfig
from tests.practice.conftest import Served

pytestmark = pytest.mark.browser

STEP1 = "Arbejdsgivers CVR-nummer", "Medarbejderens CPR-nummer", "Egen reference"


def _login(password: str = "robot-pass-1") -> FormLogin:
    return FormLogin("robot", SecretStr(password), retry=RetryPolicy(attempts=3, backoff_s=0.01))


class _Waits:
    """How the module's browser waits between retries: real time, unless a test puts in its own clock."""

    def __init__(self) -> None:
        self.sleep: Callable[[float], None] = time.sleep

    def __call__(self, seconds: float) -> None:
        self.sleep(seconds)


WAITS = _Waits()


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserSession]:
    """One browser for the module, as a run reuses one across items (each test starts a new portal)."""
    session = BrowserSession(BrowserSettings(timeout_ms=8000), login=_login(), sleep=WAITS)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def employer(served: Served) -> str:
    return generate_companies(served.portal.config.seed, served.portal.config.company_count)[0].cvr


def _claim(
    browser: BrowserSession, url: str, employer: str, reference: str, retry: RetryPolicy | None = None
) -> str:
    policy = retry or RetryPolicy(attempts=1)
    browser.goto(f"{url}/refusion", retry=policy)
    browser.submit_form(
        dict(zip(STEP1, (employer, "010180-1234", reference), strict=True)), button="Næste", retry=policy
    )
    browser.submit_form(
        {
            "Periode fra": "02-02-2026",
            "Periode til": "06-02-2026",
            "Antal timer": "30",
            "Beløb (kr.)": "4.500,00",
            "Årsag": "Arbejdsskade",
        },
        button="Næste",
        retry=policy,
    )
    browser.submit_form(
        {"Jeg erklærer, at oplysningerne er korrekte": True}, button="Send anmodning", retry=policy
    )
    return browser.texts("#kvitteringsnummer")[0]


def test_goto_logs_in_and_submit_form_fills_a_three_step_form(
    served: Served, browser: BrowserSession, employer: str
) -> None:
    """The toolkit logs in on demand, fills each step by label in one call; the portal stores the claim."""
    receipt = _claim(browser, served.url, employer, "ref-1")
    stored = served.portal.db.submissions("ref-1")
    assert [s.receipt for s in stored] == [receipt]
    assert (stored[0].employer_cvr, stored[0].reason, str(stored[0].amount)) == (
        employer,
        "arbejdsskade",
        "4500.00",
    )


def test_single_field_helpers_fill_select_and_check_by_label(
    served: Served, browser: BrowserSession, employer: str
) -> None:
    """fill_by_label, select_by_label and check_by_label drive the form one control at a time."""
    browser.goto(f"{served.url}/refusion")
    browser.fill_by_label("Arbejdsgivers CVR-nummer", employer)
    browser.fill_by_label("Medarbejderens CPR-nummer", "0101801234")
    browser.page().get_by_role("button", name="Næste").click()
    browser.wait_for_text("Periode fra")
    browser.fill_form(
        {"Periode fra": "01-03-2026", "Periode til": "01-03-2026", "Antal timer": "7,5", "Beløb (kr.)": "900"}
    )
    browser.select_by_label("Årsag", "graviditet")
    browser.page().get_by_role("button", name="Næste").click()
    browser.wait_for_text("Kontrollér oplysningerne")
    browser.check_by_label("Jeg erklærer, at oplysningerne er korrekte")
    browser.page().get_by_role("button", name="Send anmodning").click()
    browser.wait_for_text("Kvitteringsnummer")
    assert [s.reason for s in served.portal.db.submissions()] == ["graviditet"]


def test_validation_errors_come_back_as_a_page_not_an_exception(
    served: Served, browser: BrowserSession
) -> None:
    """A form the site refuses returns the 400 page so the bot can read the Danish messages."""
    browser.goto(f"{served.url}/refusion")
    response = browser.submit_form(
        dict(zip(STEP1, ("12345678", "310299-1234", ""), strict=True)), button="Næste"
    )
    assert response.status == 400
    assert "CVR-nummeret er ugyldigt (kontrolcifferet passer ikke)." in browser.texts(".felt-fejl")


def test_missing_label_raises_and_submits_nothing(
    served: Served, browser: BrowserSession, employer: str
) -> None:
    """A label that is not on the page raises ElementNotFound naming it, and the form is not sent."""
    browser.goto(f"{served.url}/refusion")
    with pytest.raises(ElementNotFound, match="Arbejdsgiverens SE-nummer"):
        browser.submit_form({"Arbejdsgiverens SE-nummer": employer}, button="Næste")
    assert browser.page().url.endswith("/refusion/trin-1?ny=1")


def test_capture_failure_writes_a_png_and_the_html(
    served: Served, browser: BrowserSession, tmp_path: Path
) -> None:
    """capture_failure saves a real PNG screenshot and the page HTML, and returns [] with no page open."""
    assert BrowserSession(BrowserSettings()).capture_failure(tmp_path, "none") == []
    browser.goto(f"{served.url}/virksomheder")
    files = browser.capture_failure(tmp_path / "evidence", "item-7-attempt-1")
    assert [f.name for f in files] == ["item-7-attempt-1.png", "item-7-attempt-1.html"]
    assert files[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "CVR-nummer eller navn" in files[1].read_text(encoding="utf-8")


def test_expired_session_is_renewed_on_the_next_navigation(served: Served, browser: BrowserSession) -> None:
    """After the portal's session expires, goto logs in again and lands on the requested page."""
    browser.goto(f"{served.url}/virksomheder")
    served.clock.advance(minutes=25)
    response = browser.goto(f"{served.url}/virksomheder?q=a")
    assert response.status == 200 and "/virksomheder?q=a" in browser.page().url


def test_session_expiry_mid_form_raises_after_logging_in_again(
    served: Served, browser: BrowserSession, employer: str
) -> None:
    """A post answered with the login page raises SessionExpired, and the session works again afterwards."""
    browser.goto(f"{served.url}/refusion")
    served.portal.sessions.expire_all()
    with pytest.raises(SessionExpired):
        browser.submit_form(dict(zip(STEP1, (employer, "0101801234", "x"), strict=True)), button="Næste")
    assert _claim(browser, served.url, employer, "after-expiry").startswith("SDP-2026-")


def test_server_errors_are_retried_and_each_claim_sent_once(
    served: Served, browser: BrowserSession, employer: str
) -> None:
    """With 30 % HTTP 500s every claim still goes through exactly once, and the retries are reported."""
    notices: list[RetryNotice] = []
    policy = RetryPolicy(attempts=8, backoff_s=0.01, on_retry=notices.append)
    browser.goto(f"{served.url}/")
    served.portal.chaos.set(ChaosConfig(error_rate=0.3, seed=4))
    for n in range(3):
        _claim(browser, served.url, employer, f"chaos-{n}", policy)
    assert served.portal.db.submission_counts() == {f"chaos-{n}": 1 for n in range(3)}
    assert {n.reason for n in notices} == {"http_500"}


def test_rate_limit_is_retried_after_retry_after(served: Served, browser: BrowserSession) -> None:
    """A burst past the rate limit gets 429, waits the Retry-After seconds, and then succeeds.

    The session waits on the limiter's clock, so only its own waits refill the bucket: a slow
    page load cannot stretch the burst past a refill.
    """
    notices: list[RetryNotice] = []
    policy = RetryPolicy(attempts=4, on_retry=notices.append)
    browser.goto(f"{served.url}/")
    served.portal.chaos.set(ChaosConfig(rate_limit_per_s=1, retry_after_s=1))
    WAITS.sleep = served.limiter.sleep
    try:
        for _ in range(3):
            assert browser.goto(f"{served.url}/", retry=policy).status == 200
    finally:
        WAITS.sleep = time.sleep
    assert len(notices) >= 2 and {(n.reason, n.wait_s) for n in notices} == {("http_429", 1.0)}
    assert served.limiter.monotonic() == len(notices) * 1.0


def test_final_post_answered_500_is_not_resubmitted(
    served: Served, browser: BrowserSession, employer: str
) -> None:
    """With resubmit_on_server_error off, a 500 on the post raises instead of sending the form again."""
    browser.goto(f"{served.url}/refusion")
    served.portal.chaos.set(ChaosConfig(error_rate=1.0))
    with pytest.raises(HttpStatusError) as raised:
        browser.submit_form(
            dict(zip(STEP1, (employer, "0101801234", "x"), strict=True)),
            button="Næste",
            retry=RetryPolicy(attempts=5, backoff_s=0.01),
            resubmit_on_server_error=False,
        )
    assert raised.value.status == 500


def test_unreachable_site_raises_portal_unreachable_after_retries(browser: BrowserSession) -> None:
    """A closed port is retried as configured and then reported as PortalUnreachable."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notices: list[RetryNotice] = []
    with pytest.raises(PortalUnreachable, match=f"127.0.0.1:{port}"):
        browser.goto(
            f"http://127.0.0.1:{port}/",
            retry=RetryPolicy(attempts=3, backoff_s=0.01, on_retry=notices.append),
        )
    assert [n.reason for n in notices] == ["no_answer", "no_answer"]
