"""Sample inputs for the journalising bot: a workbook or a folder with a manifest, made up but plausible."""

from __future__ import annotations

import csv
import os
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

TITLES = (
    "Ansøgning om særlig støtte",
    "Afgørelse om boligstøtte",
    "Partshøring før afgørelse",
    "Klage over afslag på hjælpemiddel",
    "Korrespondance med borger om økonomi",
    "Notat fra telefonsamtale",
    "Lægeerklæring modtaget",
    "Ændring af ydelse – Ærø",
)
CATEGORIES = ("Ansøgning", "Afgørelse", "Partshøring", "Klage", "Korrespondance", "Notat")
# Rows the case system refuses, with what is wrong: (case number, title, date, category).
INVALID_ROWS = (
    ("2026-12", "Notat uden gyldigt sagsnummer", "05-01-2026", "Notat"),
    ("2026-000777", "Brev med umulig dato", "31-02-2026", "Korrespondance"),
    ("2026-000778", "Dokument i ukendt kategori", "06-01-2026", "Diverse"),
)


def sample_rows(count: int, *, invalid_every: int = 0, seed: int = 7) -> list[tuple[str, str, str, str]]:
    """``count`` documents; with ``invalid_every=n`` every n-th one is a row the case system refuses."""
    rng = random.Random(seed)
    rows = []
    for n in range(1, count + 1):
        if invalid_every and n % invalid_every == 0:
            rows.append(INVALID_ROWS[(n // invalid_every - 1) % len(INVALID_ROWS)])
            continue
        day = date(2026, 1, 2) + timedelta(days=rng.randrange(300))
        rows.append(
            (
                f"2026-{rng.randrange(1, 999_999):06d}",
                f"{rng.choice(TITLES)} ({n})",
                day.strftime("%d-%m-%Y"),
                rng.choice(CATEGORIES),
            )
        )
    return rows


def write_sample(path: Path, count: int = 12, *, invalid_every: int = 0, seed: int = 7) -> Path:
    """Write a workbook of documents (Excel dates for valid rows, text for the refused ones)."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "Dokumenter"
    sheet.append(["Sagsnummer", "Dokumenttitel", "Dato", "Kategori"])
    for case_number, title, when, category in sample_rows(count, invalid_every=invalid_every, seed=seed):
        day, month, year = when.split("-")
        try:
            value: object = date(int(year), int(month), int(day))
        except ValueError:
            value = when
        sheet.append([case_number, title, value, category])
        sheet.cell(sheet.max_row, 3).number_format = "DD-MM-YYYY"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def write_sample_folder(folder: Path, count: int = 5, *, invalid_every: int = 0, seed: int = 7) -> Path:
    """Write ``count`` small letters and a ``manifest.csv`` (``;``-separated) describing them."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Fil", "Sagsnummer", "Dokumenttitel", "Dato", "Kategori"])
        for n, (case_number, title, when, category) in enumerate(sample_rows(count, invalid_every=invalid_every, seed=seed), start=1):
            name = f"dokument-{n:03d}.txt"
            (folder / name).write_text(f"{title}\nSag {case_number}, {when}\n", encoding="utf-8")
            writer.writerow([name, case_number, title, when, category])
    return folder
