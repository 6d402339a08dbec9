"""End to end in real headless Chromium: log in, open a failed item, see its screenshot, retry it,
and find the action in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.dashboard.conftest import PASSWORD, Dashboard
from tests.dashboard.seed import seed_run

pytestmark = pytest.mark.browser

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        yield b
        b.close()


def test_operator_retries_failed_item_seen_with_screenshot(dashboard: Dashboard, browser: Browser) -> None:
    """An operator logs in, opens a failed item, sees its screenshot rendered, retries it and sees the audit row."""
    run_id, ids = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    page = browser.new_page()
    page.goto(f"{dashboard.url}/queue")
    expect(page).to_have_url(f"{dashboard.url}/login?next=/queue")
    page.get_by_label("Brugernavn").fill("operator")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", name="Emner til manuel behandling")).to_be_visible()
    page.get_by_role("link", name="sag-4").click()
    expect(page.locator("#error-message")).to_have_text("portalen svarer ikke")
    shot = page.get_by_role("img", name="Skærmbillede 1")
    expect(shot).to_be_visible()
    assert shot.evaluate("img => img.complete && img.naturalWidth") == 40  # the real PNG was loaded
    page.get_by_role("button", name="Send tilbage til nyt forsøg").click()
    expect(page.get_by_role("status")).to_have_text("Emnet er sendt tilbage til nyt forsøg.")
    expect(page.locator("h1 .state")).to_have_text("ny")
    page.get_by_role("link", name="Revisionsspor").click()
    row = page.locator("tr", has=page.locator("code", has_text="item_retry_requested"))
    expect(row).to_contain_text("operator")
    expect(row.get_by_role("link", name=str(ids["sag-4"]))).to_be_visible()
    page.close()


def test_viewer_sees_no_action_buttons_and_english_switch(dashboard: Dashboard, browser: Browser) -> None:
    """A viewer sees the item without action buttons; the English switch changes the texts."""
    _, ids = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    page = browser.new_page()
    page.goto(f"{dashboard.url}/items/{ids['sag-3']}")
    page.get_by_label("Brugernavn").fill("viewer")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_text("Du kan kun læse.")).to_be_visible()
    expect(page.get_by_role("button", name="Send tilbage til nyt forsøg")).to_have_count(0)
    page.get_by_role("link", name="English").click()
    expect(page.get_by_text("You can only read.")).to_be_visible()
    page.close()
