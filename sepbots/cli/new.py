"""``sepbots new NAME``: scaffold ``bots/NAME/`` with a recipe, config, README and a passing test."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from sepbots.cli.state import fail, state
from sepbots.i18n import Catalog

T = Catalog({
    "bad_name": ("Navnet skal være små bogstaver, tal og _ og starte med et bogstav: {name!r}",
                 "The name must be lowercase letters, digits and _, starting with a letter: {name!r}"),
    "exists": ("{path} findes allerede", "{path} already exists"),
    "created": ("Oprettet {path}. Prøv: sepbots run {name} --param input=... ; pytest {path}",
                "Created {path}. Try: sepbots run {name} --param input=... ; pytest {path}"),
})

BOT = '''"""{title}: what this robot does, in one paragraph (process, systems, inputs, outputs)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from sepbots import BotContext, BusinessException, InputError, NewItem, WorkItem, bot


class Row(BaseModel):
    """One line of the input: the payload of one work item."""

    line: int
    name: str


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: Path


def produce(ctx: BotContext[Params]) -> Iterator[NewItem[Row]]:
    if not ctx.params.input.is_file():
        raise InputError("the input file does not exist", file=ctx.params.input)
    with ctx.params.input.open(encoding="utf-8-sig", newline="") as fh:
        for n, record in enumerate(csv.DictReader(fh, delimiter=";"), start=2):
            yield NewItem(reference=f"line-{{n}}", payload=Row(line=n, name=(record.get("name") or "").strip()))


@bot(name="{name}", process=None, params=Params, producer=produce, max_attempts=3,
     retry_delay=timedelta(seconds=5))
def handle(item: WorkItem[Row], ctx: BotContext[Params]) -> dict[str, str]:
    """{title}."""
    if not item.payload.name:
        raise BusinessException(f"line {{item.payload.line}}: the name is empty", code="EMPTY_NAME")
    ctx.log.info("row_handled", line=item.payload.line)
    return {{"greeting": f"Hej {{item.payload.name}}"}}
'''

TEST = '''"""Tests for the {name} bot: real runs on a real SQLite file."""

from pathlib import Path

from sepbots import ItemState, RunStatus
from sepbots.testing import run_bot_once

from ..bot import handle


def test_rows_are_handled_and_empty_names_go_to_manual_handling(tmp_path: Path) -> None:
    """A valid row is done with its output; an empty name becomes a business exception."""
    src = tmp_path / "input.csv"
    src.write_text("name\\nAnna\\n \\n", encoding="utf-8")
    outcome = run_bot_once(handle, {{"input": src}}, home=tmp_path / "home")
    assert outcome.summary.status is RunStatus.COMPLETED
    states = {{i.reference: i.state for i in outcome.items}}
    assert states == {{"line-2": ItemState.DONE, "line-3": ItemState.BUSINESS_EXCEPTION}}
    assert outcome.by_reference()["line-2"].output == {{"greeting": "Hej Anna"}}
'''

README = """# {name}

**Catalogue process:** (set `process=` in `bot.py` to the catalogue id)

## Inputs
- `input` — a semicolon-separated CSV file with a `name` column.

## Outputs
- one work item per line; empty names go to manual handling (`EMPTY_NAME`).

```
sepbots run {name} --param input=path/to/input.csv
```
"""

CONFIG = """# Defaults for `sepbots run {name}`; override with --param key=value.
[params]
"""


def register(app: typer.Typer) -> None:
    @app.command("new")
    def new(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="the new bot's name (lowercase, digits, _)")],
        folder: Annotated[Path | None, typer.Option(help="where bots live (default: <home>/bots)")] = None,
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
        title = name.replace("_", " ").capitalize()
        (path / "tests").mkdir(parents=True)
        if not (root / "__init__.py").exists():
            (root / "__init__.py").write_text('"""Bots."""\n', encoding="utf-8")
        files = {
            "__init__.py": "", "bot.py": BOT.format(name=name, title=title), "config.toml": CONFIG.format(name=name),
            "README.md": README.format(name=name), "tests/__init__.py": "", f"tests/test_{name}.py": TEST.format(name=name),
        }
        for rel, text in files.items():
            (path / rel).write_text(text, encoding="utf-8")
        typer.echo(T(lang, "created", path=path, name=name))
