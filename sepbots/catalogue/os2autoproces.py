"""The catalogue in OS2autoproces's ``Process`` data model, field by field, and back.

Field names, enums and limits follow OS2autoproces/os2autoproces-backend (``dao/model/Process.java``;
docs/catalogue.md, "OS2autoproces"). Points that are easy to get wrong:

* ``timeSpendOccurancesPerEmployee`` holds the **yearly total** of occurrences (the name is
  historical); nothing is divided by the number of employees.
* an unanswered assessment question is ``NOT_SET``; ``UNKNOWN`` is the answer *Ved ikke*.
* ``timeSpendComputedTotal`` is read-only (the server computes it) and is not sent.
* ``timeSpendComment`` carries each figure's provenance (measured/sourced/estimate, scaling, sources).
* ``searchWords`` carries ``sepbots:<key>``, so a push updates the process it created before and a
  pull finds our processes again.
* ``technologies`` are names here; the client links them to the server's technology URIs.
"""

from __future__ import annotations

import enum
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sepbots.catalogue.loader import Catalogue, write_atomic
from sepbots.catalogue.models import QUESTIONS, Area, Figure, Level, Phase, Process

MARKER = "sepbots:"
LEVEL_FIELDS = {
    "professional_assessment": "levelOfProfessionalAssessment",
    "change": "levelOfChange",
    "structured_information": "levelOfStructuredInformation",
    "uniformity": "levelOfUniformity",
    "digital_information": "levelOfDigitalInformation",
    "quality": "levelOfQuality",
    "speed": "levelOfSpeed",
    "routine_work_reduction": "levelOfRoutineWorkReduction",
    "evaluated_roi": "evaluatedLevelOfRoi",
}


class Visibility(enum.StrEnum):
    """OS2autoproces visibility: personal (only the reporter), the municipality, or everyone."""

    PERSONAL = "PERSONAL"
    MUNICIPALITY = "MUNICIPALITY"
    PUBLIC = "PUBLIC"


_STATUS = {
    Phase.IDEA: "NOT_RATED",
    Phase.PREANALYSIS: "PENDING",
    Phase.SPECIFICATION: "PENDING",
    Phase.DEVELOPMENT: "INPROGRESS",
    Phase.IMPLEMENTATION: "INPROGRESS",
    Phase.OPERATION: "INPROGRESS",
    Phase.DECOMMISSIONED: "NOT_RELEVANT",
}
_DOMAIN_AREA = {
    "WORK": Area.YDELSER,
    "HEALTH": Area.SOCIAL_SUNDHED,
    "CHILDREN": Area.BOERN_SKOLE,
    "ENVIRONMENT": Area.TEKNIK_MILJOE,
    "DEMOCRACY": Area.BORGERSERVICE,
    "ADMINISTRATION": Area.IT_TVAERGAAENDE,
}


def _cut(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _int(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _figure_line(label: str, fig: Figure, process: Process) -> str:
    titles = {s.id: s for s in process.sources}
    text = f"{label}: {fig.value} ({fig.basis.label('da')}"
    if fig.source and fig.source in titles:
        text += f": {titles[fig.source].title}"
    text += ")"
    return text + (f" — {fig.note}" if fig.note else "")


def provenance_comment(process: Process) -> str:
    """Where every figure comes from, as a person reads it (``timeSpendComment``)."""
    lines = [
        _figure_line("Antal pr. år", process.occurrences_per_year, process),
        _figure_line("Minutter pr. gang", process.minutes_per_occurrence, process),
        _figure_line("Automatiseringsgrad", process.automation_share, process),
    ]
    if process.employees is not None:
        lines.append(_figure_line("Medarbejdere", process.employees, process))
    else:
        lines.append("Medarbejdere: ikke opgjort (sendt som 0)")
    if process.volume is not None:
        ref = process.volume.reference
        lines.append(f"Volumen følger {process.volume.driver.label('da')}; reference: {ref.municipality}")
    lines.append(f"Periode: {'engangsopgave' if process.one_off else 'årligt'}")
    lines += [f"Kilde [{s.id}]: {s.title} {s.url or ''} {s.accessed or ''}".rstrip() for s in process.sources]
    return "\n".join(lines)


def _long_description(process: Process) -> str:
    parts = [process.description]
    if process.manual_steps:
        parts.append("I dag:\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(process.manual_steps, start=1)))
    if process.decision_points:
        parts.append("Beslutningspunkter:\n" + "\n".join(f"- {s}" for s in process.decision_points))
    if process.exceptions:
        parts.append("Undtagelser:\n" + "\n".join(f"- {s}" for s in process.exceptions))
    return "\n\n".join(p for p in parts if p)


def _legal_notes(process: Process) -> str:
    legal = process.legal
    yes_no = {True: "ja", False: "nej", None: "ikke vurderet"}
    return (
        f"Afgørelse med retsvirkning: {yes_no[legal.legal_effect_decision]}; "
        f"strafbare forhold (art. 10): {yes_no[legal.criminal_data]}; "
        f"CPR-numre (dbl. § 11): {yes_no[legal.cpr_numbers]}; "
        f"tjekliste komplet: {yes_no[legal.complete]}"
    )


def to_os2(process: Process, *, visibility: Visibility = Visibility.MUNICIPALITY) -> dict[str, Any]:
    """One process as the body of ``POST /api/processes`` (every writable field, none read-only)."""
    a = process.assessment
    employees = _int(process.employees.value) if process.employees is not None else 0
    contact = process.contact or ""
    return {
        "title": _cut(process.name, 65),
        "shortDescription": _cut(process.description or process.name, 140),
        "longDescription": _cut(_long_description(process), 10000),
        "phase": process.phase.os2,
        "status": _STATUS[process.phase],
        "statusText": None,
        "visibility": visibility.value,
        "type": "CHILD",
        "klId": None,
        "kle": process.kle,
        "form": process.kle_facet,
        "legalClause": process.legal_clause,
        "legalClauseLastVerified": process.legal_clause_last_verified.isoformat()
        if process.legal_clause_last_verified
        else None,
        "itSystemsDescription": _cut(", ".join(process.it_systems), 300),
        "domains": [process.area.os2_domain],
        "targetsCitizens": process.targets_citizens,
        "targetsCompanies": process.targets_companies,
        "timeSpendOccurancesPerEmployee": _int(process.occurrences_per_year.value),
        "timeSpendPerOccurance": float(process.minutes_per_occurrence.value),
        "timeSpendEmployeesDoingProcess": employees,
        "timeSpendPercentageDigital": _int(process.automation_share.value * 100),
        "timeSpendComment": _cut(provenance_comment(process), 10000),
        **{LEVEL_FIELDS[q]: getattr(a, q).os2 for q in QUESTIONS},
        "rating": process.rating or 0,
        "expectedDevelopmentTime": float(process.development_hours.value) if process.development_hours else None,
        "sepMep": True,
        "runPeriod": "ONCE" if process.one_off else None,
        "codeRepositoryUrl": process.code_repository_url,
        "technologies": list(process.technologies),
        "putIntoOperation": process.put_into_operation.isoformat() if process.put_into_operation else None,
        "internalNotes": f"Ejer: {process.owner or '-'}; kontakt: {contact or '-'}",
        "otherContactEmail": contact if "@" in contact else None,
        "organizationalImplementationNotes": _legal_notes(process),
        "automationDescription": f"sepbots-proces {process.key}; robotter: {', '.join(process.bots) or '-'}",
        "searchWords": f"{MARKER}{process.key}",
    }


def key_of(entity: dict[str, Any]) -> str | None:
    """The sepbots key a pushed process carries in ``searchWords`` (``None``: not one of ours)."""
    match = re.search(rf"{re.escape(MARKER)}([a-z0-9][a-z0-9-]+)", entity.get("searchWords") or "")
    return match.group(1) if match else None


def _slug(title: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e"})
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower().translate(table)).strip("-")
    return (slug or "proces")[:60]


def from_os2(entity: dict[str, Any], *, technologies: list[str], href: str, accessed: str) -> dict[str, Any]:
    """A catalogue entry (YAML data) from an OS2autoproces process; its figures cite the process."""
    phase = next((p for p in Phase if p.os2 == entity.get("phase")), Phase.IDEA)
    levels = {lv.os2: lv for lv in Level}
    domains = entity.get("domains") or ["ADMINISTRATION"]
    src = {"source": "os2autoproces"}
    data: dict[str, Any] = {
        "key": key_of(entity) or _slug(entity.get("title") or "proces"),
        "name": entity.get("title") or "(uden titel)",
        "area": _DOMAIN_AREA.get(domains[0], Area.IT_TVAERGAAENDE).value,
        "phase": phase.value,
        "it_systems": [s for s in (entity.get("itSystemsDescription") or "").split(", ") if s],
        "legal_clause": entity.get("legalClause"),
        "kle": entity.get("kle"),
        "kle_facet": entity.get("form"),
        "description": entity.get("longDescription") or entity.get("shortDescription") or "",
        "targets_citizens": bool(entity.get("targetsCitizens")),
        "targets_companies": bool(entity.get("targetsCompanies")),
        "run_period": "one_off" if entity.get("runPeriod") == "ONCE" else "yearly",
        "occurrences_per_year": {"value": entity.get("timeSpendOccurancesPerEmployee", 0), **src},
        "minutes_per_occurrence": {"value": entity.get("timeSpendPerOccurance", 0), **src},
        "automation_share": {"value": str(Decimal(entity.get("timeSpendPercentageDigital", 0)) / 100), **src},
        "assessment": {q: levels.get(entity.get(f) or "NOT_SET", Level.NOT_SET).value for q, f in LEVEL_FIELDS.items()},
        "rating": entity.get("rating") or 0,
        "technologies": technologies,
        "code_repository_url": entity.get("codeRepositoryUrl"),
        "put_into_operation": (entity.get("putIntoOperation") or "")[:10] or None,
        "legal_clause_last_verified": (entity.get("legalClauseLastVerified") or "")[:10] or None,
        "os2autoproces_id": entity.get("id"),
        "sources": [{"id": "os2autoproces", "title": f"OS2autoproces: {entity.get('title')}", "url": href, "accessed": accessed}],
    }
    if entity.get("expectedDevelopmentTime") is not None:
        data["development_hours"] = {"value": entity["expectedDevelopmentTime"], **src}
    return {k: v for k, v in data.items() if v is not None}


def export_os2autoproces(
    catalogue: Catalogue, path: Path, *, visibility: Visibility = Visibility.MUNICIPALITY
) -> int:
    """Write every process as a JSON list of OS2autoproces bodies (atomically); returns the count."""
    data = [to_os2(p, visibility=visibility) for p in catalogue]
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return len(data)
