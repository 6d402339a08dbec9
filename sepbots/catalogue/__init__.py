"""The process catalogue: models, loading, screening, business cases and the legal gate.

Bots link to a process by its ``key``; the runner asks ``production_clearance(process)`` before a
scheduled production run.
"""

from __future__ import annotations

from sepbots.catalogue.business_case import Basis, BusinessCase, BusinessCaseInputs, compute, estimate
from sepbots.catalogue.errors import BundleError, CatalogueError, PhaseGateError
from sepbots.catalogue.gate import Clearance, ProductionRefused, catalogue_gate, production_clearance
from sepbots.catalogue.legal import LegalChecklist
from sepbots.catalogue.loader import Catalogue, load_catalogue, set_phase
from sepbots.catalogue.models import Area, Assessment, Figure, FigureBasis, Level, Phase, Process
from sepbots.catalogue.scaling import scale_catalogue, scale_process
from sepbots.catalogue.screening import Recommendation, Screening, screen, screen_all
from sepbots.catalogue.settings import GainsSettings
from sepbots.catalogue.volume import Driver, RunPeriod, Volume

__all__ = [
    "Area",
    "Assessment",
    "Basis",
    "BundleError",
    "BusinessCase",
    "BusinessCaseInputs",
    "Catalogue",
    "CatalogueError",
    "Clearance",
    "Driver",
    "Figure",
    "FigureBasis",
    "GainsSettings",
    "LegalChecklist",
    "Level",
    "Phase",
    "PhaseGateError",
    "ProductionRefused",
    "Process",
    "Recommendation",
    "RunPeriod",
    "Screening",
    "Volume",
    "catalogue_gate",
    "compute",
    "estimate",
    "load_catalogue",
    "production_clearance",
    "scale_catalogue",
    "scale_process",
    "screen",
    "screen_all",
    "set_phase",
]
