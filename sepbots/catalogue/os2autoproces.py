"""Export the catalogue in OS2autoproces' process format (JSON, field names as in its REST API).

Mapping notes (docs/catalogue.md, "OS2autoproces export"): OS2autoproces counts occurrences *per
employee* (``timeSpendOccurancesPerEmployee × timeSpendEmployeesDoingProcess``); sepbots keeps the
yearly total, so the export divides by ``employees`` (1 when unknown) and rounds half-up.
``timeSpendPercentageDigital`` carries the expected automation share in whole percent.
``timeSpendComputedTotal`` is the OS2autoproces frontend formula ``N × min / 60 × automation %``.
Titles are cut to 65 characters and short descriptions to 140 (OS2autoproces limits).
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sepbots.catalogue.business_case import manual_hours
from sepbots.catalogue.loader import Catalogue, write_atomic
from sepbots.catalogue.models import Process


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _int(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_os2(process: Process) -> dict[str, Any]:
    """One process as an OS2autoproces ``Process`` JSON object."""
    employees = process.employees.value if process.employees and process.employees.value > 0 else Decimal(1)
    occurrences = process.occurrences_per_year.value
    a = process.assessment
    total = manual_hours(occurrences, process.minutes_per_occurrence.value) * process.automation_share.value
    return {
        "title": _cut(process.name, 65),
        "shortDescription": _cut(process.description or process.name, 140),
        "longDescription": process.description,
        "phase": process.phase.os2,
        "kle": process.kle,
        "legalClause": process.legal_clause,
        "itSystemsDescription": _cut(", ".join(process.it_systems), 300),
        "domains": [process.area.os2_domain],
        "timeSpendOccurancesPerEmployee": _int(occurrences / employees),
        "timeSpendPerOccurance": float(process.minutes_per_occurrence.value),
        "timeSpendEmployeesDoingProcess": _int(employees),
        "timeSpendPercentageDigital": _int(process.automation_share.value * 100),
        "timeSpendComputedTotal": _int(total),
        "levelOfProfessionalAssessment": a.professional_assessment.os2,
        "levelOfChange": a.change.os2,
        "levelOfStructuredInformation": a.structured_information.os2,
        "levelOfUniformity": a.uniformity.os2,
        "levelOfDigitalInformation": a.digital_information.os2,
        "levelOfQuality": a.quality.os2,
        "levelOfSpeed": a.speed.os2,
        "levelOfRoutineWorkReduction": a.routine_work_reduction.os2,
        "evaluatedLevelOfRoi": a.evaluated_roi.os2,
        "rating": process.rating or 0,
        "expectedDevelopmentTime": float(process.development_hours.value)
        if process.development_hours
        else None,
        "sepMep": True,
        "runPeriod": "ONCE" if process.one_off else None,
        "automationDescription": f"sepbots process {process.key}; bots: {', '.join(process.bots) or '-'}",
    }


def export_os2autoproces(catalogue: Catalogue, path: Path) -> int:
    """Write every process as a JSON list in OS2autoproces format (atomically); returns the count."""
    data = [to_os2(p) for p in catalogue]
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return len(data)
