"""The ``sepbots`` command line (typer). Each command group lives in its own module here.

Command modules are imported only when their command runs (``LazyGroup``): ``sepbots --help``
loads typer and this file, ``sepbots runs list`` loads the ledger commands and what they read —
not the dashboard, the catalogue, the reports or the browser toolkit. Each module keeps its heavy
imports inside its commands for the same reason (``bench/bench_cli_coldstart.py`` measures it).

Exit codes: 0 success (a run that completed, even with items for manual handling); 1 a run or check
that failed; 2 usage, configuration or input errors.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from sepbots.cli.state import CliState, fail
from sepbots.exceptions import SepbotsError

# name: (module, how it registers, one line of help for `sepbots --help`)
# "register": the module's register(app); anything else: the module attribute holding a typer app.
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("sepbots.cli.init", "register", "Opret installationen / create the installation (database, key)."),
    "run": ("sepbots.cli.run", "register", "Kør en robot én gang / run a bot once."),
    "bots": ("sepbots.cli.run", "register", "Robotter / bots (list, pause, resume)."),
    "runs": ("sepbots.cli.ledger", "runs_app", "Kørsler / runs."),
    "items": ("sepbots.cli.ledger", "register", "Arbejdselementer / work items."),
    "audit": ("sepbots.cli.audit", "register", "Revisionsspor / audit trail."),
    "alerts": ("sepbots.cli.alerts", "register", "Varsler til driften / operations alerts."),
    "credentials": ("sepbots.cli.credentials", "register", "Loginoplysninger / credentials in the vault."),
    "new": ("sepbots.cli.new", "register", "Opret en ny robot / scaffold a new bot."),
    "demo": ("sepbots.cli.demo", "register", "Kør demoen / run the demo end to end."),
    "runner": ("sepbots.cli.runner", "register", "Kørertjenesten / the runner service."),
    "schedule": ("sepbots.cli.schedule", "register", "Tidsplaner / schedules."),
    "users": ("sepbots.cli.users", "register", "Brugere af driftsoverblikket / dashboard users."),
    "dashboard": ("sepbots.cli.dashboard", "register", "Driftsoverblikket / the dashboard (web)."),
    "catalogue": ("sepbots.cli.catalogue", "app", "Proceskatalog / process catalogue."),
    "report": ("sepbots.cli.report", "app", "Rapporter / reports (gains, budget, benchmark)."),
    "retention": ("sepbots.cli.retention", "app", "Sletning efter frister / retention."),
    "practice": ("sepbots.cli.practice", "app", "Øvelsesmål / practice portal and desktop app."),
    "fleet": ("sepbots.cli.fleet", "app", "Flåde / fleet of runners."),
    "bankafstemning": ("sepbots.cli.bank", "app", "Bankafstemning: kontoudtogsformater / bank statement profiles."),
}

# Modules that add subcommands to a group above (imported with it).
_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "catalogue": ("sepbots.cli.catalogue_document", "sepbots.cli.catalogue_os2"),
    "report": ("sepbots.cli.report_benchmark",),
}


def _load(name: str) -> Any | None:
    """The click command ``name``, built from its module on first use."""
    entry = _COMMANDS.get(name)
    if entry is None:
        return None
    module = importlib.import_module(entry[0])
    for extension in _EXTENSIONS.get(name, ()):
        importlib.import_module(extension)
    holder = typer.Typer()
    holder.callback()(_group)  # with a callback typer always builds a group, even around one command
    if entry[1] == "register":
        module.register(holder)
    else:
        holder.add_typer(getattr(module, entry[1]), name=name)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    return group.commands.get(name)


def _group() -> None:
    """(The holder group of a lazily loaded command.)"""


class LazyGroup(TyperGroup):
    """A typer group whose subcommands are imported when they are used, not when the CLI starts."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in _COMMANDS if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any | None:
        return super().get_command(ctx, cmd_name) or _load(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, help_) for name, (_, _, help_) in _COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="sepbots",
    cls=LazyGroup,
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


def main() -> Any:
    """Console entry point: turns sepbots errors into a clear message and exit code 2.

    Files this process creates (logs, run artifacts, screenshots written by the browser) are
    owner-only: the umask is set here, at the entry point, and nowhere in library code.
    """
    os.umask(0o077)
    try:
        app(standalone_mode=True)
    except SepbotsError as exc:  # pragma: no cover - commands call fail() themselves
        fail(str(exc))
    sys.exit(0)
