"""Posting JSON to a webhook (httpx): a plain JSON receiver or a Microsoft Teams channel.

A Teams incoming webhook takes an Office 365 connector card (``MessageCard``): title, text,
a theme colour and facts. 429 and 5xx answers, timeouts and refused connections are transient
(retried, honouring ``Retry-After``); any other 4xx is an ``ApplicationException`` (a wrong URL).
A webhook URL is a secret (anyone holding it may post): keep it in the vault.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import httpx
import structlog
from pydantic import SecretStr

from sepbots.clock import Clock
from sepbots.connectors.http import send
from sepbots.connectors.retry import RetryPolicy, call_with_retry
from sepbots.exceptions import ApplicationException


class WebhookFormat(StrEnum):
    """The body a webhook receives."""

    JSON = "json"    # {"title", "text", "facts", ...} as given
    TEAMS = "teams"  # an Office 365 connector MessageCard


def teams_card(title: str, text: str, facts: dict[str, str], *, colour: str = "D83B01") -> dict[str, Any]:
    """A ``MessageCard`` for a Teams incoming webhook."""
    return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": title,
        "themeColor": colour,
        "title": title,
        "sections": [{"text": text, "facts": [{"name": k, "value": v} for k, v in facts.items()]}],
    }


class WebhookSender:
    """Posts to one webhook URL.

    Args:
        url: the webhook URL (a secret: from the vault, registered with the redactor).
        format: ``json`` or ``teams``.
        timeout_s: per request.
        retry: the policy for transient failures.
        clock: sleeps between retries.
    """

    def __init__(self, url: SecretStr, *, format: WebhookFormat = WebhookFormat.JSON, timeout_s: float = 10.0,
                 retry: RetryPolicy | None = None, clock: Clock | None = None, log: Any = None) -> None:
        self._url = url
        self.format = format
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy(attempts=3)
        self.clock = clock
        self.log = log or structlog.get_logger("sepbots.connectors.webhook")

    def body(self, title: str, text: str, facts: dict[str, str], extra: dict[str, Any] | None = None) -> dict[str, Any]:
        if self.format is WebhookFormat.TEAMS:
            return teams_card(title, text, facts)
        return {"title": title, "text": text, "facts": facts, **(extra or {})}

    def _post(self, body: dict[str, Any]) -> None:
        with httpx.Client(timeout=self.timeout_s) as http:
            response = send(http, "POST", self._url.get_secret_value(), service="the webhook", prefix="WEBHOOK", json=body)
        if response.status_code >= 400:
            raise ApplicationException("webhooken afviste beskeden / "
                                       f"the webhook refused the post ({response.status_code})", code="WEBHOOK_REFUSED")

    def send(self, title: str, text: str, facts: dict[str, str], extra: dict[str, Any] | None = None) -> None:
        """Post one message."""
        call_with_retry("webhook_post", lambda: self._post(self.body(title, text, facts, extra)),
                        policy=self.retry, clock=self.clock, log=self.log)
        self.log.info("webhook_posted", title=title, format=self.format.value)
