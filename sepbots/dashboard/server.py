"""Serving the dashboard with uvicorn: in the foreground (``sepbots dashboard``) or in a
background thread (demo, tests, benchmark).

``Serving`` says how: HTTPS with a certificate and key (uvicorn's ssl options), and which proxies
are trusted for ``X-Forwarded-For``/``X-Forwarded-Proto`` (uvicorn's proxy headers). Behind a
trusted proxy the forwarded scheme decides whether cookies are ``Secure`` and HSTS is sent, and
the forwarded client address is the one the login rate limit counts.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from sepbots.exceptions import ConfigError


@dataclass(frozen=True)
class Serving:
    """How the dashboard is served (all off by default: plain HTTP, no proxy trusted)."""

    tls_cert: Path | None = None
    tls_key: Path | None = None
    forwarded_allow_ips: str | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.tls_cert else "http"

    def check(self) -> None:
        """Raises ``ConfigError`` naming the setting when the TLS files are incomplete or missing."""
        if (self.tls_cert is None) != (self.tls_key is None):
            missing = "dashboard.tls_key" if self.tls_key is None else "dashboard.tls_cert"
            raise ConfigError("HTTPS kræver både certifikat og nøgle / HTTPS needs both a certificate and a key",
                              key=missing)
        for key, path in (("dashboard.tls_cert", self.tls_cert), ("dashboard.tls_key", self.tls_key)):
            if path is not None and not path.is_file():
                raise ConfigError(f"filen findes ikke / the file does not exist: {path}", key=key)

    def uvicorn_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"proxy_headers": self.forwarded_allow_ips is not None}
        if self.forwarded_allow_ips is not None:
            options["forwarded_allow_ips"] = self.forwarded_allow_ips
        if self.tls_cert is not None:
            options["ssl_certfile"] = str(self.tls_cert)
            options["ssl_keyfile"] = str(self.tls_key)
        return options


def serve(app: ASGIApp, host: str, port: int, serving: Serving | None = None) -> None:
    """Serve ``app`` until interrupted (Ctrl+C)."""
    serving = serving or Serving()
    serving.check()
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, **serving.uvicorn_options())


class ServerThread:
    """uvicorn in a daemon thread on a free port; use as a context manager.

    Attributes:
        url: ``http(s)://host:port`` once started.
    """

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0, serving: Serving | None = None) -> None:
        serving = serving or Serving()
        serving.check()
        self.host = host
        if port == 0:
            with socket.socket() as sock:
                sock.bind((host, 0))
                port = sock.getsockname()[1]
        self.port = port
        self.url = f"{serving.scheme}://{host}:{port}"
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off",
                                **serving.uvicorn_options())
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="sepbots-dashboard", daemon=True)

    def start(self, timeout_s: float = 10.0) -> ServerThread:
        """Start serving; returns once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the dashboard did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
