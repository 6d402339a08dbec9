"""Spreadsheet toolkit: typed tables in from .xlsx and CSV, styled workbooks out, atomically.

```python
class Payment(BaseModel):
    dato: DanishDate = Field(alias="Dato")
    belob: Ore = Field(alias="Beløb")
    tekst: str = Field("", alias="Tekst")

with open_table(Path("kontoudtog.csv"), Payment) as table:
    for row in table:                      # streaming TableRow(number, data)
        print(row.number, row.data.belob)

write_workbook(Path("ud.xlsx"), [SheetSpec("Ark", [ColumnSpec("Beløb", CellKind.ORE)], rows)])

for row in read_columns(Path("krav.xlsx"), ["CVR", "Beløb"]).rows:   # untyped cells, checked by the bot
    print(row.number, cell_text(row.cells["CVR"]))
```
Bad input raises :class:`sepbots.exceptions.InputError` naming file, sheet, row and column.

Import from ``sepbots.sheets``: its modules (``reader``, ``table``, ``columns`` …) are internal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from sepbots.exceptions import InputError
from sepbots.sheets.columns import CellProblem, CellRow, CellTable, cell_text, read_columns
from sepbots.sheets.csvfile import CsvOptions, detect_encoding
from sepbots.sheets.opening import open_raw_rows
from sepbots.sheets.reader import FileKind, XlsxEngine, sniff_kind
from sepbots.sheets.table import (
    HeaderMap,
    RawRows,
    Table,
    TableRow,
    column_letter,
    normalise_header,
    open_rows_as_table,
)
from sepbots.sheets.values import (
    DanishDate,
    DecimalSeparator,
    Ore,
    ValueFormatError,
    format_ore,
    parse_date,
    parse_ore,
)
from sepbots.sheets.writer import CellKind, ColumnSpec, SheetSpec, atomic_output, write_workbook

__all__ = [
    "CellKind",
    "CellProblem",
    "CellRow",
    "CellTable",
    "ColumnSpec",
    "CsvOptions",
    "DanishDate",
    "DecimalSeparator",
    "FileKind",
    "HeaderMap",
    "InputError",
    "Ore",
    "RawRows",
    "SheetSpec",
    "Table",
    "TableRow",
    "ValueFormatError",
    "XlsxEngine",
    "atomic_output",
    "cell_text",
    "column_letter",
    "detect_encoding",
    "format_ore",
    "normalise_header",
    "open_raw_rows",
    "open_rows_as_table",
    "open_table",
    "parse_date",
    "parse_ore",
    "read_columns",
    "sniff_kind",
    "write_workbook",
]

RowT = TypeVar("RowT", bound=BaseModel)


def open_table(
    path: Path | str,
    model: type[RowT],
    *,
    headers: HeaderMap | None = None,
    sheet: str | int | None = None,
    engine: XlsxEngine = XlsxEngine.AUTO,
    csv: CsvOptions | None = None,
    context: dict[str, Any] | None = None,
) -> Table[RowT]:
    """Open a table from an .xlsx workbook or a CSV file (told apart by content).

    Args:
        path: the file.
        model: the pydantic row model; field aliases are the default header names.
        headers: field name → header text (or accepted alternatives) overriding the aliases.
        sheet: for workbooks, a sheet name or 0-based index (default: the first sheet).
        engine: for workbooks, which reader to use.
        csv: for CSV files, encoding and delimiter (detected when not given).
        context: pydantic validation context handed to the row model's validators.

    Returns:
        The opened :class:`Table`; iterate it for :class:`TableRow` items, close it when done.

    Raises:
        InputError: unreadable file, legacy .xls, password-protected or corrupt workbook, empty
            sheet, missing or duplicated column, unexpected encoding.
    """
    path = Path(path)
    return open_rows_as_table(path, open_raw_rows(path, sheet=sheet, engine=engine, csv=csv), model, headers, context)
