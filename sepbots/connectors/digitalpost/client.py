"""The Digital Post sending client: MeMo messages over HTTPS with a client certificate (mutual TLS).

The sender proves who it is with its system certificate (OCES3/FOCES, a PEM certificate and key,
:func:`~sepbots.connectors.digitalpost.tls.client_tls_context`); the server's certificate is checked
against ``ca_file`` (or the system's trust store). Every message is checked against the MeMo schema
before it leaves (``memo_schema``: the published ``MeMo_core.xsd``; without it the built-in subset),
so an invalid letter is ``BusinessException`` ``MEMO_INVALID`` without a request.

Two ways to Digital Post (``sf1601``):

* **direct** (None) — ``POST {base}/memo`` with the MeMo XML, as ``sepbots practice digitalpost`` answers it;
* **SF1601 through Serviceplatformen** (:class:`~sepbots.connectors.digitalpost.sf1601.Sf1601`) —
  a security token from the token issuer, an access token for it, then ``POST
  {base}/service/KombiPostAfsend_1/kombi`` with the message in a ``kombi_request`` (see :mod:`.sf1601`).

Answers, either way:

* ``200``/``201`` — sent; the receipt is the answer's, or (SF1601) the transaction id and time;
* ``409`` — the ``messageUUID`` was sent before; the answer carries the first receipt, which the
  client returns marked ``duplicate`` (so a retried item never sends a second letter);
* ``400`` — the message is refused as invalid → ``BusinessException`` ``MEMO_INVALID``;
* ``401`` (SF1601) — the access token expired: both tokens are dropped and the send retried;
* ``429``/``5xx``/timeouts → retried (``Retry-After`` honoured), then ``ApplicationException``;
* a refused or missing client certificate, or an untrusted server → ``ApplicationException``
  ``DP_TLS_REFUSED`` at once (retrying cannot help).

CPR numbers never appear in the client's log lines or exception texts: it logs the message UUID.
"""

from __future__ import annotations

import ssl
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, ValidationError

from sepbots.clock import Clock, SystemClock
from sepbots.connectors.digitalpost import sf1601 as sf1601_module
from sepbots.connectors.digitalpost.memo import MemoMessage, to_xml, validate
from sepbots.connectors.digitalpost.tls import tls_refusal
from sepbots.connectors.http import HttpConnector, send
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


class DigitalPostClient(HttpConnector):
    """Sends MeMo messages (a context manager closing its connections).

    Args:
        base_url: the sending interface, or Serviceplatformen with ``sf1601`` (``https://…``).
        tls: from :func:`~sepbots.connectors.digitalpost.tls.client_tls_context`.
        sf1601: send through Serviceplatformen's SF1601 with its tokens (None: the direct MeMo interface).
        memo_schema: the published ``MeMo_core.xsd`` every message is checked against (None: the built-in subset).
        timeout_s: per request.
    """

    def __init__(self, base_url: str, tls: ssl.SSLContext, *, sf1601: sf1601_module.Sf1601 | None = None,
                 memo_schema: Path | None = None, timeout_s: float = 60.0, retry: RetryPolicy | None = None,
                 clock: Clock | None = None, log: Any = None) -> None:
        if not base_url.startswith("https://"):
            raise ConfigError("Digital Post skal kaldes over https:// / Digital Post must be reached over https://", key="digitalpost.url")
        base = base_url.rstrip("/")
        self.url = base + (sf1601_module.KOMBI_PATH if sf1601 is not None else MEMO_PATH)
        self.tls = tls
        self.memo_schema = memo_schema
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.log = log or structlog.get_logger("sepbots.connectors.digitalpost")
        self._http = httpx.Client(verify=tls, timeout=timeout_s)
        self.tokens = (sf1601_module.Tokens(self._http, tls, base, sf1601, clock=clock, log=self.log)
                       if sf1601 is not None else None)

    def _post(self, document: bytes) -> tuple[httpx.Response, str | None]:
        headers = {"Content-Type": "application/xml"}
        transaction_id = None
        if self.tokens is not None:
            headers = sf1601_module.headers(self.tokens.authorization(), self.clock or SystemClock())
            transaction_id = headers["x-TransaktionsId"]
        response = send(self._http, "POST", self.url, service="Digital Post", prefix="DP", content=document, headers=headers,
                        refused=lambda exc: tls_refusal(exc, self.url, self.tls, self.timeout_s))
        if response.status_code == 401 and self.tokens is not None:
            self.tokens.forget()
            raise TransientError("Serviceplatformen afviste adgangstokenet (udløbet?) / "
                                 "Serviceplatformen refused the access token (expired?)", "DP_TOKEN_EXPIRED")
        return response, transaction_id

    def send(self, message: MemoMessage) -> Receipt:
        """Send ``message``; a message already sent (same UUID) returns its first receipt, marked ``duplicate``.

        Raises:
            BusinessException: ``MEMO_INVALID`` when the message breaks the MeMo schema (checked before
                sending) or Digital Post refuses it as invalid.
            ApplicationException: ``DP_TLS_REFUSED``, ``DP_TOKEN_REFUSED``, ``DP_REFUSED`` or a transient
                code after all retries.
        """
        document = to_xml(message)
        validate(document, self.memo_schema)
        if self.tokens is not None:
            document = sf1601_module.kombi_request(message)
        response, transaction_id = call_with_retry("digitalpost_send", lambda: self._post(document),
                                                   policy=self.retry, clock=self.clock, log=self.log)
        body = _json(response)
        if response.status_code in (200, 201):
            receipt = self._receipt(message, body, transaction_id)
        elif response.status_code == 409 and "receipt" in body:
            receipt = Receipt.model_validate(body["receipt"]).model_copy(update={"duplicate": True})
        elif response.status_code == 400:
            raise BusinessException(f"Digital Post afviste besked / refused message {message.message_uuid}: "
                                    + "; ".join(str(d) for d in body.get("details", [])[:5]), code="MEMO_INVALID")
        else:
            raise ApplicationException(f"Digital Post svarede {response.status_code} / Digital Post answered {response.status_code}: "
                                       f"besked/message {message.message_uuid}",
                                       code="DP_REFUSED")
        self.log.info("digitalpost_sent", message_uuid=receipt.message_uuid, receipt_id=receipt.receipt_id,
                      duplicate=receipt.duplicate, bytes=len(document), transport="sf1601" if self.tokens else "memo")
        return receipt

    def _receipt(self, message: MemoMessage, body: dict[str, Any], transaction_id: str | None) -> Receipt:
        """The answer's receipt; SF1601 answers that carry none are receipted by the transaction id and time."""
        try:
            return Receipt.model_validate(body)
        except ValidationError:
            if transaction_id is None:
                raise
        return Receipt(message_uuid=str(message.message_uuid), receipt_id=transaction_id,
                       received_at=(self.clock or SystemClock()).now())


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json() if response.content else {}
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
