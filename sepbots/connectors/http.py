"""HTTP for connectors: one request with its failures sorted, and the client's open/close.

:func:`send` makes one request with an ``httpx.Client`` and turns what may pass into
``TransientError`` (which :func:`~sepbots.connectors.retry.call_with_retry` retries):

* a timeout → ``{PREFIX}_TIMEOUT``;
* a lost or refused connection → ``{PREFIX}_UNAVAILABLE`` (unless ``refused`` names it a lasting
  refusal, as a TLS handshake the server rejects);
* ``429`` → ``{PREFIX}_THROTTLED`` and ``5xx`` → ``{PREFIX}_UNAVAILABLE``, with the server's
  ``Retry-After`` (seconds) kept for the wait.

Any other answer is returned: what a ``4xx`` means differs from one interface to the next, so each
connector reads it itself. :class:`HttpConnector` is the context manager every HTTP connector is.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import httpx

from sepbots.connectors.retry import TransientError


def retry_after_s(response: httpx.Response) -> float | None:
    """The server's ``Retry-After`` in seconds, or None when it gave none (or an HTTP date)."""
    after = response.headers.get("Retry-After", "").strip()
    return float(after) if after.isdigit() else None


def send(http: httpx.Client, method: str, url: str, *, service: str, prefix: str,
         refused: Callable[[httpx.TransportError], Exception | None] | None = None, **kwargs: Any) -> httpx.Response:
    """One request; transient failures raised as ``TransientError``, every other answer returned.

    Args:
        service: the other system in messages ("the CVR interface").
        prefix: the start of the error codes (``CVR`` → ``CVR_TIMEOUT``).
        refused: given a lost connection, the exception to raise instead of retrying (or None).
        kwargs: passed to ``httpx.Client.request``.
    """
    try:
        response = http.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise TransientError(f"{service} svarede ikke i tide / {service} timed out", f"{prefix}_TIMEOUT") from exc
    except httpx.TransportError as exc:
        lasting = refused(exc) if refused is not None else None
        if lasting is not None:
            raise lasting from exc
        raise TransientError(f"{service} kan ikke nås / {service} is unreachable: {type(exc).__name__}", f"{prefix}_UNAVAILABLE") from exc
    if response.status_code == 429 or response.status_code >= 500:
        throttled = response.status_code == 429
        raise TransientError(f"{service} svarede {response.status_code} / {service} answered {response.status_code}",
                             f"{prefix}_THROTTLED" if throttled else f"{prefix}_UNAVAILABLE",
                             retry_after_s=retry_after_s(response))
    return response


class HttpConnector:
    """A connector holding one ``httpx.Client`` (``self._http``); a context manager that closes it."""

    _http: httpx.Client

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()
