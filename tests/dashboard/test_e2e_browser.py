"""End to end in real headless Chromium: a real bot run leaves a failed item; log in, open it, see its
screenshot, retry it, and find the action in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from pydantic import BaseModel

from sepbots import ApplicationException, BotContext, ItemState, NewItem, WorkItem, bot
from sepbots.clock import SystemClock
from sepbots.dashboard.chain import ChainMonitor
from sepbots.testing import run_bot_once
from tests.dashboard.conftest import PASSWORD, Dashboard
from tests.dashboard.seed import png_bytes, seed_run

pytestmark = pytest.mark.browser

# expect() retries until the page shows what it should; its 5 s default is short for a loaded CI box
# (a wrong page still fails, only later).
expect.set_options(timeout=30_000)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def clock() -> SystemClock:
    """Real time: the runner waits for retries in real time."""
    return SystemClock()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        yield b
        b.close()


class Sag(BaseModel):
    nr: int


class PortalSession:
    """A bot resource that, like the browser toolkit, leaves a screenshot when an item fails."""

    used_in_attempt = True  # used by every attempt, so the runtime asks it for evidence

    def capture_failure(self, directory: Path, stem: str, mask: tuple[str, ...] = ()) -> list[Path]:
        path = directory / f"{stem}.png"
        path.write_bytes(png_bytes(64, 32, (30, 90, 200)))
        return [path]

    def close(self) -> None:
        return None


PORTAL_DOWN = {"on": True}


def produce(ctx: BotContext[BaseModel]) -> Iterator[NewItem[Sag]]:
    for nr in (1, 2):
        yield NewItem(reference=f"sag-{nr}", payload=Sag(nr=nr))


@bot(name="e2e-sager", queue="e2e-sager", producer=produce, max_attempts=2, retry_delay=timedelta(milliseconds=50))
def handle_sag(item: WorkItem[Sag], ctx: BotContext[BaseModel]) -> dict[str, int]:
    ctx.use("portal", PortalSession)
    if item.payload.nr == 2 and PORTAL_DOWN["on"]:
        raise ApplicationException("portalen svarede 503 for borger 010203-1234", code="PORTAL_DOWN")
    return {"nr": item.payload.nr}


def test_operator_retries_a_real_failed_item(dashboard: Dashboard, browser: Browser) -> None:
    """A real run leaves a failed item with a screenshot; an operator sees it, retries it, the audit
    trail shows the action with an intact chain, and the next run finishes the item."""
    PORTAL_DOWN["on"] = True
    first = run_bot_once(handle_sag, env=dashboard.env)
    failed = first.by_reference()["sag-2"]
    assert failed.state is ItemState.FAILED and failed.artifacts

    page = browser.new_page()
    page.goto(f"{dashboard.url}/queue")
    expect(page).to_have_url(f"{dashboard.url}/login?next=/queue")
    page.get_by_label("Brugernavn").fill("operator")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", name="Emner til manuel behandling")).to_be_visible()
    forged = page.request.post(f"{dashboard.url}/items/{failed.id}/handle", form={"note": "uden token"})
    assert forged.status == 403  # logged in, but no CSRF token: refused
    page.get_by_role("link", name="sag-2").click()
    expect(page.locator("#error-message")).to_contain_text("portalen svarede 503 for borger [CPR:")
    expect(page.get_by_text("010203-1234")).to_have_count(0)
    expect(page.locator("table.log")).to_contain_text("item_error")
    shot = page.get_by_role("link", name="Skærmbillede 1")
    expect(shot).to_be_visible()
    served = page.request.get(f"{dashboard.url}{shot.get_attribute('href')}")
    assert served.status == 200 and served.body() == png_bytes(64, 32, (30, 90, 200))  # the run's real PNG

    page.get_by_role("button", name="Send tilbage til nyt forsøg").click()
    expect(page.get_by_role("status")).to_have_text("Emnet er sendt tilbage til nyt forsøg.")
    expect(page.locator("h1 .state")).to_have_text("ny")
    page.get_by_role("link", name="Revisionsspor").click()
    row = page.locator("tr", has=page.locator("code", has_text="item_retry_requested"))
    expect(row).to_contain_text("operator")
    expect(row.get_by_role("link", name=str(failed.id))).to_be_visible()
    dashboard_chain(dashboard).wait()
    page.reload()
    expect(page.locator("#chain-status")).to_contain_text("Kæden er intakt")

    PORTAL_DOWN["on"] = False
    second = run_bot_once(handle_sag, env=dashboard.env)
    assert second.by_reference()["sag-2"].state is ItemState.DONE
    page.goto(f"{dashboard.url}/items/{failed.id}")
    expect(page.locator("h1 .state")).to_have_text("udført")
    page.close()


def dashboard_chain(dashboard: Dashboard) -> ChainMonitor:
    """The running app's chain monitor (to wait for its background check instead of sleeping)."""
    chain: ChainMonitor = dashboard.app.state.deps.chain  # Starlette's app.state is untyped
    return chain


def test_viewer_gets_403_and_anonymous_goes_to_login(dashboard: Dashboard, browser: Browser) -> None:
    """Anonymous visitors land on the login page; a viewer sees no action buttons, a forged action
    with the viewer's valid CSRF token gets 403, and the English switch changes the texts."""
    _, ids = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.env.clock.now())
    page = browser.new_page()
    anonymous = page.request.post(f"{dashboard.url}/items/{ids['sag-3']}/retry", max_redirects=0)
    assert anonymous.status == 303 and anonymous.headers["location"].startswith("/login")
    page.goto(f"{dashboard.url}/items/{ids['sag-3']}")
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    page.get_by_label("Brugernavn").fill("viewer")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_text("Du kan kun læse.")).to_be_visible()
    expect(page.get_by_role("button", name="Send tilbage til nyt forsøg")).to_have_count(0)
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    refused = page.request.post(f"{dashboard.url}/items/{ids['sag-3']}/retry", form={"csrf": token or ""})
    assert refused.status == 403 and "Du har ikke adgang" in refused.text()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_text("You can only read.")).to_be_visible()
    page.close()
