"""The ``sepbots`` command line (typer). Each command group lives in its own module here.

Exit codes: 0 success (a run that completed, even with items for manual handling); 1 a run or check
that failed; 2 usage, configuration or input errors.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from sepbots.cli import (
    audit,
    bank,
    botstate,
    catalogue,
    credentials,
    demo,
    fleet,
    ledger,
    new,
    practice,
    report,
    retention,
    run,
)
from sepbots.cli import dashboard as dashboard_cli
from sepbots.cli import runner as runner_cli
from sepbots.cli import schedule as schedule_cli
from sepbots.cli import users as users_cli
from sepbots.cli.state import CliState, fail
from sepbots.exceptions import SepbotsError

app = typer.Typer(
    name="sepbots",
    help="sepbots — softwarerobotter til kommuner / software robots for municipalities.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _main(
    ctx: typer.Context,
    home: Annotated[Path | None, typer.Option("--home", help="sepbots home (default: SEPBOTS_HOME or the project folder)")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="da (dansk) or en (English)")] = None,
) -> None:
    """sepbots — softwarerobotter til kommuner."""
    if lang is not None and lang not in ("da", "en"):
        raise typer.BadParameter("use da or en", param_hint="--lang")
    ctx.obj = CliState(home=home, lang=lang, environ=dict(os.environ))
    ctx.call_on_close(ctx.obj.close)


run.register(app)
ledger.register(app)
audit.register(app)
credentials.register(app)
new.register(app)
demo.register(app)
runner_cli.register(app)
schedule_cli.register(app)
users_cli.register(app)
dashboard_cli.register(app)
botstate.register(run.bots_app)
app.add_typer(catalogue.app, name="catalogue")
app.add_typer(report.app, name="report")
app.add_typer(retention.app, name="retention")
app.add_typer(practice.app, name="practice")
app.add_typer(fleet.app, name="fleet")
app.add_typer(bank.app, name="bankafstemning")


def main() -> None:
    """Console entry point: turns sepbots errors into a clear message and exit code 2."""
    try:
        app(standalone_mode=True)
    except SepbotsError as exc:  # pragma: no cover - commands call fail() themselves
        fail(str(exc))
    sys.exit(0)
