"""Named columns as plain cells: for bots that judge each value themselves.

A bot that sends a bad value to manual handling (with its own error code) rather than refusing
the whole input reads the cells untyped and checks them per row::

    table = read_columns(path, ["CVR", "Beløb"], sheet=None)
    for row in table.rows:
        text = cell_text(row.cells["CVR"])

The file is read like every other table of the toolkit (.xlsx or CSV told apart by content,
header row found by name, case- and space-insensitively); only the *shape* is checked here, and
bad shape raises :class:`~sepbots.exceptions.InputError` naming file, sheet, row and column.
Cells come as the workbook holds them: text (stripped), ``int`` for whole numbers, ``float``,
``date``/``datetime``; a blank cell is ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from sepbots.exceptions import BusinessException, InputError

__all__ = ["CellProblem", "CellRow", "CellTable", "cell_text", "read_columns"]

Columns = Sequence[str] | Mapping[str, "str | Sequence[str]"]


@dataclass(frozen=True, slots=True)
class CellRow:
    """One data row: its number as a person sees it in the file, and the wanted cells by key."""

    number: int
    cells: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CellTable:
    """The data rows of one sheet (or CSV file), blank rows left out."""

    file: Path
    sheet: str | None
    rows: list[CellRow]


class CellProblem(BaseModel):
    """A bad cell: where it is, a stable code, and why in Danish and English.

    A producer puts it in the item's payload instead of refusing the whole input; the processor
    raises :meth:`exception`, so that one row goes to manual handling with the code.
    """

    model_config = ConfigDict(frozen=True)

    row: int
    column: str
    code: str
    reason_da: str
    reason_en: str

    def message(self, lang: str = "da") -> str:
        """``række 3, kolonne 'CVR': …`` in Danish, ``row 3, column 'CVR': …`` otherwise."""
        if lang == "da":
            return f"række {self.row}, kolonne '{self.column}': {self.reason_da}"
        return f"row {self.row}, column '{self.column}': {self.reason_en}"

    def exception(self, lang: str = "da") -> BusinessException:
        """The business exception that sends the row to manual handling."""
        return BusinessException(self.message(lang), code=self.code)


def cell_text(value: Any, *, date_format: str = "%Y-%m-%d") -> str:
    """A cell as text: dates in ``date_format`` (ISO by default), whole floats without ``.0``, None as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime(date_format)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def read_columns(
    path: Path | str,
    columns: Columns,
    *,
    sheet: str | int | None = None,
    optional: Sequence[str] = (),
    allow_empty: bool = False,
) -> CellTable:
    """Read the wanted columns of an .xlsx workbook or CSV file as plain cells.

    Args:
        path: the file.
        columns: the header texts to read (each is also its key), or key → header text or
            accepted spellings (the first is the one named in errors).
        sheet: for workbooks, a sheet name or 0-based index (default: the first sheet).
        optional: keys whose column may be missing (their cells are then ``None``).
        allow_empty: whether a sheet with headers but no data rows is fine (else an error).

    Returns:
        The data rows with their row numbers; every key is in every row's cells.

    Raises:
        InputError: missing or unreadable file, legacy .xls, password-protected or corrupt
            workbook, unknown or empty sheet, missing column, or (unless allowed) no data rows.
    """
    from sepbots.sheets.opening import open_raw_rows
    from sepbots.sheets.table import open_rows_as_table

    path = Path(path)
    wanted = {c: c for c in columns} if not isinstance(columns, Mapping) else dict(columns)
    fields = {f"c{i}": key for i, key in enumerate(wanted)}
    model = create_model(  # type: ignore[call-overload]  # field definitions built at run time
        "Cells", **{name: (Any, None if key in optional else ...) for name, key in fields.items()}
    )
    headers = {name: wanted[key] for name, key in fields.items()}
    if not path.is_file():
        raise InputError("inputfilen findes ikke / the input file does not exist", file=path)
    with open_rows_as_table(path, open_raw_rows(path, sheet=sheet), model, headers) as table:
        rows = [
            CellRow(number, {key: _plain(values.get(name)) for name, key in fields.items()})
            for number, values in table.records()
        ]
    if not rows and not allow_empty:
        raise InputError(
            "arket har ingen datarækker / the sheet has headers but no data rows", file=path, sheet=table.sheet
        )
    return CellTable(path, table.sheet, rows)


def _plain(value: Any) -> Any:
    if value.__class__ is float and value.is_integer():  # python-calamine reads every number as a float
        return int(value)
    return value
