"""Writing styled .xlsx workbooks atomically.

Every sheet gets a bold, frozen header row with an autofilter, column widths fitted to the
header and the first rows, and number formats per column kind (amounts ``#,##0.00`` from øre,
dates ``dd-mm-yyyy``). Rows stream: a sheet of 200,000 rows never sits in memory as cells.

XlsxWriter in constant-memory mode does the writing. It applies a column's format to every cell
written without one, so a styled sheet costs no more than a plain one; measured here on 100,000
rows × 10 columns it wrote in 13 s where openpyxl's write-only mode took 23 s plain and 40 s
styled per cell (see docs/benchmarks.md).

The workbook is written to a temporary file in the target folder and moved into place with
:func:`os.replace` only when complete, so a failed run never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import chain, islice
from pathlib import Path
from typing import Any

import xlsxwriter

__all__ = ["CellKind", "ColumnSpec", "SheetSpec", "atomic_output", "write_workbook"]

_WIDTH_SAMPLE = 200
_MAX_WIDTH = 60.0
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()  # Excel serial day 0


class CellKind(StrEnum):
    """How a column's values are written and formatted."""

    TEXT = "text"
    INTEGER = "integer"
    ORE = "ore"  # int øre, shown as kroner with two decimals
    DATE = "date"
    AUTO = "auto"  # each value as what it is: text as text, numbers as numbers, dates as dates


_FORMATS = {
    CellKind.INTEGER: "#,##0",
    CellKind.ORE: "#,##0.00",
    CellKind.DATE: "dd-mm-yyyy",
}


@dataclass(frozen=True)
class ColumnSpec:
    """One output column: header text, kind and optional fixed width (in characters)."""

    header: str
    kind: CellKind = CellKind.TEXT
    width: float | None = None


@dataclass
class SheetSpec:
    """One output sheet: name, columns and rows (any iterable of value sequences)."""

    name: str
    columns: Sequence[ColumnSpec]
    rows: Iterable[Sequence[Any]] = field(default_factory=list)

    @classmethod
    def plain(cls, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> SheetSpec:
        """A sheet whose columns are written as their values are (:attr:`CellKind.AUTO`), e.g. an outcome sheet."""
        return cls(name, [ColumnSpec(header, CellKind.AUTO) for header in headers], rows)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only if the block succeeds.

    The temporary file is created by the caller (so it gets the usual permissions) and is removed
    if the block fails.
    """
    path = Path(path)
    temp = path.parent / f".{path.stem}-{uuid.uuid4().hex[:12]}.tmp{path.suffix}"
    try:
        yield temp
        os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def write_workbook(path: Path, sheets: Iterable[SheetSpec]) -> Path:
    """Write ``sheets`` to ``path`` as one styled workbook, atomically.

    Args:
        path: the target .xlsx (its folder is created when missing).
        sheets: the sheets in order; each sheet's rows are consumed once, streaming.

    Returns:
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as temp:
        workbook = xlsxwriter.Workbook(str(temp), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        try:
            header_format = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#DDEBF7"})
            formats = {kind: workbook.add_format({"num_format": fmt}) for kind, fmt in _FORMATS.items()}
            # Style indices in a fixed order (header 1, then the number formats as listed), as
            # XlsxWriter would give them at first use in a sheet whose header comes first.
            for fmt in (header_format, *formats.values()):
                fmt._get_xf_index()
            for spec in sheets:
                _write_sheet(workbook, spec, header_format, formats)
        finally:
            workbook.close()
    return path


def _write_sheet(workbook: Any, spec: SheetSpec, header_format: Any, formats: dict[CellKind, Any]) -> None:
    sheet = workbook.add_worksheet(spec.name)
    columns = list(spec.columns)
    rows = iter(spec.rows)
    sample = list(islice(rows, _WIDTH_SAMPLE))
    for index, column in enumerate(columns):
        width = column.width or _fit_width(column, [r[index] if index < len(r) else None for r in sample])
        sheet.set_column(index, index, width, formats.get(column.kind))
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.header, header_format)
    sheet.freeze_panes(1, 0)
    # One typed write per cell: the column kind is known, so XlsxWriter's per-value type dispatch
    # (write_row → write) is skipped; the undecorated methods skip its A1-notation check too. The
    # common values (str, int, float, date of the column's kind) are written inline with the
    # column's format passed along (the same cell XML as the column default, two lookups fewer per
    # cell), as its index in text (see _Style); anything else takes the general path below.
    text = getattr(sheet, "_write_string", sheet.write_string)
    number = getattr(sheet, "_write_number", sheet.write_number)
    styles = {kind: _Style(fmt._get_xf_index()) for kind, fmt in formats.items()} if number is not sheet.write_number else formats
    plan = [(i, c.kind, styles.get(c.kind)) for i, c in enumerate(columns)]
    date_format = formats[CellKind.DATE]
    last = 0
    for last, row in enumerate(chain(sample, rows), 1):
        size = len(row)
        for index, kind, fmt in plan:
            if index >= size:
                break
            value = row[index]
            cls = value.__class__
            if cls is str:
                if not value:
                    continue
                if kind is _TEXT:
                    text(last, index, value)
                    continue
            elif value is None:
                continue
            elif kind is not _TEXT:
                if cls is int:
                    number(last, index, value / 100 if kind is _ORE else value, fmt)
                    continue
                if cls is float:
                    number(last, index, value, fmt)
                    continue
                if cls is date and kind is _DATE:
                    number(last, index, value.toordinal() - _EPOCH_ORDINAL, fmt)
                    continue
            _write_other(sheet, last, index, kind, value, date_format)
    if columns:
        sheet.autofilter(0, 0, max(last, 1), len(columns) - 1)


class _Style:
    """A cell format as XlsxWriter's cell writer reads it: the format's style index, as text.

    XlsxWriter writes a cell's style index (``s="3"``) through its attribute escaper, which tests the
    value with a regular expression; an ``int`` index makes that test raise and catch a ``TypeError``
    for every styled cell (~0.4 µs each: ~0.2 s for the ~570,000 dates and amounts of a 100,000-line
    reconciliation, see docs/benchmarks.md). The same index as ``str`` takes the escaper's plain path
    and gives the same XML. The :class:`xlsxwriter.format.Format` stays registered with the workbook,
    which writes it to ``styles.xml`` at close; this stand-in only carries its index to the cells.
    Used only on the undecorated ``_write_number`` path (which stores the format as given).
    """

    __slots__ = ("_index",)

    def __init__(self, index: int) -> None:
        self._index = str(index)

    def _get_xf_index(self) -> str:
        return self._index


def _write_other(sheet: Any, row: int, index: int, kind: CellKind, value: Any, date_format: Any) -> None:
    """Write a value the typed fast path does not cover (subclasses, ``Decimal``, text in a number column,
    mixed ``AUTO`` cells …)."""
    if value == "":
        return
    if kind is CellKind.AUTO:
        if isinstance(value, date):
            sheet.write_datetime(row, index, value, date_format)
        else:
            sheet.write(row, index, value)
        return
    convert = _CONVERTERS.get(kind)
    if convert is not None:
        value = convert(value)
    if kind is _TEXT:
        sheet.write_string(row, index, value if value.__class__ is str else str(value))
    elif value.__class__ in _NUMBERS:
        sheet.write_number(row, index, value)
    else:
        sheet.write(row, index, value)  # anything else: let XlsxWriter decide


def _ore_to_kroner(value: Any) -> Any:
    return value / 100 if isinstance(value, int) else value


def _date_to_serial(value: Any) -> Any:
    if isinstance(value, date):  # datetime is a date too; its time of day is dropped
        return value.toordinal() - _EPOCH_ORDINAL
    return value


_CONVERTERS = {CellKind.ORE: _ore_to_kroner, CellKind.DATE: _date_to_serial}
_NUMBERS = (int, float)
_TEXT, _ORE, _DATE = CellKind.TEXT, CellKind.ORE, CellKind.DATE


def _fit_width(column: ColumnSpec, values: list[Any]) -> float:
    longest = len(column.header) + 3  # room for the autofilter arrow
    for value in values:
        if value is None:
            continue
        if column.kind is CellKind.DATE or isinstance(value, date):
            length = 10
        elif column.kind is CellKind.ORE and isinstance(value, int | float):
            length = len(f"{value / 100:,.2f}")
        else:
            length = len(str(value))
        longest = max(longest, length)
    return min(float(longest) + 1, _MAX_WIDTH)
