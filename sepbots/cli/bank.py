"""``sepbots bankafstemning profile FILE``: which layout a statement or ledger file matches, and its first lines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sepbots.cli.state import errors_to_exit, fail
from sepbots.reconcile.describe import describe_file
from sepbots.reconcile.statements import BankOptions, LedgerOptions

app = typer.Typer(help="Bankafstemning: filformater / bank reconciliation: file formats.", no_args_is_help=True)


@app.command("profile")
def profile(
    file: Annotated[Path, typer.Argument(help="kontoudtog eller bogføring / statement or ledger file")],
    ledger: Annotated[bool, typer.Option("--ledger", help="filen er bogføringen / the file is the ledger export")] = False,
    name: Annotated[str | None, typer.Option("--profile", help="brug denne profil / use this profile")] = None,
    rows: Annotated[int, typer.Option(min=1, max=100, help="antal linjer / lines to show")] = 5,
    account: Annotated[
        str | None, typer.Option("--account", help="kontoen i en fil med flere konti / the account, in a file with several")
    ] = None,
) -> None:
    """Vis hvilken profil en fil genkendes som, og hvordan de første linjer læses / show a file's profile and first lines."""
    if not file.is_file():
        fail(f"filen findes ikke / the file does not exist: {file}")
    with errors_to_exit():
        try:
            text = describe_file(
                file,
                ledger=ledger,
                rows=rows,
                bank=BankOptions(profile=name, account=account) if not ledger else None,
                book=LedgerOptions(profile=name) if ledger else None,
            )
        except ValueError as exc:
            fail(str(exc))
    for line in text:
        typer.echo(line)
