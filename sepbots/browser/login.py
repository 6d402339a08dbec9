"""A ready-made ``LoginFlow`` for sites with a plain username/password form."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

from playwright.sync_api import Page
from pydantic import SecretStr

from sepbots.browser.errors import LoginRejected
from sepbots.browser.session import BrowserSession, RetryPolicy


@dataclass
class FormLogin:
    """Logs in through a form found by its labels; refuses to try again after a rejection.

    A rejected login is remembered: every later attempt raises ``LoginRejected`` at once, so a
    run with a wrong password never hammers the site into locking the account.
    """

    username: str
    password: SecretStr
    login_path: str = "/login"
    username_label: str = "Brugernavn"
    password_label: str = "Adgangskode"
    button: str = "Log ind"
    error_selector: str = "[role=alert]"
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rejected: str | None = field(default=None, init=False)

    def is_login_page(self, page: Page) -> bool:
        """Whether ``page`` is at the login path."""
        return urlparse(page.url).path.rstrip("/") == self.login_path.rstrip("/")

    def log_in(self, session: BrowserSession) -> None:
        """Fill and submit the login form shown now.

        Raises:
            LoginRejected: the site refused the credentials (now or earlier in this run).
        """
        if self.rejected is not None:
            raise LoginRejected(self.rejected)
        session.submit_form(
            {self.username_label: self.username, self.password_label: self.password.get_secret_value()},
            button=self.button,
            retry=self.retry,
        )
        page = session.page()
        if self.is_login_page(page):
            shown = " ".join(session.texts(self.error_selector)) or "the login page is still shown"
            self.rejected = f"login as {self.username!r} was refused: {shown}"
            raise LoginRejected(self.rejected)
