"""``sepbots catalogue push|pull``: the catalogue to and from OS2autoproces over its HTTP API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Protocol, TypeVar

import httpx
import typer

from sepbots.catalogue.os2autoproces import Visibility
from sepbots.catalogue.os2client import Os2AutoprocesClient, pull, push
from sepbots.cli.catalogue import CatalogueContext, CatalogueOpt, LangOpt, app, out
from sepbots.cli.state import errors_to_exit
from sepbots.clock import SystemClock

UrlOpt = Annotated[str, typer.Option("--url", help="OS2autoproces base URL, e.g. https://www.os2autoproces.eu")]
KeyOpt = Annotated[
    str,
    typer.Option(
        "--api-key",
        envvar="OS2AUTOPROCES_API_KEY",
        help="the municipality's API key (or OS2AUTOPROCES_API_KEY)",
        show_default=False,
    ),
]
TimeoutOpt = Annotated[float, typer.Option(min=1, help="seconds per HTTP request")]


class Summarised(Protocol):
    def summary(self, lang: str) -> str: ...


R = TypeVar("R", bound=Summarised)


def _exchange(
    ctx: typer.Context, catalogue: Path | None, lang: str | None, timeout: float,
    call: Callable[[CatalogueContext, httpx.Client], R],
) -> R:
    """Run ``call`` with the catalogue context and an HTTP client, print its report's summary and return the report."""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit(), httpx.Client(timeout=timeout) as http:
        report = call(c, http)
    out.print(report.summary(c.lang), highlight=False)
    return report


@app.command("push")
def push_cmd(
    ctx: typer.Context,
    url: UrlOpt,
    api_key: KeyOpt,
    visibility: Annotated[Visibility, typer.Option(help="PERSONAL, MUNICIPALITY or PUBLIC")] = Visibility.MUNICIPALITY,
    timeout: TimeoutOpt = 30.0,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Send kataloget til OS2autoproces (opret eller opdatér). (Push the catalogue to OS2autoproces.)"""
    report = _exchange(ctx, catalogue, lang, timeout,
                       lambda c, http: push(c.load(), Os2AutoprocesClient(url, api_key, http), visibility=visibility))
    for key, message in report.refused.items():
        out.print(f"[red]{key}: {message}[/red]", highlight=False)
    if report.refused:
        raise typer.Exit(1)


@app.command("pull")
def pull_cmd(
    ctx: typer.Context,
    url: UrlOpt,
    api_key: KeyOpt,
    timeout: TimeoutOpt = 30.0,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Hent processer fra OS2autoproces, som kataloget ikke har. (Pull processes the catalogue lacks.)"""
    today = SystemClock().now().date()
    report = _exchange(ctx, catalogue, lang, timeout,
                       lambda c, http: pull(c.load_unscaled(), Os2AutoprocesClient(url, api_key, http), today=today))
    for path in report.written:
        out.print(f"  {path}", highlight=False)
