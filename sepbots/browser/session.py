"""One browser and context per run, reused across items, with the helpers bots need.

``BrowserSession`` launches Playwright lazily (the first ``page()`` call), keeps one page, and on
``close()`` saves the optional trace and shuts everything down. Navigation and form helpers retry
what is safe to retry (HTTP 429 after Retry-After; HTTP 5xx with backoff), log in again when the
site shows its login page, and ``capture_failure`` stores a screenshot and the HTML as evidence — only
for an attempt that used the page (``begin_attempt`` starts a new one), never of an earlier item's page.

The Playwright sync API is bound to the thread that started it: use a session from one thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from sepbots.browser.errors import (
    BrowserStartError,
    ElementNotFound,
    HttpStatusError,
    PortalUnreachable,
    SessionExpired,
)
from sepbots.browser.evidence import masked_html, save_screenshot
from sepbots.browser.forms import FILL_SCRIPT, FieldValue, script_args
from sepbots.evidence_source import AttemptEvidence


class BrowserOptions(Protocol):
    """Launch options: ``sepbots.browser.BrowserSettings`` or the ``[browser]`` section of the settings."""

    @property
    def executable_path(self) -> str | None: ...
    @property
    def channel(self) -> str | None: ...
    @property
    def headless(self) -> bool: ...
    @property
    def args(self) -> list[str]: ...
    @property
    def timeout_ms(self) -> int: ...
    @property
    def trace(self) -> bool: ...


class LoginFlow(Protocol):
    """How a bot logs in to its site; supplied by the bot (see ``FormLogin``)."""

    def is_login_page(self, page: Page) -> bool:
        """Whether ``page`` currently shows the site's login form."""
        ...

    def log_in(self, session: BrowserSession) -> None:
        """Log in from the login page now shown; raise ``LoginRejected`` when refused."""
        ...


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """One retry the toolkit is about to make (passed to ``RetryPolicy.on_retry``)."""

    url: str
    status: int | None
    attempt: int
    wait_s: float
    reason: str


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry a page that answered 429, 5xx or not at all."""

    attempts: int = 4
    backoff_s: float = 0.5
    factor: float = 2.0
    max_wait_s: float = 30.0
    on_retry: Callable[[RetryNotice], None] | None = None

    def wait_for(self, attempt: int, retry_after_s: float | None) -> float:
        """Seconds to wait before try ``attempt + 1``: Retry-After if given, else backoff."""
        if retry_after_s is not None:
            return min(retry_after_s, self.max_wait_s)
        return min(self.backoff_s * self.factor ** (attempt - 1), self.max_wait_s)


NO_RETRY = RetryPolicy(attempts=1)


def _retry_after(response: Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _transient(status: int) -> bool:
    return status == 429 or status >= 500


class BrowserSession(AttemptEvidence):
    """A lazily launched browser, context and page for one run."""

    def __init__(
        self,
        settings: BrowserOptions,
        *,
        login: LoginFlow | None = None,
        trace_path: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Prepare a session; nothing is launched until ``page()`` is first called.

        Args:
            settings: launch options (executable or channel, headless, args, timeout, trace).
            login: how to log in again when the site shows its login page.
            trace_path: where ``close()`` saves the Playwright trace when ``settings.trace`` is on.
            sleep: how to wait between retries (inject the run's clock).
        """
        self.settings = settings
        self.login = login
        self.trace_path = trace_path
        self._sleep = sleep
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._tracing = False
        self._logging_in = False
        self._used = False

    # -- lifecycle -------------------------------------------------------------------------------
    def _start(self) -> BrowserContext:
        options: dict[str, object] = {"headless": self.settings.headless, "args": list(self.settings.args)}
        if self.settings.channel:
            options["channel"] = self.settings.channel
        elif self.settings.executable_path:
            options["executable_path"] = self.settings.executable_path
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(**options)  # type: ignore[arg-type]  # the options are launch()'s keyword arguments, built up conditionally
        except PlaywrightError as error:
            self._playwright.stop()
            self._playwright = None
            browser = self.settings.channel or self.settings.executable_path or "bundled chromium"
            raise BrowserStartError(f"browseren kunne ikke startes / could not launch the browser ({browser}): {error.message}") from error
        context = self._browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(self.settings.timeout_ms)
        if self.settings.trace and self.trace_path is not None:
            context.tracing.start(screenshots=True, snapshots=True)
            self._tracing = True
        self._context = context
        return context

    def page(self) -> Page:
        """The run's page, launching the browser on first use (and reopening a closed page)."""
        self._used = True
        context = self._context or self._start()
        if self._page is None or self._page.is_closed():
            self._page = context.new_page()
        return self._page

    @property
    def started(self) -> bool:
        """Whether the browser has been launched."""
        return self._context is not None

    def close(self) -> None:
        """Save the trace (if recording) and close page, context, browser and Playwright."""
        try:
            if self._context is not None and self._tracing and self.trace_path is not None:
                self.trace_path.parent.mkdir(parents=True, exist_ok=True)
                self._context.tracing.stop(path=str(self.trace_path))
            if self._context is not None:
                self._context.close()
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._playwright is not None:
                self._playwright.stop()
            self._playwright = self._browser = self._context = self._page = None
            self._tracing = False

    def __enter__(self) -> BrowserSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- evidence ----------------------------------------------------------------------------------
    def capture_failure(self, directory: Path, stem: str, mask: Sequence[str] = ()) -> list[Path]:
        """Save a full-page PNG screenshot and the page's HTML, ``mask`` selectors blanked; never raises.

        Args:
            directory: the folder for the files (created when missing).
            stem: the file name without extension, e.g. ``item-17-attempt-2``.
            mask: Playwright selectors of elements to paint over (screenshot) and blank (HTML).

        Returns:
            The files written (empty when this attempt did not use the page, no page is open or
            nothing could be saved).
        """
        if not self._used or self._page is None or self._page.is_closed():
            return []
        written: list[Path] = []
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            return []
        png, html = directory / f"{stem}.png", directory / f"{stem}.html"
        try:
            save_screenshot(self._page, png, mask)
            written.append(png)
        except Exception:  # noqa: BLE001 - evidence is best effort; the item's own error matters
            pass
        try:
            html.write_text(masked_html(self._page, mask), encoding="utf-8")
            written.append(html)
        except Exception:  # noqa: BLE001
            pass
        return written

    # -- login ------------------------------------------------------------------------------------
    def _on_login_page(self) -> bool:
        return self.login is not None and not self._logging_in and self.login.is_login_page(self.page())

    def log_in_again(self) -> None:
        """Run the login flow on the login page now shown (no-op without a login flow).

        Raises:
            LoginRejected: the site refused the credentials.
        """
        if self.login is None or self._logging_in:
            return
        self._logging_in = True
        try:
            self.login.log_in(self)
        finally:
            self._logging_in = False

    # -- navigation --------------------------------------------------------------------------------
    def _notify(self, policy: RetryPolicy, notice: RetryNotice) -> None:
        if policy.on_retry is not None:
            policy.on_retry(notice)
        self._sleep(notice.wait_s)

    def goto(self, url: str, *, retry: RetryPolicy = NO_RETRY) -> Response:
        """Open ``url``, retrying 429/5xx/no answer, and log in again if the login page shows.

        Args:
            url: the address to open.
            retry: how to retry; default no retries.

        Returns:
            The final response (after redirects and a possible new login).

        Raises:
            PortalUnreachable: the site never answered.
            HttpStatusError: the site kept answering 429 or 5xx.
            LoginRejected: logging in again was refused.
        """
        page = self.page()
        relogged = False
        attempt = 1
        while True:
            try:
                response = page.goto(url, wait_until="domcontentloaded")
            except PlaywrightError as error:
                if attempt >= retry.attempts:
                    raise PortalUnreachable(url, error.message.splitlines()[0]) from error
                self._notify(
                    retry, RetryNotice(url, None, attempt, retry.wait_for(attempt, None), "no_answer")
                )
                attempt += 1
                continue
            if response is None:  # same-document navigation
                raise PortalUnreachable(url, "intet svar / no response")
            if _transient(response.status):
                wait = retry.wait_for(attempt, _retry_after(response) if response.status == 429 else None)
                if attempt >= retry.attempts:
                    raise HttpStatusError(url, response.status, _retry_after(response))
                self._notify(
                    retry, RetryNotice(url, response.status, attempt, wait, f"http_{response.status}")
                )
                attempt += 1
                continue
            if not relogged and self._on_login_page():
                self.log_in_again()
                relogged = True
                continue
            return response

    def submit_form(
        self,
        values: Mapping[str, FieldValue],
        *,
        button: str,
        retry: RetryPolicy = NO_RETRY,
        resubmit_on_server_error: bool = True,
    ) -> Response:
        """Fill the form on the current page by its labels and press ``button``, in one round trip.

        A 429 answer is always safe to repeat (the site did not process the request): the form
        page is opened again, refilled and resubmitted. A 5xx answer to the post is repeated the
        same way only with ``resubmit_on_server_error``; when the post succeeded and only the page
        it redirected to failed, that page is opened again instead.

        Args:
            values: label text → value (text, option value or option text, or bool for a checkbox).
            button: the submit button's text.
            retry: how to retry.
            resubmit_on_server_error: whether a post answered with 5xx may be sent again.

        Returns:
            The response of the page the form led to (a 4xx page with validation errors included).

        Raises:
            ElementNotFound: a label, option or the button is missing (nothing was submitted).
            SessionExpired: the site showed its login page instead; the toolkit has logged in again.
            HttpStatusError: a 429/5xx that retrying did not cure or that may not be resubmitted.
            PortalUnreachable: the site did not answer.
        """
        page = self.page()
        form_url = page.url
        attempt = 1
        while True:
            try:
                with page.expect_navigation(wait_until="domcontentloaded") as navigation:
                    missing = page.evaluate(FILL_SCRIPT, script_args(values, button))
                    if missing:
                        raise ElementNotFound(f"mangler på siden / not on the page {form_url}: {', '.join(missing)}")
                response = navigation.value
            except PlaywrightError as error:
                raise PortalUnreachable(form_url, error.message.splitlines()[0]) from error
            if response is None:
                raise PortalUnreachable(form_url, "intet svar / no response")
            if self._on_login_page() and urlparse(form_url).path != urlparse(page.url).path:
                self.log_in_again()
                raise SessionExpired("sessionen udløb under afsendelsen; der er logget ind igen / "
                                     "the session expired while submitting; logged in again: "
                                     f"{form_url}")
            status = response.status
            if not _transient(status):
                return response
            posted = response.request.method == "POST"
            if attempt >= retry.attempts or (posted and status >= 500 and not resubmit_on_server_error):
                raise HttpStatusError(response.url, status, _retry_after(response))
            wait = retry.wait_for(attempt, _retry_after(response) if status == 429 else None)
            self._notify(retry, RetryNotice(response.url, status, attempt, wait, f"http_{status}"))
            if not posted:  # the post went through; only the page after it failed
                return self.goto(response.url, retry=retry)
            self.goto(form_url, retry=retry)
            attempt += 1

    # -- small helpers ----------------------------------------------------------------------------
    def fill_by_label(self, label: str, value: str, *, exact: bool = True) -> None:
        """Type ``value`` into the control labelled ``label``."""
        self.page().get_by_label(label, exact=exact).fill(value)

    def select_by_label(self, label: str, option: str) -> None:
        """Choose ``option`` (its value or visible text) in the drop-down labelled ``label``."""
        control = self.page().get_by_label(label, exact=True)
        try:
            control.select_option(value=option, timeout=1000)
        except PlaywrightError:
            control.select_option(label=option)

    def check_by_label(self, label: str, checked: bool = True) -> None:
        """Tick (or untick) the checkbox labelled ``label``."""
        self.page().get_by_label(label, exact=True).set_checked(checked)

    def fill_form(self, values: Mapping[str, FieldValue]) -> None:
        """Fill several controls by their labels in one round trip (no submit).

        Raises:
            ElementNotFound: a label or option is missing.
        """
        page = self.page()
        missing = page.evaluate(FILL_SCRIPT, script_args(values, None))
        if missing:
            raise ElementNotFound(f"mangler på siden / not on the page {page.url}: {', '.join(missing)}")

    def wait_for_text(self, text: str, *, timeout_ms: float | None = None) -> None:
        """Wait until ``text`` is visible on the page (Playwright's TimeoutError otherwise)."""
        self.page().get_by_text(text).first.wait_for(state="visible", timeout=timeout_ms)

    def texts(self, selector: str) -> list[str]:
        """The trimmed inner texts of every element matching the CSS ``selector``."""
        return [t.strip() for t in self.page().locator(selector).all_inner_texts()]
