"""Reconciliation: read bank statements and ledger exports, match them by rules a–d, report.

```python
kind, bank = read_bank(Path("kontoudtog.csv"))
ledger = read_ledger(Path("bogforing.xlsx"))
result = reconcile(bank, ledger, MatchOptions(date_window_days=3))
write_reconciliation(Path("afstemning.xlsx"), result, lang="da")
```
"""

from __future__ import annotations

from sepbots.reconcile.matching import reconcile
from sepbots.reconcile.models import (
    KeyMaker,
    Line,
    MatchGroup,
    MatchOptions,
    Reconciliation,
    Rule,
    Side,
    Unmatched,
    UnmatchedReason,
)
from sepbots.reconcile.references import DEFAULT_REFERENCE_PATTERNS, ReferenceExtractor, normalise_reference
from sepbots.reconcile.report import write_reconciliation
from sepbots.reconcile.statements import (
    BankOptions,
    LedgerOptions,
    StatementKind,
    detect_statement_kind,
    read_bank,
    read_ledger,
)

__all__ = [
    "DEFAULT_REFERENCE_PATTERNS",
    "BankOptions",
    "KeyMaker",
    "LedgerOptions",
    "Line",
    "MatchGroup",
    "MatchOptions",
    "Reconciliation",
    "ReferenceExtractor",
    "Rule",
    "Side",
    "StatementKind",
    "Unmatched",
    "UnmatchedReason",
    "detect_statement_kind",
    "normalise_reference",
    "read_bank",
    "read_ledger",
    "reconcile",
    "write_reconciliation",
]
