"""``sepbots practice cvr-api``: the practice CVR system-to-system interface, until Ctrl+C."""

from __future__ import annotations

from typing import Annotated

import typer

from sepbots.practice.cvrapi import CvrApiConfig, create_app
from sepbots.practice.running import practice_language, run_until_signal
from sepbots.practice.server import serve_in_thread

_TEXTS = {
    "da": {"started": "Øvelses-CVR-API kører på {url}{path}", "login": "Basic-login: {user} / {password}",
           "stopped": "Øvelses-CVR-API er stoppet."},
    "en": {"started": "The practice CVR API runs at {url}{path}", "login": "Basic login: {user} / {password}",
           "stopped": "The practice CVR API has stopped."},
}


def cvr_api(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 = any free port)")] = 8767,
    seed: Annotated[int, typer.Option(help="seed for the companies (the portal's default: the same companies)")] = 2026,
    companies: Annotated[int, typer.Option(min=1, help="how many companies")] = 500,
    rate_limit: Annotated[float | None, typer.Option(min=0.01, help="searches per second before 429")] = None,
    retry_after: Annotated[int, typer.Option(min=0, help="Retry-After seconds sent with 429")] = 1,
    lang: Annotated[str | None, typer.Option("--lang", help="da or en")] = None,
) -> None:
    """Start øvelses-CVR-API (system-til-system) / start the practice CVR system-to-system API."""
    lang = practice_language(ctx, lang)
    config = CvrApiConfig(seed=seed, company_count=companies, rate_limit_per_s=rate_limit, retry_after_s=retry_after)
    url, stop = serve_in_thread(create_app(config), host=host, port=port)
    texts = _TEXTS[lang]
    typer.echo(texts["started"].format(url=url, path="/cvr-permanent/virksomhed/_search"))
    typer.echo(texts["login"].format(user=config.username, password=config.password))
    run_until_signal(stop)
    typer.echo(texts["stopped"])
