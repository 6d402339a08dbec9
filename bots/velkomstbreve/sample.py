"""The sample letter template and the sample list of moves for velkomstbreve (practice data, fictitious people)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document
from docx.shared import Pt

from sepbots.sheets import SheetSpec, write_workbook

HEADER = ["CPR", "Navn", "Adresse", "Tilflytningsdato"]
# Fictitious citizens (CPR numbers of the kind used in test systems) at the practice register's addresses.
MOVES = [
    ("0101901234", "Anna Jensen", "Rådhuspladsen 1, 2. tv, 4000 Roskilde", date(2026, 11, 2)),
    ("1503852345", "Bo Nielsen", "Algade 12, 4000 Roskilde", date(2026, 11, 5)),
    ("2207763456", "Cecilie Hansen & Søn", "Skolegade 3, 4000 Roskilde", date(2026, 11, 9)),
    ("0812924567", "Dorte Pedersen", "Hyrdehøj 7, 4000 Roskilde", date(2026, 11, 12)),
]
UNKNOWN_ADDRESS_MOVE = ("3004715678", "Erik Andersen", "Ukendt Vej 99, 4000 Roskilde", date(2026, 11, 16))
TEMPLATE_TEXT = [
    "Velkommen til kommunen, {{ navn }}",
    "{{ adresse }}",
    "Vi kan se, at du er flyttet til kommunen {{ tilflytningsdato }}. Velkommen!",
    "Her finder du alt om affald, skole, tandpleje og borgerservice: www.kommune.dk/ny-borger.",
    "Venlig hilsen\n{{ afsender }}",
]


def write_template(path: Path) -> Path:
    """The sample velkomstbrev template (.docx with Jinja placeholders), as a municipality would keep it in Word."""
    document = Document()
    document.styles["Normal"].font.name = "Liberation Sans"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(TEMPLATE_TEXT[0], level=1)
    for paragraph in TEMPLATE_TEXT[1:]:
        document.add_paragraph(paragraph)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_moves(path: Path, rows: list[tuple[str, str, str, date]] | None = None, *, with_unknown: bool = False) -> Path:
    """The list of moves as the folkeregister's extract gives it (.xlsx)."""
    chosen = list(rows if rows is not None else MOVES) + ([UNKNOWN_ADDRESS_MOVE] if with_unknown else [])
    write_workbook(path, [SheetSpec.plain("Tilflyttere", HEADER, [list(r) for r in chosen])])
    return path
