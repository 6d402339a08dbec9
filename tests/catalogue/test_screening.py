"""Screening: KL stars, percentages, score, ranking and the skøn gate."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sepbots.catalogue.screening import Recommendation, screen, screen_all
from sepbots.catalogue.settings import GainsSettings

from .conftest import make_process

IDEAL = {
    "professional_assessment": "slet_ikke",
    "change": "slet_ikke",
    "structured_information": "i_hoej_grad",
    "uniformity": "i_hoej_grad",
    "digital_information": "i_hoej_grad",
    "quality": "i_hoej_grad",
    "speed": "i_hoej_grad",
    "routine_work_reduction": "i_hoej_grad",
    "evaluated_roi": "i_hoej_grad",
}
BIG = {"occurrences_per_year": {"value": 10_000, "estimate": True}}  # 10,000 × 15 min = 2,500 h


def test_ideal_process_gets_three_stars_and_full_scores() -> None:
    """High potential, prior experience and every KL parameter suitable → 3 stars, 100 % potential, score 100."""
    s = screen(make_process(assessment=IDEAL, prior_experience=True, **BIG), GainsSettings())
    assert s.stars == 3
    assert s.unmet_criteria == []
    assert s.automation_potential_pct == Decimal("100.0")
    assert s.score == Decimal("100.0")
    assert s.recommendation is Recommendation.AUTOMATE


@pytest.mark.parametrize(
    ("changes", "prior", "big", "stars", "unmet"),
    [
        ({}, True, True, 3, []),
        ({}, False, True, 2, ["prior_experience"]),
        ({"structured_information": "i_mindre_grad"}, True, True, 2, ["structured_information"]),
        ({}, True, False, 2, ["high_potential"]),
        ({"uniformity": "slet_ikke"}, False, False, 1, ["high_potential", "prior_experience", "uniformity"]),
        (
            {"digital_information": "ved_ikke", "uniformity": "i_mindre_grad"},
            True,
            True,
            2,
            ["uniformity", "digital_information"],
        ),
        (
            {"professional_assessment": "i_nogen_grad", "uniformity": "i_mindre_grad"},
            False,
            True,
            2,
            ["prior_experience", "professional_assessment", "uniformity"],
        ),
    ],
)
def test_kl_star_mapping(changes: dict[str, Any], prior: bool, big: bool, stars: int, unmet: list[str]) -> None:
    """3 stars = all six criteria met; 1 star = low potential and three or more unmet; otherwise 2."""
    process = make_process(assessment={**IDEAL, **changes}, prior_experience=prior, **(BIG if big else {}))
    s = screen(process, GainsSettings())
    assert (s.stars, s.unmet_criteria) == (stars, unmet)


@pytest.mark.parametrize(
    ("judgement", "recommendation"),
    [
        ("i_hoej_grad", Recommendation.ASSIST_ONLY),
        ("i_nogen_grad", Recommendation.ASSIST_ONLY),
        ("ved_ikke", Recommendation.ASSIST_ONLY),
        ("i_mindre_grad", Recommendation.AUTOMATE),
        ("slet_ikke", Recommendation.AUTOMATE),
    ],
)
def test_skoen_gate(judgement: str, recommendation: Recommendation) -> None:
    """A process needing professional judgement (or where nobody knows) is assist only, however good its score."""
    process = make_process(
        assessment={**IDEAL, "professional_assessment": judgement}, prior_experience=True, **BIG
    )
    assert screen(process, GainsSettings()).recommendation is recommendation


def test_potential_and_ease_worked_example() -> None:
    """Worked example from the docs: potential 73.3 % and ease 72.6 % for mixed answers, 3 systems, 100 dev hours."""
    process = make_process(
        assessment={
            "professional_assessment": "i_mindre_grad",
            "change": "i_nogen_grad",
            "structured_information": "i_hoej_grad",
            "uniformity": "i_nogen_grad",
            "digital_information": "i_hoej_grad",
            "evaluated_roi": "ved_ikke",
        },
        it_systems=["A", "B", "C"],
        development_hours={"value": 100, "estimate": True},
    )
    s = screen(process, GainsSettings())
    # potential: mean(2/3, 1/3, 1, 2/3, 1) = 0.7333
    assert s.automation_potential_pct == Decimal("73.3")
    # ease: 0.5 × mean(1/3, 1, 1) + 0.25 × (1 − 0.4) + 0.25 × (1 − 100/400) = 0.3889 + 0.15 + 0.1875
    assert s.ease_pct == Decimal("72.6")


def test_score_weights_hours_and_answers() -> None:
    """Score = 50 × min(1, hours / 1,628) + 50 × mean of the nine answers: 250 h with ideal answers → 57.7."""
    s = screen(make_process(assessment=IDEAL), GainsSettings())  # 1,000 × 15 min = 250 h
    assert s.score == Decimal("57.7")


def test_ranking_orders_by_score_then_stars_then_key() -> None:
    """screen_all ranks by score descending and numbers ranks from 1."""
    a = make_process(key="aaa", assessment=IDEAL, **BIG)
    b = make_process(key="bbb", assessment=IDEAL)
    c = make_process(key="ccc")
    ranked = screen_all([c, b, a], GainsSettings())
    assert [s.process_key for s in ranked] == ["aaa", "bbb", "ccc"]
    assert [s.rank for s in ranked] == [1, 2, 3]


def test_shipped_catalogue_never_recommends_full_automation_of_a_decision(catalogue_dir: Path) -> None:
    """In the shipped catalogue, fines and benefit reductions are 'robot prepares', skøn is assist only."""
    from sepbots.catalogue.loader import load_catalogue

    cat = load_catalogue(catalogue_dir)
    results = {s.process_key: s for s in screen_all(cat, GainsSettings())}
    assert results["folkeregisterboeder"].recommendation is Recommendation.PREPARE_DECISION
    assert results["225-timers-reglen"].recommendation is Recommendation.PREPARE_DECISION
    assert results["fakturabehandling-smaafakturaer"].recommendation is Recommendation.AUTOMATE
    for p in cat:
        if p.legal.legal_effect_decision:
            assert results[p.key].recommendation is Recommendation.PREPARE_DECISION, p.key
    assert len(results) >= 35


def test_one_off_processes_are_listed_after_the_ranking_with_their_total(catalogue_dir: Path) -> None:
    """The one-off ESDH clean-up is not ranked among yearly processes; its total is reported once."""
    from sepbots.catalogue.loader import load_catalogue
    from sepbots.catalogue.screening import one_off_total_hours

    results = screen_all(load_catalogue(catalogue_dir), GainsSettings())
    esdh = next(s for s in results if s.process_key == "esdh-oprydning")
    assert esdh.one_off and esdh.rank == 0
    assert results[0].process_key != "esdh-oprydning" and not any(s.one_off for s in results[: results.index(esdh)])
    assert [s.rank for s in results if not s.one_off] == list(range(1, len(results)))
    assert one_off_total_hours(results) == esdh.saved_hours_per_year > 0


@pytest.mark.parametrize(
    "legal",
    [
        {"legal_effect_decision": True},
        {"legal_effect_decision": True, "automated_decision": True, "legal_effect_decision_basis": "lov § 1",
         "human_review": True},
    ],
)
def test_a_decision_with_legal_effect_is_never_recommended_for_full_automation(legal: dict[str, Any]) -> None:
    """An ideal process that ends in an afgørelse is screened 'robot prepares, a person decides', even with a basis."""
    s = screen(make_process(assessment=IDEAL, prior_experience=True, legal=legal, **BIG), GainsSettings())
    assert s.recommendation is Recommendation.PREPARE_DECISION
    assert "afgørelsen" in s.recommendation.label("da")


def test_afgoerelse_without_basis_and_human_review_blocks_clearance() -> None:
    """An automated afgørelse needs a documented basis and human review before the checklist is complete."""
    from .conftest import COMPLETE_LEGAL

    legal = {**COMPLETE_LEGAL, "legal_effect_decision": True, "automated_decision": True,
             "automated_decision_why_allowed": "lov § 1"}
    missing = make_process(legal=legal).legal.missing()
    assert missing == ["legal_effect_decision_basis", "human_review"]
    done = {**legal, "legal_effect_decision_basis": "lov § 1, jf. art. 22, stk. 2, litra b", "human_review": True}
    assert make_process(legal=done).legal.missing() == []
    prepared = {**COMPLETE_LEGAL, "legal_effect_decision": True}
    assert make_process(legal=prepared).legal.missing() == []
