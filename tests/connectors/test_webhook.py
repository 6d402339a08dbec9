"""The webhook sender against a real local HTTP server: Teams cards, retries on 429/503 only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from structlog.testing import capture_logs

from sepbots.connectors.webhook import WebhookFormat, WebhookSender
from sepbots.exceptions import ApplicationException
from sepbots.practice.server import serve_in_thread
from sepbots.testing import ManualClock


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, object]], list[int]]]:
    """A receiver answering the statuses queued in ``answers`` (then 200), keeping every body."""
    bodies: list[dict[str, object]] = []
    answers: list[int] = []

    async def hook(request: Request) -> Response:
        bodies.append(await request.json())
        status = answers.pop(0) if answers else 200
        return JSONResponse({}, status_code=status, headers={"Retry-After": "3"} if status == 429 else None)

    url, stop = serve_in_thread(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
    try:
        yield f"{url}/hook", bodies, answers
    finally:
        stop()


def test_a_teams_card_is_posted_after_waiting_out_429_and_503(receiver: tuple[str, list[dict[str, object]], list[int]]) -> None:
    """429 (Retry-After: 3) and 503 are retried — 3 s, then 1 s backoff on the clock — and the MessageCard arrives."""
    url, bodies, answers = receiver
    answers += [429, 503]
    clock = ManualClock()
    with capture_logs() as logs:
        WebhookSender(SecretStr(url), format=WebhookFormat.TEAMS, clock=clock).send("Kørsel fejlet", "linje", {"bot": "x"})
    assert len(bodies) == 3 and clock.monotonic() == 4.0
    assert [e["wait_s"] for e in logs if e["event"] == "connector_retry"] == [3.0, 1.0]
    card = bodies[-1]
    assert card["@type"] == "MessageCard" and card["title"] == "Kørsel fejlet"
    assert card["sections"] == [{"text": "linje", "facts": [{"name": "bot", "value": "x"}]}]


def test_a_refused_post_is_not_retried_and_the_url_is_not_in_the_error(receiver: tuple[str, list[dict[str, object]], list[int]]) -> None:
    """404 is WEBHOOK_REFUSED at once; the message does not repeat the (secret) URL."""
    url, bodies, answers = receiver
    answers.append(404)
    with pytest.raises(ApplicationException) as refused:
        WebhookSender(SecretStr(url), clock=ManualClock()).send("t", "x", {})
    assert refused.value.code == "WEBHOOK_REFUSED" and url not in str(refused.value) and len(bodies) == 1
