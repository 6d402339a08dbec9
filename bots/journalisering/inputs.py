"""Reading the documents to file: a workbook (.xlsx) or a folder with ``manifest.csv``.

Only the *shape* of the input is checked here (file, sheet, headers, referenced files); the
values are passed on as written, because judging them is the case system's job: a value it
refuses becomes a business exception for that one document, not a rejected input.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from pydantic import BaseModel

from sepbots import InputError
from sepbots.connectors.mail import MailRef

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
    "case_number": ("sagsnummer", "sagsnr.", "sagsnr", "case number"),
    "title": ("dokumenttitel", "titel", "document title", "title"),
    "document_date": ("dato", "dokumentdato", "date", "document date"),
    "category": ("kategori", "category"),
    "file": ("fil", "filnavn", "file"),
}
REQUIRED_XLSX = ("case_number", "title", "document_date", "category")
REQUIRED_MANIFEST = ("file", "case_number", "document_date", "category")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_index(header: Sequence[object], required: Sequence[str], *, file: Path, sheet: str | None) -> dict[str, int]:
    names = [_text(cell).lower() for cell in header]
    index: dict[str, int] = {}
    for column, spellings in COLUMNS.items():
        for position, name in enumerate(names):
            if name in spellings:
                index[column] = position
                break
    missing = [COLUMNS[c][0].capitalize() for c in required if c not in index]
    if missing:
        found = ", ".join(n for n in names if n) or "none"
        raise InputError(f"missing column(s) {', '.join(missing)}; found: {found}", file=file, sheet=sheet, row=1)
    return index


def read_workbook(path: Path) -> Iterator[Document]:
    """Documents from the first sheet of ``path``; the first row holds the headers."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(f"not a readable .xlsx workbook ({type(exc).__name__})", file=path) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = next(rows, None)
        if header is None:
            raise InputError("the sheet is empty", file=path, sheet=sheet.title)
        index = _header_index(header, REQUIRED_XLSX, file=path, sheet=sheet.title)
        for number, values in enumerate(rows, start=2):
            cells = {c: _text(values[i]) if i < len(values) else "" for c, i in index.items()}
            if not any(cells.values()):
                continue
            yield Document(row=number, **{**cells, "file": cells.get("file") or None})
    finally:
        rows.close()  # releases the sheet's stream, which would otherwise keep the file open
        workbook.close()


def read_folder(folder: Path) -> Iterator[Document]:
    """Documents listed in ``folder/manifest.csv`` (``;`` or ``,``); each file must exist in the folder.

    A blank title becomes the file name without its extension.
    """
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise InputError(f"the folder has no {MANIFEST}", file=folder)
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("the manifest is not UTF-8 text", file=manifest) from exc
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=";,")
    rows = csv.reader(text.splitlines(), dialect)
    header = next(rows, None)
    if header is None:
        raise InputError("the manifest is empty", file=manifest)
    index = _header_index(header, REQUIRED_MANIFEST, file=manifest, sheet=None)
    for number, values in enumerate(rows, start=2):
        cells = {c: values[i].strip() if i < len(values) else "" for c, i in index.items()}
        if not any(cells.values()):
            continue
        name = cells["file"]
        if not name or Path(name).name != name or not (folder / name).is_file():
            raise InputError(f"file {name!r} is not in the folder", file=manifest, row=number, column="fil")
        cells["title"] = cells.get("title") or Path(name).stem
        yield Document(row=number, **cells)


def read_documents(source: Path) -> Iterator[Document]:
    """Documents from a workbook or a folder with a manifest.

    Raises:
        InputError: the source is missing or malformed (names file, sheet, row and column).
    """
    if source.is_dir():
        return read_folder(source)
    if not source.is_file():
        raise InputError("the input does not exist", file=source)
    if source.suffix.lower() != ".xlsx":
        raise InputError("the input must be an .xlsx workbook or a folder with manifest.csv", file=source)
    return read_workbook(source)
