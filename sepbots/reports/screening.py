"""The screening table (ranked) as a workbook and as rows for the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from sepbots.catalogue.loader import Catalogue
from sepbots.catalogue.screening import Screening
from sepbots.i18n import formats
from sepbots.reports.xlsx import INT, ONE, _first_sheet, _table, save_atomic

HEADERS = {
    "da": [
        "Rang",
        "Nøgle",
        "Proces",
        "Område",
        "Fase",
        "KL-stjerner",
        "Score",
        "Automatiseringspotentiale %",
        "Lethed %",
        "Timer pr. år (skøn)",
        "Anbefaling",
        "Ikke opfyldt",
    ],
    "en": [
        "Rank",
        "Key",
        "Process",
        "Area",
        "Phase",
        "KL stars",
        "Score",
        "Automation potential %",
        "Ease %",
        "Hours per year (est.)",
        "Recommendation",
        "Unmet criteria",
    ],
}


def screening_rows(catalogue: Catalogue, results: list[Screening], lang: str = "da") -> list[list[Any]]:
    """One row per process, in rank order, with plain values."""
    rows: list[list[Any]] = []
    for s in results:
        p = catalogue.get(s.process_key)
        rows.append(
            [
                s.rank if not s.one_off else ("engang" if lang == "da" else "one-off"),
                p.key,
                p.title(lang),
                p.area.label(lang),
                p.phase.label(lang),
                s.stars,
                float(s.score),
                float(s.automation_potential_pct),
                float(s.ease_pct),
                float(s.saved_hours_per_year),
                s.recommendation.label(lang),
                ", ".join(s.unmet_criteria),
            ]
        )
    return rows


def text_rows(catalogue: Catalogue, results: list[Screening], lang: str = "da") -> list[list[str]]:
    """The rows formatted for a terminal table."""
    out = []
    for r in screening_rows(catalogue, results, lang):
        out.append(
            [
                str(r[0]),
                str(r[1]),
                str(r[2]),
                "★" * int(r[5]),
                formats.number(r[6], lang, 1),
                formats.number(r[7], lang, 1),
                formats.number(r[8], lang, 1),
                formats.number(r[9], lang, 0),
                str(r[10]),
            ]
        )
    return out


def write_screening_xlsx(
    catalogue: Catalogue, results: list[Screening], path: Path, lang: str = "da"
) -> Path:
    """Write the ranked screening table to ``path`` atomically."""
    wb = Workbook()
    ws = _first_sheet(wb)
    ws.title = "Screening"
    _table(
        ws,
        1,
        HEADERS["da" if lang == "da" else "en"],
        screening_rows(catalogue, results, lang),
        [INT, None, None, None, None, INT, ONE, ONE, ONE, INT, None, None],
    )
    ws.freeze_panes = "C2"
    save_atomic(wb, path)
    return path
