"""Every exception sepbots raises, in one tree.

```
SepbotsError(Exception)
├── ConfigError            invalid or missing setting; names the key and the file
├── RecipeError            bad @bot declaration, duplicate or unknown bot
├── InputError             bad producer input; names file, sheet, row and column
├── StoreError             the database cannot be opened, read or written
│   └── QueueError         a work item cannot be claimed, released or found
├── VaultError             missing credential, missing or wrong key
├── AuditError             the audit chain's head is missing or forged: nothing is appended

├── RunRefused             a run refused before it started (the legal gate); recorded as a refused run
└── BotError(message, code)
    ├── BusinessException      bad/missing data, broken rule → manual handling, never retried
    └── ApplicationException   system trouble → retried with backoff up to max_attempts
        ├── TransientError     (sepbots.connectors.retry) a connector's busy/unreachable server, retried in place
        ├── BrowserError       (sepbots.browser) no answer, HTTP 429/5xx, refused login, changed page — with codes
        └── DesktopError       (sepbots.desktop) no display, no window, a wait that ran out — with codes
StopRequested(BaseException)   stop/pause signal that bot code cannot swallow by accident
```

Exceptions that are not ours count as application exceptions; the runtime classifies them once
(`sepbots.runtime.classify`).
"""

from __future__ import annotations

from pathlib import Path


class SepbotsError(Exception):
    """Root of every error sepbots raises on purpose."""


# The labels of the places an error names, Danish/English, compact so that ``str(exc)`` stays one line.
PLACE_LABELS: dict[str, str] = {
    "file": "fil/file",
    "sheet": "ark/sheet",
    "row": "række/row",
    "column": "kolonne/column",
    "key": "indstilling/key",
    "entry": "proces/entry",
    "field": "felt/field",
}


def located(message: str, *places: tuple[str, object | None]) -> str:
    """``message (fil/file a.xlsx, række/row 3)``: the message with the places that are known, in the order given.

    The one wording of "where" for the errors that name a place (settings, input, catalogue): each place
    is named by its English key in ``PLACE_LABELS`` and shown with its Danish/English label; a place
    whose value is ``None`` is left out, and with none known the message stands alone.
    """
    known = [f"{PLACE_LABELS.get(name, name)} {value}" for name, value in places if value is not None]
    return f"{message} ({', '.join(known)})" if known else message


class ConfigError(SepbotsError):
    """A setting is invalid or missing.

    Args:
        message: what is wrong.
        key: the dotted setting key, e.g. ``database.url``.
        file: the file the setting was read from, if any.
    """

    def __init__(self, message: str, *, key: str | None = None, file: Path | str | None = None) -> None:
        self.message = message
        self.key = key
        self.file = Path(file) if file is not None else None
        super().__init__(located(message, ("file", self.file), ("key", key or None)))


class RecipeError(SepbotsError):
    """A bot declaration is wrong, duplicated or unknown."""


class InputError(SepbotsError):
    """Producer input that cannot be used: the message names where the problem is.

    Args:
        message: what is wrong.
        file: the input file.
        sheet: the worksheet name, for workbooks.
        row: the 1-based row number as a person sees it in the file.
        column: the column header or letter.
    """

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = Path(file) if file is not None else None
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(located(message, ("file", self.file), ("sheet", None if sheet is None else repr(sheet)),
                                 ("row", row), ("column", None if column is None else repr(column))))


class StoreError(SepbotsError):
    """The database cannot be opened, read or written."""


class QueueError(StoreError):
    """A work item cannot be claimed, released or found."""


class VaultError(SepbotsError):
    """A credential is missing, or the vault key is missing or wrong."""


class AuditError(SepbotsError):
    """The audit chain cannot be extended or sealed: its head is missing or its seal does not match."""


class BotError(SepbotsError):
    """An error raised by bot code about one work item.

    Args:
        message: a sentence for the person who handles the item (redacted before storage).
        code: a short stable code such as ``BAD_AMOUNT`` for grouping and reports.
    """

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class BusinessException(BotError):
    """Bad or missing data, or a broken business rule: the item goes to manual handling."""


class ApplicationException(BotError):
    """System trouble (timeouts, outages): the item is retried with backoff, then failed."""


class StopRequested(BaseException):  # noqa: N818 - a signal, not an error
    """Raised inside a run when a stop or pause was requested; never caught by ``except Exception``."""


class RunRefused(SepbotsError):
    """A run was refused before it started (e.g. by the catalogue's legal gate).

    The run is recorded all the same — status ``refused``, the reason in ``runs.error``, and a
    ``run_refused`` audit row — so the refusal shows in ``runs list``, the dashboard and the trail.

    Args:
        reason: why (redacted).
        run_id: the id of the recorded refused run.
    """

    def __init__(self, reason: str, *, run_id: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.run_id = run_id
