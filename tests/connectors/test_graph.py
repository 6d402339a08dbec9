"""The Graph mailbox against `sepbots practice graph` served by a real uvicorn: paging, throttling, tokens."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from structlog.testing import capture_logs

from sepbots.connectors.mail import AttachmentData, MailRef, OutgoingMail
from sepbots.connectors.mail.graph import GraphApp, GraphMailbox
from sepbots.exceptions import ApplicationException, BusinessException
from sepbots.practice.graph import GraphConfig, GraphPractice, StoredAttachment, create_app
from sepbots.practice.server import serve_in_thread
from sepbots.testing import ManualClock
from sepbots.vault import Credential

MAILBOX = "postkasse@practice.kommune.dk"
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@contextmanager
def serve(config: GraphConfig) -> Iterator[tuple[str, GraphPractice]]:
    app: Starlette = create_app(config)
    url, stop = serve_in_thread(app)
    try:
        yield url, app.state.graph
    finally:
        stop()


@pytest.fixture
def graph() -> Iterator[tuple[str, GraphPractice]]:
    """A practice Graph server without throttling."""
    with serve(GraphConfig()) as running:
        yield running


def mailbox(url: str, *, secret: str = "practice-client-secret", box: str = MAILBOX, clock: ManualClock | None = None,
            page_size: int = 50) -> GraphMailbox:
    app = GraphApp(tenant="practice-tenant", client_id="sepbots-practice-app", mailbox=box, graph_url=f"{url}/v1.0",
                   login_url=url, timeout_s=5, page_size=page_size)
    return GraphMailbox(app, Credential(name="graph", username=None, password=SecretStr(secret)), clock=clock or ManualClock())


def seed(graph: GraphPractice, count: int) -> None:
    for n in range(count):
        graph.store.add_message(MAILBOX, "inbox", subject=f"Mail {n}", sender=("Borger", f"borger{n}@example.dk"),
                                received=START + timedelta(minutes=n), body=f"Tekst {n}")


def test_listing_follows_odata_next_links_through_every_page(graph: tuple[str, GraphPractice]) -> None:
    """Seven messages with $top=3 come back in order from three pages."""
    url, state = graph
    seed(state, 7)
    with mailbox(url, page_size=3) as box:
        listed = box.messages("inbox")
    assert [m.subject for m in listed] == [f"Mail {n}" for n in range(7)]
    assert listed[0].sender == "borger0@example.dk" and listed[0].received == START and listed[0].text == "Tekst 0"
    assert state.calls == 3


def test_throttling_is_waited_out_as_retry_after_says() -> None:
    """Every second call answered 429 with Retry-After: 2 is retried after 2 s on the clock, and nothing is lost."""
    with serve(GraphConfig(throttle_every=2, retry_after_s=2)) as (url, state):
        seed(state, 5)
        clock = ManualClock()
        with capture_logs() as logs, mailbox(url, page_size=2, clock=clock) as box:
            listed = box.messages("inbox")
        assert [m.subject for m in listed] == [f"Mail {n}" for n in range(5)]
        waits = [e["wait_s"] for e in logs if e["event"] == "connector_retry"]
        assert state.throttled >= 2 and waits == [2.0] * state.throttled and clock.monotonic() == 2.0 * state.throttled


def test_an_expired_token_is_refreshed_once_and_the_call_repeated(graph: tuple[str, GraphPractice]) -> None:
    """After the server expires every token, the next call gets 401 InvalidAuthenticationToken, a new token, and succeeds."""
    url, state = graph
    seed(state, 1)
    with mailbox(url) as box:
        assert len(box.messages("inbox")) == 1
        state.expire_tokens()
        assert len(box.messages("inbox")) == 1
    assert state.tokens_issued == 2


def test_a_wrong_client_secret_is_refused_without_showing_it(graph: tuple[str, GraphPractice]) -> None:
    """invalid_client from the token endpoint is GRAPH_LOGIN_REFUSED, and the message holds no secret."""
    url, _ = graph
    with mailbox(url, secret="forkert-hemmelighed") as box, pytest.raises(ApplicationException) as refused:
        box.messages("inbox")
    assert refused.value.code == "GRAPH_LOGIN_REFUSED" and "forkert-hemmelighed" not in str(refused.value)


def test_a_mailbox_outside_the_access_policy_is_denied(graph: tuple[str, GraphPractice]) -> None:
    """A mailbox the app registration may not use answers 403, raised as GRAPH_ACCESS_DENIED."""
    url, _ = graph
    with mailbox(url, box="borgmester@practice.kommune.dk") as box, pytest.raises(ApplicationException) as denied:
        box.messages("inbox")
    assert denied.value.code == "GRAPH_ACCESS_DENIED"


def test_move_keeps_the_immutable_id_flags_become_categories_and_attachments_come_whole(graph: tuple[str, GraphPractice]) -> None:
    """A moved message keeps its id, is found by Message-ID in the new folder, and its attachment is byte-identical."""
    url, state = graph
    stored = state.store.add_message(MAILBOX, "inbox", subject="Med bilag", sender=("B", "b@example.dk"), received=START,
                                     body="x", attachments=[StoredAttachment("bilag.pdf", "application/pdf", b"%PDF-1.7")])
    with mailbox(url) as box:
        (listed,) = box.messages("inbox")
        assert [a.filename for a in listed.attachments] == ["bilag.pdf"]
        assert [a.content for a in box.attachments(listed.ref)] == [b"%PDF-1.7"]
        box.add_flags(listed.ref, ["SepbotsFiled", "\\Seen"])
        box.move(listed.ref, "Journaliseret")
        assert box.message(listed.ref) is None and box.messages("inbox") == []
        found = box.find("Journaliseret", stored.internet_message_id)
        assert found == MailRef(folder="Journaliseret", validity="immutable", id=stored.id)
        moved = box.message(found)
        assert moved is not None and {"SepbotsFiled", "\\Seen"} <= moved.flags
        with pytest.raises(BusinessException) as gone:
            box.attachments(MailRef(folder="inbox", validity="immutable", id="AAMkMsgnothere"))
    assert gone.value.code == "MAIL_GONE"


def test_send_mail_posts_the_message_with_attachments(graph: tuple[str, GraphPractice]) -> None:
    """sendMail receives subject, text, recipients and the base64 attachment."""
    url, state = graph
    with mailbox(url) as box:
        box.send(OutgoingMail(sender=MAILBOX, to=["borger@example.dk"], subject="Kvittering", text="J-2026-000001",
                              attachments=[AttachmentData(filename="k.txt", content_type="text/plain", size=2, content=b"ok")]))
    (sent,) = state.store.sent
    message = sent["message"]
    assert message["subject"] == "Kvittering" and message["body"]["content"] == "J-2026-000001"
    assert message["toRecipients"] == [{"emailAddress": {"address": "borger@example.dk"}}]
    assert message["attachments"][0]["contentBytes"] == "b2s="


def test_the_practice_graph_command_serves_the_sample_mailbox(tmp_path: Path) -> None:
    """`sepbots practice graph --port 0` prints its URL and answers a client with the sample mails until SIGTERM."""
    process = subprocess.Popen([sys.executable, "-m", "sepbots", "--lang", "en", "practice", "graph", "--port", "0", "--mails", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.rsplit(" ", 1)[1].strip()
        assert first.startswith("The practice Graph runs at http://127.0.0.1:")
        with mailbox(url) as box:
            assert [m.sender for m in box.messages("inbox")] == ["borger1@example.dk", "borger2@example.dk"]
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=15)
    assert process.returncode == 0 and "The practice Graph has stopped." in out
