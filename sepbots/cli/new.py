"""``sepbots new NAME [--kind sheet|web]``: scaffold ``bots/NAME/`` with a recipe, config, README and a passing test."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from sepbots.cli.scaffold import Kind, files
from sepbots.cli.state import fail, state
from sepbots.i18n import Catalog

T = Catalog({
    "bad_name": ("Navnet skal være små bogstaver, tal og _ og starte med et bogstav: {name!r}",
                 "The name must be lowercase letters, digits and _, starting with a letter: {name!r}"),
    "exists": ("{path} findes allerede", "{path} already exists"),
    "created": ("Oprettet {path}. Prøv: pytest {path} ; se {path}/README.md",
                "Created {path}. Try: pytest {path} ; see {path}/README.md"),
})


def register(app: typer.Typer) -> None:
    @app.command("new")
    def new(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="the new bot's name (lowercase, digits, _)")],
        folder: Annotated[Path | None, typer.Option(help="where bots live (default: <home>/bots)")] = None,
        kind: Annotated[
            Kind, typer.Option("--kind", help="sheet (.xlsx/CSV in and out), web (a browser) or desktop (a program)")
        ] = Kind.SHEET,
    ) -> None:
        """Opret en ny robot ud fra skabelonen / scaffold a new bot."""
        st = state(ctx)
        lang = st.language
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            fail(T(lang, "bad_name", name=name))
        root = folder or st.settings.bot_paths[0]
        path = root / name
        if path.exists():
            fail(T(lang, "exists", path=path))
        (path / "tests").mkdir(parents=True)
        if not (root / "__init__.py").exists():
            (root / "__init__.py").write_text('"""Bots."""\n', encoding="utf-8")
        for rel, text in files(name, kind).items():
            (path / rel).write_text(text, encoding="utf-8")
        typer.echo(T(lang, "created", path=path, name=name))
