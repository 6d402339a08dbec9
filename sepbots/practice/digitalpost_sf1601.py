"""The practice Serviceplatformen for Digital Post: the token issuer, the access token service and SF1601.

Three routes beside ``/memo`` on the practice Digital Post (same server, same mutual TLS), at the
paths the real services use (see :mod:`sepbots.connectors.digitalpost.sf1601`):

* ``POST /runtime/api/rest/wstrust/v1/issue`` — the token issuer: the JSON request must ask for a
  SAML 2.0 token (Issue, PublicKey) for KombiPostAfsend, name a ``UseKey`` certificate issued by the
  practice CA, and an ``AnvenderKontekst.Cvr`` equal to the ``CVR:`` in that certificate; the answer
  is ``RequestedSecurityToken.Assertion`` and its ``Lifetime``. The assertion is a practice token,
  not a signed SAML document.
* ``POST /service/AccessTokenService_1/token`` — form field ``saml-token`` → ``access_token``,
  ``token_type`` ``Holder-of-key`` and ``expires_in``; an unknown or expired assertion is ``401``.
* ``POST /service/KombiPostAfsend_1/kombi`` — ``Authorization: Holder-of-key …`` (``401`` when
  unknown or expired), ``x-TransaktionsId``, and a ``kombi_request`` with ``KombiValgKode`` "Digital
  Post" and a MeMo message, which is checked and receipted as ``/memo`` does (``200`` and the receipt
  with the transaction id; ``409``/``400`` as ``/memo``). Which answers the real service gives on
  errors is in KOMBIT's SF1601 description; these are the practice server's.

Tokens live ``token_lifetime_s``; :meth:`TokenDesk.expire` ends them all at once (for tests).
"""

from __future__ import annotations

import base64
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import structlog
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from lxml import etree
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sepbots.connectors.digitalpost.sf1601 import DIGITAL_POST, ENTITY_ID, PUBLIC_KEY, SAML2, WS_TRUST_ISSUE, read_kombi_request

STS_PATH = "/runtime/api/rest/wstrust/v1/issue"
log = structlog.get_logger("sepbots.practice.digitalpost")


@dataclass
class _Token:
    cvr: str
    expires: datetime


class TokenDesk:
    """The issued SAML assertions and access tokens, and what the requests for them must say."""

    def __init__(self, ca_cert: Path | None, lifetime_s: int) -> None:
        self.ca = x509.load_pem_x509_certificate(ca_cert.read_bytes()) if ca_cert is not None else None
        self.lifetime = timedelta(seconds=lifetime_s)
        self.assertions: dict[str, _Token] = {}
        self.access: dict[str, _Token] = {}
        self.issued = {"saml": 0, "access": 0}
        self.lock = threading.Lock()

    def expire(self) -> None:
        """End every token now (the next call with one is ``401``)."""
        with self.lock:
            past = datetime.now(UTC) - timedelta(seconds=1)
            for token in (*self.assertions.values(), *self.access.values()):
                token.expires = past

    def _problem(self, body: dict[str, Any]) -> str | None:
        wanted = {"TokenType": SAML2, "RequestType": WS_TRUST_ISSUE, "KeyType": PUBLIC_KEY}
        for key, value in wanted.items():
            if body.get(key) != value:
                return f"{key} must be {value}"
        if (body.get("AppliesTo") or {}).get("EndpointReference", {}).get("Address") != ENTITY_ID:
            return f"AppliesTo.EndpointReference.Address must be {ENTITY_ID}"
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(str(body.get("UseKey") or ""), validate=True))
        except ValueError:
            return "UseKey is not a certificate (base64 DER)"
        if self.ca is not None:
            public_key = self.ca.public_key()
            try:
                assert isinstance(public_key, ec.EllipticCurvePublicKey)
                public_key.verify(certificate.signature, certificate.tbs_certificate_bytes,
                                  ec.ECDSA(certificate.signature_hash_algorithm))  # type: ignore[arg-type]  # None only for Ed25519/Ed448, not ECDSA
            except Exception:  # noqa: BLE001 - any failure means: not issued by the practice CA
                return "UseKey is not a certificate from the practice CA"
        serials = certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
        cvr = str((body.get("AnvenderKontekst") or {}).get("Cvr") or "")
        if not serials or serials[0].value != f"CVR:{cvr}":
            return "AnvenderKontekst.Cvr is not the CVR number of the UseKey certificate"
        return None

    def issue_saml(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        problem = self._problem(body)
        if problem is not None:
            log.info("sts_refused", problem=problem)
            return 400, {"error": "REQUEST_REFUSED", "details": [problem]}
        assertion, expires = secrets.token_urlsafe(32), datetime.now(UTC) + self.lifetime
        with self.lock:
            self.assertions[assertion] = _Token(str(body["AnvenderKontekst"]["Cvr"]), expires)
            self.issued["saml"] += 1
        log.info("sts_issued", cvr=body["AnvenderKontekst"]["Cvr"])
        return 200, {"RequestedSecurityToken": {"Assertion": assertion}, "TokenType": SAML2,
                     "Lifetime": expires.strftime("%m/%d/%Y %H:%M:%S")}

    def issue_access(self, assertion: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            saml = self.assertions.get(assertion)
            if saml is None or saml.expires <= datetime.now(UTC):
                return 401, {"error": "invalid_grant"}
            token = secrets.token_urlsafe(32)
            self.access[token] = _Token(saml.cvr, datetime.now(UTC) + self.lifetime)
            self.issued["access"] += 1
        return 200, {"access_token": token, "token_type": "Holder-of-key", "expires_in": int(self.lifetime.total_seconds())}

    def authorised(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        with self.lock:
            found = self.access.get(token.strip())
            return scheme.lower() == "holder-of-key" and found is not None and found.expires > datetime.now(UTC)


async def issue_saml_token(request: Request) -> Response:
    desk: TokenDesk = request.app.state.digitalpost.tokens
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"error": "NOT_JSON"}, status_code=400)
    status, answer = desk.issue_saml(body if isinstance(body, dict) else {})
    return JSONResponse(answer, status_code=status)


async def issue_access_token(request: Request) -> Response:
    desk: TokenDesk = request.app.state.digitalpost.tokens
    form = await request.form()
    status, answer = desk.issue_access(str(form.get("saml-token") or ""))
    return JSONResponse(answer, status_code=status)


class Mailroom(Protocol):
    """What the kombi endpoint needs of the practice Digital Post (``sepbots.practice.digitalpost.DigitalPost``)."""

    tokens: TokenDesk

    async def receive(self, request: Request) -> bytes | Response: ...

    def accept(self, document: bytes) -> tuple[int, dict[str, Any]]: ...

    async def answer(self, status: int, body: dict[str, Any]) -> Response: ...


async def post_kombi(request: Request) -> Response:
    post: Mailroom = request.app.state.digitalpost
    document = await post.receive(request)
    if isinstance(document, Response):
        return document
    if not post.tokens.authorised(request.headers.get("authorization", "")):
        return JSONResponse({"error": "INVALID_TOKEN"}, status_code=401)
    transaction_id = request.headers.get("x-transaktionsid", "")
    if not transaction_id:
        return JSONResponse({"error": "MISSING_HEADER", "details": ["x-TransaktionsId"]}, status_code=400)
    try:
        kombi = read_kombi_request(document)
    except etree.XMLSyntaxError as exc:
        return JSONResponse({"error": "SCHEMA_VIOLATION", "details": [f"line {exc.lineno}: not well-formed XML"]},
                            status_code=400)
    if kombi.kombi_valg_kode != DIGITAL_POST or kombi.message is None:
        return JSONResponse({"error": "KOMBI_REQUEST_INVALID",
                             "details": [f"kombi_request needs KombiValgKode '{DIGITAL_POST}' and a MeMo Message"]},
                            status_code=400)
    status, body = post.accept(etree.tostring(kombi.message))
    if status == 201:
        status, body = 200, {**body, "transaction_id": transaction_id}
    return await post.answer(status, body)
