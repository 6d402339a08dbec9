"""``sepbots practice …``: start the practice targets bots are developed and tested against."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sepbots.practice.cvrapi_command import cvr_api
from sepbots.practice.dar_command import dar
from sepbots.practice.desktop.command import desktop
from sepbots.practice.digitalpost_command import digitalpost
from sepbots.practice.graph.command import graph
from sepbots.practice.portal import (
    PRACTICE_PASSWORD,
    PRACTICE_USERNAME,
    ChaosConfig,
    PortalConfig,
    create_app,
)
from sepbots.practice.running import practice_language, run_until_signal
from sepbots.practice.server import serve_in_thread

app = typer.Typer(
    help="Øvelsesmiljøer til bots / practice targets for bots.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.callback()
def _group() -> None:
    """Øvelsesmiljøer til bots / practice targets for bots."""


_TEXTS = {
    "da": {
        "started": "Øvelsesportalen kører på {url}",
        "login": "Log ind som {user} med adgangskoden {password}",
        "data": "Data: {path}",
        "chaos": "Kaos: {chaos}",
        "stop": "Stop med Ctrl+C.",
        "stopped": "Øvelsesportalen er stoppet.",
    },
    "en": {
        "started": "The practice portal runs at {url}",
        "login": "Log in as {user} with the password {password}",
        "data": "Data: {path}",
        "chaos": "Chaos: {chaos}",
        "stop": "Stop with Ctrl+C.",
        "stopped": "The practice portal has stopped.",
    },
}


@app.command("portal")
def portal(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 = any free port)")] = 8765,
    data_dir: Annotated[
        Path, typer.Option(help="folder for the portal's SQLite file", file_okay=False)
    ] = Path("var/practice"),
    session_minutes: Annotated[
        float, typer.Option(min=0.01, help="idle minutes before a session expires")
    ] = 20.0,
    lockout_after: Annotated[int, typer.Option(min=1, help="failed logins before the account is locked")] = 5,
    latency_ms: Annotated[int, typer.Option(min=0, help="chaos: added latency per page")] = 0,
    error_rate: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="chaos: share of pages answered 500")
    ] = 0.0,
    rate_limit: Annotated[
        float | None, typer.Option(min=0.01, help="chaos: page requests per second before 429")
    ] = None,
    retry_after: Annotated[int, typer.Option(min=0, help="chaos: Retry-After seconds sent with 429")] = 1,
    slow_path: Annotated[
        list[str] | None, typer.Option(help="chaos: path prefix answered slowly (repeatable)")
    ] = None,
    seed: Annotated[int, typer.Option(help="seed for the generated companies")] = 2026,
    lang: Annotated[str | None, typer.Option("--lang", help="da or en")] = None,
) -> None:
    """Start the practice portal and keep it running until Ctrl+C."""
    texts = _TEXTS[practice_language(ctx, lang)]
    chaos = ChaosConfig(
        latency_ms=latency_ms,
        error_rate=error_rate,
        rate_limit_per_s=rate_limit,
        retry_after_s=retry_after,
        slow_paths=slow_path or [],
    )
    config = PortalConfig(
        db_path=data_dir / "portal.sqlite3",
        session_minutes=session_minutes,
        lockout_after=lockout_after,
        chaos=chaos,
        seed=seed,
    )
    url, stop = serve_in_thread(create_app(config), host=host, port=port)
    typer.echo(texts["started"].format(url=url))
    typer.echo(texts["login"].format(user=PRACTICE_USERNAME, password=PRACTICE_PASSWORD))
    typer.echo(texts["data"].format(path=config.db_path))
    if chaos != ChaosConfig():
        typer.echo(texts["chaos"].format(chaos=chaos.model_dump(exclude_defaults=True)))
    typer.echo(texts["stop"], err=False)
    run_until_signal(stop)
    typer.echo(texts["stopped"])


app.command("desktop")(desktop)
app.command("graph")(graph)
app.command("cvr-api")(cvr_api)



@app.command("os2autoproces")
def os2autoproces(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 = any free port)")] = 8770,
    api_key: Annotated[str, typer.Option(help="the API key the practice server accepts")] = "practice-api-key",
) -> None:
    """Start en øvelses-OS2autoproces (proces-API'et) / start a practice OS2autoproces API until Ctrl+C."""
    from sepbots.practice.os2autoproces import create_app as create_os2_app

    url, stop = serve_in_thread(create_os2_app(api_keys={api_key: "Øvelseskommune"}), host=host, port=port)
    typer.echo(f"Øvelses-OS2autoproces kører på / practice OS2autoproces runs at {url}")
    typer.echo(f"sepbots catalogue push --url {url} --api-key {api_key}")
    run_until_signal(stop)

app.command("digitalpost")(digitalpost)
app.command("dar")(dar)
