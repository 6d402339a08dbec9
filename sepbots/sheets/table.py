"""Header mapping and typed rows: turn raw rows (from a workbook or CSV) into pydantic models.

A row model names its columns with field aliases (``dato: DanishDate = Field(alias="Dato")``);
a header mapping given by the caller overrides them (``{"dato": "Bogføringsdato"}``, or a list of
accepted alternatives). Required fields are required columns, fields with defaults are optional
columns, and any other column in the file is ignored. Headers match case- and space-insensitively.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Any, Generic, NamedTuple, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sepbots.exceptions import InputError
from sepbots.i18n.validation import validation_problems

__all__ = ["HeaderMap", "RawRows", "Table", "TableRow", "column_letter", "normalise_header"]

RowT = TypeVar("RowT", bound=BaseModel)
HeaderMap = Mapping[str, "str | Sequence[str]"]
HEADER_SEARCH_ROWS = 20


class RawRows(NamedTuple):
    """Raw cells of one sheet or CSV file: rows as ``(row_number, cells)``, numbered from 1."""

    sheet: str | None
    rows: Iterator[tuple[int, Sequence[Any]]]
    close: Callable[[], None]
    column_offset: int = 0  # 0-based index of the first cell's column (workbooks may start at C)


class TableRow(NamedTuple, Generic[RowT]):
    """One validated row and its 1-based row number in the file."""

    number: int
    data: RowT


def normalise_header(text: Any) -> str:
    """Header text as compared: NFC, case-folded, inner whitespace collapsed."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based index (0 → ``A``, 27 → ``AB``)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _is_text_field(annotation: Any) -> bool:
    if annotation is str:
        return True
    if get_origin(annotation) in (Union, UnionType):
        return str in get_args(annotation)
    return False


@dataclass
class _Column:
    field_name: str
    key: str  # the name pydantic validates by (alias or field name)
    accepted: tuple[str, ...]
    required: bool
    text: bool
    index: int | None = None
    header: str | None = None


@dataclass
class Table(Generic[RowT]):
    """An opened table: the header row is read and checked; iterate it for typed rows.

    Attributes:
        path: the file.
        sheet: the worksheet name (``None`` for CSV).
        header_row: 1-based row number of the header.
        columns: every header text found, in file order.
        mapping: field name → header text used for it (only columns present).
    """

    path: Path
    sheet: str | None
    header_row: int
    columns: list[str]
    mapping: dict[str, str]
    _model: type[RowT]
    _cols: list[_Column]
    _rows: Iterator[tuple[int, Sequence[Any]]]
    _close: Callable[[], None]
    _context: dict[str, Any] | None = None
    _closed: bool = False

    def __iter__(self) -> Iterator[TableRow[RowT]]:
        validate = self._model.__pydantic_validator__.validate_python
        context = self._context
        for number, values in self._cleaned(by_alias=True):
            try:
                yield TableRow(number, validate(values, context=context))
            except ValidationError as exc:
                raise self._row_error(exc, number) from None

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Rows as ``(row_number, {field name: cell value})`` without model validation.

        The fast path for hot loops that convert values themselves (a bank reconciliation reads
        200,000 rows): blank cells are left out, text is stripped, numbers in text fields become
        text. Report a bad value with :meth:`cell_error`.
        """
        return self._cleaned(by_alias=False)

    def cell_error(self, number: int, field_name: str, reason: str) -> InputError:
        """An :class:`InputError` for the cell of ``field_name`` in row ``number``."""
        col = next((c for c in self._cols if c.field_name == field_name), None)
        column = col.header if col and col.header else (col.accepted[0] if col else field_name)
        return InputError(reason, file=self.path, sheet=self.sheet, row=number, column=column)

    def _cleaned(self, by_alias: bool) -> Iterator[tuple[int, dict[str, Any]]]:
        plan = [(c.key if by_alias else c.field_name, c.index, c.text) for c in self._cols if c.index is not None]
        try:
            for number, cells in self._rows:
                size = len(cells)
                values: dict[str, Any] = {}
                for key, index, text in plan:
                    if index >= size:
                        continue
                    value = cells[index]
                    if value is None:
                        continue
                    if value.__class__ is str:
                        value = value.strip()
                        if not value:
                            continue
                    elif text:
                        value = _as_text(value)
                    values[key] = value
                if values:  # else a blank row (or only cells in columns we do not read)
                    yield number, values
        finally:
            self.close()

    def close(self) -> None:
        """Release the file; safe to call more than once."""
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> Table[RowT]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _row_error(self, exc: ValidationError, number: int) -> InputError:
        """The first problem of a row, naming its cell; the cell's value is not quoted (it may be a CPR number)."""
        first = validation_problems(exc)[0]
        key = str(first.loc[0]) if first.loc else None
        col = next((c for c in self._cols if c.key == key), None)
        column = col.header if col and col.header else (col.accepted[0] if col else None)
        return InputError(first.reason, file=self.path, sheet=self.sheet, row=number, column=column)


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def open_rows_as_table(
    path: Path,
    raw: RawRows,
    model: type[RowT],
    headers: HeaderMap | None,
    context: dict[str, Any] | None = None,
) -> Table[RowT]:
    """Find the header row in ``raw``, map it onto ``model`` and return the :class:`Table`.

    Raises:
        InputError: empty sheet, missing required column (naming the columns found),
            or a mapped header that occurs twice.
    """
    cols = _columns_for(model, headers or {})
    first_nonempty: tuple[int, list[str]] | None = None
    try:
        for number, cells in raw.rows:
            texts = [str(c).strip() if c is not None else "" for c in cells]
            if not any(texts):
                continue
            if first_nonempty is None:
                first_nonempty = (number, texts)
            normalised = [normalise_header(t) for t in texts]
            if all(_find(c, normalised) is not None for c in cols if c.required):
                _bind(path, raw.sheet, number, cols, texts, normalised, raw.column_offset)
                return Table(
                    path=path,
                    sheet=raw.sheet,
                    header_row=number,
                    columns=[t for t in texts if t],
                    mapping={c.field_name: c.header for c in cols if c.header is not None},
                    _model=model,
                    _cols=cols,
                    _rows=raw.rows,
                    _close=raw.close,
                    _context=context,
                )
            if number - first_nonempty[0] >= HEADER_SEARCH_ROWS:
                break
    except BaseException:
        raw.close()
        raise
    raw.close()
    if first_nonempty is None:
        raise InputError("arket er tomt / the sheet is empty", file=path, sheet=raw.sheet)
    number, texts = first_nonempty
    normalised = [normalise_header(t) for t in texts]
    missing = [c.accepted[0] for c in cols if c.required and _find(c, normalised) is None]
    found = ", ".join(repr(t) for t in texts if t) or "(ingen / none)"
    raise InputError(
        f"mangler kolonne(r) / missing column header(s) {', '.join(repr(m) for m in missing)}; fundne kolonner / columns found: {found}",
        file=path,
        sheet=raw.sheet,
        row=number,
    )


def _columns_for(model: type[BaseModel], headers: HeaderMap) -> list[_Column]:
    unknown = set(headers) - set(model.model_fields)
    if unknown:
        raise ValueError(f"header mapping names unknown fields: {sorted(unknown)}")
    cols = []
    for name, info in model.model_fields.items():
        given = headers.get(name)
        if given is None:
            accepted: tuple[str, ...] = (info.alias or name,)
        elif isinstance(given, str):
            accepted = (given,)
        else:
            accepted = tuple(given)
        cols.append(
            _Column(
                field_name=name,
                key=info.alias or name,
                accepted=accepted,
                required=info.is_required(),
                text=_is_text_field(info.annotation),
            )
        )
    return cols


def _find(col: _Column, normalised: Sequence[str]) -> int | None:
    for accepted in col.accepted:
        wanted = normalise_header(accepted)
        if wanted in normalised:
            return normalised.index(wanted)
    return None


def _bind(
    path: Path,
    sheet: str | None,
    row: int,
    cols: Iterable[_Column],
    texts: list[str],
    normalised: list[str],
    offset: int,
) -> None:
    for col in cols:
        index = _find(col, normalised)
        if index is None:
            continue
        wanted = normalised[index]
        positions = [i for i, n in enumerate(normalised) if n == wanted]
        if len(positions) > 1:
            letters = " og / and ".join(column_letter(i + offset) for i in positions)
            raise InputError(
                f"overskriften {texts[index]!r} findes flere gange (kolonne {letters}) / "
                f"header {texts[index]!r} occurs more than once (columns {letters})",
                file=path,
                sheet=sheet,
                row=row,
                column=texts[index],
            )
        col.index = index
        col.header = texts[index]
