"""Payment references: normalise them for comparison and find them in free bank text.

Normalising folds the differences people and systems introduce without meaning anything:
case, spaces, en/em and other dashes against hyphens (Word turns ``-`` into ``–``), and leading
zeros (FIK/OCR numbers are zero-padded to 15 digits in some files and not in others).

Extraction runs configurable regular expressions over a bank line's text, first match wins;
each pattern names the reference with a group ``ref`` (or uses its first group). The defaults
find FIK/OCR numbers (``+71<000123456789012``, ``FIK 71 123456789``, ``OCR 12345678``) and
invoice numbers (``Faktura 2024-0117``, ``Fakt.nr. F-88``, ``Invoice INV-88``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["DEFAULT_REFERENCE_PATTERNS", "ReferenceExtractor", "normalise_reference"]

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_FOLD = str.maketrans({**{d: "-" for d in _DASHES}, " ": None, "\u00a0": None, "\t": None, "\u202f": None})

DEFAULT_REFERENCE_PATTERNS: tuple[str, ...] = (
    r"\+\s?7[135]\s?<\s?(?P<ref>\d{2,16})",
    r"(?i)\b(?:FIK|OCR|kortart|indbetalingskort|kort)\s*(?:nr\.?)?\s*[:.]?\s*(?:\+?7[135]\s*<?\s+)?(?P<ref>\d{6,16})\b",
    r"(?i)\b(?:faktura|fakt|fak|fkt|invoice|inv|regning)\.?\s*(?:nr|no)?\.?\s*[:#]?\s*"
    r"(?P<ref>[A-Z]{0,4}[-\u2010-\u2015]?\d[\dA-Z/\-\u2010-\u2015]*)",
)


def normalise_reference(reference: str | None) -> str:
    """Fold a reference for comparison: upper case, no spaces, ``-`` for every dash, no leading zeros.

    Returns ``""`` for an empty or all-zero reference.
    """
    if not reference:
        return ""
    if reference.isascii():  # of _FOLD's characters only the space and the tab are ASCII; translate costs ~5×
        return reference.replace(" ", "").replace("\t", "").upper().lstrip("0")
    return reference.translate(_FOLD).upper().lstrip("0")


class ReferenceExtractor:
    """Finds a payment reference in bank text with configurable patterns.

    Args:
        patterns: regular expressions tried in order; each has a group ``ref`` or uses group 1.

    Raises:
        ValueError: a pattern does not compile or has no group.
    """

    def __init__(self, patterns: Sequence[str] = DEFAULT_REFERENCE_PATTERNS) -> None:
        self._patterns = []
        for pattern in patterns:
            compiled = re.compile(pattern)
            if compiled.groups < 1:
                raise ValueError(f"reference pattern has no group: {pattern!r}")
            group: str | int = "ref" if "ref" in compiled.groupindex else 1
            self._patterns.append((compiled, group))

    def extract(self, text: str | None) -> str:
        """Return the first reference found in ``text`` (as written), or ``""``."""
        if not text:
            return ""
        for compiled, group in self._patterns:
            match = compiled.search(text)
            if match and match.group(group):
                return match.group(group).strip()
        return ""
