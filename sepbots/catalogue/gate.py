"""The runner's production gate: scheduled production runs need a cleared catalogue process.

``Runner(env, gate=catalogue_gate(catalogue, lang))`` refuses a run when the trigger is a schedule,
the run is not in test mode, and the bot's process is unknown to the catalogue or not cleared
(``production_clearance``). Manual runs and explicit test mode still run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sepbots.catalogue.legal import production_clearance
from sepbots.catalogue.loader import Catalogue
from sepbots.exceptions import SepbotsError


class ProductionRefused(SepbotsError):
    """A scheduled production run was refused by the legal gate."""

    def __init__(self, message: str, *, bot: str, process: str | None, missing: list[str]) -> None:
        super().__init__(message)
        self.bot = bot
        self.process = process
        self.missing = missing


def catalogue_gate(catalogue: Catalogue, lang: str = "da") -> Callable[[Any, Any, bool], None]:
    """A ``Runner`` gate built on the catalogue.

    Args:
        catalogue: the loaded catalogue.
        lang: language of the refusal message.
    """

    def gate(recipe: Any, trigger: Any, test_mode: bool) -> None:
        if test_mode or str(getattr(trigger, "value", trigger)) != "schedule":
            return
        key = recipe.process
        process = catalogue.processes.get(key) if key else None
        if process is None:
            msg = (
                f"Robotten {recipe.name} er ikke knyttet til en proces i kataloget ({key or '-'}); planlagte "
                "produktionskørsler kræver en godkendt proces. Brug testtilstand for at køre alligevel."
                if lang == "da"
                else f"Bot {recipe.name} is not linked to a catalogued process ({key or '-'}); scheduled production "
                "runs need a cleared process. Use test mode to run anyway."
            )
            raise ProductionRefused(msg, bot=recipe.name, process=key, missing=["process"])
        clearance = production_clearance(process)
        if not clearance.ok:
            raise ProductionRefused(
                clearance.message(process.key, lang), bot=recipe.name, process=key, missing=clearance.missing
            )

    return gate
