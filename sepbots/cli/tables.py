"""How CLI commands print: a table for people (Danish labels, nothing cut off) or JSON for scripts.

In a terminal, tables (rich) fold long values onto the next line instead of cutting them
(``overflow="fold"``), at the terminal's own width, so a bot or reference name is never shortened in
a narrow terminal. Into a pipe or a file, a table is plain aligned text, one line per row with every
value whole (``grep`` finds a row), and rich is not loaded (the cold-start budget). JSON holds the raw
values (states as their enum values, times as ISO 8601 UTC) with full names.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import typer


class Format(enum.StrEnum):
    """Output format of a listing command."""

    TABLE = "table"
    JSON = "json"


_LONGEST_WORD = 40  # a longer word (a path, a run id) folds onto the next line rather than being cut
FormatOption = Annotated[Format, typer.Option("--format", help="table (for people) or json (for scripts)")]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout (UTF-8, Danish letters kept)."""
    typer.echo(json.dumps(data, default=_plain, ensure_ascii=False, indent=2))


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    numeric: Sequence[int] = (),
    header: bool = True,
) -> None:
    """A table at the terminal's width; long cells wrap (fold), never end in "…". Plain text when not a terminal."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if not _is_terminal():
        _print_plain(columns, cells, title, numeric, header)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=False)
    widths = []
    for n, name in enumerate(columns):
        words = [w for text in (name, *(row[n] for row in cells)) for w in text.split()]
        widths.append(min(max((len(w) for w in words), default=1), _LONGEST_WORD))
    if sum(widths) + 3 * len(widths) + 1 > console.width:
        _print_blocks(columns, cells, title)  # too narrow for a table: one block per row, nothing cropped
        return
    table = Table(title=title, show_header=header)
    for n, name in enumerate(columns):
        table.add_column(name, overflow="fold", min_width=widths[n], justify="right" if n in numeric else "left")
    for row in cells:
        table.add_row(*row)
    console.print(table)


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # no stdout, or a closed one
        return False


def _print_plain(
    columns: Sequence[str], cells: list[list[str]], title: str | None, numeric: Sequence[int], header: bool
) -> None:
    """Columns two spaces apart, numbers right-aligned, a row per line (line breaks in a value become spaces)."""
    lines = [[" ".join(value.splitlines()) for value in row] for row in ([list(columns)] if header else []) + cells]
    widths = [max(len(line[n]) for line in lines) for n in range(len(columns))]
    if title:
        typer.echo(title)
    for line in lines:
        typer.echo("  ".join(value.rjust(widths[n]) if n in numeric else value.ljust(widths[n])
                             for n, value in enumerate(line)).rstrip())


def _print_blocks(columns: Sequence[str], cells: list[list[str]], title: str | None) -> None:
    if title:
        typer.echo(title)
    for row in cells:
        for name, value in zip(columns, row, strict=True):
            typer.echo(f"{name}: {value}" if name else value)
        typer.echo("")


def records(rows: Iterable[Any], fields: Sequence[str]) -> list[dict[str, Any]]:
    """Row objects (SQLAlchemy rows, dataclasses) as dicts of ``fields``, for JSON."""
    out = []
    for row in rows:
        source: Mapping[str, Any] = row._mapping if hasattr(row, "_mapping") else vars(row)
        out.append({f: source.get(f) for f in fields})
    return out
