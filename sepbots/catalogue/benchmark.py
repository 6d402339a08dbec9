"""Benchmarks between municipalities: another municipality's figures, kept beside ours for comparison.

Importing a bundle (``sepbots catalogue import``) stores the other municipality's volume, minutes,
automation share, estimated and measured savings per process in ``<catalogue>/benchmarks/<name>.json``
— comparison data, never a conflict that overwrites our figures. ``compare`` puts every process we
share side by side per municipality, with volumes and savings per 1,000 inhabitants so a town of
30,000 and a city of 300,000 can be read together.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from sepbots.catalogue.business_case import estimate
from sepbots.catalogue.errors import BundleError
from sepbots.catalogue.loader import Catalogue, write_atomic
from sepbots.catalogue.settings import GainsSettings
from sepbots.config import MunicipalitySettings
from sepbots.i18n.validation import validation_problems

FOLDER = "benchmarks"
THOUSAND = Decimal(1000)


class ProcessFigures(BaseModel):
    """One municipality's figures for one process."""

    model_config = ConfigDict(frozen=True)

    name: str
    occurrences_per_year: Decimal
    minutes_per_occurrence: Decimal
    automation_share: Decimal
    estimated_saved_hours: Decimal
    measured_annualised_saved_hours: Decimal | None = None
    measured_automation_share: Decimal | None = None


class Benchmark(BaseModel):
    """One municipality's figures for its processes."""

    model_config = ConfigDict(frozen=True)

    organisation: str
    inhabitants: int | None = None
    exported_at: str
    processes: dict[str, ProcessFigures]


def _measured(entry: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    rows = entry.get("measured") or []
    if not rows:
        return None, None
    last = rows[-1]
    return Decimal(str(last["annualised_saved_hours"])), Decimal(str(last["realised_automation_share"]))


def from_bundle(data: dict[str, Any]) -> Benchmark:
    """The comparison figures in a read bundle (``read_bundle``'s first value)."""
    processes = {}
    for entry in data["processes"]:
        p, case = entry["process"], entry.get("business_case") or {}
        annual, share = _measured(entry)
        processes[p["key"]] = ProcessFigures(
            name=p["name"],
            occurrences_per_year=Decimal(str(p["occurrences_per_year"]["value"])),
            minutes_per_occurrence=Decimal(str(p["minutes_per_occurrence"]["value"])),
            automation_share=Decimal(str(p["automation_share"]["value"])),
            estimated_saved_hours=Decimal(str(case.get("saved_hours_per_year", 0))),
            measured_annualised_saved_hours=annual,
            measured_automation_share=share,
        )
    municipality = data.get("municipality") or {}
    return Benchmark(
        organisation=data["organisation"],
        inhabitants=municipality.get("inhabitants"),
        exported_at=data["exported_at"],
        processes=processes,
    )


def own(
    catalogue: Catalogue,
    settings: GainsSettings,
    municipality: MunicipalitySettings | None,
    measured: dict[str, tuple[Decimal, Decimal]] | None = None,
) -> Benchmark:
    """Our own figures (the catalogue already scaled to ``municipality``) in the same shape."""
    measured = measured or {}
    processes = {}
    for p in catalogue:
        annual, share = measured.get(p.key, (None, None))
        processes[p.key] = ProcessFigures(
            name=p.name,
            occurrences_per_year=p.occurrences_per_year.value,
            minutes_per_occurrence=p.minutes_per_occurrence.value,
            automation_share=p.automation_share.value,
            estimated_saved_hours=estimate(p, settings).saved_hours_per_year,
            measured_annualised_saved_hours=annual,
            measured_automation_share=share,
        )
    return Benchmark(
        organisation=municipality.name if municipality else "Os",
        inhabitants=municipality.inhabitants if municipality else None,
        exported_at="",
        processes=processes,
    )


def _slug(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
    return re.sub(r"[^a-z0-9]+", "-", name.lower().translate(table)).strip("-") or "kommune"


def save(directory: Path, benchmark: Benchmark) -> Path:
    """Keep ``benchmark`` in ``<catalogue>/benchmarks/`` (one file per municipality, replaced on re-import)."""
    folder = directory / FOLDER
    folder.mkdir(exist_ok=True)
    path = folder / f"{_slug(benchmark.organisation)}.json"
    write_atomic(path, benchmark.model_dump_json(indent=2) + "\n")
    return path


def load_all(directory: Path) -> list[Benchmark]:
    """Every stored benchmark, by organisation name.

    Raises:
        BundleError: a stored file is not a benchmark (the file is named).
    """
    folder = directory / FOLDER
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            out.append(Benchmark.model_validate(json.loads(path.read_text(encoding="utf-8"))))
        except ValidationError as exc:  # the first problem only, and never the stored value
            first = validation_problems(exc)[0]
            raise BundleError(f"ikke en sammenligningsfil / not a benchmark file: {first.field + ': ' if first.field else ''}"
                              f"{first.reason}", file=path) from None
        except (OSError, ValueError) as exc:
            raise BundleError(f"ikke en sammenligningsfil / not a benchmark file: {exc}", file=path) from None
    return sorted(out, key=lambda b: b.organisation)


class Cell(BaseModel):
    """One municipality's column for one process."""

    model_config = ConfigDict(frozen=True)

    organisation: str
    occurrences_per_1000: Decimal | None
    minutes_per_occurrence: Decimal
    automation_share: Decimal
    estimated_saved_hours_per_1000: Decimal | None
    measured_saved_hours_per_1000: Decimal | None


class Row(BaseModel):
    """A process shared by us and at least one other municipality."""

    model_config = ConfigDict(frozen=True)

    process_key: str
    name: str
    cells: list[Cell]


def _per_1000(value: Decimal | None, inhabitants: int | None) -> Decimal | None:
    if value is None or not inhabitants:
        return None
    return (value / Decimal(inhabitants) * THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _cell(b: Benchmark, f: ProcessFigures) -> Cell:
    return Cell(
        organisation=b.organisation,
        occurrences_per_1000=_per_1000(f.occurrences_per_year, b.inhabitants),
        minutes_per_occurrence=f.minutes_per_occurrence,
        automation_share=f.measured_automation_share if f.measured_automation_share is not None else f.automation_share,
        estimated_saved_hours_per_1000=_per_1000(f.estimated_saved_hours, b.inhabitants),
        measured_saved_hours_per_1000=_per_1000(f.measured_annualised_saved_hours, b.inhabitants),
    )


def compare(ours: Benchmark, others: list[Benchmark]) -> list[Row]:
    """Per process we share with another municipality: our column first, then theirs by name."""
    rows = []
    for key, mine in sorted(ours.processes.items(), key=lambda kv: kv[1].name):
        theirs = [(b, b.processes[key]) for b in others if key in b.processes]
        if theirs:
            rows.append(Row(process_key=key, name=mine.name, cells=[_cell(ours, mine), *(_cell(b, f) for b, f in theirs)]))
    return rows


def measured_of(processes: Any) -> dict[str, tuple[Decimal, Decimal]]:
    """Annualised saved hours and realised automation share per process, from measured gains figures."""
    return {
        p.process_key: (Decimal(str(p.annualised_saved_hours)), Decimal(str(p.realised_automation_share or 0)))
        for p in processes
    }
