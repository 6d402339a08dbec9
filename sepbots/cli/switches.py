"""``pause NAME`` and ``resume NAME``: the two commands of an operator pause switch (bots, schedules).

No ``from __future__ import annotations`` here: typer reads the commands' annotations, which name a
local of :func:`add_pause_commands`.
"""

from collections.abc import Callable
from typing import Annotated

import typer

Switch = Callable[[typer.Context, str, bool], None]


def add_pause_commands(
    app: typer.Typer, switch: Switch, *, noun: str, pause_help: str, resume_help: str
) -> tuple[Callable[..., None], Callable[..., None]]:
    """Add ``pause`` and ``resume`` to ``app``; each calls ``switch(ctx, name, paused)``.

    Args:
        noun: what is paused, for the argument's help ("bot", "schedule").
        pause_help: the Danish / English help of ``pause``.
        resume_help: the Danish / English help of ``resume``.

    Returns:
        the two command functions (to add them to another group too).
    """
    name_argument = typer.Argument(help=f"the {noun}'s name")

    def pause(ctx: typer.Context, name: Annotated[str, name_argument]) -> None:
        switch(ctx, name, True)

    def resume(ctx: typer.Context, name: Annotated[str, name_argument]) -> None:
        switch(ctx, name, False)

    pause.__doc__, resume.__doc__ = pause_help, resume_help
    app.command("pause")(pause)
    app.command("resume")(resume)
    return pause, resume
