"""``sepbots demo``."""

from __future__ import annotations

import typer

from sepbots.cli.state import errors_to_exit, state
from sepbots.demo import run_demo


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(ctx: typer.Context) -> None:
        """Kør demoen ende til ende / run the end-to-end demo."""
        st = state(ctx)
        with errors_to_exit():
            env = st.env()
            code = run_demo(env, st.language)
        raise typer.Exit(code)
