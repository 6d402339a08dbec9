"""Sample input: CVR numbers from the practice register, plus one unknown and one invalid number."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sepbots.practice.data import generate_companies

UNKNOWN_CVR = "12345674"  # valid modulus 11, not in the practice register
INVALID_CVR = "12345678"  # fails modulus 11


def sample_numbers(count: int, *, extras: bool = True, seed: int = 2026) -> list[str]:
    """``count`` registered CVR numbers; with ``extras`` an unknown and an invalid one (rows 4 and 6)."""
    numbers = [c.cvr for c in generate_companies(seed)[10 : 10 + count]]
    if extras and count >= 5:
        numbers[2] = UNKNOWN_CVR
        numbers[4] = INVALID_CVR
    return numbers


def write_sample(path: Path, count: int = 10, *, extras: bool = True, header: str = "CVR") -> Path:
    """Write the numbers as .xlsx or, for a ``.csv`` path, as semicolon CSV."""
    numbers = sample_numbers(count, extras=extras)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        path.write_text("\n".join([f"{header};Note", *(f"{n};" for n in numbers)]) + "\n", encoding="utf-8")
        return path
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "Virksomheder"
    sheet.append([header, "Note"])
    for number in numbers:
        sheet.append([int(number), None])
    workbook.save(path)
    return path
