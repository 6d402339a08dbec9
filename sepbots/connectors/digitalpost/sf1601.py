"""Digital Post through Serviceplatformen: SF1601 "Afsend post" (KombiPostAfsend) and its two tokens.

The wire format as KOMBIT's REST interface takes it and as the public clients of it send it
(Aarhus' ``itk-dev/serviceplatformen`` in PHP, the ``python_serviceplatformen`` package, OS2
Digital Identity's Java client); the integration description is SF1601 in Digitaliseringskataloget:

1. **Security token** (STS, WS-Trust in its REST form): ``POST`` JSON to the token issuer with the
   system certificate (mutual TLS) — ``TokenType`` SAML 2.0, ``RequestType`` Issue, ``KeyType``
   PublicKey, ``AnvenderKontekst.Cvr`` (the municipality), ``UseKey`` (the certificate, base64 DER)
   and ``AppliesTo.EndpointReference.Address`` (the service's entity id). The answer holds
   ``RequestedSecurityToken.Assertion`` (a SAML assertion) and its ``Lifetime``.
2. **Access token**: ``POST {base}/service/AccessTokenService_1/token`` with the form field
   ``saml-token`` (mutual TLS) → ``access_token``, ``token_type`` and ``expires_in``.
3. **Send**: ``POST {base}/service/KombiPostAfsend_1/kombi`` with ``Authorization: {token_type}
   {access_token}``, ``x-TransaktionsId`` (a UUID), ``x-TransaktionsTid`` (UTC) and the body
   ``<kombi_request><KombiValgKode>Digital Post</KombiValgKode><memo:Message …/></kombi_request>``.

Both tokens are kept until shortly before they expire; a ``401`` from the service drops them.
"""

from __future__ import annotations

import base64
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from sepbots.clock import Clock, SystemClock
from sepbots.connectors.digitalpost.memo import NS, MemoMessage, parse, to_xml
from sepbots.connectors.digitalpost.tls import tls_refusal
from sepbots.connectors.http import send
from sepbots.exceptions import ApplicationException, BusinessException, ConfigError

KOMBI_PATH = "/service/KombiPostAfsend_1/kombi"
ACCESS_TOKEN_PATH = "/service/AccessTokenService_1/token"
ENTITY_ID = "http://entityid.kombit.dk/service/kombipostafsend/1"
STS_URL = "https://n2adgangsstyring.stoettesystemerne.dk/runtime/api/rest/wstrust/v1/issue"
DIGITAL_POST = "Digital Post"
SAML2 = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0"
WS_TRUST_ISSUE = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue"
PUBLIC_KEY = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey"
_REFRESH_BEFORE = timedelta(minutes=5)


class Sf1601(BaseModel):
    """Where Serviceplatformen and its token issuer are, and who sends (the ``[digitalpost.sf1601]`` settings).

    Args:
        cvr: the municipality's CVR number (``AnvenderKontekst``), for which the certificate is registered.
        client_cert: the system certificate (PEM) also named in the token request (``UseKey``).
        sts_url: the token issuer (production by default; KOMBIT's external test has its own).
        entity_id: the service the token is for (KombiPostAfsend).
    """

    model_config = ConfigDict(frozen=True)

    cvr: str = Field(pattern=r"^\d{8}$")
    client_cert: Path
    sts_url: str = STS_URL
    entity_id: str = ENTITY_ID


def kombi_request(message: MemoMessage, kombi_valg_kode: str = DIGITAL_POST) -> bytes:
    """The SF1601 body: ``kombi_request`` with the channel (``KombiValgKode``) and the MeMo message."""
    root = etree.Element("kombi_request")
    etree.SubElement(root, "KombiValgKode").text = kombi_valg_kode
    root.append(etree.fromstring(to_xml(message)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True)
class KombiRequest:
    """A received ``kombi_request``: the channel and the MeMo message in it (None when there is none)."""

    kombi_valg_kode: str
    message: etree._Element | None


def read_kombi_request(document: bytes) -> KombiRequest:
    """Take a ``kombi_request`` apart (parsed without entities, DTDs or network).

    Raises:
        lxml.etree.XMLSyntaxError: when the body is not well-formed XML.
    """
    root = parse(document)
    if root.tag != "kombi_request":
        return KombiRequest("", None)
    return KombiRequest(root.findtext("KombiValgKode") or "", root.find(f"{{{NS}}}Message"))


def certificate_b64(cert_file: Path) -> str:
    """The first certificate in a PEM file as base64 DER (the token request's ``UseKey``)."""
    try:
        certificate = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"klientcertifikatet {Path(cert_file).name} kan ikke læses / "
                          f"the client certificate {Path(cert_file).name} cannot be read", key="digitalpost.client_cert") from exc
    return base64.b64encode(certificate.public_bytes(Encoding.DER)).decode("ascii")


def _lifetime(value: Any, now: datetime) -> datetime:
    """The SAML token's expiry: the issuer writes ``MM/DD/YYYY HH:MM:SS`` (UTC); ISO 8601 is taken too."""
    text = str(value or "")
    for parse_as in (lambda t: datetime.strptime(t, "%m/%d/%Y %H:%M:%S").replace(tzinfo=UTC), datetime.fromisoformat):
        try:
            found = parse_as(text)
        except ValueError:
            continue
        return found if found.tzinfo else found.replace(tzinfo=UTC)
    return now + timedelta(hours=1)  # an issuer that says nothing usable: ask again within the hour


class Tokens:
    """The SAML token and the access token for one service, each kept until shortly before it expires."""

    def __init__(self, http: httpx.Client, tls: ssl.SSLContext, base_url: str, settings: Sf1601, *,
                 clock: Clock | None = None, log: Any = None) -> None:
        self.http = http
        self.tls = tls
        self.token_url = base_url.rstrip("/") + ACCESS_TOKEN_PATH
        self.settings = settings
        self.clock = clock or SystemClock()
        self.log = log
        self._use_key = certificate_b64(settings.client_cert)
        self._saml: tuple[str, datetime] | None = None
        self._access: tuple[str, datetime] | None = None

    def forget(self) -> None:
        """Drop both tokens (the service refused them)."""
        self._saml = self._access = None

    def _post(self, url: str, service: str, prefix: str, **kwargs: Any) -> httpx.Response:
        timeout_s = float(self.http.timeout.connect or 10.0)
        return send(self.http, "POST", url, service=service, prefix=prefix,
                    refused=lambda exc: tls_refusal(exc, url, self.tls, timeout_s, service), **kwargs)

    def _fresh(self, kept: tuple[str, datetime] | None) -> str | None:
        return kept[0] if kept is not None and kept[1] - _REFRESH_BEFORE > self.clock.now() else None

    def saml_assertion(self) -> str:
        kept = self._fresh(self._saml)
        if kept is not None:
            return kept
        request = {"TokenType": SAML2, "RequestType": WS_TRUST_ISSUE, "KeyType": PUBLIC_KEY,
                   "AnvenderKontekst": {"Cvr": self.settings.cvr}, "UseKey": self._use_key,
                   "AppliesTo": {"EndpointReference": {"Address": self.settings.entity_id}}, "OnBehalfOf": None}
        response = self._post(self.settings.sts_url, "the token issuer (STS)", "DP_STS", json=request)
        if response.status_code != 200:
            raise ApplicationException(f"token-udstederen afviste et token / the token issuer refused a token: CVR {self.settings.cvr}, "
                                       f"{self.settings.entity_id} (HTTP {response.status_code})", code="DP_TOKEN_REFUSED")
        body = response.json()
        assertion = str((body.get("RequestedSecurityToken") or {}).get("Assertion") or "")
        if not assertion:
            raise ApplicationException("token-udstederen svarede uden en SAML-assertion / "
                                       "the token issuer answered without a SAML assertion", code="DP_TOKEN_REFUSED")
        self._saml = (assertion, _lifetime(body.get("Lifetime"), self.clock.now()))
        if self.log is not None:
            self.log.info("sf1601_saml_token_issued", cvr=self.settings.cvr, expires=self._saml[1].isoformat())
        return assertion

    def authorization(self) -> str:
        """The ``Authorization`` header value for the service (``Holder-of-key …``)."""
        kept = self._fresh(self._access)
        if kept is not None:
            return kept
        response = self._post(self.token_url, "the access token service", "DP_TOKEN",
                              data={"saml-token": self.saml_assertion()})
        if response.status_code != 200:
            self._saml = None
            raise ApplicationException(f"adgangstokentjenesten afviste SAML-tokenet / the access token service refused the SAML token "
                                       f"(HTTP {response.status_code})",
                                       code="DP_TOKEN_REFUSED")
        body = response.json()
        value = f"{body.get('token_type') or 'Holder-of-key'} {body['access_token']}"
        self._access = (value, self.clock.now() + timedelta(seconds=int(body.get("expires_in", 300))))
        if self.log is not None:
            self.log.info("sf1601_access_token_issued", expires_in_s=int(body.get("expires_in", 300)))
        return value


def headers(authorization: str, clock: Clock) -> dict[str, str]:
    """The SF1601 request headers: the token, a new transaction id and its time (UTC)."""
    return {"Authorization": authorization, "Content-Type": "application/xml; charset=UTF-8",
            "x-TransaktionsId": str(uuid.uuid4()),
            "x-TransaktionsTid": clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def refused_message(message: MemoMessage, status: int, body: dict[str, Any]) -> BusinessException:
    """A ``400`` from SF1601: the message was refused as invalid (what it says, never a recipient)."""
    details = "; ".join(str(d) for d in body.get("details", [])[:5]) if isinstance(body, dict) else ""
    return BusinessException(f"Serviceplatformen afviste besked / refused message {message.message_uuid} "
                             f"(HTTP {status}){': ' + details if details else ''}", code="MEMO_INVALID")
