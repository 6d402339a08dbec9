"""Digital Post through the practice Serviceplatformen (SF1601 and its tokens), and the schema check before sending."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from lxml import etree
from structlog.testing import capture_logs

from sepbots.connectors.digitalpost import DigitalPostClient, Sf1601, kombi_request, to_xml
from sepbots.connectors.digitalpost.sf1601 import KOMBI_PATH, read_kombi_request
from sepbots.connectors.retry import RetryPolicy
from sepbots.exceptions import ApplicationException, BusinessException, ConfigError
from sepbots.practice.certs import PracticePki
from sepbots.practice.digitalpost import DigitalPost, DigitalPostConfig
from sepbots.practice.digitalpost_sf1601 import STS_PATH
from sepbots.testing import ManualClock
from tests.connectors.test_digitalpost import CPR, SENDER, letter, pki, serve, tls

__all__ = ["pki"]  # the module-scoped practice PKI fixture


@contextmanager
def through_serviceplatformen(pki: PracticePki, *, cvr: str = SENDER.cvr, clock: ManualClock | None = None,
                              memo_schema: Path | None = None) -> Iterator[tuple[DigitalPostClient, DigitalPost]]:
    """The practice server (checking token requests against its CA) and an SF1601 client of it."""
    with serve(pki, DigitalPostConfig(ca_cert=pki.ca.cert)) as (url, post):
        settings = Sf1601(cvr=cvr, client_cert=pki.client.cert, sts_url=url + STS_PATH)
        with DigitalPostClient(url, tls(pki), sf1601=settings, memo_schema=memo_schema,
                               clock=clock or ManualClock(datetime.now(UTC)), retry=RetryPolicy(attempts=3)) as client:
            yield client, post


def test_the_kombi_request_wraps_the_memo_message_unchanged() -> None:
    """kombi_request carries KombiValgKode "Digital Post" and the MeMo message as to_xml writes it."""
    kombi = read_kombi_request(kombi_request(letter()))
    assert kombi.kombi_valg_kode == "Digital Post" and kombi.message is not None
    assert etree.tostring(kombi.message) == etree.tostring(etree.fromstring(to_xml(letter())))


def test_sf1601_takes_a_security_token_then_an_access_token_then_sends_and_reuses_them(pki: PracticePki) -> None:
    """Certificate → SAML token → access token → kombi_request: two letters need one pair of tokens; a resend is a duplicate."""
    with through_serviceplatformen(pki) as (client, post), capture_logs() as logs:
        first = client.send(letter("flyt-1"))
        second = client.send(letter("flyt-2"))
        again = client.send(letter("flyt-1"))
    assert client.url.endswith(KOMBI_PATH) and post.tokens.issued == {"saml": 1, "access": 1}
    assert sorted(post.accepted) == sorted([first.message_uuid, second.message_uuid]) and post.duplicates == 1
    assert again.duplicate and again.receipt_id == first.receipt_id
    assert [e["event"] for e in logs].count("sf1601_saml_token_issued") == 1 and CPR not in repr(logs)


def test_a_token_the_service_no_longer_accepts_is_renewed_and_the_letter_sent_once(pki: PracticePki) -> None:
    """The service expires the tokens (401): the client drops both, asks for new ones and sends once."""
    with through_serviceplatformen(pki) as (client, post), capture_logs() as logs:
        client.send(letter("flyt-1"))
        post.tokens.expire()
        receipt = client.send(letter("flyt-2"))
    assert post.tokens.issued == {"saml": 2, "access": 2} and receipt.message_uuid in post.accepted
    assert [e["code"] for e in logs if e["event"] == "connector_retry"] == ["DP_TOKEN_EXPIRED"]


def test_tokens_past_their_lifetime_are_renewed_before_the_call(pki: PracticePki) -> None:
    """When the client's clock passes the tokens' lifetime it asks for new ones without a refused call."""
    clock = ManualClock(datetime.now(UTC))
    with through_serviceplatformen(pki, clock=clock) as (client, post), capture_logs() as logs:
        client.send(letter("flyt-1"))
        clock.advance(hours=2)
        client.send(letter("flyt-2"))
    assert post.tokens.issued == {"saml": 2, "access": 2}
    assert [e for e in logs if e["event"] == "connector_retry"] == []


def test_the_token_issuer_refuses_a_cvr_the_certificate_is_not_for(pki: PracticePki) -> None:
    """A token request for another municipality than the certificate's is DP_TOKEN_REFUSED, and nothing is sent."""
    with through_serviceplatformen(pki, cvr="12345678") as (client, post), pytest.raises(ApplicationException) as caught:
        client.send(letter())
    assert caught.value.code == "DP_TOKEN_REFUSED" and post.accepted == {} and post.tokens.issued["saml"] == 0


def test_a_letter_breaking_the_schema_is_refused_before_it_is_sent(pki: PracticePki) -> None:
    """An 11-digit recipient breaks the schema: MEMO_INVALID in Danish and English, naming the element, no request, no CPR."""
    with serve(pki) as (url, post), DigitalPostClient(url, tls(pki)) as client, pytest.raises(BusinessException) as caught:
        client.send(letter(cpr="01019012345"))
    message = caught.value.message
    assert caught.value.code == "MEMO_INVALID" and "recipientID" in message
    assert "overholder ikke skemaet" in message and "breaks the schema" in message and "01019012345" not in message
    assert post.requests == 0


def test_the_practice_server_checks_what_it_receives(pki: PracticePki) -> None:
    """A message posted past the client's check is refused by the server (400) with the element named, never the value."""
    document = to_xml(letter()).replace(CPR.encode(), b"0101901234X")
    context: ssl.SSLContext = tls(pki)
    with serve(pki) as (url, post), httpx.Client(verify=context) as http:
        answer = http.post(url + "/memo", content=document, headers={"Content-Type": "application/xml"})
    assert answer.status_code == 400 and "recipientID" in answer.text and "0101901234X" not in answer.text
    assert post.accepted == {}


def test_memo_schema_names_the_schema_letters_are_checked_against(pki: PracticePki, tmp_path: Path) -> None:
    """A named schema file is used instead of the subset (here one taking Danish letters only); a missing one is a ConfigError."""
    strict = tmp_path / "MeMo_core.xsd"
    subset = (Path(__file__).parents[2] / "sepbots/connectors/digitalpost/memo_subset.xsd").read_text(encoding="utf-8")
    strict.write_text(subset.replace('<xs:pattern value="[a-z]{2}"/>', '<xs:pattern value="da"/>'), encoding="utf-8")
    english = letter("flyt-en").model_copy(update={"language": "en"})
    with serve(pki) as (url, post), DigitalPostClient(url, tls(pki), memo_schema=strict) as client:
        with pytest.raises(BusinessException) as caught:
            client.send(english)
        assert caught.value.code == "MEMO_INVALID" and "language" in caught.value.message
        assert not client.send(letter()).duplicate and post.requests == 1
    with DigitalPostClient(url, tls(pki), memo_schema=tmp_path / "MeMo_mangler.xsd") as client, \
            pytest.raises(ConfigError) as missing:
        client.send(letter())
    assert missing.value.key == "digitalpost.memo_schema"


def test_secret_recipients_stay_out_of_the_kombi_request_log(pki: PracticePki) -> None:
    """Sending through SF1601 logs UUIDs and token events only: no CPR number, no token value."""
    with through_serviceplatformen(pki) as (client, post), capture_logs() as logs:
        client.send(letter())
    tokens = [*post.tokens.access, *post.tokens.assertions]
    assert len(tokens) == 2 and CPR not in repr(logs) and all(t not in repr(logs) for t in tokens)
