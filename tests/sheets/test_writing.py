"""Styled, atomic .xlsx output."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sepbots.sheets import CellKind, ColumnSpec, SheetSpec, write_workbook

COLUMNS = [
    ColumnSpec("Dato", CellKind.DATE),
    ColumnSpec("Tekst"),
    ColumnSpec("Beløb", CellKind.ORE),
    ColumnSpec("Antal", CellKind.INTEGER),
]


def test_workbook_has_bold_frozen_filtered_header_and_formats(tmp_path: Path) -> None:
    """Header bold and frozen, autofilter over the data, widths fitted, amounts and dates formatted."""
    rows = [
        (date(2024, 1, 5), "Indbetaling med en lang tekst", 123456, 3),
        (date(2024, 1, 6), "=1+1", -5, None),
    ]
    path = write_workbook(tmp_path / "ud.xlsx", [SheetSpec("Afstemt", COLUMNS, rows)])
    sheet = load_workbook(path)["Afstemt"]
    assert [c.value for c in sheet[1]] == ["Dato", "Tekst", "Beløb", "Antal"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    assert sheet["A2"].value.date() == date(2024, 1, 5) and sheet["A2"].number_format == "dd-mm-yyyy"
    assert sheet["C2"].value == 1234.56 and sheet["C2"].number_format == "#,##0.00"
    assert sheet["C3"].value == -0.05
    assert sheet["B3"].value == "=1+1" and sheet["B3"].data_type == "s"  # text, never a formula
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["D"].width


def test_failed_write_leaves_neither_a_file_nor_a_temporary(tmp_path: Path) -> None:
    """If producing the rows fails halfway, the old output stays untouched and no temp file remains."""
    target = tmp_path / "ud.xlsx"
    target.write_bytes(b"old")

    def rows() -> Iterator[tuple[object, ...]]:
        for i in range(500):
            yield (date(2024, 1, 1), f"linje {i}", i, i)
        raise RuntimeError("kilden døde")

    with pytest.raises(RuntimeError):
        write_workbook(target, [SheetSpec("A", COLUMNS, rows())])
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ud.xlsx"]


def test_many_sheets_stream_in_order(tmp_path: Path) -> None:
    """Several sheets are written in the given order; an empty sheet still gets its header."""
    path = write_workbook(
        tmp_path / "m.xlsx",
        [SheetSpec("Oversigt", COLUMNS, [(None, "x", 1, 1)]), SheetSpec("Tom", COLUMNS, [])],
    )
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Oversigt", "Tom"]
    assert workbook["Tom"].max_row == 1
