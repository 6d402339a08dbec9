"""The practice Digital Post sending interface: MeMo messages over mutual TLS, validated, receipted once.

``POST /memo`` with a MeMo message (``application/xml``), over HTTPS that requires a client
certificate from the configured CA (the server is started with :class:`ServerTls`). The same
messages also come through the practice Serviceplatformen (SF1601 with its token issuer, see
:mod:`sepbots.practice.digitalpost_sf1601`). The message is checked against the MeMo schema (the
published ``MeMo_core.xsd`` when ``memo_schema`` names it, else the built-in subset); a valid
message gets ``201`` and a receipt, a second message
with the same ``messageUUID`` gets ``409`` with the first receipt, an invalid one ``400`` with the
schema's complaints (never the values). Chaos for tests: the first ``fail_first`` requests answer
``503``, ``throttle_first`` more answer ``429`` with ``Retry-After``, and ``hold_s`` delays the
answer *after* the message is accepted (a sender that dies meanwhile has sent but has no receipt).

``GET /receipts/{uuid}`` shows a receipt; ``GET /messages`` lists the accepted UUIDs. The server
keeps what it accepted in memory and, with ``receipts_file``, appends each receipt (UUID, receipt id,
time, recipient type — never the recipient or the letter) to a JSON-lines file it reads again at
start, so a restarted server still refuses duplicates. It logs only UUIDs, never recipients.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sepbots.connectors.digitalpost.memo import NS, parse, schema_errors
from sepbots.connectors.digitalpost.sf1601 import ACCESS_TOKEN_PATH, KOMBI_PATH
from sepbots.practice.digitalpost_sf1601 import STS_PATH, TokenDesk, issue_access_token, issue_saml_token, post_kombi

MAX_BYTES = 20 * 1024 * 1024
log = structlog.get_logger("sepbots.practice.digitalpost")


class DigitalPostConfig(BaseModel):
    """The practice interface's chaos knobs."""

    model_config = ConfigDict(frozen=True)

    fail_first: int = Field(0, ge=0, description="answer this many requests 503 first")
    throttle_first: int = Field(0, ge=0, description="then answer this many 429")
    retry_after_s: int = Field(1, ge=0)
    hold_s: float = Field(0.0, ge=0, description="wait this long after accepting before answering")
    receipts_file: Path | None = Field(None, description="JSON lines of receipts, kept across restarts")
    memo_schema: Path | None = Field(None, description="the published MeMo_core.xsd (None: the built-in subset)")
    ca_cert: Path | None = Field(None, description="the practice CA: token requests must name a certificate it issued")
    token_lifetime_s: int = Field(3600, ge=1, description="how long SF1601 security and access tokens live")


class Accepted(BaseModel):
    """One accepted message: its receipt and the MeMo XML (for tests and the practice UI)."""

    receipt: dict[str, Any]
    xml: bytes | None  # None for receipts read back from receipts_file
    recipient_type: str


class DigitalPost:
    """The running interface's state (``app.state.digitalpost``)."""

    def __init__(self, config: DigitalPostConfig) -> None:
        self.config = config
        self.hold_s = config.hold_s
        self.accepted: dict[str, Accepted] = {}
        self.requests = 0
        self.duplicates = 0
        self.lock = threading.Lock()
        self.tokens = TokenDesk(config.ca_cert, config.token_lifetime_s)
        if config.receipts_file is not None and config.receipts_file.is_file():
            for line in config.receipts_file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    kept = json.loads(line)
                    self.accepted[kept["receipt"]["message_uuid"]] = Accepted(receipt=kept["receipt"], xml=None,
                                                                               recipient_type=kept["recipient_type"])

    def _keep(self, receipt: dict[str, Any], recipient_type: str) -> None:
        if self.config.receipts_file is None:
            return
        self.config.receipts_file.parent.mkdir(parents=True, exist_ok=True)
        with self.config.receipts_file.open("a", encoding="utf-8") as file:
            file.write(json.dumps({"receipt": receipt, "recipient_type": recipient_type}) + "\n")

    def chaos(self) -> Response | None:
        with self.lock:
            self.requests += 1
            number = self.requests
        if number <= self.config.fail_first:
            return JSONResponse({"error": "SERVICE_UNAVAILABLE"}, status_code=503)
        if number <= self.config.fail_first + self.config.throttle_first:
            return JSONResponse({"error": "TOO_MANY_REQUESTS"}, status_code=429,
                                headers={"Retry-After": str(self.config.retry_after_s)})
        return None

    def accept(self, document: bytes) -> tuple[int, dict[str, Any]]:
        errors = schema_errors(document, self.config.memo_schema)
        if errors:
            log.info("memo_refused", errors=len(errors))
            return 400, {"error": "SCHEMA_VIOLATION", "details": errors}
        root = parse(document)
        message_uuid = root.findtext(f"{{{NS}}}MessageHeader/{{{NS}}}messageUUID") or ""
        recipient_type = root.findtext(f"{{{NS}}}MessageHeader/{{{NS}}}Recipient/{{{NS}}}idType") or ""
        with self.lock:
            if message_uuid in self.accepted:
                self.duplicates += 1
                log.info("memo_duplicate", message_uuid=message_uuid)
                return 409, {"error": "DUPLICATE_MESSAGE", "receipt": self.accepted[message_uuid].receipt}
            receipt = {"message_uuid": message_uuid, "receipt_id": str(uuid.uuid4()),
                       "received_at": datetime.now(UTC).isoformat()}
            self.accepted[message_uuid] = Accepted(receipt=receipt, xml=document, recipient_type=recipient_type)
            self._keep(receipt, recipient_type)
        log.info("memo_accepted", message_uuid=message_uuid, recipient_type=recipient_type)
        return 201, receipt

    async def answer(self, status: int, body: dict[str, Any]) -> Response:
        """The JSON answer; an accepted message's only after ``hold_s`` (a sender may die meanwhile)."""
        if status in (200, 201) and self.hold_s:
            await asyncio.sleep(self.hold_s)
        return JSONResponse(body, status_code=status)


    async def receive(self, request: Request) -> bytes | Response:
        """The request's XML body, or the answer refusing it: chaos first, then the media type and size."""
        refused = self.chaos()
        if refused is not None:
            return refused
        if "xml" not in request.headers.get("content-type", ""):
            return JSONResponse({"error": "UNSUPPORTED_MEDIA_TYPE"}, status_code=415)
        document = await request.body()
        if len(document) > MAX_BYTES:
            return JSONResponse({"error": "TOO_LARGE"}, status_code=413)
        return document


async def post_memo(request: Request) -> Response:
    post: DigitalPost = request.app.state.digitalpost
    document = await post.receive(request)
    if isinstance(document, Response):
        return document
    status, body = post.accept(document)
    return await post.answer(status, body)


async def get_receipt(request: Request) -> Response:
    post: DigitalPost = request.app.state.digitalpost
    found = post.accepted.get(request.path_params["message_uuid"])
    return JSONResponse(found.receipt) if found else JSONResponse({"error": "NOT_FOUND"}, status_code=404)


async def list_messages(request: Request) -> Response:
    post: DigitalPost = request.app.state.digitalpost
    return JSONResponse({"messages": sorted(post.accepted), "duplicates": post.duplicates})


def create_app(config: DigitalPostConfig | None = None) -> Starlette:
    """The practice interface and Serviceplatformen; serve it with ``ServerTls(cert, key, client_ca)``."""
    app = Starlette(routes=[Route("/memo", post_memo, methods=["POST"]),
                            Route(STS_PATH, issue_saml_token, methods=["POST"]),
                            Route(ACCESS_TOKEN_PATH, issue_access_token, methods=["POST"]),
                            Route(KOMBI_PATH, post_kombi, methods=["POST"]),
                            Route("/receipts/{message_uuid}", get_receipt), Route("/messages", list_messages)])
    app.state.digitalpost = DigitalPost(config or DigitalPostConfig())
    return app
