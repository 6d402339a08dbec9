"""``sepbots runner start|status``: the unattended runner service and what it is doing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.console import Console

from sepbots.alerts import service_for as alert_service_for
from sepbots.cli.ledger import print_requests
from sepbots.cli.state import CliState, errors_to_exit, fail, state
from sepbots.cli.tables import print_table
from sepbots.i18n import Catalog, moment
from sepbots.logging import configure_logging
from sepbots.store.outage import is_outage, reason
from sepbots.trigger import Trigger
from sepbots.worker.heartbeat import read_status_files
from sepbots.worker.requests import NewRequest, RequestState, RunRequests
from sepbots.worker.service import WorkerService, load_service_config
from sepbots.worker.state import BotStates, WorkerStatuses

T = Catalog(
    {
        "runners": ("Kørere", "Runners"),
        "runner_id": ("Kører-id", "Runner id"),
        "host": ("Maskine", "Host"),
        "pid": ("PID", "PID"),
        "state": ("Tilstand", "State"),
        "heartbeat": ("Seneste livstegn", "Last heartbeat"),
        "bot": ("Robot", "Bot"),
        "run": ("Kørsel", "Run"),
        "alive": ("I live", "Alive"),
        "yes": ("ja", "yes"),
        "no": ("nej (tavs)", "no (silent)"),
        "none": (
            "Ingen kører har meldt sig. Start en med: sepbots runner start",
            "No runner has reported. Start one with: sepbots runner start",
        ),
        "queue": (
            "Kørselsanmodninger: {pending} venter, {running} kører",
            "Run requests: {pending} waiting, {running} running",
        ),
        "paused": ("Pausede robotter: {bots}", "Paused bots: {bots}"),
        "problems": ("Afviste og fejlede kørselsanmodninger (seneste døgn)",
                     "Refused and failed run requests (last 24 hours)"),
        "db_down": (
            "Databasen svarer ikke ({error}); viser kørernes statusfiler.",
            "The database does not answer ({error}); showing the runners' status files.",
        ),
        "requested": (
            "Kørsel af {bot} er anmodet (nr. {id}); kørertjenesten starter den.",
            "A run of {bot} is requested (no. {id}); the runner service will start it.",
        ),
        "bad_param": (
            "--param skal have formen nøgle=værdi: {value!r}",
            "--param must look like key=value: {value!r}",
        ),
        "state_starting": ("starter", "starting"),
        "state_idle": ("venter", "idle"),
        "state_running": ("kører", "running"),
        "state_stopping": ("stopper", "stopping"),
        "state_stopped": ("stoppet", "stopped"),
    }
)

_PROBLEMS = 10
app = typer.Typer(help="Kørertjenesten / the runner service (scheduler + worker).", no_args_is_help=True)


def cli_state(ctx: typer.Context) -> CliState:
    """The shared CLI state (kept for callers of this name)."""
    return state(ctx)


@app.command("start")
def start(
    ctx: typer.Context,
    poll_s: Annotated[
        float, typer.Option("--poll-s", min=0.05, help="seconds between looks for new requests")
    ] = 0.25,
) -> None:
    """Start kørertjenesten i forgrunden / run the service in the foreground (systemd, Task Scheduler, NSSM).

    Stops cleanly on SIGTERM or Ctrl+C: the current item finishes and the run's request is given
    back; a second signal gives the current item back at once. Exit 2 for a bad schedules.toml.
    """
    st = cli_state(ctx)
    with errors_to_exit():
        env = st.env(log=False)
        settings = env.settings
        configure_logging(
            logs_dir=settings.logs_dir,
            redactor=env.redactor,
            level=settings.logging.level,
            console=settings.logging.console,
            json_file=settings.logging.json_file,
        )
        config = load_service_config(env)
        service = WorkerService(env, config, poll_s=poll_s, gate=production_gate(env.settings, st.language),
                                alerts=alert_service_for(env))
        service.install_signal_handlers()
        code = service.run()
    raise typer.Exit(code)


def production_gate(settings: Any, lang: str) -> Any:
    """The legal gate: every production run needs a cleared catalogue process (test mode still runs)."""
    from sepbots.catalogue.gate import gate_for_folder

    return gate_for_folder(settings.catalogue_path, lang)


def _state_text(lang: str, value: str) -> str:
    try:
        return T(lang, f"state_{value}")
    except KeyError:
        return value


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Vis kørerne og deres livstegn / show the runners and their heartbeats. Exit 1 when none is alive."""
    st = cli_state(ctx)
    lang = st.language
    console = Console()
    with errors_to_exit():
        env = st.env(log=False)
        stale = timedelta(seconds=3 * env.settings.queue.heartbeat_s + 5)
        try:
            runners = WorkerStatuses(env.store, env.clock).all()
            pending = RunRequests(env.store, env.clock).list(states={RequestState.PENDING}, limit=10_000)
            running = RunRequests(env.store, env.clock).list(states={RequestState.RUNNING}, limit=10_000)
            paused = sorted(BotStates(env.store, env.clock).paused())
            since = env.clock.now() - timedelta(hours=24)
            problems = [r for r in RunRequests(env.store, env.clock).list(
                states={RequestState.REFUSED, RequestState.FAILED}, limit=_PROBLEMS) if (r.ended_at or r.created_at) >= since]
        except Exception as exc:
            if not is_outage(exc):
                raise
            console.print(T(lang, "db_down", error=reason(exc)))
            files = read_status_files(env.settings.var_dir)
            for data in files:
                console.print(
                    f"{data['runner_id']}  {_state_text(lang, data['state'])}  {data['heartbeat_at']}"
                )
            raise typer.Exit(0 if files else 1) from None
    now = env.clock.now()
    if not runners:
        console.print(T(lang, "none"))
    else:
        print_table(
            [T(lang, k) for k in ("runner_id", "host", "pid", "state", "heartbeat", "alive", "bot", "run")],
            ([r.runner_id, r.host, str(r.pid), _state_text(lang, r.state.value), moment(r.heartbeat_at, lang),
              T(lang, "yes" if r.alive(now, stale) else "no"), r.current_bot or "–", (r.current_run_id or "–")[:8]]
             for r in runners),
            title=T(lang, "runners"),
        )
    console.print(T(lang, "queue", pending=len(pending), running=len(running)))
    if paused:
        console.print(T(lang, "paused", bots=", ".join(paused)))
    if problems:
        print_requests(problems, lang, T(lang, "problems"))
    raise typer.Exit(0 if any(r.alive(now, stale) for r in runners) else 1)


@app.command("request")
def request(
    ctx: typer.Context,
    bot: Annotated[str, typer.Argument(help="the bot's name")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="key=value, repeatable")] = None,
    priority: Annotated[int, typer.Option("--priority", help="higher runs first")] = 0,
    test_mode: Annotated[
        bool, typer.Option("--test-mode", help="a test run: allowed before the legal checklist is cleared")
    ] = False,
) -> None:
    """Bed kørertjenesten om at køre en robot / ask the runner service to run a bot (a manual run request)."""
    st = cli_state(ctx)
    lang = st.language
    params: dict[str, str] = {}
    for value in param or []:
        key, sep, val = value.partition("=")
        if not sep or not key.strip():
            fail(T(lang, "bad_param", value=value))
        params[key.strip()] = val
    with errors_to_exit():
        env = st.env(log=False)
        recipe = env.registry.get(bot)
        now = env.clock.now()
        req = RunRequests(env.store, env.clock).enqueue(
            NewRequest(
                key=f"manual:{recipe.name}:{now.isoformat()}:{uuid.uuid4().hex[:8]}",
                bot=recipe.name,
                trigger=Trigger.MANUAL,
                params=params,
                scheduled_for=now,
                priority=priority,
                requested_by=st.actor,
                test_mode=test_mode,
            )
        )
    assert req is not None  # the key is new by construction
    typer.echo(T(lang, "requested", bot=recipe.name, id=req.id))


def register(root: typer.Typer) -> None:
    """Add ``sepbots runner`` to the main CLI."""
    root.add_typer(app, name="runner")
