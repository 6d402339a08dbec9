"""Reading CSV exports as raw rows: Danish netbank files and friends.

Encodings: UTF-8 with or without a byte-order mark, or ISO-8859-1 (what most Danish netbanks
still write). Detection: a UTF-8 BOM means UTF-8; text that decodes as UTF-8 is UTF-8; text that
does not, and holds no bytes 0x80–0x9F (control characters in ISO-8859-1, but letters in
Windows-1252 or Mac encodings), is ISO-8859-1. Anything else — UTF-16, binary, Windows-1252 with
``€`` or curly quotes — is refused with the byte offset, and can be read by configuring the
encoding. The delimiter (``;`` or ``,``) is taken from the header line unless configured.
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
    """Return ``"utf-8-sig"``, ``"utf-8"`` or ``"iso-8859-1"`` for ``data``.

    Raises:
        InputError: the bytes are in another encoding (UTF-16, Windows-1252 …) or binary.
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
    for offset, byte in enumerate(data):
        if 0x80 <= byte <= 0x9F:
            raise _bad_encoding(path, offset, "Windows-1252?")
    return "iso-8859-1"


def _bad_encoding(path: Path, offset: int, guess: str) -> InputError:
    return InputError(
        f"uventet tegnsæt ({guess}) ved byte {offset}: filen er hverken UTF-8 eller ISO-8859-1; angiv "
        f"encoding / unexpected encoding ({guess}) at byte {offset}: neither UTF-8 nor ISO-8859-1; "
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
