"""The Digital Post sending client: MeMo messages over HTTPS with a client certificate (mutual TLS).

The sender proves who it is with its system certificate (OCES3/FOCES, a PEM certificate and key);
the server's certificate is checked against ``ca_file`` (or the system's trust store). The protocol,
as ``sepbots practice digitalpost`` answers it:

* ``POST {base}/memo`` with the MeMo XML → ``201`` and a receipt;
* ``409`` — the ``messageUUID`` was sent before; the answer carries the first receipt, which the
  client returns marked ``duplicate`` (so a retried item never sends a second letter);
* ``400`` — the message breaks the schema → ``BusinessException`` ``MEMO_INVALID``;
* ``429``/``5xx``/timeouts → retried (``Retry-After`` honoured), then ``ApplicationException``;
* a refused or missing client certificate, or an untrusted server → ``ApplicationException``
  ``DP_TLS_REFUSED`` at once (retrying cannot help).

CPR numbers never appear in the client's log lines or exception texts: it logs the message UUID.
"""

from __future__ import annotations

import socket
import ssl
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx
import structlog
from cryptography import x509
from pydantic import BaseModel, ConfigDict, SecretStr

from sepbots.clock import Clock
from sepbots.connectors.digitalpost.memo import MemoMessage, to_xml
from sepbots.connectors.retry import RetryPolicy, TransientError, call_with_retry
from sepbots.exceptions import ApplicationException, BusinessException, ConfigError

MEMO_PATH = "/memo"


class Receipt(BaseModel):
    """Digital Post's acknowledgement of one message (the idempotency record)."""

    model_config = ConfigDict(frozen=True)

    message_uuid: str
    receipt_id: str
    received_at: datetime
    duplicate: bool = False


def client_tls_context(cert_file: Path, key_file: Path, *, key_password: SecretStr | None = None,
                       ca_file: Path | None = None, now: datetime | None = None) -> ssl.SSLContext:
    """A TLS context that presents the system certificate and trusts ``ca_file`` (or the system store).

    Args:
        now: when given, a certificate that is not valid at ``now`` is refused here, before any connection.

    Raises:
        ConfigError: naming the setting when the certificate or key is missing, unreadable or expired.
    """
    for key, path in (("client_cert", cert_file), ("client_key", key_file), ("ca_file", ca_file)):
        if path is not None and not Path(path).is_file():
            raise ConfigError(f"the certificate file {path} does not exist", key=f"digitalpost.{key}")
    if now is not None:
        certificate = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise ConfigError(f"the client certificate {Path(cert_file).name} is valid only "
                              f"{certificate.not_valid_before_utc:%Y-%m-%d} to {certificate.not_valid_after_utc:%Y-%m-%d}",
                              key="digitalpost.client_cert")
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    try:
        context.load_cert_chain(str(cert_file), str(key_file),
                                password=key_password.get_secret_value() if key_password else None)
    except ssl.SSLError as exc:
        raise ConfigError(f"the client certificate {Path(cert_file).name} or its key cannot be used: {exc.reason}",
                          key="digitalpost.client_cert") from exc
    return context


def _tls_failure(exc: BaseException) -> str | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen.reason or type(seen).__name__
        seen = seen.__cause__ or seen.__context__
    return None


def probe_tls(url: str, context: ssl.SSLContext, timeout_s: float = 10.0) -> str | None:
    """Why the server refuses our TLS session, or None when it answers HTTP over it.

    With TLS 1.3 the server checks the client certificate after the client thinks the handshake is
    done; a server that then drops the connection without an alert looks like any lost connection.
    One fresh connection and a ``HEAD`` tell the two apart: a server that refuses the certificate
    closes it again (or sends an alert) before any HTTP answer.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as raw, \
                context.wrap_socket(raw, server_hostname=host) as tls:
            tls.sendall(f"HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("ascii"))
            answer = tls.recv(16)
    except ssl.SSLError as exc:
        return exc.reason or type(exc).__name__
    except OSError:
        return None  # not a TLS matter: unreachable, reset — a transient failure
    return None if answer.startswith(b"HTTP/") else "the server closed the connection: it did not accept the client certificate"


class DigitalPostClient:
    """Sends MeMo messages (a context manager closing its connections).

    Args:
        base_url: the sending interface (``https://…``).
        tls: from :func:`client_tls_context`.
        timeout_s: per request.
    """

    def __init__(self, base_url: str, tls: ssl.SSLContext, *, timeout_s: float = 60.0, retry: RetryPolicy | None = None,
                 clock: Clock | None = None, log: Any = None) -> None:
        if not base_url.startswith("https://"):
            raise ConfigError("Digital Post must be reached over https://", key="digitalpost.url")
        self.url = base_url.rstrip("/") + MEMO_PATH
        self.tls = tls
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.log = log or structlog.get_logger("sepbots.connectors.digitalpost")
        self._http = httpx.Client(verify=tls, timeout=timeout_s)

    def __enter__(self) -> DigitalPostClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _post(self, document: bytes) -> httpx.Response:
        try:
            response = self._http.post(self.url, content=document, headers={"Content-Type": "application/xml"})
        except httpx.TimeoutException as exc:
            raise TransientError("Digital Post timed out", "DP_TIMEOUT") from exc
        except httpx.TransportError as exc:
            failure = _tls_failure(exc) or probe_tls(self.url, self.tls, self.timeout_s)
            if failure is not None:
                raise ApplicationException(
                    f"Digital Post refused the TLS connection ({failure}): check the system certificate, "
                    "its key and the server's CA certificate", code="DP_TLS_REFUSED") from exc
            raise TransientError(f"Digital Post is unreachable: {type(exc).__name__}", "DP_UNAVAILABLE") from exc
        if response.status_code == 429 or response.status_code >= 500:
            after = response.headers.get("Retry-After", "")
            raise TransientError(f"Digital Post answered {response.status_code}",
                                 "DP_THROTTLED" if response.status_code == 429 else "DP_UNAVAILABLE",
                                 retry_after_s=float(after) if after.isdigit() else None)
        return response

    def send(self, message: MemoMessage) -> Receipt:
        """Send ``message``; a message already sent (same UUID) returns its first receipt, marked ``duplicate``.

        Raises:
            BusinessException: ``MEMO_INVALID`` when Digital Post refuses the message as invalid.
            ApplicationException: ``DP_TLS_REFUSED``, ``DP_REFUSED`` or a transient code after all retries.
        """
        document = to_xml(message)
        response = call_with_retry("digitalpost_send", lambda: self._post(document),
                                   policy=self.retry, clock=self.clock, log=self.log)
        body = response.json() if response.content else {}
        if response.status_code in (200, 201):
            receipt = Receipt.model_validate(body)
        elif response.status_code == 409 and "receipt" in body:
            receipt = Receipt.model_validate(body["receipt"]).model_copy(update={"duplicate": True})
        elif response.status_code == 400:
            raise BusinessException(f"Digital Post refused message {message.message_uuid}: "
                                    + "; ".join(body.get("details", [])[:5]), code="MEMO_INVALID")
        else:
            raise ApplicationException(f"Digital Post answered {response.status_code} for message {message.message_uuid}",
                                       code="DP_REFUSED")
        self.log.info("digitalpost_sent", message_uuid=receipt.message_uuid, receipt_id=receipt.receipt_id,
                      duplicate=receipt.duplicate, bytes=len(document))
        return receipt
