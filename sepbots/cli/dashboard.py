"""``sepbots dashboard [--host --port]``: serve the operations dashboard."""

from __future__ import annotations

from typing import Annotated

import typer

from sepbots.cli.users import context_settings
from sepbots.dashboard import create_app
from sepbots.dashboard.server import serve
from sepbots.exceptions import SepbotsError
from sepbots.store import Store

app = typer.Typer(help="Driftsoverblikket i browseren / the operations dashboard.", invoke_without_command=True)


@app.callback()
def dashboard(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="address to listen on (default: dashboard.host)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: dashboard.port)")] = None,
) -> None:
    """Start driftsoverblikket / start the dashboard (stop with Ctrl+C)."""
    try:
        settings = context_settings(ctx)
        store = Store(settings.database_url, busy_timeout_s=settings.database.busy_timeout_s)
    except SepbotsError as exc:
        typer.echo(f"fejl/error: {exc}", err=True)
        raise typer.Exit(2) from exc
    host = host or settings.dashboard.host
    port = settings.dashboard.port if port is None else port
    da = settings.language == "da"
    typer.echo(f"{'Driftsoverblik' if da else 'Dashboard'}: http://{host}:{port}/  ({'stop med' if da else 'stop with'} Ctrl+C)")
    serve(create_app(settings, store), host, port)
