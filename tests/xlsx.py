"""Typed access to a workbook's sheet in tests (openpyxl types ``Workbook.active`` as any kind of sheet, or none)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart._chart import ChartBase
from openpyxl.worksheet.worksheet import Worksheet


def active_sheet(book: Workbook) -> Worksheet:
    """The workbook's active sheet; fails the test if it is missing or a chart sheet."""
    sheet = book.active
    assert isinstance(sheet, Worksheet), f"the active sheet is {type(sheet).__name__}, not a worksheet"
    return sheet


def charts_of(sheet: Worksheet) -> list[ChartBase]:
    """The charts openpyxl read into a sheet (it keeps them only in a private list)."""
    charts: list[ChartBase] = sheet._charts  # type: ignore[attr-defined]  # the stubs leave out openpyxl's private chart list
    return charts
