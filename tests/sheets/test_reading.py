"""Reading typed tables from real .xlsx and CSV files, and refusing bad ones clearly."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pytest
from openpyxl import Workbook
from pydantic import BaseModel, Field

from sepbots.exceptions import InputError
from sepbots.sheets import CsvOptions, DanishDate, Ore, XlsxEngine, open_table
from tests.xlsx import active_sheet


def write_xlsx(path: Path, rows: list[list[object]], title: str = "Ark1") -> Path:
    workbook = Workbook()
    sheet = active_sheet(workbook)
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


class Payment(BaseModel):
    dato: DanishDate = Field(alias="Dato")
    tekst: str = Field("", alias="Tekst")
    belob: Ore = Field(alias="Beløb")
    reference: str = Field("", alias="Reference")


ROWS: list[list[object]] = [
    ["Dato", "Tekst", "Beløb", "Saldo"],
    [date(2024, 1, 5), "Indbetaling Æblegården", 1234.56, 10_000],
    [date(2024, 1, 6), "Gebyr", -12.5, 9_987.5],
    [None, None, None, None],
    ["07.01.2024", 4711, "1.000,00", None],
]


def _read(path: Path, **options: Any) -> list[tuple[int, Payment]]:
    with open_table(path, Payment, **options) as table:
        return [(row.number, row.data) for row in table]


@pytest.mark.parametrize("engine", [XlsxEngine.CALAMINE, XlsxEngine.OPENPYXL, XlsxEngine.AUTO])
def test_xlsx_rows_become_typed_models_with_row_numbers(tmp_path: Path, engine: XlsxEngine) -> None:
    """Both readers give the same typed rows: dates, øre, numbers as text, blank rows skipped."""
    path = write_xlsx(tmp_path / "bank.xlsx", ROWS)
    rows = _read(path, engine=engine)
    assert [n for n, _ in rows] == [2, 3, 5]
    assert rows[0][1] == Payment(Dato=date(2024, 1, 5), Tekst="Indbetaling Æblegården", Beløb="1.234,56")
    assert rows[1][1].belob == -1250
    assert rows[2][1].tekst == "4711" and rows[2][1].belob == 100000 and rows[2][1].dato == date(2024, 1, 7)


def test_header_mapping_overrides_default_names_and_header_row_is_found(tmp_path: Path) -> None:
    """A configured header name (or one of several) is used, and a title block above the header is skipped."""
    path = write_xlsx(
        tmp_path / "x.xlsx",
        [
            ["Kontoudtog for 1234-5678"],
            [],
            ["Bogført", "Beskrivelse", "Beløb i DKK"],
            ["05-01-2024", "Husleje", "-5.000,00"],
        ],
    )
    with open_table(path, Payment, headers={"dato": "bogført", "tekst": ["Tekst", "Beskrivelse"], "belob": "BELØB I DKK"}) as table:
        assert table.header_row == 3
        assert table.mapping == {"dato": "Bogført", "tekst": "Beskrivelse", "belob": "Beløb i DKK"}
        rows = list(table)
    assert rows[0].data.belob == -500000 and rows[0].number == 4


def test_sheet_by_name_and_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    """A sheet can be chosen by name; a wrong name lists the sheets there are."""
    workbook = Workbook()
    active_sheet(workbook).title = "Forside"
    sheet = workbook.create_sheet("Posteringer")
    sheet.append(["Dato", "Beløb"])
    sheet.append(["01.02.2024", 5])
    workbook.save(tmp_path / "two.xlsx")
    assert _read(tmp_path / "two.xlsx", sheet="Posteringer")[0][1].belob == 500
    with pytest.raises(InputError, match="'Forside', 'Posteringer'"):
        open_table(tmp_path / "two.xlsx", Payment, sheet="Nope")


def _csv_bytes(encoding: str, delimiter: str = ";", bom: bool = False) -> bytes:
    lines = [
        f"Dato{delimiter}Tekst{delimiter}Beløb{delimiter}Saldo",
        f'05.01.2024{delimiter}"Betaling, Søren Ærbø"{delimiter}"1.234,56"{delimiter}"10.000,00"',
        f'06-01-2024{delimiter}Gebyr{delimiter}"-12,50"{delimiter}"9.987,50"',
    ]
    data = "\r\n".join(lines).encode(encoding)
    return (codecs.BOM_UTF8 + data) if bom else data


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [
        ("iso-8859-1", False, ";"),
        ("utf-8", False, ";"),
        ("utf-8", True, ";"),
        ("utf-8", True, ","),
        ("iso-8859-1", False, ","),
    ],
)
def test_danish_csv_in_every_accepted_encoding_and_delimiter(tmp_path: Path, encoding: str, bom: bool, delimiter: str) -> None:
    """ISO-8859-1, UTF-8 and UTF-8 with BOM, with ; or , are detected and read alike."""
    path = tmp_path / "bank.csv"
    path.write_bytes(_csv_bytes(encoding, delimiter, bom))
    rows = _read(path)
    assert rows[0] == (2, Payment(Dato=date(2024, 1, 5), Tekst="Betaling, Søren Ærbø", Beløb="1.234,56"))
    assert rows[1][1].belob == -1250


def test_windows_1252_is_read_and_an_unexpected_encoding_is_refused_with_the_offset(tmp_path: Path) -> None:
    """Windows-1252 (€, curly quotes) reads as such; undefined bytes and UTF-16 are a clear error."""
    path = tmp_path / "cp1252.csv"
    path.write_bytes("Dato;Tekst;Beløb\n05.01.2024;Pris 10 € “Ærø”;10,00\n".encode("cp1252"))
    assert _read(path)[0][1].tekst == "Pris 10 € “Ærø”"
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"Dato;Tekst;Bel\xf8b\n05.01.2024;x\x81y;10,00\n")
    with pytest.raises(InputError, match="uventet tegnsæt.*byte 29") as err:
        open_table(binary, Payment)
    assert err.value.file == binary
    assert _read(binary, csv=CsvOptions(encoding="iso-8859-1"))[0][1].tekst == "x\x81y"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("Dato;Beløb\n05.01.2024;1\n".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        open_table(utf16, Payment)


def test_missing_column_is_named_with_the_columns_found(tmp_path: Path) -> None:
    """A missing required column names the column and lists what the file has."""
    path = write_xlsx(tmp_path / "m.xlsx", [["Dato", "Tekst", "Saldo"], ["05.01.2024", "x", 1]], title="Udtog")
    with pytest.raises(InputError) as err:
        open_table(path, Payment)
    message = str(err.value)
    assert "'Beløb'" in message and "'Dato', 'Tekst', 'Saldo'" in message
    assert err.value.sheet == "Udtog" and err.value.row == 1


def test_text_in_an_amount_cell_names_sheet_row_and_column(tmp_path: Path) -> None:
    """A bad value names the sheet, the row as a person counts it, and the column header."""
    path = write_xlsx(
        tmp_path / "t.xlsx",
        [["Dato", "Beløb"], ["05.01.2024", 10], ["06.01.2024", "ti kroner"]],
        title="Bank",
    )
    with pytest.raises(InputError, match="ti kroner") as err:
        _read(path)
    assert (err.value.sheet, err.value.row, err.value.column) == ("Bank", 3, "Beløb")
    assert "ark/sheet 'Bank', række/row 3, kolonne/column 'Beløb'" in str(err.value)


class Visit(BaseModel):
    navn: str = Field(alias="Navn")
    antal: int = Field(alias="Antal", ge=1)
    type: Literal["hjemme", "klinik"] = Field("hjemme", alias="Type")


@pytest.mark.parametrize(("cells", "column", "reason"), [
    (["Anna", "0101901234x", "klinik"], "Antal", "skal være et helt tal / must be a whole number"),
    (["Anna", 0, "klinik"], "Antal", "skal være mindst 1 / must be at least 1"),
    (["Anna", 2, "0101901234"], "Type", "skal være 'hjemme' eller 'klinik' / must be 'hjemme' or 'klinik'"),
])
def test_a_bad_cell_is_explained_in_danish_and_english_without_quoting_it(
        tmp_path: Path, cells: list[object], column: str, reason: str) -> None:
    """Pydantic's reason for a bad cell names its row and column in both languages; the cell's value is not repeated."""
    path = write_xlsx(tmp_path / "v.xlsx", [["Navn", "Antal", "Type"], ["Bo", 1, "hjemme"], cells], title="Besøg")
    with pytest.raises(InputError) as err, open_table(path, Visit) as table:
        list(table)
    assert str(err.value) == f"{reason} (fil/file {path}, ark/sheet 'Besøg', række/row 3, kolonne/column '{column}')"
    assert "0101901234" not in str(err.value)


def test_a_missing_required_value_is_reported(tmp_path: Path) -> None:
    """A blank cell in a required column is an error naming the cell, not a silent skip."""
    path = write_xlsx(tmp_path / "b.xlsx", [["Dato", "Beløb"], ["05.01.2024", None]])
    with pytest.raises(InputError, match="mangler en værdi") as err:
        _read(path)
    assert (err.value.row, err.value.column) == (2, "Beløb")


def test_duplicated_header_is_refused_with_both_columns(tmp_path: Path) -> None:
    """Two columns with the same mapped header are ambiguous: the error names both letters."""
    path = write_xlsx(tmp_path / "d.xlsx", [["Dato", "Beløb", "Tekst", "beløb"], ["05.01.2024", 1, "x", 2]])
    with pytest.raises(InputError, match="kolonne B og / and D") as err:
        open_table(path, Payment)
    assert err.value.column == "Beløb"


def test_empty_sheet_and_empty_csv_are_refused(tmp_path: Path) -> None:
    """A sheet or CSV without any cells says it is empty."""
    Workbook().save(tmp_path / "empty.xlsx")
    with pytest.raises(InputError, match="tomt / the sheet is empty"):
        open_table(tmp_path / "empty.xlsx", Payment)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match="tomt"):
        open_table(tmp_path / "empty.csv", Payment)


def test_corrupt_xlsx_is_refused(tmp_path: Path) -> None:
    """A truncated workbook (a zip cut in half) is reported as corrupt by both engines."""
    good = write_xlsx(tmp_path / "good.xlsx", ROWS).read_bytes()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good[: len(good) // 2])
    for engine in XlsxEngine:
        with pytest.raises(InputError, match="beskadiget"):
            open_table(bad, Payment, engine=engine)


def test_legacy_xls_is_refused_with_advice(tmp_path: Path) -> None:
    """A real .xls (BIFF, written by xlwt) is refused and the user is told to save as .xlsx."""
    xlwt = pytest.importorskip("xlwt")
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Ark1")
    for col, header in enumerate(("Dato", "Tekst", "Beløb")):
        sheet.write(0, col, header)
    path = tmp_path / "gammel.xlsx"  # the name lies; the content decides
    workbook.save(str(path))
    with pytest.raises(InputError, match=r"\.xls.*gem filen som \.xlsx"):
        open_table(path, Payment)


def test_password_protected_xlsx_is_refused(tmp_path: Path) -> None:
    """An encrypted workbook (an OLE container, as Excel saves it) asks for a copy without password."""
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = write_xlsx(tmp_path / "plain.xlsx", ROWS)
    encrypted = tmp_path / "hemmelig.xlsx"
    with plain.open("rb") as src, encrypted.open("wb") as dst:
        ooxml.OOXMLFile(src).encrypt("hemmelig", dst)
    with pytest.raises(InputError, match="adgangskode"):
        open_table(encrypted, Payment)
