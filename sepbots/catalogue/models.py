"""The catalogue's data model: one ``Process`` per manual process, OS2autoproces-compatible.

Field names follow OS2autoproces where it has one (phase, KLE, legal clause, IT systems, the nine
``level_of_*`` assessment questions, rating); ours add linked bots, costs, the legal checklist,
retention and sources. Every figure that feeds a formula is a ``Figure``: a value plus either a
``source`` (an id from the process's ``sources`` list) or ``estimate: true`` — no silent numbers.
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sepbots.catalogue.legal import LegalChecklist
from sepbots.catalogue.volume import RunPeriod, Volume
from sepbots.i18n import LabelledEnum


class _Os2Enum(LabelledEnum):
    """An answer OS2autoproces has too, under the same enum name as ours."""

    @property
    def os2(self) -> str:
        """The OS2autoproces enum name."""
        return self.name


class Phase(_Os2Enum):
    """OS2autoproces phases, in order."""

    IDEA = "ide", "Idé", "Idea"
    PREANALYSIS = "foranalyse", "Foranalyse", "Pre-analysis"
    SPECIFICATION = "specifikation", "Specifikation", "Specification"
    DEVELOPMENT = "udvikling", "Udvikling", "Development"
    IMPLEMENTATION = "implementering", "Implementering", "Implementation"
    OPERATION = "drift", "Drift", "Operation"
    DECOMMISSIONED = "taget_ud_af_drift", "Taget ud af drift", "Decommissioned"


class Area(enum.StrEnum):
    """KL's eight catalogue areas (KL 2017 catalogue), each mapped to an OS2autoproces domain."""

    YDELSER = "ydelser"
    SOCIAL_SUNDHED = "social_sundhed"
    BOERN_SKOLE = "boern_skole"
    TEKNIK_MILJOE = "teknik_miljoe"
    BORGERSERVICE = "borgerservice"
    HR = "hr"
    OEKONOMI = "oekonomi"
    IT_TVAERGAAENDE = "it_tvaergaaende"

    @property
    def os2_domain(self) -> str:
        """The OS2autoproces ``Domain`` enum name."""
        return _AREA_INFO[self][2]

    def label(self, lang: str = "da") -> str:
        """The name a person reads."""
        return _AREA_INFO[self][0 if lang == "da" else 1]


_AREA_INFO = {
    Area.YDELSER: ("Ydelser og beskæftigelse", "Benefits and employment", "WORK"),
    Area.SOCIAL_SUNDHED: ("Social og sundhed", "Social care and health", "HEALTH"),
    Area.BOERN_SKOLE: ("Børn og skole", "Children and schools", "CHILDREN"),
    Area.TEKNIK_MILJOE: ("Teknik og miljø", "Technical and environment", "ENVIRONMENT"),
    Area.BORGERSERVICE: ("Borgerservice og folkeregister", "Citizen service and registry", "DEMOCRACY"),
    Area.HR: ("Løn og HR", "Payroll and HR", "ADMINISTRATION"),
    Area.OEKONOMI: ("Økonomi og indkøb", "Finance and procurement", "ADMINISTRATION"),
    Area.IT_TVAERGAAENDE: ("IT og tværgående", "IT and cross-cutting", "ADMINISTRATION"),
}


class Level(_Os2Enum):
    """An OS2autoproces Likert answer."""

    VERY_HIGH = "i_hoej_grad", "I høj grad", "To a high degree"
    HIGH = "i_nogen_grad", "I nogen grad", "To some degree"
    LOW = "i_mindre_grad", "I mindre grad", "To a small degree"
    VERY_LOW = "slet_ikke", "Slet ikke", "Not at all"
    UNKNOWN = "ved_ikke", "Ved ikke", "Don't know"
    NOT_SET = "ikke_besvaret", "Ikke besvaret", "Not answered"

    @property
    def value01(self) -> float | None:
        """The answer on a 0–1 scale (I høj grad = 1), ``None`` for Ved ikke."""
        return _LEVEL_VALUE[self]


_LEVEL_VALUE: dict[Level, float | None] = {
    Level.VERY_HIGH: 1.0,
    Level.HIGH: 2 / 3,
    Level.LOW: 1 / 3,
    Level.VERY_LOW: 0.0,
    Level.UNKNOWN: None,
    Level.NOT_SET: None,
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Assessment(_Model):
    """The nine OS2autoproces assessment questions (``levelOf…`` fields), answered on the Likert scale.

    An unanswered question is ``ikke_besvaret`` (OS2autoproces ``NOT_SET``), distinct from the answer
    *Ved ikke* (``UNKNOWN``).

    ``professional_assessment`` (skøn) and ``change`` count against automation; all others count for it.
    """

    professional_assessment: Level = Level.NOT_SET
    change: Level = Level.NOT_SET
    structured_information: Level = Level.NOT_SET
    uniformity: Level = Level.NOT_SET
    digital_information: Level = Level.NOT_SET
    quality: Level = Level.NOT_SET
    speed: Level = Level.NOT_SET
    routine_work_reduction: Level = Level.NOT_SET
    evaluated_roi: Level = Level.NOT_SET
    estimate: bool = Field(True, description="the answers are our judgement, not a workshop result")
    source: str | None = None


QUESTIONS = (
    "professional_assessment",
    "change",
    "structured_information",
    "uniformity",
    "digital_information",
    "quality",
    "speed",
    "routine_work_reduction",
    "evaluated_roi",
)


REVERSED_QUESTIONS = frozenset({"professional_assessment", "change"})

NonNegDecimal = Annotated[Decimal, Field(ge=0)]


class FigureBasis(enum.StrEnum):
    """How a figure is known: measured here, taken from a published source, or estimated."""

    MEASURED = "measured"
    SOURCED = "sourced"
    ESTIMATE = "estimate"

    def label(self, lang: str = "da") -> str:
        """As a person reads it."""
        da, en = {"measured": ("målt", "measured"), "sourced": ("kilde", "sourced"), "estimate": ("skøn", "estimate")}[
            self.value
        ]
        return da if lang == "da" else en


class Figure(_Model):
    """A number with its provenance: a ``source`` id from the process's ``sources``, or ``estimate: true``.

    ``measured: true`` (with the ``source`` naming the measurement) marks a figure timed or counted in
    a municipality rather than read in a publication.
    """

    value: NonNegDecimal
    source: str | None = None
    estimate: bool = False
    measured: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _provenance(self) -> Figure:
        if self.source is None and not self.estimate:
            raise ValueError("et tal skal have en 'source' (et id fra sources) eller 'estimate: true' / "
                             "a figure needs a 'source' (an id from sources) or 'estimate: true'")
        if self.measured and (self.estimate or self.source is None):
            raise ValueError("et målt tal nævner sin måling i 'source' og er ikke et skøn / "
                             "a measured figure names its measurement in 'source' and is not an estimate")
        return self

    @property
    def basis(self) -> FigureBasis:
        """Measured, sourced or estimate."""
        if self.measured:
            return FigureBasis.MEASURED
        return FigureBasis.ESTIMATE if self.estimate else FigureBasis.SOURCED


class Share(Figure):
    """A share between 0 and 1 (0.8 = 80 %)."""

    value: Annotated[Decimal, Field(ge=0, le=1)]


class Source(_Model):
    """A published source a figure rests on."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    url: str | None = None
    accessed: date | None = None


class Costs(_Model):
    """What the automation costs: once (build) and each year (running, licences, operations).

    ``running_dkk_per_year`` is infrastructure and maintenance; ``licence_dkk_per_year`` the robot
    users in the line-of-business systems; ``operations_hours_per_year`` the staff hours spent
    watching and restarting the robot (valued at the hourly cost).
    """

    implementation_dkk: Figure | None = None
    running_dkk_per_year: Figure | None = None
    licence_dkk_per_year: Figure | None = None
    operations_hours_per_year: Figure | None = None


class Unit(_Model):
    """A process's counting unit, singular and plural (plural defaults to the singular)."""

    da: str = Field(min_length=1, max_length=60)
    en: str = Field(min_length=1, max_length=60)
    da_plural: str | None = Field(None, max_length=60)
    en_plural: str | None = Field(None, max_length=60)

    def label(self, lang: str = "da", count: int | Decimal = 1) -> str:
        """The unit as a person reads it after ``count`` (singular for exactly one)."""
        one = count == 1
        if lang == "da":
            return self.da if one else (self.da_plural or self.da)
        return self.en if one else (self.en_plural or self.en)


DEFAULT_UNIT = Unit(da="sag", en="case", da_plural="sager", en_plural="cases")


class Retention(_Model):
    """How long details are kept before ``sepbots retention apply`` deletes or neutralises them (days)."""

    item_payload_days: int = Field(90, ge=1)
    item_messages_days: int = Field(180, ge=1)
    run_artifacts_days: int = Field(30, ge=1)
    detailed_logs_days: int = Field(180, ge=1)


class Provenance(_Model):
    """Where an imported process came from (kept on every import)."""

    organisation: str
    exported_at: str
    imported_at: str
    format_version: int
    original_phase: Phase | None = None
    original_legal_complete: bool | None = None


class Process(_Model):
    """One manual process in the catalogue."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,99}$", description="stable id; bots link to it")
    name: str = Field(min_length=1, max_length=200, description="Danish title (OS2autoproces 'title')")
    name_en: str | None = None
    description: str = ""
    kle: str | None = Field(None, pattern=r"^\d\d(\.\d\d){0,2}$", description="KLE emne, e.g. 32.18.02")
    area: Area
    phase: Phase = Phase.IDEA
    it_systems: list[str] = Field(default_factory=list)
    legal_clause: str | None = Field(None, max_length=140)
    kle_source: str | None = Field(
        None, description="source id confirming the KLE number (none: to be verified at kle-online.dk)"
    )
    kle_facet: str | None = Field(
        None, pattern=r"^[A-Z]\d\d$", description="KLE handlingsfacet, e.g. G01 (OS2autoproces 'form')"
    )
    manual_steps: list[str] = Field(default_factory=list, description="today's manual steps, in order")
    decision_points: list[str] = Field(default_factory=list, description="where a person decides today")
    exceptions: list[str] = Field(default_factory=list, description="the cases that leave the normal path")
    owner: str | None = Field(None, description="the unit (and role) that owns the process")
    contact: str | None = Field(None, description="who to ask (role or e-mail)")
    targets_citizens: bool = False
    targets_companies: bool = False
    run_period: RunPeriod = RunPeriod.YEARLY
    volume: Volume | None = None
    code_repository_url: str | None = Field(None, max_length=300)
    technologies: list[str] = Field(default_factory=list, description="e.g. Python, Playwright (OS2autoproces)")
    put_into_operation: date | None = None
    legal_clause_last_verified: date | None = None
    os2autoproces_id: int | None = Field(None, description="the process's id in OS2autoproces once pushed")
    occurrences_per_year: Figure
    minutes_per_occurrence: Figure
    unit: Unit = Field(default_factory=lambda: DEFAULT_UNIT, description="the counting unit of the volume and minutes")
    account_function: str | None = Field(
        None,
        pattern=r"^\d\.\d\d(\.\d\d)?$",
        description="main account–function of the municipal chart of accounts, e.g. 6.45.51",
    )
    go_live: date | None = Field(None, description="date the automation went (or goes) into operation")
    cash_realisable_share: Share | None = Field(
        None, description="share of the saved hours the budget can take out as cash (default 0: hours freed)"
    )
    employees: Figure | None = None
    automation_share: Share
    development_hours: Figure | None = None
    assessment: Assessment = Field(default_factory=Assessment)
    rating: int | None = Field(None, ge=0, le=3, description="OS2autoproces rating 0–3 (set by people)")
    prior_experience: bool = Field(False, description="automated elsewhere already (KL 3-star criterion)")
    one_off: bool = Field(False, description="a one-time task (e.g. a migration): the volume occurs once, not yearly")
    bots: list[str] = Field(default_factory=list)
    costs: Costs = Field(default_factory=Costs)
    manual_handling_minutes: Decimal | None = Field(
        None,
        ge=0,
        description="no longer used by the gains (handling time is measured per item); kept so old files load",
    )
    legal: LegalChecklist = Field(default_factory=LegalChecklist)
    retention: Retention = Field(default_factory=Retention)
    sources: list[Source] = Field(default_factory=list)
    provenance: list[Provenance] = Field(default_factory=list)

    @model_validator(mode="after")
    def _run_period(self) -> Process:
        if self.one_off and self.run_period is RunPeriod.YEARLY:
            self.run_period = RunPeriod.ONE_OFF
        self.one_off = self.run_period is RunPeriod.ONE_OFF
        return self

    @model_validator(mode="after")
    def _sources_exist(self) -> Process:
        known = {s.id for s in self.sources}
        if len(known) != len(self.sources):
            raise ValueError("to kilder har samme id / two sources share an id")
        for name in (
            "occurrences_per_year",
            "minutes_per_occurrence",
            "employees",
            "automation_share",
            "development_hours",
            "cash_realisable_share",
        ):
            fig = getattr(self, name)
            if fig is not None and fig.source is not None and fig.source not in known:
                raise ValueError(f"{name}.source {fig.source!r} er ikke et id i sources / is not an id in sources")
        for name in ("implementation_dkk", "running_dkk_per_year", "licence_dkk_per_year", "operations_hours_per_year"):
            fig = getattr(self.costs, name)
            if fig is not None and fig.source is not None and fig.source not in known:
                raise ValueError(f"costs.{name}.source {fig.source!r} er ikke et id i sources / is not an id in sources")
        if self.kle_source is not None and self.kle_source not in known:
            raise ValueError(f"kle_source {self.kle_source!r} er ikke et id i sources / is not an id in sources")
        if self.volume is not None and self.volume.reference.source not in (None, *known):
            raise ValueError(f"volume.reference.source {self.volume.reference.source!r} er ikke et id i sources / is not an id in sources")
        if self.assessment.source is not None and self.assessment.source not in known:
            raise ValueError(f"assessment.source {self.assessment.source!r} er ikke et id i sources / is not an id in sources")
        return self

    def title(self, lang: str = "da") -> str:
        """The name in ``lang`` (Danish when there is no English name)."""
        return self.name_en if lang == "en" and self.name_en else self.name
