"""Reading input tables (.xlsx or .csv) and writing result workbooks, for the portal bots.

Bad input raises ``InputError`` naming the file, sheet, row and column: a missing file, a
password-protected or corrupt workbook, an unknown sheet, an empty sheet, missing headers (each
named, with the headers that were found). Results are written atomically (a temporary file in
the same folder, then ``os.replace``), so a failed run never leaves half a workbook.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from sepbots import InputError
from sepbots.sheets import atomic_output

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files


@dataclass(frozen=True, slots=True)
class InputRow:
    """One data row: its number as a person sees it in the file, and the wanted columns."""

    number: int
    cells: dict[str, Any]


@dataclass(frozen=True, slots=True)
class InputTable:
    """The rows of one sheet (or CSV file) with the wanted columns found by header."""

    file: Path
    sheet: str | None
    rows: list[InputRow]


def cell_text(value: Any) -> str:
    """A cell as text: dates as ISO, whole floats without ``.0``, None as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def _check_headers(
    found: Sequence[Any], wanted: Sequence[str], file: Path, sheet: str | None
) -> dict[str, int]:
    names = [cell_text(h) for h in found]
    folded = {n.casefold(): i for i, n in reversed(list(enumerate(names))) if n}
    missing = [w for w in wanted if w.casefold() not in folded]
    if missing:
        shown = ", ".join(repr(n) for n in names if n) or "none"
        raise InputError(
            f"missing column header(s) {', '.join(repr(m) for m in missing)} (headers found: {shown}) / "
            f"manglende kolonneoverskrift(er) {', '.join(repr(m) for m in missing)}",
            file=file,
            sheet=sheet,
            row=1,
        )
    return {w: folded[w.casefold()] for w in wanted}


def _rows(
    values: Iterator[Sequence[Any]], index: dict[str, int], file: Path, sheet: str | None
) -> list[InputRow]:
    rows = []
    for number, line in enumerate(values, start=2):
        if line is None or all(cell_text(v) == "" for v in line):
            continue
        rows.append(InputRow(number, {w: line[i] if i < len(line) else None for w, i in index.items()}))
    if not rows:
        raise InputError(
            "the sheet has headers but no data rows / arket har ingen datarækker", file=file, sheet=sheet
        )
    return rows


def _read_csv(path: Path, wanted: Sequence[str]) -> InputTable:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if not text.strip():
        raise InputError("the file is empty / filen er tom", file=path)
    first = text.splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    lines = iter(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = next(lines)
    index = _check_headers(header, wanted, path, None)
    return InputTable(path, None, _rows(lines, index, path, None))


def read_table(path: Path, wanted: Sequence[str], *, sheet: str | None = None) -> InputTable:
    """Read the columns ``wanted`` (header texts, case-insensitive) from an .xlsx or .csv file.

    Args:
        path: the input file.
        wanted: the header texts of the columns to read.
        sheet: the worksheet name (default: the first sheet); ignored for CSV.

    Returns:
        The data rows (blank rows skipped) with their row numbers.

    Raises:
        InputError: missing file, unreadable or protected workbook, unknown or empty sheet,
            missing headers, or no data rows.
    """
    if not path.is_file():
        raise InputError("the input file does not exist / inputfilen findes ikke", file=path)
    if path.suffix.lower() == ".csv":
        return _read_csv(path, wanted)
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE2_MAGIC:
        raise InputError(
            "the workbook is password-protected (encrypted) or an old .xls file; save it as .xlsx without a "
            "password / projektmappen er beskyttet med adgangskode eller er en gammel .xls-fil",
            file=path,
        )
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputError(
            f"not a readable .xlsx workbook ({type(error).__name__}) / ikke en læsbar .xlsx-projektmappe",
            file=path,
        ) from error
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputError(
                f"no sheet named {sheet!r} (sheets: {', '.join(workbook.sheetnames)})", file=path, sheet=sheet
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        values = worksheet.iter_rows(values_only=True)
        try:
            header = next(values, None)
            if header is None or all(cell_text(h) == "" for h in header):
                raise InputError("the sheet is empty / arket er tomt", file=path, sheet=worksheet.title)
            index = _check_headers(header, wanted, path, worksheet.title)
            return InputTable(path, worksheet.title, _rows(values, index, path, worksheet.title))
        finally:
            values.close()
    finally:
        workbook.close()


def write_workbook(path: Path, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """Write one sheet with a bold, frozen header row and a filter, atomically.

    Args:
        path: the output file (its folder is created when missing).
        title: the sheet name.
        header: the column headers.
        rows: the data rows.

    Returns:
        ``path``.
    """
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = title
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, name in enumerate(header):
        longest = max([len(name), *(len(cell_text(r[index])) for r in rows if r)], default=10)
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(60, longest + 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as temporary:
        workbook.save(temporary)
    return path
