"""Templates for ``sepbots new NAME --kind sheet|web``: a recipe, config, README and a passing test each.

``sheet``: an .xlsx/CSV input read with ``sepbots.sheets`` (typed columns by header, Danish amounts),
each row a work item, and this run's own result workbook written in ``finish``.
``web``: each address a work item, opened in the run's one browser (``sepbots.browser``), the page
title as the output; the test serves two pages from a local HTTP server to the real Chromium.
``desktop``: a desktop program started once per run (``sepbots.desktop``), each window title a work
item; the test runs a small Tk program on a private Xvfb display.
"""

from __future__ import annotations

import enum


class Kind(enum.StrEnum):
    """What the new bot works on."""

    SHEET = "sheet"
    WEB = "web"
    DESKTOP = "desktop"


SHEET_BOT = '''"""{title}: what this robot does, in one paragraph (process, systems, inputs, outputs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from sepbots import BotContext, BusinessException, ItemState, NewItem, WorkItem, bot
from sepbots.sheets import CellKind, ColumnSpec, Ore, SheetSpec, open_table, write_workbook


class InputRow(BaseModel):
    """The columns read from the input, by header (missing headers are named in the error)."""

    name: str = Field("", alias="Navn")
    amount: Ore = Field(alias="Beløb")


class Line(BaseModel):
    """The payload of one work item."""

    row: int
    name: str
    amount_ore: int


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: Path
    output: Path


def produce(ctx: BotContext[Params]) -> Iterator[NewItem[Line]]:
    """One item per row; the reference (file and row) makes a re-run add nothing twice."""
    with open_table(ctx.params.input, InputRow) as table:
        for row in table:
            yield NewItem(reference=f"{{ctx.params.input.name}}:{{row.number}}",
                          payload=Line(row=row.number, name=row.data.name.strip(), amount_ore=row.data.amount))


def finish(ctx: BotContext[Params], items: list[WorkItem[Line]]) -> None:
    """This run's own result workbook: every item the run read or processed, with its outcome."""
    labels = {{ItemState.DONE: "Udført", ItemState.BUSINESS_EXCEPTION: "Manuel behandling"}}
    rows = [[i.payload.row, i.payload.name, i.payload.amount_ore, labels.get(i.state, i.state.value),
             i.error_code or ""] for i in sorted(items, key=lambda i: i.payload.row)]
    columns = [ColumnSpec("Række", CellKind.INTEGER), ColumnSpec("Navn"), ColumnSpec("Beløb", CellKind.ORE),
               ColumnSpec("Status"), ColumnSpec("Kode")]
    write_workbook(ctx.output_path(ctx.params.output), [SheetSpec("Resultat", columns, rows)])


@bot(name="{name}", process=None, params=Params, producer=produce, finish=finish, max_attempts=3)
def handle(item: WorkItem[Line], ctx: BotContext[Params]) -> dict[str, int]:
    """{title}."""
    if not item.payload.name:
        raise BusinessException(f"række {{item.payload.row}}: navnet mangler", code="NO_NAME")
    ctx.log.info("row_handled", row=item.payload.row)
    return {{"amount_ore": item.payload.amount_ore}}
'''

SHEET_TEST = '''"""Tests for the {name} bot: a real run on a real SQLite file with a real .xlsx in and out."""

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from sepbots import ItemState, RunStatus
from sepbots.testing import run_bot_once

from ..bot import handle


def test_rows_become_items_and_the_run_writes_its_own_result(tmp_path: Path) -> None:
    """A named row is done; a row without a name goes to manual handling; the result lists both."""
    source = tmp_path / "input.xlsx"
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # narrows openpyxl's "any sheet or none" for mypy --strict
    sheet.append(["Navn", "Beløb"])
    sheet.append(["Anna", "1.234,50"])
    sheet.append([None, "10,00"])
    book.save(source)
    outcome = run_bot_once(handle, {{"input": source, "output": tmp_path / "ud" / "resultat.xlsx"}},
                           home=tmp_path / "home")
    assert outcome.summary.status is RunStatus.COMPLETED
    assert [i.state for i in outcome.items] == [ItemState.DONE, ItemState.BUSINESS_EXCEPTION]
    assert outcome.items[0].output == {{"amount_ore": 123450}}
    assert outcome.output is not None
    result = load_workbook(outcome.output).active
    assert isinstance(result, Worksheet)
    rows = list(result.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["Udført", "Manuel behandling"]
'''

WEB_BOT = '''"""{title}: what this robot does on which web site, in one paragraph."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from sepbots import ApplicationException, BotContext, BusinessException, NewItem, WorkItem, bot
from sepbots.browser import BrowserSession, RetryPolicy


class Address(BaseModel):
    """The payload of one work item."""

    url: str


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    urls: list[str] = Field(default_factory=list)


def produce(ctx: BotContext[Params]) -> Iterator[NewItem[Address]]:
    for url in ctx.params.urls:
        yield NewItem(reference=url, payload=Address(url=url))


@bot(name="{name}", process=None, params=Params, producer=produce, max_attempts=3, requires=["browser"])
def handle(item: WorkItem[Address], ctx: BotContext[Params]) -> dict[str, str]:
    """{title}."""
    session = ctx.use("browser", lambda: BrowserSession(ctx.settings.browser, sleep=ctx.clock.sleep))
    response = session.goto(item.payload.url, retry=RetryPolicy())
    if response is None or not response.ok:
        raise ApplicationException(f"{{item.payload.url}} answered {{getattr(response, 'status', '-')}}")
    title = session.page().title().strip()
    if not title:
        raise BusinessException(f"{{item.payload.url}} has no title", code="NO_TITLE")
    return {{"title": title}}
'''

WEB_TEST = '''"""Tests for the {name} bot: real headless Chromium against pages served by a local HTTP server."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sepbots import ItemState
from sepbots.testing import run_bot_once

from ..bot import handle


def test_titled_pages_are_done_and_untitled_ones_need_a_person(tmp_path: Path) -> None:
    """A page with a title is done with the title as output; a page without one is a business exception."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text("<html><head><title>Hej</title></head><body>a</body></html>", encoding="utf-8")
    (site / "b.html").write_text("<html><body>b</body></html>", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{{server.server_address[1]}}"
    try:
        outcome = run_bot_once(handle, {{"urls": [f"{{base}}/a.html", f"{{base}}/b.html"]}}, home=tmp_path / "home")
    finally:
        server.shutdown()
        server.server_close()
    assert [i.state for i in outcome.items] == [ItemState.DONE, ItemState.BUSINESS_EXCEPTION]
    assert outcome.items[0].output == {{"title": "Hej"}} and outcome.items[1].error_code == "NO_TITLE"
'''

DESKTOP_BOT = '''"""{title}: what this robot does in which desktop program, in one paragraph."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from sepbots import BotContext, BusinessException, NewItem, WorkItem, bot
from sepbots.desktop import Desktop, DesktopTimeout


class Wanted(BaseModel):
    """The payload of one work item: a window to find."""

    title: str


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program: list[str] = Field(default_factory=list, description="the program and its arguments (no shell)")
    titles: list[str] = Field(default_factory=list)
    wait_s: float = Field(20.0, gt=0, description="how long to wait for a window")


def produce(ctx: BotContext[Params]) -> Iterator[NewItem[Wanted]]:
    for title in ctx.params.titles:
        yield NewItem(reference=title, payload=Wanted(title=title))


def _desktop(ctx: BotContext[Params]) -> Desktop:
    """The run's desktop (a private Xvfb display on Linux when desktop.virtual_display is on), program started."""

    def start() -> Desktop:
        desktop = Desktop(ctx.settings.desktop, clock=ctx.clock, log=ctx.log)
        if ctx.params.program:
            desktop.launch(ctx.params.program, output=ctx.run_dir / "program.log")
        return desktop

    return ctx.use("desktop", start)


@bot(name="{name}", process=None, params=Params, producer=produce, max_attempts=2, requires=["desktop"])
def handle(item: WorkItem[Wanted], ctx: BotContext[Params]) -> dict[str, object]:
    """{title}."""
    desktop = _desktop(ctx)
    try:
        window = desktop.wait_for_window(item.payload.title, timeout_s=ctx.params.wait_s)
    except DesktopTimeout:
        raise BusinessException(f"vinduet {{item.payload.title!r}} kom ikke frem", code="NO_WINDOW") from None
    return {{"title": window.title, "width": window.width}}
'''

DESKTOP_TEST = '''"""Tests for the {name} bot: a real Tk program on a private Xvfb display, driven by sepbots.desktop."""

import sys
from pathlib import Path

from sepbots import ItemState
from sepbots.testing import run_bot_once

from ..bot import handle

PROGRAM = "import tkinter as tk; root = tk.Tk(); root.title('Sagssystem'); root.geometry('400x200'); root.mainloop()"


def test_a_window_that_shows_is_found_and_a_missing_one_needs_a_person(tmp_path: Path) -> None:
    """The program's window is found (done, with its title); a window that never shows is a business exception."""
    outcome = run_bot_once(
        handle,
        {{"program": [sys.executable, "-c", PROGRAM], "titles": ["Sagssystem", "Findes ikke"], "wait_s": 8}},
        home=tmp_path / "home",
        overrides={{"desktop": {{"virtual_display": True}}}},
    )
    assert [i.state for i in outcome.items] == [ItemState.DONE, ItemState.BUSINESS_EXCEPTION]
    found = outcome.items[0].output
    assert found is not None and found["title"] == "Sagssystem" and outcome.items[1].error_code == "NO_WINDOW"
'''

README = """# {name}

**Catalogue process:** (set `process=` in `bot.py` to the catalogue id; scheduled production runs
of a bot without a cleared process are refused — use `test_mode` until the legal checklist is done)

Made with `sepbots new {name} --kind {kind}`. See [the recipe API](../../docs/recipe-api.md).

```
{usage}
pytest bots/{name}
```
"""

USAGE = {
    Kind.SHEET: "sepbots run {name} --param input=input.xlsx --param output=var/out/{name}.xlsx",
    Kind.WEB: "sepbots run {name} --param urls='[\"https://example.org\"]'",
    Kind.DESKTOP: "sepbots run {name} --param program='[\"sagssystem.exe\"]' --param titles='[\"Sagssystem\"]'",
}
TEMPLATES = {Kind.SHEET: (SHEET_BOT, SHEET_TEST), Kind.WEB: (WEB_BOT, WEB_TEST),
             Kind.DESKTOP: (DESKTOP_BOT, DESKTOP_TEST)}


def files(name: str, kind: Kind) -> dict[str, str]:
    """The new bot's files by path relative to its folder."""
    title = name.replace("_", " ").capitalize()
    bot_text, test_text = TEMPLATES[kind]
    return {
        "__init__.py": "",
        "bot.py": bot_text.format(name=name, title=title),
        "config.toml": f"# Defaults for `sepbots run {name}`; override with --param key=value.\n[params]\n",
        "README.md": README.format(name=name, kind=kind.value, usage=USAGE[kind].format(name=name)),
        "tests/__init__.py": "",
        f"tests/test_{name}.py": test_text.format(name=name),
    }
