"""Sample input: CVR numbers from the practice register, plus one unknown and one invalid number."""

from __future__ import annotations

from pathlib import Path

from sepbots.practice.data import generate_companies
from sepbots.sheets import SheetSpec, write_workbook

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
    return write_workbook(path, [SheetSpec.plain("Virksomheder", [header, "Note"], [[int(n), None] for n in numbers])])
