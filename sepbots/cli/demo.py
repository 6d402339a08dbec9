"""``sepbots demo``: runs ``sepbots.demo`` with a printer that prints with rich."""

from __future__ import annotations

import typer
from rich.console import Console

from sepbots.cli.report import print_gains
from sepbots.cli.run import print_summary
from sepbots.cli.state import errors_to_exit, state
from sepbots.demo import run_demo
from sepbots.reports.figures import GainsFigures
from sepbots.runtime import RunSummary


class ConsolePrinter:
    """The demo's printer on a rich console: rules, plain lines, run summaries and gains as tables."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()

    def rule(self, title: str) -> None:
        self.console.rule(title)

    def line(self, text: str) -> None:
        self.console.print(text, highlight=False)

    def run_summary(self, summary: RunSummary, lang: str) -> None:
        print_summary(summary, lang, self.console)

    def gains(self, figures: GainsFigures, lang: str) -> None:
        print_gains(figures, lang, self.console)


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(ctx: typer.Context) -> None:
        """Kør demoen ende til ende / run the end-to-end demo."""
        st = state(ctx)
        with errors_to_exit():
            env = st.env()
            code = run_demo(env, st.language, ConsolePrinter())
        raise typer.Exit(code)
