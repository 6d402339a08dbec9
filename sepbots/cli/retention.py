"""``sepbots retention apply [--dry-run]``: delete or neutralise what is older than each process allows."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from sepbots.cli.catalogue import CatalogueContext, CatalogueOpt, LangOpt
from sepbots.cli.state import errors_to_exit
from sepbots.retention import apply_retention

app = typer.Typer(
    help="Opbevaring og neutralisering (GDPR). (Retention and neutralisation, GDPR.)", no_args_is_help=True
)
out = Console()


@app.command()
def apply(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show what would go; change nothing")] = False,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Anvend opbevaringsreglerne. (Apply the retention rules.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        env = c.state.env()
        report = apply_retention(env, c.load_unscaled(), dry_run=dry_run)
    out.print(report.summary(c.lang), highlight=False)
    if report.errors:
        raise typer.Exit(1)


@app.callback()
def _group() -> None:
    """Opbevaring og neutralisering (GDPR). (Retention and neutralisation, GDPR.)"""
