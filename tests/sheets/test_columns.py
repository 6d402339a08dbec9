"""Plain cells by column, for bots that judge each value themselves; outcome sheets of mixed values."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from sepbots import BusinessException
from sepbots.exceptions import InputError
from sepbots.sheets import CellProblem, SheetSpec, cell_text, read_columns, write_workbook
from tests.xlsx import active_sheet


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    active_sheet(workbook).title = "Ark"
    for row in rows:
        active_sheet(workbook).append(row)
    workbook.save(path)
    return path


def test_cells_come_as_the_workbook_holds_them(tmp_path: Path) -> None:
    """Whole numbers are ints (calamine reads floats), blanks None, text stripped, alternatives accepted."""
    source = write_xlsx(tmp_path / "in.xlsx", [
        ["CPR-nr", "Beløb", "Dato", "Andet"],
        [101901234, 12.5, date(2026, 1, 5), "x"],
        [None, None, None, "kun andet"],
        ["  0101901234 ", 7.0, "05-01-2026", None],
    ])
    table = read_columns(source, {"cpr": ("CPR", "cpr-nr"), "amount": "Beløb", "when": "Dato", "note": "Bemærkning"},
                         optional=("note",))
    assert table.sheet == "Ark"
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, {"cpr": 101901234, "amount": 12.5, "when": date(2026, 1, 5), "note": None}),
        (4, {"cpr": "0101901234", "amount": 7, "when": "05-01-2026", "note": None}),
    ]
    assert isinstance(table.rows[0].cells["cpr"], int)


def test_bad_shape_is_refused_naming_what_is_wrong(tmp_path: Path) -> None:
    """A missing file, a missing column (with the columns found) and a sheet without data rows."""
    with pytest.raises(InputError, match="the input file does not exist") as missing:
        read_columns(tmp_path / "ingen.xlsx", ["CVR"])
    assert missing.value.file == tmp_path / "ingen.xlsx"
    source = write_xlsx(tmp_path / "in.xlsx", [["CVR-nummer", "Navn"], ["12345674", "A/S"]])
    with pytest.raises(InputError, match="missing column header\\(s\\) 'CVR'; .*'CVR-nummer', 'Navn'") as wrong:
        read_columns(source, ["CVR"])
    assert (wrong.value.sheet, wrong.value.row) == ("Ark", 1)
    headers_only = write_xlsx(tmp_path / "tom.xlsx", [["CVR"]])
    with pytest.raises(InputError, match="no data rows"):
        read_columns(headers_only, ["CVR"])
    assert read_columns(headers_only, ["CVR"], allow_empty=True).rows == []


def test_csv_is_read_the_same_way(tmp_path: Path) -> None:
    """A semicolon CSV gives text cells with the file's line numbers."""
    source = tmp_path / "liste.csv"
    source.write_text("CVR;Note\n12345674;\n\n87654321;x\n", encoding="utf-8")
    assert [(r.number, r.cells) for r in read_columns(source, ["CVR"]).rows] == [(2, {"CVR": "12345674"}),
                                                                                   (4, {"CVR": "87654321"})]


def test_cell_text_and_cell_problems() -> None:
    """cell_text formats dates and whole floats; a CellProblem names row and column in either language."""
    assert [cell_text(v) for v in (None, 12.0, 12.5, datetime(2026, 1, 5, 9), " a ")] == ["", "12", "12.5", "2026-01-05", "a"]
    assert cell_text(date(2026, 1, 5), date_format="%d-%m-%Y") == "05-01-2026"
    problem = CellProblem(row=3, column="CVR", code="BAD_CVR", reason_da="forkert", reason_en="wrong")
    assert problem.message("da") == "række 3, kolonne 'CVR': forkert"
    assert problem.message("en") == "row 3, column 'CVR': wrong"
    error = problem.exception("en")
    assert isinstance(error, BusinessException) and (error.code, error.message) == ("BAD_CVR", "row 3, column 'CVR': wrong")


def test_plain_sheet_writes_each_value_as_what_it_is(tmp_path: Path) -> None:
    """Ints and floats as numbers, dates as formatted dates, text as text, blanks as empty cells."""
    rows = [[1, "=1+1", 12.5, date(2026, 1, 5), ""], [2, "tekst", None, datetime(2026, 1, 6, 10), "x"]]
    path = write_workbook(tmp_path / "ud" / "resultat.xlsx", [SheetSpec.plain("Resultat", ["A", "B", "C", "D", "E"], rows)])
    sheet = load_workbook(path)["Resultat"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [[1, "=1+1", 12.5, datetime(2026, 1, 5), None], [2, "tekst", None, datetime(2026, 1, 6, 10), "x"]]
    assert sheet["B2"].data_type == "s" and sheet["D2"].number_format == "dd-mm-yyyy"
    assert sheet.freeze_panes == "A2" and all(c.font.b for c in sheet[1])
