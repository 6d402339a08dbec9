"""``sepbots schedule list|pause|resume``: the schedules in ``config/schedules.toml``."""

from __future__ import annotations

from typing import Any

import typer

from sepbots.cli.runner import cli_state
from sepbots.cli.state import errors_to_exit, fail
from sepbots.cli.switches import add_pause_commands
from sepbots.cli.tables import Format, FormatOption, print_json, print_table
from sepbots.i18n import Catalog, moment
from sepbots.scheduling.config import Schedule, ScheduleConfig, TriggerKind
from sepbots.scheduling.triggers import build_trigger, next_fire_times
from sepbots.worker.service import load_service_config
from sepbots.worker.state import ScheduleStates

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
        "warn": ("⚠ Advarsel: tidsplanen {name} vil blive afvist: {reason}",
                 "⚠ Warning: schedule {name} will be refused: {reason}"),
        "warn_queue": ("⚠ Advarsel: køudløseren for {name} vil blive afvist: {reason}",
                       "⚠ Warning: the queue trigger of {name} will be refused: {reason}"),
        "at": ("én gang {t}", "once at {t}"),
    }
)

app = typer.Typer(help="Tidsplaner / schedules (config/schedules.toml).", no_args_is_help=True)


def _when(lang: str, kind: TriggerKind, text: str, sched: Schedule) -> str:
    if kind is TriggerKind.CRON:
        return text
    if kind is TriggerKind.INTERVAL:
        return T(lang, "every", d=sched.every)
    return T(lang, "at", t=sched.at)


def _refusals(env: Any, config: ScheduleConfig, lang: str) -> dict[str, str]:
    """Why the legal gate would refuse each schedule (by name) and queue trigger (by ``queue:<bot>``)."""
    from sepbots.cli.runner import production_gate
    from sepbots.runtime import Trigger

    gate = production_gate(env.settings, lang)
    found: dict[str, str] = {}
    checks = [(s.name, s.bot, Trigger.SCHEDULE, s.test_mode) for s in config.schedules if s.enabled]
    checks += [(f"queue:{q.bot}", q.bot, Trigger.QUEUE, False) for q in config.queue_triggers if q.enabled]
    for key, bot, trigger, test_mode in checks:
        try:
            gate(env.registry.get(bot), trigger, test_mode)
        except Exception as exc:  # any refusal, whatever the gate raises, is what the runner would record
            found[key] = str(exc)
    return found


@app.command("list")
def list_schedules(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """Vis tidsplanerne med de næste 5 kørsler / list schedules with their next 5 fire times.

    Warns for every schedule the legal gate would refuse (e.g. the bot is not linked to a cleared process).
    """
    st = cli_state(ctx)
    lang = st.language
    with errors_to_exit():
        env = st.env(log=False)
        config = load_service_config(env)
        paused = ScheduleStates(env.store, env.clock).paused()
        refused = _refusals(env, config, lang)
    file = env.settings.schedules_file
    now = env.clock.now()
    rows = []
    for s in config.schedules:
        days = "business" if s.business_days_only else "no_holidays" if s.skip_holidays else "all_days"
        times = next_fire_times(build_trigger(s, config.calendar), now, 5)
        state = "disabled" if not s.enabled else "paused" if s.name in paused else "active"
        rows.append((s, days, times, state))
    if fmt is Format.JSON:
        print_json({
            "file": str(file),
            "schedules": [{"name": s.name, "bot": s.bot, "kind": s.kind.value, "cron": s.cron, "days": days,
                           "test_mode": s.test_mode, "state": state, "next": times, "refused": refused.get(s.name)}
                          for s, days, times, state in rows],
            "queue_triggers": [{"bot": q.bot, "min_items": q.min_items, "enabled": q.enabled,
                                "refused": refused.get(f"queue:{q.bot}")} for q in config.queue_triggers],
        })
        return
    if not config.schedules and not config.queue_triggers:
        typer.echo(T(lang, "no_schedules", file=file))
        return
    print_table(
        [T(lang, k) for k in ("name", "bot", "when", "days", "next", "state")],
        ([s.name, s.bot, _when(lang, s.kind, s.cron or "", s), T(lang, days),
          " ".join(moment(t, lang) for t in times) or T(lang, "none_left"),
          T(lang, state) + (" ⚠" if s.name in refused else "")] for s, days, times, state in rows),
        title=T(lang, "title", file=file),
    )
    for trig in config.queue_triggers:
        typer.echo(T(lang, "queue_trigger", bot=trig.bot, n=trig.min_items))
    for key, why in refused.items():
        name = key.removeprefix("queue:")
        typer.echo(T(lang, "warn_queue" if key.startswith("queue:") else "warn", name=name, reason=why), err=False)


def _switch(ctx: typer.Context, name: str, paused: bool) -> None:
    st = cli_state(ctx)
    lang = st.language
    with errors_to_exit():
        env = st.env(log=False)
        config: ScheduleConfig = load_service_config(env)
        if name not in {s.name for s in config.schedules}:
            fail(T(lang, "unknown", name=name, file=env.settings.schedules_file))
        ScheduleStates(env.store, env.clock).set_paused(name, paused, by=st.actor, audit=env.audit)
    typer.echo(T(lang, "did_pause" if paused else "did_resume", name=name))


add_pause_commands(
    app, _switch, noun="schedule",
    pause_help="Sæt en tidsplan på pause / pause a schedule (its fires are skipped until resumed).",
    resume_help="Genoptag en tidsplan / resume a schedule.",
)


def register(root: typer.Typer) -> None:
    """Add ``sepbots schedule`` to the main CLI."""
    root.add_typer(app, name="schedule")
