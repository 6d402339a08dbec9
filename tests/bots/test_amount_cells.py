"""Bots read amount cells by sepbots.dk's one grammar: Danish text, Excel numbers, and "12.50" refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bots.fakturakontrol.bot import check_invoice
from bots.sygedagpenge_refusion.bot import Columns, parse_claim
from sepbots import ItemState
from sepbots.environment import Environment
from sepbots.testing import run_bot_once
from tests.xlsx import active_sheet

CVR, EAN, DUE = "24256790", "5790000000005", "01-12-2026"


def test_amount_cells_as_text_and_numbers_and_a_dot_decimal_is_refused(env: Environment, tmp_path: Path) -> None:
    """'1.234,50', 'kr. 99,95', 1234.5 and 250 are read to øre; '12.50' goes to manual handling naming the text."""
    book = Workbook()
    sheet = active_sheet(book)
    sheet.append(["Fakturanr", "CVR", "EAN", "Beløb", "Forfaldsdato"])
    for number, amount in (("F1", "1.234,50"), ("F2", "kr. 99,95"), ("F3", 1234.5), ("F4", 250), ("F5", "12.50")):
        sheet.append([number, CVR, EAN, amount, DUE])
    source = tmp_path / "fakturaer.xlsx"
    book.save(source)
    outcome = run_bot_once(check_invoice, {"input": str(source), "output": str(tmp_path / "ud.xlsx"),
                                           "today": "2026-11-28"}, env=env)
    items = {ref.rsplit("/", 1)[1]: item for ref, item in outcome.by_reference().items()}
    assert {k: (i.output or {}).get("amount_ore") for k, i in items.items() if i.state is ItemState.DONE} == {
        "F1": 123450, "F2": 9995, "F3": 123450, "F4": 25000}
    refused = items["F5"]
    assert (refused.state, refused.error_code) == (ItemState.BUSINESS_EXCEPTION, "BAD_AMOUNT")
    assert "'12.50'" in (refused.error_message or "") and "'12,50'" in (refused.error_message or "")


def _claim_cells(hours: Any, amount: Any) -> dict[str, Any]:
    return {"Arbejdsgiver CVR": CVR, "Medarbejder CPR": "010190-1234", "Periode fra": "01-11-2026",
            "Periode til": "14-11-2026", "Timer": hours, "Beløb": amount, "Årsag": "sygdom"}


def test_sygedagpenge_claims_read_danish_text_and_excel_numbers() -> None:
    """Hours and kroner typed as Danish text or stored as Excel numbers give the same claim."""
    text = parse_claim(2, _claim_cells("37,5", "12.345,50"), Columns())
    numbers = parse_claim(3, _claim_cells(37.5, 12345.5), Columns())
    assert text.problem is None and numbers.problem is None
    assert (text.hours, text.amount) == (numbers.hours, numbers.amount) == (Decimal("37.5"), Decimal("12345.50"))
    assert text.period_from == date(2026, 11, 1)


def test_sygedagpenge_refuses_a_dot_decimal_text_naming_the_cell() -> None:
    """'12.50' typed as text in the Danish workbook is a BAD_AMOUNT problem quoting the text, not 12,50 or 1.250."""
    claim = parse_claim(4, _claim_cells("37,5", "12.50"), Columns())
    assert claim.problem is not None
    assert (claim.problem.row, claim.problem.column, claim.problem.code) == (4, "Beløb", "BAD_AMOUNT")
    assert "'12.50'" in claim.problem.reason_en and "'.' som decimaltegn" in claim.problem.reason_da
