"""What the browser toolkit raises: application exceptions with stable codes, as the desktop toolkit's.

```
ApplicationException                (sepbots.exceptions: retried with backoff, then failed)
└── BrowserError
    ├── BrowserStartError           BROWSER_START        the browser could not be launched
    ├── PortalUnreachable           PORTAL_UNREACHABLE   no answer at all
    ├── HttpStatusError             PORTAL_HTTP_<status> 429/5xx that retrying did not cure
    ├── LoginRejected               LOGIN_REJECTED       credentials refused (never retried in the run)
    ├── SessionExpired              SESSION_EXPIRED      the site's session ran out mid-flow
    └── ElementNotFound             PAGE_CHANGED         a label, option or button is not on the page
```

A portal that misbehaves is system trouble, so bots let these through and the runtime retries
the item; the messages say what happened in Danish and English. Bot code turns the *site's*
verdicts about the data (a form refused with field errors) into ``BusinessException`` itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sepbots.exceptions import ApplicationException


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


class BrowserError(ApplicationException):
    """Root of the toolkit's errors."""


class BrowserStartError(BrowserError):
    """The browser could not be launched (missing executable or channel, bad arguments)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="BROWSER_START")


class PortalUnreachable(BrowserError):
    """The site did not answer at all (connection refused, DNS, timeout)."""

    def __init__(self, url: str, detail: str) -> None:
        origin = _origin(url)
        super().__init__(
            f"portalen {origin} svarer ikke / the portal {origin} does not answer: {detail}", code="PORTAL_UNREACHABLE"
        )
        self.url = url
        self.detail = detail


class HttpStatusError(BrowserError):
    """A page answered with an HTTP error (429 or 5xx) and retrying did not help or was not allowed."""

    def __init__(self, url: str, status: int, retry_after_s: float | None = None) -> None:
        super().__init__(
            f"portalen svarede HTTP {status} / the portal answered HTTP {status} at {url}", code=f"PORTAL_HTTP_{status}"
        )
        self.url = url
        self.status = status
        self.retry_after_s = retry_after_s


class LoginRejected(BrowserError):
    """The site refused the credentials. Never retried automatically: that would lock the account."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            "portalen afviste login; ret adgangskoden i boksen (der forsøges ikke igen i denne kørsel, så kontoen "
            "spærres ikke) / the portal refused the login; fix the password in the vault (no further attempts are "
            f"made in this run, so the account is not locked): {reason}",
            code="LOGIN_REJECTED",
        )
        self.reason = reason


class SessionExpired(BrowserError):
    """The site's session ran out in the middle of a flow; the toolkit has logged in again.

    The caller restarts its flow from the beginning (a half-filled multi-step form is lost).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, code="SESSION_EXPIRED")


class ElementNotFound(BrowserError):
    """A label, option or button named by the caller is not on the page."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"siden har ændret sig / the portal page has changed: {detail}", code="PAGE_CHANGED")
        self.detail = detail
