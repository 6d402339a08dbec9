"""Reading CSV exports as raw rows: Danish netbank files and friends.

Encodings: UTF-8 with or without a byte-order mark, ISO-8859-1 or Windows-1252 (what Danish
netbanks and Excel on Windows write). Detection: a UTF-8 BOM means UTF-8; text that decodes as
UTF-8 is UTF-8; text that does not is Windows-1252 — a superset of ISO-8859-1's printable
characters, so an ISO-8859-1 file reads the same, and ``€``, curly quotes and dashes (bytes
0x80–0x9F) read as the letters they are. Anything else — UTF-16, binary, bytes Windows-1252 leaves
undefined — is refused with the byte offset, and can be read by configuring the encoding. The
delimiter (``;``, ``,`` or tab) is taken from the header line unless configured; a trailing
delimiter (an empty last column, as Nordea writes) is harmless.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from sepbots.exceptions import InputError
from sepbots.sheets.table import RawRows

__all__ = ["CsvOptions", "detect_encoding", "open_csv_rows"]


class CsvOptions(BaseModel):
    """How to read a CSV file; ``None`` means detect."""

    model_config = ConfigDict(frozen=True)

    encoding: str | None = None
    delimiter: str | None = None


def detect_encoding(path: Path, data: bytes) -> str:
    """Return ``"utf-8-sig"``, ``"utf-8"`` or ``"cp1252"`` (Windows-1252) for ``data``.

    Raises:
        InputError: the bytes are in another encoding (UTF-16 …) or binary.
    """
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad_encoding(path, exc.start + 3, "UTF-8 med BOM / with BOM") from None
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise _bad_encoding(path, 0, "UTF-16")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _bad_encoding(path, exc.start, "?") from None
    return "cp1252"


def _bad_encoding(path: Path, offset: int, guess: str) -> InputError:
    return InputError(
        f"uventet tegnsæt ({guess}) ved byte {offset}: filen er hverken UTF-8 eller Windows-1252/ISO-8859-1; "
        f"angiv encoding / unexpected encoding ({guess}) at byte {offset}: neither UTF-8 nor Windows-1252/ISO-8859-1; "
        "configure the encoding",
        file=path,
    )


def _detect_delimiter(first_line: str) -> str:
    semicolons = first_line.count(";")
    commas = first_line.count(",")
    if "\t" in first_line and first_line.count("\t") > max(semicolons, commas):
        return "\t"
    return ";" if semicolons >= commas and semicolons else ","


def open_csv_rows(path: Path, options: CsvOptions | None = None) -> RawRows:
    """Open a CSV file as raw rows of text cells.

    Args:
        path: the file.
        options: encoding and delimiter, each detected when ``None``.

    Raises:
        InputError: unreadable file or unexpected encoding.
    """
    options = options or CsvOptions()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"filen kan ikke læses / cannot read the file: {exc.strerror}", file=path) from None
    encoding = options.encoding or detect_encoding(path, data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"filen kan ikke læses som {encoding} / cannot decode the file as {encoding}: {exc}", file=path) from None
    text = text.removeprefix("\ufeff")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = options.delimiter or _detect_delimiter(first_line)

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as exc:
            raise InputError(f"ugyldig CSV / invalid CSV: {exc}", file=path, row=reader.line_num) from None

    return RawRows(sheet=None, rows=rows(), close=lambda: None)
