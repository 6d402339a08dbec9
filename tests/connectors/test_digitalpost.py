"""Digital Post: MeMo messages over mutual TLS against `sepbots practice digitalpost` with real certificates."""

from __future__ import annotations

import signal
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from pydantic import SecretStr
from structlog.testing import capture_logs

from sepbots.connectors.digitalpost import (
    DigitalPostClient,
    MemoMessage,
    Recipient,
    Sender,
    client_tls_context,
    message_uuid,
    schema_errors,
    to_xml,
)
from sepbots.connectors.retry import RetryPolicy
from sepbots.exceptions import ApplicationException, BusinessException, ConfigError
from sepbots.practice.certs import PracticePki, issue, make_ca, practice_pki
from sepbots.practice.digitalpost import DigitalPost, DigitalPostConfig, create_app
from sepbots.practice.server import ServerTls, serve_in_thread
from sepbots.testing import ManualClock

CPR = "0101901234"
SENDER = Sender(cvr="29189854", label="Roskilde Kommune")
PDF = b"%PDF-1.4 velkomstbrev"


def letter(reference: str = "flyt-1", *, label: str = "Velkommen til kommunen", cpr: str = CPR) -> MemoMessage:
    return MemoMessage(message_uuid=message_uuid(SENDER.cvr, reference), label=label, sender=SENDER,
                       recipient=Recipient(id=SecretStr(cpr)), created=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                       filename="velkomstbrev.pdf", content=PDF)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PracticePki:
    """A practice CA with a localhost server certificate and a system certificate for the robot."""
    return practice_pki(tmp_path_factory.mktemp("pki"))


@contextmanager
def serve(pki: PracticePki, config: DigitalPostConfig | None = None) -> Iterator[tuple[str, DigitalPost]]:
    app = create_app(config)
    url, stop = serve_in_thread(app, tls=ServerTls(pki.server.cert, pki.server.key, client_ca=pki.ca.cert))
    try:
        yield url, app.state.digitalpost
    finally:
        stop()


def tls(pki: PracticePki) -> ssl.SSLContext:
    return client_tls_context(pki.client.cert, pki.client.key, ca_file=pki.ca.cert)


@contextmanager
def sending(pki: PracticePki, config: DigitalPostConfig | None = None, context: ssl.SSLContext | None = None,
            retry: RetryPolicy | None = None) -> Iterator[tuple[DigitalPostClient, DigitalPost]]:
    """A practice server and a client of it (the robot's certificate unless ``context`` is given)."""
    with serve(pki, config) as (url, post), \
            DigitalPostClient(url, context or tls(pki), clock=ManualClock(), retry=retry) as client:
        yield client, post


def test_the_message_builder_writes_valid_memo_and_the_uuid_follows_the_reference() -> None:
    """The built XML passes the MeMo schema; the same reference gives the same UUID, another reference another."""
    assert schema_errors(to_xml(letter())) == []
    assert message_uuid("29189854", "flyt-1") == message_uuid("29189854", "flyt-1") != message_uuid("29189854", "flyt-2")
    root = etree.fromstring(to_xml(letter()))
    ns = {"memo": "https://DigitalPost.dk/MeMo-1"}
    assert root.findtext("memo:MessageHeader/memo:Recipient/memo:idType", namespaces=ns) == "CPR"
    assert root.findtext("memo:MessageBody/memo:MainDocument/memo:File/memo:encodingFormat", namespaces=ns) == "application/pdf"
    assert CPR not in repr(letter())  # the recipient is a secret in reprs


def test_a_valid_letter_gets_a_receipt_and_a_second_send_returns_the_same_receipt(pki: PracticePki) -> None:
    """The first send is accepted (201); sending the same message UUID again is refused as a duplicate with the first receipt."""
    with sending(pki) as (client, post):
        first = client.send(letter())
        again = client.send(letter())
    assert first.message_uuid == str(message_uuid(SENDER.cvr, "flyt-1")) and not first.duplicate
    assert again.duplicate and again.receipt_id == first.receipt_id
    assert list(post.accepted) == [first.message_uuid] and post.duplicates == 1


def test_schema_complaints_never_quote_the_offending_value() -> None:
    """A CPR number in the wrong element is named by element and line in the schema's complaint, never quoted."""
    document = to_xml(letter()).replace(b"2026-12-01T09:00:00+00:00", CPR.encode())
    errors = schema_errors(document)
    assert len(errors) == 1 and "createdDateTime" in errors[0] and CPR not in errors[0]


def test_a_restarted_server_still_refuses_a_letter_it_receipted_and_keeps_no_cpr(pki: PracticePki, tmp_path: Path) -> None:
    """With a receipts file, a new server process reads the receipts back and refuses the same UUID; the file holds no CPR."""
    config = DigitalPostConfig(receipts_file=tmp_path / "receipts.jsonl")
    with sending(pki, config) as (client, _):
        first = client.send(letter())
    with sending(pki, config) as (client, post):
        again = client.send(letter())
    assert again.duplicate and again.receipt_id == first.receipt_id and post.duplicates == 1
    assert CPR not in (tmp_path / "receipts.jsonl").read_text(encoding="utf-8")


def test_a_schema_violation_is_a_business_exception_without_the_cpr_number(pki: PracticePki) -> None:
    """A recipient number of the wrong length is refused by the server (400) → MEMO_INVALID, and the text names no CPR."""
    with sending(pki) as (client, post), pytest.raises(BusinessException) as caught:
        client.send(letter(cpr="01019012345"))
    assert caught.value.code == "MEMO_INVALID" and "recipientID" in caught.value.message
    assert "01019012345" not in caught.value.message and post.accepted == {}


def test_a_client_certificate_from_another_ca_is_refused_clearly(pki: PracticePki, tmp_path: Path) -> None:
    """A system certificate the server's CA did not issue fails at once with DP_TLS_REFUSED (no retries)."""
    stranger_ca = make_ca(tmp_path / "other", "fremmed CA")
    stranger = issue(stranger_ca, tmp_path / "other", "robot", "fremmed robot")
    context = client_tls_context(stranger.cert, stranger.key, ca_file=pki.ca.cert)
    with sending(pki, context=context) as (client, post), capture_logs() as logs, \
            pytest.raises(ApplicationException) as caught:
        client.send(letter())
    assert caught.value.code == "DP_TLS_REFUSED" and "certificate" in caught.value.message
    assert [e for e in logs if e["event"] == "connector_retry"] == [] and post.accepted == {}


def test_an_expired_client_certificate_is_refused(pki: PracticePki, tmp_path: Path) -> None:
    """An expired system certificate is a ConfigError when checked against the clock, and refused by the server if sent."""
    expired = issue(pki.ca, tmp_path, "expired", "udløbet robot", days=-1)
    with pytest.raises(ConfigError) as early:
        client_tls_context(expired.cert, expired.key, ca_file=pki.ca.cert, now=datetime.now(UTC))
    assert early.value.key == "digitalpost.client_cert" and "expired.crt" in str(early.value)
    context = client_tls_context(expired.cert, expired.key, ca_file=pki.ca.cert)
    with sending(pki, context=context) as (client, post), pytest.raises(ApplicationException) as caught:
        client.send(letter())
    assert caught.value.code == "DP_TLS_REFUSED" and post.accepted == {}


def test_no_client_certificate_is_refused_and_a_missing_file_names_the_setting(pki: PracticePki, tmp_path: Path) -> None:
    """Without any client certificate the handshake fails (DP_TLS_REFUSED); a missing key file is a ConfigError naming it."""
    bare = ssl.create_default_context(cafile=str(pki.ca.cert))
    with sending(pki, context=bare) as (client, _), pytest.raises(ApplicationException) as caught:
        client.send(letter())
    assert caught.value.code == "DP_TLS_REFUSED"
    with pytest.raises(ConfigError) as missing:
        client_tls_context(pki.client.cert, tmp_path / "robot.key", ca_file=pki.ca.cert)
    assert missing.value.key == "digitalpost.client_key" and "robot.key" in str(missing.value)


def test_a_server_the_robot_does_not_trust_is_refused(pki: PracticePki, tmp_path: Path) -> None:
    """A client that trusts another CA will not talk to the server (its certificate is not verified)."""
    other_ca = make_ca(tmp_path / "other", "anden CA")
    context = client_tls_context(pki.client.cert, pki.client.key, ca_file=other_ca.cert)
    with sending(pki, context=context) as (client, _), pytest.raises(ApplicationException) as caught:
        client.send(letter())
    assert caught.value.code == "DP_TLS_REFUSED"


def test_503_and_429_are_retried_with_retry_after_and_the_letter_is_sent_once(pki: PracticePki) -> None:
    """Two 503s then two 429s (Retry-After 3) are waited out; the letter is accepted once and nothing is logged with the CPR."""
    config = DigitalPostConfig(fail_first=2, throttle_first=2, retry_after_s=3)
    with sending(pki, config, retry=RetryPolicy(attempts=5, initial_s=0.5)) as (client, post), capture_logs() as logs:
        receipt = client.send(letter())
    waits = [e["wait_s"] for e in logs if e["event"] == "connector_retry"]
    assert waits == [0.5, 1.0, 3.0, 3.0] and list(post.accepted) == [receipt.message_uuid]
    assert CPR not in repr(logs)


def test_throttling_beyond_the_attempts_is_an_application_error(pki: PracticePki) -> None:
    """When every attempt is throttled the send fails as DP_THROTTLED, so the runtime retries the item later."""
    config = DigitalPostConfig(throttle_first=10, retry_after_s=1)
    with sending(pki, config, retry=RetryPolicy(attempts=3)) as (client, post), \
            pytest.raises(ApplicationException) as caught:
        client.send(letter())
    assert caught.value.code == "DP_THROTTLED" and post.accepted == {}


def test_plain_http_is_refused_by_the_client(pki: PracticePki) -> None:
    """The client will not send letters over plain http://."""
    with pytest.raises(ConfigError):
        DigitalPostClient("http://127.0.0.1:1", tls(pki))


def test_the_practice_digitalpost_command_makes_certificates_and_receipts_a_letter(tmp_path: Path) -> None:
    """`sepbots practice digitalpost --port 0` makes its CA and robot certificate, and accepts a letter sent with them."""
    process = subprocess.Popen([sys.executable, "-m", "sepbots", "--lang", "en", "practice", "digitalpost", "--port", "0",
                                "--certs", str(tmp_path / "certs")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("The practice Digital Post runs at https://127.0.0.1:"), first
        url = first.split(" at ", 1)[1].split("/memo", 1)[0]
        assert "robot.crt" in process.stdout.readline()
        made = practice_pki(tmp_path / "certs")  # reuses the files the command made
        with DigitalPostClient(url, tls(made)) as client:
            assert not client.send(letter()).duplicate
        assert (tmp_path / "certs" / "receipts.jsonl").is_file()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0 and "The practice Digital Post has stopped." in out
    assert CPR not in out + err
