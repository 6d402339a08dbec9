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

from pydantic import BaseModel, ConfigDict

from sepbots.catalogue.legal import checklist_label
from sepbots.catalogue.loader import Catalogue, load_catalogue
from sepbots.catalogue.models import Phase, Process
from sepbots.exceptions import SepbotsError


class Clearance(BaseModel):
    """Whether a process is cleared for production runs, and what is missing if not."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    missing: list[str]

    def message(self, process_key: str, lang: str = "da") -> str:
        """A sentence for the operator explaining the refusal (or the clearance)."""
        if self.ok:
            return (
                f"Processen {process_key} er godkendt til produktion."
                if lang == "da"
                else f"Process {process_key} is cleared for production."
            )
        points = "; ".join(checklist_label(k, lang) for k in self.missing)
        if lang == "da":
            return (
                f"Processen {process_key} er ikke godkendt til produktionskørsler. Mangler: {points}. "
                "Brug testtilstand for at køre alligevel."
            )
        return (
            f"Process {process_key} is not cleared for production runs. Missing: {points}. "
            "Use test mode to run anyway."
        )


def production_clearance(process: Process) -> Clearance:
    """Decide whether production runs (any trigger) of ``process``'s bots are allowed.

    Cleared means: the legal checklist is complete **and** the process is in phase *Drift*.

    Args:
        process: the catalogued process.

    Returns:
        ``Clearance(ok, missing)``; ``missing`` lists checklist keys plus ``"phase"`` when the phase
        is not *Drift*.
    """
    missing = process.legal.missing()
    if process.phase is not Phase.OPERATION:
        missing.append("phase")
    return Clearance(ok=not missing, missing=missing)


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
