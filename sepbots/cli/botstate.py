"""``sepbots bots pause|resume NAME``: stop a bot between items, and let it go on later."""

from __future__ import annotations

import typer

from sepbots.cli.state import errors_to_exit, state
from sepbots.cli.switches import add_pause_commands
from sepbots.i18n import Catalog

T = Catalog(
    {
        "did_pause": (
            "Robotten {name} er sat på pause: en igangværende kørsel stopper efter det aktuelle emne, "
            "og nye kørsler venter.",
            "Bot {name} is paused: a run in progress stops after the current item, and new runs wait.",
        ),
        "did_resume": (
            "Robotten {name} er genoptaget; ventende kørsler starter.",
            "Bot {name} is resumed; waiting runs start.",
        ),
    }
)

app = typer.Typer(help="Pause og genoptag robotter / pause and resume bots.", no_args_is_help=True)


def _switch(ctx: typer.Context, name: str, paused: bool) -> None:
    from sepbots.worker.state import BotStates

    st = state(ctx)
    with errors_to_exit():
        env = st.env(log=False)
        recipe = env.registry.get(name)  # RecipeError names the known bots
        BotStates(env.store, env.clock).set_paused(recipe.name, paused, by=st.actor, audit=env.audit)
    typer.echo(T(st.language, "did_pause" if paused else "did_resume", name=recipe.name))


pause, resume = add_pause_commands(
    app, _switch, noun="bot",
    pause_help="Sæt en robot på pause (mellem to emner) / pause a bot (between two items).",
    resume_help="Genoptag en robot / resume a bot.",
)


def register(bots_app: typer.Typer) -> None:
    """Add ``pause`` and ``resume`` to the ``sepbots bots`` group."""
    bots_app.command("pause")(pause)
    bots_app.command("resume")(resume)
