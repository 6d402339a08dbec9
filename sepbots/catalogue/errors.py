"""Catalogue errors: every message names the file, the entry (process key) and the field."""

from __future__ import annotations

from pathlib import Path

from sepbots.exceptions import ConfigError, located


class CatalogueError(ConfigError):
    """A catalogue file, entry or operation is invalid.

    Args:
        message: what is wrong.
        file: the YAML or bundle file.
        entry: the process key (or ``#n`` when the entry has no key).
        field: the dotted field path inside the entry.
    """

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        entry: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = Path(file) if file is not None else None
        self.entry = entry
        self.field = field
        self.key = field
        Exception.__init__(self, located(message, ("file", self.file), ("entry", entry), ("field", field)))


class PhaseGateError(CatalogueError):
    """A phase change was refused because the legal checklist is incomplete."""


class BundleError(CatalogueError):
    """An import bundle is unreadable, from a newer format, or conflicts with the catalogue."""
