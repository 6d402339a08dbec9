"""Opening a workbook sheet or CSV file as raw rows, told apart by content (re-exported by ``sepbots.sheets``)."""

from __future__ import annotations

from pathlib import Path

from sepbots.exceptions import InputError
from sepbots.sheets.csvfile import CsvOptions, open_csv_rows
from sepbots.sheets.reader import FileKind, XlsxEngine, open_xlsx_rows, refuse_unreadable_workbook, sniff_kind
from sepbots.sheets.table import RawRows


def open_raw_rows(
    path: Path,
    *,
    sheet: str | int | None = None,
    engine: XlsxEngine = XlsxEngine.AUTO,
    csv: CsvOptions | None = None,
) -> RawRows:
    """Open a workbook sheet or CSV file (told apart by content) as raw rows of cells.

    For callers that look at the rows before choosing a row model, e.g. to tell a bank's export
    layout from its header; hand the rows on with :func:`open_rows_as_table`.

    Raises:
        InputError: as :func:`open_table`.
    """
    kind = sniff_kind(path)
    if kind is FileKind.TEXT:
        return open_csv_rows(path, csv)
    if kind is FileKind.XML:
        raise InputError("filen er XML, ikke et regneark / the file is XML, not a spreadsheet", file=path)
    refuse_unreadable_workbook(path, kind)
    return open_xlsx_rows(path, sheet, engine)
