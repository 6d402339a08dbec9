"""Serve an ASGI app with uvicorn in a background thread (tests, the demo and the benchmark).

As in httpx's own test suite: a real uvicorn ``Server`` on 127.0.0.1, started in a daemon thread
(uvicorn skips signal handlers outside the main thread), and stopped by setting ``should_exit``.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp


class ServerStartError(RuntimeError):
    """The server did not come up in time."""


@dataclass(frozen=True)
class ServerTls:
    """HTTPS for a practice server: its certificate and key, and the CA whose client certificates it requires."""

    cert: Path
    key: Path
    client_ca: Path | None = None


def serve_in_thread(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 0, *, start_timeout_s: float = 10.0, tls: ServerTls | None = None
) -> tuple[str, Callable[[], None]]:
    """Start ``app`` on ``host:port`` in a daemon thread and wait until it accepts connections.

    Args:
        app: the ASGI application.
        host: interface to bind.
        port: TCP port; 0 picks a free one.
        start_timeout_s: how long to wait for start-up.
        tls: serve HTTPS (``https://`` URL); with ``client_ca`` a client certificate from that CA is required.

    Returns:
        ``(url, stop)``: the base URL (``http://127.0.0.1:PORT``, no trailing slash) and a function
        that stops the server and waits for its thread (safe to call twice).

    Raises:
        ServerStartError: when the server is not listening within ``start_timeout_s``.
    """
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on sockets that say they are TCP,
    # and without it every keep-alive response waits 40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    tls_options: dict[str, object] = {}
    if tls is not None:
        tls_options = {"ssl_certfile": str(tls.cert), "ssl_keyfile": str(tls.key)}
        if tls.client_ca is not None:
            tls_options |= {"ssl_ca_certs": str(tls.client_ca), "ssl_cert_reqs": ssl.CERT_REQUIRED}
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False, **tls_options)  # type: ignore[arg-type]  # the TLS options are Config's keyword arguments
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"uvicorn-{bound_port}"
    )
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise ServerStartError(f"server on {host}:{bound_port} did not start within {start_timeout_s} s")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return f"{'https' if tls else 'http'}://{host}:{bound_port}", stop
