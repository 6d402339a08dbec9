"""Screening: KL's 1–3 stars, automation potential %, ease of implementation %, score and the skøn gate.

Formulas (docs/catalogue.md, "Screening"; answers on a 0–1 scale, I høj grad = 1, Slet ikke = 0,
*Ved ikke* left out of means; ``professional_assessment`` and ``change`` reversed as ``1 − x``):

* automation potential % = 100 × mean(judgement⁻, change⁻, structured, uniformity, digital, evaluated ROI)
* ease of implementation % = 100 × (0.5 × mean(change⁻, structured, digital)
  + 0.25 × max(0, 1 − 0.2 × (systems − 1)) + 0.25 × max(0, 1 − development hours / 400))
* score = 0.5 × min(1, H_saved / score_hours_cap) + 0.5 × mean(all nine answers, two reversed)
* gate: judgement answered *I høj grad*, *I nogen grad* or *Ved ikke* → **assist only** (skøn stays
  with people; the robot may prepare a proposal, dataproces.dk).
* afgørelse: a process that ends in a decision with legal effect (``legal.legal_effect_decision``) is
  never recommended for full automation → **the robot prepares, a person decides** (GDPR art. 22;
  forvaltningsloven §§ 19, 22–25), whatever the answers and whatever basis is documented.
* KL stars: six criteria — high potential (H_saved ≥ high_potential_hours), prior experience,
  no skøn, structured input, uniform task, digital input (each answer ≥ I nogen grad in its good
  direction). All met → 3; potential not high and ≥ 3 unmet → 1; otherwise 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict

from sepbots.catalogue.business_case import estimate
from sepbots.catalogue.models import QUESTIONS, REVERSED_QUESTIONS, Assessment, Level, Process
from sepbots.catalogue.settings import GainsSettings
from sepbots.i18n import LabelledEnum

POTENTIAL_QUESTIONS = (
    "professional_assessment",
    "change",
    "structured_information",
    "uniformity",
    "digital_information",
    "evaluated_roi",
)
EASE_QUESTIONS = ("change", "structured_information", "digital_information")
KL_PARAMETERS = ("professional_assessment", "structured_information", "uniformity", "digital_information")
SUITABLE = 2 / 3 - 1e-9
EASE_DEV_HOURS_CAP = Decimal(400)


class Recommendation(LabelledEnum):
    """What the screening recommends."""

    AUTOMATE = "automate", "Fuld automatisering", "Full automation"
    ASSIST_ONLY = "assist_only", "Kun assistance (skøn)", "Assist only (judgement)"
    PREPARE_DECISION = (
        "prepare_decision",
        "Robotten forbereder, en person træffer afgørelsen",
        "The robot prepares, a person makes the decision",
    )


class Screening(BaseModel):
    """The screening result of one process."""

    model_config = ConfigDict(frozen=True)

    process_key: str
    rank: int = 0
    stars: int
    unmet_criteria: list[str]
    automation_potential_pct: Decimal
    ease_pct: Decimal
    score: Decimal
    saved_hours_per_year: Decimal
    recommendation: Recommendation
    one_off: bool = False


def answer(assessment: Assessment, question: str) -> float | None:
    """The answer to ``question`` on a 0–1 scale in its *good* direction; ``None`` for Ved ikke."""
    level: Level = getattr(assessment, question)
    v = level.value01
    if v is None:
        return None
    return 1.0 - v if question in REVERSED_QUESTIONS else v


def _mean(values: Iterable[float | None]) -> float:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else 0.0


def _pct(x: float) -> Decimal:
    return Decimal(str(x * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def automation_potential(a: Assessment) -> Decimal:
    """Automation potential in percent (one decimal)."""
    return _pct(_mean(answer(a, q) for q in POTENTIAL_QUESTIONS))


def ease_of_implementation(process: Process) -> Decimal:
    """Ease of implementation in percent (one decimal)."""
    answers = _mean(answer(process.assessment, q) for q in EASE_QUESTIONS)
    systems = max(1, len(process.it_systems))
    systems_factor = max(0.0, 1.0 - 0.2 * (systems - 1))
    dev = process.development_hours.value if process.development_hours else Decimal(0)
    dev_factor = max(0.0, float(1 - dev / EASE_DEV_HOURS_CAP))
    return _pct(0.5 * answers + 0.25 * systems_factor + 0.25 * dev_factor)


def needs_judgement(a: Assessment) -> bool:
    """True when professional judgement (skøn) is, or may be, part of the task (unanswered counts as may be)."""
    return a.professional_assessment in (Level.VERY_HIGH, Level.HIGH, Level.UNKNOWN, Level.NOT_SET)


def kl_stars(process: Process, saved_hours: Decimal, settings: GainsSettings) -> tuple[int, list[str]]:
    """KL's 1–3 stars and the unmet criteria."""
    unmet: list[str] = []
    high = saved_hours >= settings.high_potential_hours
    if not high:
        unmet.append("high_potential")
    if not process.prior_experience:
        unmet.append("prior_experience")
    for q in KL_PARAMETERS:
        v = answer(process.assessment, q)
        if v is None or v < SUITABLE:
            unmet.append(q)
    if not unmet:
        return 3, unmet
    if not high and len(unmet) >= 3:
        return 1, unmet
    return 2, unmet


def recommend(process: Process) -> Recommendation:
    """Full automation only without skøn and without an afgørelse at the end of the process."""
    if process.legal.legal_effect_decision:
        return Recommendation.PREPARE_DECISION
    if needs_judgement(process.assessment):
        return Recommendation.ASSIST_ONLY
    return Recommendation.AUTOMATE


def screen(process: Process, settings: GainsSettings) -> Screening:
    """Screen one process."""
    saved = estimate(process, settings).saved_hours_per_year
    stars, unmet = kl_stars(process, saved, settings)
    likert = _mean(answer(process.assessment, q) for q in QUESTIONS)
    potential_part = min(Decimal(1), saved / settings.score_hours_cap)
    score = (Decimal("0.5") * potential_part + Decimal("0.5") * Decimal(str(likert))) * 100
    rec = recommend(process)
    return Screening(
        process_key=process.key,
        stars=stars,
        unmet_criteria=unmet,
        automation_potential_pct=automation_potential(process.assessment),
        ease_pct=ease_of_implementation(process),
        score=score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        saved_hours_per_year=saved,
        recommendation=rec,
        one_off=process.one_off,
    )


def screen_all(processes: Iterable[Process], settings: GainsSettings) -> list[Screening]:
    """Screen and rank the yearly processes: by score (desc), then stars, then key; rank 1 is best.

    One-off processes (a migration, a clean-up) are not ranked against yearly work: they follow the
    ranked list with rank 0, largest total first (``saved_hours_per_year`` holds their one-time total).
    """
    results = [screen(p, settings) for p in processes]
    yearly = sorted((s for s in results if not s.one_off), key=lambda s: (-s.score, -s.stars, s.process_key))
    once = sorted((s for s in results if s.one_off), key=lambda s: (-s.saved_hours_per_year, s.process_key))
    return [s.model_copy(update={"rank": i}) for i, s in enumerate(yearly, start=1)] + once


def one_off_total_hours(results: Iterable[Screening]) -> Decimal:
    """The hours the one-off processes save in total (once, not a year)."""
    return sum((s.saved_hours_per_year for s in results if s.one_off), Decimal(0))
