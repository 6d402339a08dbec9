"""Every reference bot is linked to the right catalogue process and declares a credible credited step."""

from __future__ import annotations

from pathlib import Path

from sepbots.catalogue.loader import load_catalogue
from sepbots.recipes import Counting, discover

ROOT = Path(__file__).resolve().parents[2]


def test_reference_bots_link_to_processes_that_list_them_in_their_unit() -> None:
    """Each bot's process exists and lists the bot; the bot's unit is the process's unit and it credits at
    most the baseline; sygedagpenge_refusion files refunds as the employer (refusion-egne-ansatte)."""
    catalogue = load_catalogue(ROOT / "config" / "catalogue")
    registry = discover([ROOT / "bots"], entry_point_group="sepbots.tests.none")
    links = {}
    for recipe in registry:
        assert recipe.process is not None and recipe.gains is not None, recipe.name
        process = catalogue.get(recipe.process)
        assert recipe.name in process.bots, (recipe.name, process.key)
        assert recipe.gains.unit == process.unit.da, recipe.name
        assert 0 < recipe.gains.credited_minutes <= process.minutes_per_occurrence.value, recipe.name
        assert recipe.gains.step, recipe.name
        links[recipe.name] = recipe.process
    for process in catalogue:
        for name in process.bots:
            assert links.get(name) == process.key, (name, process.key)
    assert links["sygedagpenge_refusion"] == "refusion-egne-ansatte"
    bank_gains, invoice_gains = registry.get("bankafstemning").gains, registry.get("fakturakontrol").gains
    assert bank_gains is not None and bank_gains.counted is Counting.RUN
    assert invoice_gains is not None and invoice_gains.credited_minutes < catalogue.get(
        "fakturabehandling-smaafakturaer").minutes_per_occurrence.value  # a pre-check, not the whole handling
