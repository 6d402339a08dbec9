"""``sepbots bots`` and ``sepbots run BOT --param k=v``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sepbots.cli import botstate
from sepbots.cli.state import errors_to_exit, fail, state
from sepbots.cli.tables import Format, FormatOption, print_json, print_table
from sepbots.i18n import Catalog, label, number

if TYPE_CHECKING:
    from rich.console import Console

    from sepbots.environment import Environment
    from sepbots.runtime import RunSummary
    from sepbots.runtime.runner import Gate

T = Catalog({
    "bot": ("Robot", "Bot"),
    "process": ("Proces", "Process"),
    "queue": ("Kø", "Queue"),
    "description": ("Beskrivelse", "Description"),
    "no_bots": ("Ingen robotter fundet i {paths}", "No bots found in {paths}"),
    "summary": ("Kørsel {run_id} af {bot}", "Run {run_id} of {bot}"),
    "status": ("Status", "Status"),
    "produced": ("Indlæst", "Produced"),
    "added": ("Nye i køen", "New in queue"),
    "done": ("Udført", "Done"),
    "business": ("Til manuel behandling", "Manual handling"),
    "retried": ("Forsøgt igen", "Retried"),
    "failed": ("Fejlet", "Failed"),
    "duration": ("Varighed", "Duration"),
    "error": ("Fejl", "Error"),
    "outputs": ("Resultatfil", "Output file"),
    "processing": ("Behandler", "Processing"),
    "bad_param": ("--param skal have formen nøgle=værdi: {value!r}", "--param must look like key=value: {value!r}"),
})

bots_app = typer.Typer(help="Robotter / bots.", invoke_without_command=True, no_args_is_help=False)


@bots_app.callback()
def bots(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """Vis robotterne / list the bots."""
    if ctx.invoked_subcommand is not None:
        return
    st = state(ctx)
    lang = st.language
    with errors_to_exit():
        registry = st.env().registry
    if fmt is Format.JSON:
        print_json([{"name": r.name, "process": r.process, "queue": r.queue, "description": r.description,
                     "max_attempts": r.max_attempts, "requires": list(r.requires),
                     "source": str(r.source) if r.source else None} for r in registry])
        return
    if not len(registry):
        typer.echo(T(lang, "no_bots", paths=", ".join(str(p) for p in st.settings.bot_paths)))
        return
    print_table([T(lang, k) for k in ("bot", "process", "queue", "description")],
                ([r.name, r.process or "–", r.queue, r.description] for r in registry))


def parse_params(values: list[str], lang: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key.strip():
            fail(T(lang, "bad_param", value=value))
        params[key.strip()] = val
    return params


def print_summary(summary: RunSummary, lang: str, console: Console | None = None) -> None:
    """The run summary table people read after ``sepbots run``."""
    c = summary.counts
    from rich.console import Console
    from rich.table import Table

    table = Table(title=T(lang, "summary", run_id=summary.run_id[:8], bot=summary.bot), show_header=False)
    table.add_column(justify="left")
    table.add_column(justify="right", overflow="fold")  # an output path is never cut off
    table.add_row(T(lang, "status"), label(lang, "status", summary.status))
    for key, value in (("produced", c.produced), ("added", c.added), ("done", c.done), ("business", c.business),
                       ("retried", c.retried), ("failed", c.failed + c.abandoned)):
        table.add_row(T(lang, key), number(value, lang))
    table.add_row(T(lang, "duration"), f"{number(summary.duration_s, lang, 1)} s")
    for path in summary.outputs:
        table.add_row(T(lang, "outputs"), str(path))
    if summary.error:
        table.add_row(T(lang, "error"), summary.error)
    (console or Console()).print(table)


def _legal_gate(env: Environment, lang: str) -> Gate:
    """The catalogue's legal gate: a manual production run needs a cleared process, like any other."""
    from sepbots.catalogue.gate import gate_for_folder

    return gate_for_folder(env.settings.catalogue_path, lang)


bots_app.command("pause")(botstate.pause)
bots_app.command("resume")(botstate.resume)


def register(app: typer.Typer) -> None:
    app.add_typer(bots_app, name="bots")

    @app.command("run")
    def run(
        ctx: typer.Context,
        bot: Annotated[str, typer.Argument(help="the bot's name (see: sepbots bots)")],
        param: Annotated[list[str] | None, typer.Option("--param", "-p", help="key=value, repeatable")] = None,
        test_mode: Annotated[bool, typer.Option("--test-mode", help="a test run: allowed before the legal checklist is cleared")] = False,
        no_wait: Annotated[bool, typer.Option("--no-wait", help="do not wait for items whose retry is scheduled later")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
    ) -> None:
        """Kør en robot én gang / run a bot once. Exit 0 completed, 1 failed, 2 bad input or config."""
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from sepbots.runtime import Runner, RunStatus, Trigger
        from sepbots.runtime.models import Progress as RunProgress

        st = state(ctx)
        lang = st.language
        params = parse_params(param or [], lang)
        console = Console(stderr=True)
        with errors_to_exit():
            env = st.env()
            recipe = env.registry.get(bot)
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console, disable=quiet or not console.is_terminal, transient=True) as bar:
                task = bar.add_task(T(lang, "processing"), total=None)

                def on_progress(p: RunProgress) -> None:
                    bar.update(task, completed=p.counts.processed, total=p.total or None)

                gate = _legal_gate(env, lang)
                summary = Runner(env, gate=gate).run(recipe, params, trigger=Trigger.MANUAL, test_mode=test_mode,
                                          wait_for_retries=not no_wait, progress=on_progress)
        print_summary(summary, lang)
        raise typer.Exit(1 if summary.status is RunStatus.FAILED else 0)
