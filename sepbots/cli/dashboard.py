"""``sepbots dashboard [--host --port --tls-cert --tls-key --forwarded-allow-ips]``: serve the operations dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sepbots.cli.state import errors_to_exit, state
from sepbots.dashboard import create_app
from sepbots.dashboard.server import Serving, serve
from sepbots.i18n import Catalog

T = Catalog({
    "serving": ("Driftsoverblik: {url}  (stop med Ctrl+C)", "Dashboard: {url}  (stop with Ctrl+C)"),
    "no_users": (
        "Der er ingen brugere endnu: opret en med  sepbots users add NAVN --role admin",
        "There are no users yet: create one with  sepbots users add NAME --role admin",
    ),
})


def dashboard(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="address to listen on (default: dashboard.host)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: dashboard.port)")] = None,
    tls_cert: Annotated[Path | None, typer.Option(
        "--tls-cert", help="PEM certificate: serve HTTPS with Secure cookies and HSTS (default: dashboard.tls_cert)")] = None,
    tls_key: Annotated[Path | None, typer.Option(
        "--tls-key", help="PEM private key of the certificate (default: dashboard.tls_key)")] = None,
    forwarded_allow_ips: Annotated[str | None, typer.Option(
        "--forwarded-allow-ips",
        help="trust X-Forwarded-For/-Proto from these proxy addresses (comma-separated; default: none)")] = None,
) -> None:
    """Start driftsoverblikket i browseren / serve the operations dashboard (stop with Ctrl+C)."""
    from sepbots.dashboard.users import count_users

    st = state(ctx)
    with errors_to_exit():
        settings = st.settings.dashboard
        serving = Serving(
            tls_cert=tls_cert or settings.tls_cert, tls_key=tls_key or settings.tls_key,
            forwarded_allow_ips=forwarded_allow_ips or settings.forwarded_allow_ips,
        )
        serving.check()
        env = st.env()
        with env.store.engine.connect() as conn:
            empty = count_users(conn) == 0
            conn.rollback()
    host = host or settings.host
    port = settings.port if port is None else port
    if empty:
        typer.echo(T(st.language, "no_users"))
    typer.echo(T(st.language, "serving", url=f"{serving.scheme}://{host}:{port}/"))
    try:
        serve(create_app(env), host, port, serving)
    finally:
        env.close()


def register(app: typer.Typer) -> None:
    """Add ``sepbots dashboard`` to the root command."""
    app.command("dashboard")(dashboard)
