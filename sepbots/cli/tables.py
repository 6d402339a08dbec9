"""How CLI commands print: a table for people (Danish labels, nothing cut off) or JSON for scripts.

Tables fold long values onto the next line instead of cutting them (``overflow="fold"``), at the
terminal's own width, so a bot or reference name is never shortened in a narrow terminal. JSON
holds the raw values (states as their enum values, times as ISO 8601 UTC) with full names.
"""

from __future__ import annotations

import enum
import json
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
    """A table at the terminal's width; long cells wrap (fold), never end in "…"."""
    from rich.console import Console
    from rich.table import Table

    cells = [["" if v is None else str(v) for v in row] for row in rows]
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
