"""Sample input: a claims workbook built from the practice portal's generated companies."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sepbots.dk import format_danish_decimal
from sepbots.practice.data import REASON_LABELS_DA, ClaimRow, generate_claims

HEADERS = ["Arbejdsgiver CVR", "Medarbejder CPR", "Periode fra", "Periode til", "Timer", "Beløb", "Årsag"]


def claim_rows(count: int, *, seed: int = 7, claims: list[ClaimRow] | None = None) -> list[list[str]]:
    """Valid claim rows as a case worker would type them (``count`` generated, or the given ``claims``)."""
    return [
        [
            c.employer_cvr,
            f"{c.employee_cpr[:6]}-{c.employee_cpr[6:]}",
            f"{c.period_from:%d-%m-%Y}",
            f"{c.period_to:%d-%m-%Y}",
            format_danish_decimal(c.hours),
            format_danish_decimal(c.amount),
            REASON_LABELS_DA[c.reason],
        ]
        for c in (claims if claims is not None else generate_claims(count, seed=seed))
    ]


def write_sample(
    path: Path, count: int = 12, *, invalid: bool = True, seed: int = 7, claims: list[ClaimRow] | None = None
) -> Path:
    """Write a claims workbook; with ``invalid`` rows 3 and 6 break a rule (bad CPR date, end before start).

    Args:
        path: the .xlsx file to write.
        count: how many claim rows.
        invalid: whether to spoil two rows.
        seed: the random seed for the claims.
        claims: write these claims instead of generating ``count``.
    """
    rows = claim_rows(count, seed=seed, claims=claims)
    if invalid and count >= 5:
        rows[1][1] = "310299-1234"  # row 3: no 31 February
        rows[4][3] = "01-01-2026"  # row 6: ends before it starts (periods are later)
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "Krav"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
