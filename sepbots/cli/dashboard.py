"""``sepbots dashboard [--host --port]``: serve the operations dashboard."""

from __future__ import annotations

from typing import Annotated

import typer

from sepbots.cli.state import errors_to_exit, state
from sepbots.dashboard import create_app
from sepbots.dashboard.server import serve
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
) -> None:
    """Start driftsoverblikket i browseren / serve the operations dashboard (stop with Ctrl+C)."""
    from sepbots.dashboard.users import count_users

    st = state(ctx)
    with errors_to_exit():
        env = st.env()
        with env.store.engine.connect() as conn:
            empty = count_users(conn) == 0
            conn.rollback()
    settings = env.settings
    host = host or settings.dashboard.host
    port = settings.dashboard.port if port is None else port
    if empty:
        typer.echo(T(st.language, "no_users"))
    typer.echo(T(st.language, "serving", url=f"http://{host}:{port}/"))
    try:
        serve(create_app(env), host, port)
    finally:
        env.close()


def register(app: typer.Typer) -> None:
    """Add ``sepbots dashboard`` to the root command."""
    app.command("dashboard")(dashboard)
