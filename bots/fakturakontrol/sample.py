"""Realistic sample invoices for the demo and the tests (mostly valid, some with real-world faults)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sepbots.dk import ean_check_digit, format_danish_date, format_danish_decimal, random_cvr


def _ean(rng: random.Random) -> str:
    body = "579" + "".join(str(rng.randint(0, 9)) for _ in range(9))
    return body + str(ean_check_digit(body))


def write_sample(path: Path, count: int = 40, *, seed: int = 7, today: date = date(2026, 11, 28)) -> Path:
    """Write ``count`` invoices to ``path``; about one in five breaks a rule."""
    from decimal import Decimal

    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = "Fakturaer"
    ws.append(["Fakturanr", "CVR", "EAN", "Beløb", "Forfaldsdato"])
    for n in range(1, count + 1):
        cvr, ean = random_cvr(rng), _ean(rng)
        amount = Decimal(rng.randint(5000, 450000)) / 100
        due = today + timedelta(days=rng.randint(1, 30))
        fault = rng.random()
        if fault < 0.05:
            cvr = cvr[:-1] + str((int(cvr[-1]) + 1) % 10)       # mistyped CVR
        elif fault < 0.10:
            ean = ean[:-1] + str((int(ean[-1]) + 3) % 10)       # mistyped EAN
        elif fault < 0.15:
            amount = Decimal(rng.randint(500000, 900000)) / 100  # not a small invoice
        elif fault < 0.20:
            due = today - timedelta(days=rng.randint(1, 20))    # overdue
        ws.append([f"F-2026-{n:05d}", cvr, ean, format_danish_decimal(amount), format_danish_date(due)])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
