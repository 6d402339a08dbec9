"""OS2autoproces's field rules for a ``Process``, as its backend declares them.

Read from OS2autoproces/os2autoproces-backend (``dao/model/Process.java``, ``enums/*``,
``validator/ProcessValidator.java``): ``@Size`` limits, ``@NotNull``/``@Min``/``@Max``, the enums,
read-only fields, and the phase rule that *Implementering* and *Drift* need a linked technology.
The practice server answers violations as Spring Data REST does: ``400`` with
``{"errors": [{"entity": "Process", "property", "invalidValue", "message"}]}``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

LEVELS = ("VERY_HIGH", "HIGH", "LOW", "VERY_LOW", "UNKNOWN", "NOT_SET")
ENUMS: dict[str, tuple[str, ...]] = {
    "phase": ("IDEA", "PREANALYSIS", "SPECIFICATION", "DEVELOPMENT", "IMPLEMENTATION", "OPERATION", "DECOMMISSIONED"),
    "status": ("REJECTED", "FAILED", "PENDING", "INPROGRESS", "NOT_RATED", "NOT_RELEVANT"),
    "visibility": ("PERSONAL", "MUNICIPALITY", "PUBLIC"),
    "type": ("GLOBAL_PARENT", "PARENT", "CHILD"),
    "runPeriod": ("ONDEMAND", "ONCE", "DAILY", "WEEKLY", "MONTHLY", "QUATERLY", "YEARLY"),
    **{
        name: LEVELS
        for name in (
            "levelOfProfessionalAssessment",
            "levelOfChange",
            "levelOfStructuredInformation",
            "levelOfUniformity",
            "levelOfDigitalInformation",
            "levelOfQuality",
            "levelOfSpeed",
            "levelOfRoutineWorkReduction",
            "evaluatedLevelOfRoi",
        )
    },
}
DOMAINS = ("ADMINISTRATION", "WORK", "CHILDREN", "DEMOCRACY", "ENVIRONMENT", "HEALTH")
SIZES: dict[str, int] = {
    "klId": 64, "esdhReference": 300, "statusText": 10000, "legalClause": 140, "kle": 8, "form": 11, "kla": 14,
    "itSystemsDescription": 300, "vendor": 255, "title": 65, "shortDescription": 140, "longDescription": 10000,
    "internalNotes": 10000, "processChallenges": 10000, "solutionRequests": 10000, "timeSpendComment": 10000,
    "technicalImplementationNotes": 10000, "organizationalImplementationNotes": 10000, "ratingComment": 10000,
    "automationDescription": 10000, "searchWords": 1000, "codeRepositoryUrl": 300, "otherContactEmail": 255,
}
NOT_NULL_STRINGS = ("title", "shortDescription")
INTS: dict[str, tuple[int, int | None]] = {
    "timeSpendOccurancesPerEmployee": (0, None),
    "timeSpendEmployeesDoingProcess": (0, None),
    "timeSpendPercentageDigital": (0, 100),
    "rating": (0, 3),
}
FLOATS: dict[str, float] = {"timeSpendPerOccurance": 0.0, "expectedDevelopmentTime": float("-inf")}
BOOLS = ("targetsCompanies", "targetsCitizens", "sepMep")
DATES = ("putIntoOperation", "decommissioned", "legalClauseLastVerified")
LISTS = ("domains", "technologies", "itSystems", "orgUnits", "users", "children", "services", "links")
READ_ONLY = ("id", "cvr", "municipalityName", "klaProcess", "timeSpendComputedTotal", "created", "lastChanged", "childrenCount")
UNWRITABLE_AFTER_CREATE = ("type",)
KNOWN = frozenset(
    (*ENUMS, *SIZES, *INTS, *FLOATS, *BOOLS, *DATES, *LISTS, *READ_ONLY, "reporter", "contact", "owner")
)


class Problem(enum.StrEnum):
    """The messages the backend's validators give."""

    NOT_NULL = "may not be null"
    TOO_LONG = "size must be between 0 and {max}"
    TOO_SMALL = "must be greater than or equal to {min}"
    TOO_LARGE = "must be less than or equal to {max}"
    TECHNOLOGIES = "validation.process.technologies.notnull"
    PHASE = "validation.process.phase.notnull"


@dataclass(frozen=True)
class Violation:
    """One rejected property."""

    property: str
    invalid_value: Any
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"entity": "Process", "property": self.property, "invalidValue": self.invalid_value, "message": self.message}


class UnreadableJson(ValueError):
    """The body does not map onto the entity (wrong type, unknown enum constant, unknown field)."""


def _check_types(body: dict[str, Any]) -> None:
    for name, value in body.items():
        if name not in KNOWN:
            raise UnreadableJson(f'Unrecognized field "{name}" (class dk.digitalidentity.ap.dao.model.Process)')
        if value is None:
            continue
        if name in ENUMS and value not in ENUMS[name]:
            accepted = ", ".join(ENUMS[name])
            raise UnreadableJson(
                f'Cannot deserialize value of type `{name}` from String "{value}": '
                f"not one of the values accepted for Enum class: [{accepted}]"
            )
        if name == "domains" and (not isinstance(value, list) or any(d not in DOMAINS for d in value)):
            raise UnreadableJson(f"Cannot deserialize value of type `Domain` from {value!r}")
        if name in INTS and (not isinstance(value, int) or isinstance(value, bool)):
            raise UnreadableJson(f"Cannot deserialize value of type `int` from {value!r}")
        if name in FLOATS and (not isinstance(value, int | float) or isinstance(value, bool)):
            raise UnreadableJson(f"Cannot deserialize value of type `double` from {value!r}")
        if name in BOOLS and not isinstance(value, bool):
            raise UnreadableJson(f"Cannot deserialize value of type `boolean` from {value!r}")
        if name in SIZES and not isinstance(value, str):
            raise UnreadableJson(f"Cannot deserialize value of type `java.lang.String` from {value!r}")


def validate(entity: dict[str, Any], *, known_technologies: set[str]) -> list[Violation]:
    """Bean validation and ``ProcessValidator`` on the entity as it would be saved."""
    out: list[Violation] = []
    for name in NOT_NULL_STRINGS:
        if entity.get(name) is None:
            out.append(Violation(name, None, Problem.NOT_NULL.value))
    for name, limit in SIZES.items():
        value = entity.get(name)
        if isinstance(value, str) and len(value) > limit:
            out.append(Violation(name, value, Problem.TOO_LONG.value.format(max=limit)))
    for name, (low, high) in INTS.items():
        value = entity.get(name, 0)
        if value < low:
            out.append(Violation(name, value, Problem.TOO_SMALL.value.format(min=low)))
        if high is not None and value > high:
            out.append(Violation(name, value, Problem.TOO_LARGE.value.format(max=high)))
    if entity.get("timeSpendPerOccurance", 0) < 0:
        out.append(Violation("timeSpendPerOccurance", entity["timeSpendPerOccurance"], Problem.TOO_SMALL.value.format(min=0)))
    if entity.get("type", "CHILD") == "CHILD":
        if entity.get("phase") is None:
            out.append(Violation("phase", None, Problem.PHASE.value))
        elif entity["phase"] in ("IMPLEMENTATION", "OPERATION"):
            linked = [t for t in entity.get("technologies") or [] if t in known_technologies]
            if not linked:
                out.append(Violation("technologies", entity.get("technologies"), Problem.TECHNOLOGIES.value))
    return out


def check_body(body: Any) -> dict[str, Any]:
    """The request body as a dict of known, well-typed fields.

    Raises:
        UnreadableJson: as Jackson would refuse it.
    """
    if not isinstance(body, dict):
        raise UnreadableJson("Cannot deserialize instance of `Process` out of non-object token")
    _check_types(body)
    return body
