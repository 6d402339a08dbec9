"""A real SMTP server and a real webhook receiver (uvicorn) for the alert tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sepbots.practice.mail import SmtpInbox
from sepbots.practice.server import serve_in_thread


@dataclass
class WebhookReceiver:
    """What the receiver got, and how it answers (``status``)."""

    url: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    """A local HTTP server that keeps every JSON body posted to /hook."""
    receiver = WebhookReceiver(url="")

    async def hook(request: Request) -> Response:
        body = json.loads(await request.body())
        with receiver.lock:
            receiver.posts.append(body)
        return JSONResponse({"ok": receiver.status < 400}, status_code=receiver.status)

    url, stop = serve_in_thread(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
    receiver.url = f"{url}/hook"
    try:
        yield receiver
    finally:
        stop()


@pytest.fixture
def smtp() -> Iterator[SmtpInbox]:
    """A real SMTP server in this process."""
    with SmtpInbox() as inbox:
        yield inbox
