"""What both portal bots share: one logged-in browser per run, logged retries, the outcome workbook.

The browser is a run resource (``ctx.use``): launched on the first item, reused for every item,
closed by the runtime, and asked for a screenshot and the HTML whenever an item fails. Trouble
with the portal (no answer, HTTP 429/5xx, changed pages, refused login) needs no translation: the
browser toolkit raises application exceptions with codes, retried with backoff, then failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sepbots import ApplicationException, BotContext, ItemState, WorkItem
from sepbots.browser import BrowserSession, FormLogin, RetryNotice, RetryPolicy
from sepbots.demo import DemoContext
from sepbots.practice.portal import (
    PRACTICE_PASSWORD,
    PRACTICE_USERNAME,
    ChaosConfig,
    Portal,
    PortalConfig,
    create_app,
)
from sepbots.practice.server import serve_in_thread
from sepbots.sheets import SheetSpec, write_workbook

RESOURCE = "browser"


def open_portal(ctx: BotContext[Any], credential: str) -> BrowserSession:
    """The run's browser, logged in lazily with the vault credential ``credential``.

    Args:
        ctx: the run context (settings, vault, clock, run folder).
        credential: the vault name of the portal login.
    """

    def factory() -> BrowserSession:
        login = ctx.credential(credential)
        if not login.username:
            raise ApplicationException(
                f"loginoplysningen {credential!r} har intet brugernavn / the credential {credential!r} has no username; "
                f"sæt/set: `sepbots credentials set {credential} --username ...`",
                code="CREDENTIAL_NO_USERNAME",
            )
        return BrowserSession(
            ctx.settings.browser,
            login=FormLogin(
                login.username,
                login.password,
                retry=RetryPolicy(attempts=4, backoff_s=0.5, factor=2.0, max_wait_s=10),
            ),
            trace_path=ctx.run_dir / "trace.zip",
            sleep=ctx.clock.sleep,
        )

    return ctx.use(RESOURCE, factory)


@dataclass
class RetryLog:
    """Counts and logs the in-place retries of one item (their number goes into the item's output)."""

    ctx: BotContext[Any]
    count: int = 0
    statuses: list[int | None] = field(default_factory=list)

    def __call__(self, notice: RetryNotice) -> None:
        self.count += 1
        self.statuses.append(notice.status)
        self.ctx.log.warning(
            "portal_retry",
            status=notice.status,
            reason=notice.reason,
            wait_s=notice.wait_s,
            attempt=notice.attempt,
        )

    def policy(self, *, attempts: int = 5, backoff_s: float = 0.5) -> RetryPolicy:
        """A retry policy reporting to this log."""
        return RetryPolicy(attempts=attempts, backoff_s=backoff_s, factor=2.0, max_wait_s=30, on_retry=self)


# The outcome workbook's status column (a done item's label is the bot's own, e.g. "Fundet" / "Found").
STATUS = {ItemState.BUSINESS_EXCEPTION: ("Manuel behandling", "Manual"), ItemState.FAILED: ("Fejlet", "Failed"),
          ItemState.NEW: ("Afventer", "Pending"), ItemState.IN_PROGRESS: ("I gang", "In progress"),
          ItemState.ABANDONED: ("Opgivet", "Abandoned")}


def write_outcome(
    ctx: BotContext[Any],
    items: Sequence[WorkItem[Any]],
    *,
    sheet: tuple[str, str],
    headers: dict[str, list[str]],
    done: tuple[str, str],
    cells: Callable[[WorkItem[Any], str], list[Any]],
) -> None:
    """One row per input row (by the payload's ``row``), written atomically to ``ctx.params.output``.

    Args:
        sheet: the sheet name in Danish and English.
        headers: the column headers per language (``"da"``, ``"en"``).
        done: the status of a done item in Danish and English (``("Fundet", "Found")``).
        cells: an item's cells up to and including the status it is given; its error code and
            reason follow as the last two columns.
    """
    lang = 0 if ctx.lang == "da" else 1
    labels = {**STATUS, ItemState.DONE: done}
    rows = [
        [*cells(item, labels[item.state][lang]), item.error_code or "", item.error_message or ""]
        for item in sorted(items, key=lambda i: i.payload.row)
    ]
    spec = SheetSpec.plain(sheet[lang], headers["da" if lang == 0 else "en"], rows)
    write_workbook(ctx.output_path(ctx.params.output), [spec])


@contextmanager
def practice_portal_for_demo(
    ctx: DemoContext, chaos: ChaosConfig, announce: Callable[[str], str], credential: str = "praksisportal"
) -> Iterator[tuple[str, Portal]]:
    """Serve the practice portal in a thread, store its login in the vault and announce it (demo steps only).

    Args:
        ctx: the demo step's context (the portal's database goes into its work folder).
        chaos: the trouble the portal makes (rate limits, HTTP 500s).
        announce: the line printed once the portal runs, given its address.

    Yields:
        ``(url, portal)``: the portal's address and its running pieces (``portal.db`` for checks).
    """
    folder = ctx.work_dir / "praksisportal"
    app = create_app(PortalConfig(db_path=folder / "portal.sqlite3", chaos=chaos))
    ctx.env.vault.set(credential, PRACTICE_PASSWORD, username=PRACTICE_USERNAME, actor="demo")
    url, stop = serve_in_thread(app)
    try:
        ctx.printer.line(announce(url))
        yield url, app.state.portal
    finally:
        stop()
        app.state.portal.db.close()
