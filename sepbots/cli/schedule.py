"""``sepbots schedule list|pause|resume``: the schedules in ``config/schedules.toml``."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sepbots.cli.runner import cli_state
from sepbots.cli.state import errors_to_exit, fail
from sepbots.i18n import Catalog, moment
from sepbots.scheduling.config import ScheduleConfig, TriggerKind
from sepbots.scheduling.service import load_service_config
from sepbots.scheduling.state import ScheduleStates
from sepbots.scheduling.triggers import build_trigger, next_fire_times

T = Catalog(
    {
        "title": ("Tidsplaner i {file}", "Schedules in {file}"),
        "name": ("Navn", "Name"),
        "bot": ("Robot", "Bot"),
        "when": ("Hvornår", "When"),
        "days": ("Dage", "Days"),
        "next": ("Næste 5 kørsler (dansk tid)", "Next 5 runs (Danish time)"),
        "state": ("Status", "State"),
        "active": ("aktiv", "active"),
        "paused": ("pauset", "paused"),
        "disabled": ("slået fra", "disabled"),
        "all_days": ("alle dage", "every day"),
        "no_holidays": ("ikke helligdage", "not on holidays"),
        "business": ("hverdage", "business days"),
        "none_left": ("ingen flere", "none left"),
        "no_schedules": ("Ingen tidsplaner. Skriv dem i {file}", "No schedules. Write them in {file}"),
        "queue_trigger": (
            "Køudløser: {bot} starter ved mindst {n} ventende emner",
            "Queue trigger: {bot} starts when at least {n} items wait",
        ),
        "unknown": ("ingen tidsplan hedder {name!r} i {file}", "no schedule named {name!r} in {file}"),
        "did_pause": (
            "Tidsplanen {name} er sat på pause; dens kørsler springes over.",
            "Schedule {name} is paused; its fires are skipped.",
        ),
        "did_resume": ("Tidsplanen {name} er genoptaget.", "Schedule {name} is resumed."),
        "every": ("hver {d}", "every {d}"),
        "at": ("én gang {t}", "once at {t}"),
    }
)

app = typer.Typer(help="Tidsplaner / schedules (config/schedules.toml).", no_args_is_help=True)


def _when(lang: str, kind: TriggerKind, text: str, sched: object) -> str:
    if kind is TriggerKind.CRON:
        return text
    if kind is TriggerKind.INTERVAL:
        return T(lang, "every", d=sched.every)
    return T(lang, "at", t=sched.at)


@app.command("list")
def list_schedules(ctx: typer.Context) -> None:
    """Vis tidsplanerne med de næste 5 kørsler / list schedules with their next 5 fire times."""
    st = cli_state(ctx)
    lang = st.language
    with errors_to_exit():
        env = st.env(log=False)
        config = load_service_config(env)
        paused = ScheduleStates(env.store, env.clock).paused()
    file = env.settings.schedules_file
    console = Console()
    if not config.schedules and not config.queue_triggers:
        console.print(T(lang, "no_schedules", file=file))
        return
    now = env.clock.now()
    table = Table(title=T(lang, "title", file=file))
    for key in ("name", "bot", "when", "days", "next", "state"):
        table.add_column(T(lang, key))
    for s in config.schedules:
        days = "business" if s.business_days_only else "no_holidays" if s.skip_holidays else "all_days"
        times = next_fire_times(build_trigger(s, config.calendar), now, 5)
        when = "\n".join(moment(t, lang) for t in times) or T(lang, "none_left")
        state = "disabled" if not s.enabled else "paused" if s.name in paused else "active"
        table.add_row(
            s.name, s.bot, _when(lang, s.kind, s.cron or "", s), T(lang, days), when, T(lang, state)
        )
    console.print(table)
    for trig in config.queue_triggers:
        console.print(T(lang, "queue_trigger", bot=trig.bot, n=trig.min_items))


def _switch(ctx: typer.Context, name: str, paused: bool) -> None:
    st = cli_state(ctx)
    lang = st.language
    with errors_to_exit():
        env = st.env(log=False)
        config: ScheduleConfig = load_service_config(env)
        if name not in {s.name for s in config.schedules}:
            fail(T(lang, "unknown", name=name, file=env.settings.schedules_file))
        ScheduleStates(env.store, env.clock).set_paused(name, paused, by=getpass.getuser())
    typer.echo(T(lang, "did_pause" if paused else "did_resume", name=name))


@app.command("pause")
def pause(ctx: typer.Context, name: Annotated[str, typer.Argument(help="the schedule's name")]) -> None:
    """Sæt en tidsplan på pause / pause a schedule (its fires are skipped until resumed)."""
    _switch(ctx, name, True)


@app.command("resume")
def resume(ctx: typer.Context, name: Annotated[str, typer.Argument(help="the schedule's name")]) -> None:
    """Genoptag en tidsplan / resume a schedule."""
    _switch(ctx, name, False)


def register(root: typer.Typer) -> None:
    """Add ``sepbots schedule`` to the main CLI."""
    root.add_typer(app, name="schedule")
