"""What the browser toolkit raises. Bots map these onto business or application exceptions."""

from __future__ import annotations


class BrowserError(Exception):
    """Root of the toolkit's errors."""


class BrowserStartError(BrowserError):
    """The browser could not be launched (missing executable or channel, bad arguments)."""


class PortalUnreachable(BrowserError):
    """The site did not answer at all (connection refused, DNS, timeout)."""

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(f"{url} svarer ikke / does not answer: {detail}")
        self.url = url
        self.detail = detail


class HttpStatusError(BrowserError):
    """A page answered with an HTTP error (429 or 5xx) and retrying did not help or was not allowed."""

    def __init__(self, url: str, status: int, retry_after_s: float | None = None) -> None:
        super().__init__(f"{url} answered HTTP {status}")
        self.url = url
        self.status = status
        self.retry_after_s = retry_after_s


class LoginRejected(BrowserError):
    """The site refused the credentials. Never retried automatically: that would lock the account."""


class SessionExpired(BrowserError):
    """The site's session ran out in the middle of a flow; the toolkit has logged in again.

    The caller restarts its flow from the beginning (a half-filled multi-step form is lost).
    """


class ElementNotFound(BrowserError):
    """A label, option or button named by the caller is not on the page."""
