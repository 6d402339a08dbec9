"""Scale the catalogue's volumes from their reference municipality to this installation's.

A process's ``volume`` names its driver and the organisation the figure was counted or estimated
for. The yearly occurrences are multiplied by this municipality's driver over the reference's:

* ``inhabitants`` and ``cases`` (cases of a kind follow the population): inhabitants ratio;
* ``employees``: employees ratio (inhabitants ratio when either side lacks a staff count);
* ``invoices``: invoices ratio when both sides counted invoices, else the inhabitants ratio;
* ``fixed`` (bank days, monthly closings, statutory reports): not scaled.

The scaled figure keeps its provenance and gains a note saying what it was scaled from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sepbots.catalogue.loader import Catalogue
from sepbots.catalogue.models import Process
from sepbots.catalogue.volume import Driver, Reference
from sepbots.config import MunicipalitySettings


@dataclass(frozen=True)
class ScaleFactor:
    """The multiplier for one process and the driver actually used."""

    factor: Decimal
    driver: Driver


def _ratio(ours: int | None, theirs: int | None) -> Decimal | None:
    if ours is None or theirs is None:
        return None
    return Decimal(ours) / Decimal(theirs)


def scale_factor(process: Process, municipality: MunicipalitySettings) -> ScaleFactor:
    """How much ``process``'s yearly volume grows or shrinks in ``municipality``."""
    if process.volume is None or process.volume.driver is Driver.FIXED:
        return ScaleFactor(Decimal(1), Driver.FIXED)
    ref: Reference = process.volume.reference
    by_inhabitants = _ratio(municipality.inhabitants, ref.inhabitants) or Decimal(1)
    driver = process.volume.driver
    if driver is Driver.EMPLOYEES:
        ratio = _ratio(municipality.employees, ref.employees)
        return ScaleFactor(ratio, driver) if ratio is not None else ScaleFactor(by_inhabitants, Driver.INHABITANTS)
    if driver is Driver.INVOICES:
        ratio = _ratio(municipality.invoices_per_year, ref.invoices_per_year)
        return ScaleFactor(ratio, driver) if ratio is not None else ScaleFactor(by_inhabitants, Driver.INHABITANTS)
    return ScaleFactor(by_inhabitants, driver)


def scale_process(process: Process, municipality: MunicipalitySettings) -> Process:
    """``process`` with its occurrences (and employees, for the same driver) scaled to ``municipality``."""
    sf = scale_factor(process, municipality)
    if sf.factor == 1 or process.volume is None:
        return process
    ref = process.volume.reference
    occ = process.occurrences_per_year
    scaled = (occ.value * sf.factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    factor_text = f"{sf.factor.quantize(Decimal('0.001'), rounding=ROUND_HALF_UP)}"
    note = (
        f"skaleret fra {ref.municipality} ({occ.value} pr. år) med {factor_text} efter {sf.driver.label('da')}"
        f" / scaled from {ref.municipality} ({occ.value} a year) by {factor_text} ({sf.driver.label('en')})"
    )
    update: dict[str, object] = {"occurrences_per_year": occ.model_copy(update={"value": scaled, "note": note})}
    return process.model_copy(update=update)


def scale_catalogue(catalogue: Catalogue, municipality: MunicipalitySettings | None) -> Catalogue:
    """A copy of ``catalogue`` scaled to ``municipality`` (the catalogue itself when none is set)."""
    if municipality is None:
        return catalogue
    return Catalogue(
        directory=catalogue.directory,
        processes={k: scale_process(p, municipality) for k, p in catalogue.processes.items()},
        files=dict(catalogue.files),
    )
