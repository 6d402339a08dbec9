"""``sepbots practice desktop``: start the practice case system (a Tk window) for desktop bots."""

from __future__ import annotations

import typer

from sepbots.practice.desktop.command import desktop

app = typer.Typer(
    help="Øvelsesprogrammer / practice applications.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.command("desktop")(desktop)
