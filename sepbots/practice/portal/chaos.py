"""Chaos on demand: added latency, slow pages, random HTTP 500 and rate limiting with 429.

An ASGI middleware in front of the pages. It decides before the page runs, so an answer of 500 or
429 means nothing happened on the server. Static files are exempt. The settings are read on every
request from a holder, so a test or the demo can switch chaos on and off while the portal runs.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from sepbots.practice.portal.config import ChaosConfig

_ERROR_PAGE = (
    "<!doctype html><html lang='da'><head><meta charset='utf-8'><title>Serverfejl</title></head>"
    "<body><h1>Der opstod en fejl på serveren</h1><p>Prøv igen om lidt. (HTTP 500)</p></body></html>"
)
_BUSY_PAGE = (
    "<!doctype html><html lang='da'><head><meta charset='utf-8'><title>For mange forespørgsler</title>"
    "</head><body><h1>For mange forespørgsler</h1><p>Vent {seconds} sekund(er) og prøv igen. (HTTP 429)</p>"
    "</body></html>"
)


class _TokenBucket:
    """Allows ``rate`` requests per second with bursts of up to ``max(1, rate)``."""

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.stamp = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class ChaosState:
    """The current chaos settings plus the dice and rate-limit buckets that go with them."""

    def __init__(self, config: ChaosConfig, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self.set(config)

    @property
    def config(self) -> ChaosConfig:
        """The settings in force."""
        return self._config

    def set(self, config: ChaosConfig) -> None:
        """Replace the settings (resets the dice and the buckets)."""
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)
            self._buckets: dict[str, _TokenBucket] = {}

    def roll_error(self) -> bool:
        """Whether this request gets an HTTP 500."""
        with self._lock:
            return self._config.error_rate > 0 and self._rng.random() < self._config.error_rate

    def admit(self, client: str) -> bool:
        """Whether ``client`` is within the rate limit (always True without a limit)."""
        rate = self._config.rate_limit_per_s
        if rate is None:
            return True
        now = self._monotonic()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None or bucket.rate != rate:
                bucket = self._buckets[client] = _TokenBucket(rate, now)
            return bucket.take(now)


class ChaosMiddleware:
    """Applies :class:`ChaosState` to every HTTP request outside ``/static``."""

    def __init__(self, app: ASGIApp, state: ChaosState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static"):
            await self.app(scope, receive, send)
            return
        config = self.state.config
        client = scope.get("client") or ("?", 0)
        if not self.state.admit(client[0]):
            response = HTMLResponse(
                _BUSY_PAGE.format(seconds=config.retry_after_s),
                status_code=429,
                headers={"Retry-After": str(config.retry_after_s)},
            )
            await response(scope, receive, send)
            return
        delay_ms = config.latency_ms
        if any(scope["path"].startswith(prefix) for prefix in config.slow_paths):
            delay_ms += config.slow_ms
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        if self.state.roll_error():
            await HTMLResponse(_ERROR_PAGE, status_code=500)(scope, receive, send)
            return
        await self.app(scope, receive, send)
