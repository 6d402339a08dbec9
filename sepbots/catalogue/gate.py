"""The runner's production gate: every production run needs a cleared catalogue process.

``Runner(env, gate=catalogue_gate(catalogue, lang))`` refuses a run — whatever started it: a person
(``sepbots run``, a manual run request), a schedule or a queue trigger — when the run is not in test
mode and the bot's process is unknown to the catalogue or not cleared (``production_clearance``).
Test-mode runs are exempt; the run record (``runs.test_mode``) and the audit chain's ``run_started``
event mark them, so the ledger shows which runs were tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sepbots.catalogue.legal import production_clearance
from sepbots.catalogue.loader import Catalogue, load_catalogue
from sepbots.exceptions import SepbotsError


class ProductionRefused(SepbotsError):
    """A production run was refused by the legal gate (any trigger; test mode is exempt)."""

    def __init__(
        self, message: str, *, bot: str, process: str | None, missing: list[str], trigger: str = ""
    ) -> None:
        super().__init__(message)
        self.bot = bot
        self.process = process
        self.missing = missing
        self.trigger = trigger


def _unlinked_message(bot: str, key: str | None, lang: str) -> str:
    if lang == "da":
        return (
            f"Robotten {bot} er ikke knyttet til en proces i kataloget ({key or '-'}); "
            "produktionskørsler kræver en godkendt proces. Brug testtilstand for at køre alligevel."
        )
    return (
        f"Bot {bot} is not linked to a catalogued process ({key or '-'}); production runs need a "
        "cleared process. Use test mode to run anyway."
    )


def catalogue_gate(catalogue: Catalogue, lang: str = "da") -> Callable[[Any, Any, bool], None]:
    """A ``Runner`` gate built on the catalogue: refuses uncleared production runs on every trigger.

    Args:
        catalogue: the loaded catalogue.
        lang: language of the refusal message.
    """

    def gate(recipe: Any, trigger: Any, test_mode: bool) -> None:
        if test_mode:
            return
        trigger_name = str(getattr(trigger, "value", trigger))
        key = recipe.process
        process = catalogue.processes.get(key) if key else None
        if process is None:
            raise ProductionRefused(
                _unlinked_message(recipe.name, key, lang),
                bot=recipe.name,
                process=key,
                missing=["process"],
                trigger=trigger_name,
            )
        clearance = production_clearance(process)
        if not clearance.ok:
            raise ProductionRefused(
                clearance.message(process.key, lang),
                bot=recipe.name,
                process=key,
                missing=clearance.missing,
                trigger=trigger_name,
            )

    return gate


def gate_for_folder(folder: Path, lang: str = "da") -> Callable[[Any, Any, bool], None]:
    """The legal gate over the catalogue in ``folder`` (an absent folder: an empty catalogue, so every
    production run is refused and only test mode runs).

    Raises:
        CatalogueError: the folder holds an invalid catalogue.
    """
    catalogue = load_catalogue(folder) if folder.is_dir() else Catalogue(directory=folder)
    return catalogue_gate(catalogue, lang)
