"""One sentence per process that shows how its saved hours were reached (CLI, demo)."""

from __future__ import annotations

from decimal import Decimal

from sepbots.i18n import formats
from sepbots.reports.figures import ProcessGains


def explain(p: ProcessGains, lang: str, hourly: Decimal) -> str:
    """E.g. ``Bankafstemning: 913 kontoudtogslinjer × 0,11 min = 1,67 t; 212 overgivet, 0 med målt tid …``."""
    def n(v: Decimal | float | int | None, d: int = 2) -> str:
        return formats.number(v, lang, d)

    da = lang == "da"
    parts = [
        f"{p.title(lang)}: {n(p.units_done, 0)} {p.unit.label(lang, p.units_done)} "
        f"× {n(p.credited_minutes or 0)} min = {n(p.credited_hours)} {'t' if da else 'h'}"
    ]
    if p.units_handed_over:
        measured = (
            f"{n(p.handled_measured, 0)} {'med målt tid' if da else 'with a measured time'}"
            + (f" ({'+' if p.handover_hours >= 0 else ''}{n(p.handover_hours)} {'t' if da else 'h'})"
               if p.handled_measured else "")
        )
        parts.append(f"{n(p.units_handed_over, 0)} {'overgivet' if da else 'handed over'}, {measured}")
    if p.review_hours:
        parts.append(f"{'kontrol/drift' if da else 'review/operations'} −{n(p.review_hours)} {'t' if da else 'h'}")
    parts.append(
        f"{'sparet' if da else 'saved'} {n(p.saved_hours)} {'t' if da else 'h'} × {formats.kroner(hourly, lang)} = "
        f"{formats.kroner(p.saved_dkk, lang)}"
        f"; {'realiseret' if da else 'realised'} {formats.percent(p.realised_automation_share, lang, 1)}"
    )
    return "; ".join(parts)
