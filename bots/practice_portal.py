"""What both portal bots share: one logged-in browser per run and logged retries.

The browser is a run resource (``ctx.use``): launched on the first item, reused for every item,
closed by the runtime, and asked for a screenshot and the HTML whenever an item fails. Trouble
with the portal (no answer, HTTP 429/5xx, changed pages, refused login) needs no translation: the
browser toolkit raises application exceptions with codes, retried with backoff, then failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sepbots import ApplicationException, BotContext, Environment
from sepbots.browser import BrowserSession, FormLogin, RetryNotice, RetryPolicy
from sepbots.practice.portal import (
    PRACTICE_PASSWORD,
    PRACTICE_USERNAME,
    ChaosConfig,
    Portal,
    PortalConfig,
    create_app,
)
from sepbots.practice.server import serve_in_thread

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
                f"the credential {credential!r} has no username; set it with "
                f"`sepbots credentials set {credential} --username ...`",
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


@contextmanager
def practice_portal_for_demo(
    env: Environment, folder: Path, chaos: ChaosConfig | None = None, credential: str = "praksisportal"
) -> Iterator[tuple[str, Portal]]:
    """Serve the practice portal in a thread and store its login in the vault (demo steps only).

    Yields:
        ``(url, portal)``: the portal's address and its running pieces (``portal.db`` for checks).
    """
    app = create_app(PortalConfig(db_path=folder / "portal.sqlite3", chaos=chaos or ChaosConfig()))
    env.vault.set(credential, PRACTICE_PASSWORD, username=PRACTICE_USERNAME, actor="demo")
    url, stop = serve_in_thread(app)
    try:
        yield url, app.state.portal
    finally:
        stop()
        app.state.portal.db.close()
