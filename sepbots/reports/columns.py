"""The columns of the gains table, shared by the xlsx, HTML and JSON reports and the CLI."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sepbots.reports.figures import ProcessGains


class Kind(enum.StrEnum):
    """How a column's value is formatted."""

    TEXT = "text"
    INT = "int"
    ONE = "one"
    TWO = "two"
    DKK = "dkk"
    PCT = "pct"


@dataclass(frozen=True)
class Column:
    """One column: label key (reports.labels), JSON field, value getter (by language) and format."""

    label: str
    field: str
    get: Callable[[ProcessGains, str], Any]
    kind: Kind


def _est(p: ProcessGains, name: str) -> Decimal | None:
    return None if p.estimate is None else getattr(p.estimate, name)


GAINS_COLUMNS: tuple[Column, ...] = (
    Column("process", "name", lambda p, lang: p.title(lang), Kind.TEXT),
    Column("unit", "unit", lambda p, lang: p.unit.label(lang, p.units_total), Kind.TEXT),
    Column("done", "units_done", lambda p, _: p.units_done, Kind.INT),
    Column("handed_over", "units_handed_over", lambda p, _: p.units_handed_over, Kind.INT),
    Column("failed", "units_failed", lambda p, _: p.units_failed, Kind.INT),
    Column("credited_minutes", "credited_minutes", lambda p, _: p.credited_minutes, Kind.TWO),
    Column("baseline_minutes", "baseline_minutes", lambda p, _: p.baseline_minutes, Kind.TWO),
    Column("handling_minutes", "handling_minutes_per_unit", lambda p, _: p.handling_minutes_per_unit, Kind.TWO),
    Column("review_hours", "review_hours", lambda p, _: p.review_hours, Kind.TWO),
    Column("saved_hours", "saved_hours", lambda p, _: p.saved_hours, Kind.TWO),
    Column("saved_dkk", "saved_dkk", lambda p, _: p.saved_dkk, Kind.DKK),
    Column("realised_share", "realised_automation_share", lambda p, _: p.realised_automation_share, Kind.PCT),
    Column("estimate_share", "estimate_automation_share", lambda p, _: _est(p, "automation_share"), Kind.PCT),
    Column("annualised_hours", "annualised_saved_hours", lambda p, _: p.annualised_saved_hours, Kind.ONE),
    Column("estimate_hours", "estimate_saved_hours_per_year", lambda p, _: _est(p, "saved_hours_per_year"), Kind.ONE),
)

BC_FIELDS: tuple[tuple[str, str, Kind], ...] = (
    ("occurrences", "occurrences_per_year", Kind.INT),
    ("minutes", "minutes_per_occurrence", Kind.TWO),
    ("share", "automation_share", Kind.PCT),
    ("saved_hours", "saved_hours_per_year", Kind.ONE),
    ("fte", "fte", Kind.TWO),
    ("benefit", "benefit_dkk_per_year", Kind.DKK),
    ("implementation", "implementation_dkk", Kind.DKK),
    ("running", "running_dkk_per_year", Kind.DKK),
    ("licence", "licence_dkk_per_year", Kind.DKK),
    ("operations", "operations_dkk_per_year", Kind.DKK),
    ("net_first", "net_dkk_first_year", Kind.DKK),
    ("net", "net_dkk_per_year", Kind.DKK),
    ("payback", "payback_months", Kind.ONE),
    ("npv", "npv_dkk", Kind.DKK),
)
