"""Machine-readable gains and budget figures (``--format json``); schema in docs/catalogue.md.

The document is the figures model itself plus ``schema`` (``sepbots.gains/1`` or
``sepbots.budget/1``). Money and hours are JSON strings holding exact decimals (``"123.45"``),
never floats; dates are ISO 8601; ``null`` means "not measured".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sepbots.catalogue.loader import write_atomic
from sepbots.reports.figures import BudgetFigures, GainsFigures

GAINS_SCHEMA = "sepbots.gains/1"
BUDGET_SCHEMA = "sepbots.budget/1"


def gains_document(figures: GainsFigures) -> dict[str, Any]:
    """The gains figures as a JSON-ready dict (per process also its credited minutes and share)."""
    doc: dict[str, Any] = {"schema": GAINS_SCHEMA, **figures.model_dump(mode="json")}
    for out, p in zip(doc["processes"], figures.processes, strict=True):
        out["credited_minutes"] = None if p.credited_minutes is None else str(p.credited_minutes)
        out["handling_minutes_per_unit"] = (
            None if p.handling_minutes_per_unit is None else str(p.handling_minutes_per_unit)
        )
        out["units_total"] = p.units_total
    doc["total_saved_hours"] = str(figures.total_saved_hours)
    doc["total_saved_dkk"] = str(figures.total_saved_dkk)
    return doc


def budget_document(figures: BudgetFigures) -> dict[str, Any]:
    """The budget figures as a JSON-ready dict, with the groups and totals computed."""
    doc: dict[str, Any] = {"schema": BUDGET_SCHEMA, **figures.model_dump(mode="json"), "years": figures.years}
    for pipeline, key in ((False, "operating"), (True, "pipeline")):
        doc[key] = {
            "total": [y.model_dump(mode="json") for y in figures.total(pipeline)],
            "by_area": [g.model_dump(mode="json") for g in figures.by_area(pipeline)],
            "by_account": [g.model_dump(mode="json") for g in figures.by_account(pipeline)],
        }
    return doc


def _write(doc: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return path


def write_gains_json(figures: GainsFigures, path: Path, lang: str = "da") -> Path:
    """Write the gains document atomically (``lang`` is accepted for a uniform writer signature)."""
    return _write(gains_document(figures), path)


def write_budget_json(figures: BudgetFigures, path: Path, lang: str = "da") -> Path:
    """Write the budget document atomically."""
    return _write(budget_document(figures), path)
