"""Browser toolkit for bots: Playwright on the system's Chromium or Edge, one browser per run.

```python
session = ctx.use("browser", lambda: BrowserSession(ctx.settings.browser, login=FormLogin(...)))
session.goto(f"{url}/refusion", retry=RetryPolicy())
session.submit_form({"Arbejdsgivers CVR-nummer": cvr, ...}, button="Næste")
```

``BrowserSettings`` lives in :mod:`sepbots.browser.settings`, which does not import Playwright.
Errors are ``ApplicationException``s with codes (see :mod:`sepbots.browser.errors`). Bots import
from ``sepbots.browser``; its modules are internal.
"""

from __future__ import annotations

from sepbots.browser.errors import (
    BrowserError,
    BrowserStartError,
    ElementNotFound,
    HttpStatusError,
    LoginRejected,
    PortalUnreachable,
    SessionExpired,
)
from sepbots.browser.login import FormLogin
from sepbots.browser.session import (
    NO_RETRY,
    BrowserOptions,
    BrowserSession,
    LoginFlow,
    RetryNotice,
    RetryPolicy,
)
from sepbots.browser.settings import BrowserSettings

__all__ = [
    "NO_RETRY",
    "BrowserError",
    "BrowserOptions",
    "BrowserSession",
    "BrowserSettings",
    "BrowserStartError",
    "ElementNotFound",
    "FormLogin",
    "HttpStatusError",
    "LoginFlow",
    "LoginRejected",
    "PortalUnreachable",
    "RetryNotice",
    "RetryPolicy",
    "SessionExpired",
]
