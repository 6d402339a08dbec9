"""Reading the documents to file: a workbook (.xlsx) or a folder with ``manifest.csv``.

Only the *shape* of the input is checked here (file, sheet, headers, referenced files); the
values are passed on as written, because judging them is the case system's job: a value it
refuses becomes a business exception for that one document, not a rejected input.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from sepbots import InputError
from sepbots.connectors.mail import MailRef
from sepbots.sheets import cell_text, read_columns

MANIFEST = "manifest.csv"


class MailOrigin(BaseModel):
    """The mail a document came from (kept in the encrypted payload)."""

    ref: MailRef
    message_id: str | None
    sender: str
    subject: str


class Document(BaseModel):
    """One document to file, as it will be typed into the case system."""

    row: int
    case_number: str
    title: str
    document_date: str
    category: str
    file: str | None = None
    mail: MailOrigin | None = None

    def fields(self) -> list[str]:
        """The form's fields in tab order."""
        return [self.case_number, self.title, self.document_date, self.category]


# Column → accepted header spellings (Danish first; English accepted), compared case-insensitively.
COLUMNS: dict[str, tuple[str, ...]] = {
    "case_number": ("Sagsnummer", "sagsnr.", "sagsnr", "case number"),
    "title": ("Dokumenttitel", "titel", "document title", "title"),
    "document_date": ("Dato", "dokumentdato", "date", "document date"),
    "category": ("Kategori", "category"),
    "file": ("Fil", "filnavn", "file"),
}
OPTIONAL_XLSX = ("file",)
OPTIONAL_MANIFEST = ("title",)


def _cells(path: Path, optional: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """``(row, column → text)`` for every data row; dates as ``dd-mm-yyyy``, as the case system wants them."""
    for line in read_columns(path, COLUMNS, sheet=0, optional=optional, allow_empty=True).rows:
        yield line.number, {c: cell_text(v, date_format="%d-%m-%Y") for c, v in line.cells.items()}


def read_workbook(path: Path) -> Iterator[Document]:
    """Documents from the first sheet of ``path``; the header row names the columns."""
    for number, cells in _cells(path, OPTIONAL_XLSX):
        yield Document(row=number, **{**cells, "file": cells["file"] or None})


def read_folder(folder: Path) -> Iterator[Document]:
    """Documents listed in ``folder/manifest.csv`` (``;`` or ``,``); each file must exist in the folder.

    A blank title becomes the file name without its extension.
    """
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise InputError(f"mappen har ingen {MANIFEST} / the folder has no {MANIFEST}", file=folder)
    for number, cells in _cells(manifest, OPTIONAL_MANIFEST):
        name = cells["file"]
        if not name or Path(name).name != name or not (folder / name).is_file():
            raise InputError(f"filen {name!r} findes ikke i mappen / "
                             f"file {name!r} is not in the folder", file=manifest, row=number, column="fil")
        cells["title"] = cells["title"] or Path(name).stem
        yield Document(row=number, **cells)


def read_documents(source: Path) -> Iterator[Document]:
    """Documents from a workbook or a folder with a manifest.

    Raises:
        InputError: the source is missing or malformed (names file, sheet, row and column).
    """
    if source.is_dir():
        return read_folder(source)
    if not source.is_file():
        raise InputError("inddata findes ikke / the input does not exist", file=source)
    if source.suffix.lower() != ".xlsx":
        raise InputError("inddata skal være en .xlsx-projektmappe eller en mappe med manifest.csv / "
                         "the input must be an .xlsx workbook or a folder with manifest.csv", file=source)
    return read_workbook(source)
