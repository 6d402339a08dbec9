"""Reconciliation: read bank statements and ledger exports, match them by rules a–d, report.

```python
kind, bank = read_bank(Path("kontoudtog.csv"))   # camt.053/054, MT940/942, netbank CSV/.xlsx
ledger = read_ledger(Path("bogforing.xlsx"))     # standard, KMD Opus/SAP or Prisme layout
result = reconcile(bank, ledger, MatchOptions(date_window_days=3))
write_reconciliation(Path("afstemning.xlsx"), result, lang="da")
```
"""

from __future__ import annotations

from sepbots.reconcile.matching import reconcile
from sepbots.reconcile.models import (
    KeyMaker,
    Line,
    Lines,
    MatchGroup,
    MatchOptions,
    PendingRow,
    Reconciliation,
    Rule,
    Side,
    Unmatched,
    UnmatchedReason,
)
from sepbots.reconcile.profiles import BANK_PROFILES, LEDGER_PROFILES, SheetProfile
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
    "BANK_PROFILES",
    "DEFAULT_REFERENCE_PATTERNS",
    "LEDGER_PROFILES",
    "BankOptions",
    "KeyMaker",
    "LedgerOptions",
    "Line",
    "Lines",
    "MatchGroup",
    "MatchOptions",
    "Reconciliation",
    "ReferenceExtractor",
    "PendingRow",
    "Rule",
    "SheetProfile",
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
