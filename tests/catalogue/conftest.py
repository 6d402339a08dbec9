"""Fixtures for the catalogue tests: a copy of the shipped catalogue, a manual clock, process builders."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sepbots.catalogue.models import Process
from sepbots.catalogue.settings import GainsSettings
from sepbots.testing import ManualClock

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "catalogue"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 2, 9, 30, tzinfo=UTC))


@pytest.fixture
def settings() -> GainsSettings:
    return GainsSettings()


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(SHIPPED, target)
    return target


def process_data(**overrides: Any) -> dict[str, Any]:
    """A minimal valid process as YAML-like data, with ``overrides`` applied on top."""
    data: dict[str, Any] = {
        "key": "testproces",
        "name": "Testproces",
        "area": "oekonomi",
        "occurrences_per_year": {"value": 1000, "estimate": True},
        "minutes_per_occurrence": {"value": 15, "estimate": True},
        "automation_share": {"value": 1, "estimate": True},
    }
    data.update(overrides)
    return data


def make_process(**overrides: Any) -> Process:
    """A validated ``Process`` from ``process_data``."""
    return Process.model_validate(process_data(**overrides))


COMPLETE_LEGAL = {
    "art6": "6.1.e",
    "art9": "ikke_relevant",
    "national_basis": "Styrelsesloven",
    "automated_decision": False,
    "dpia": "ikke_noedvendig",
    "records_of_processing_updated": True,
    "data_processing_agreement": "udfoert",
    "robot_identity": "RPA-TEST01",
    "lookup_logging": True,
    "test_plan": True,
    "fallback_plan": True,
    "legal_effect_decision": False,
    "criminal_data": False,
    "cpr_numbers": False,
    "duty_to_inform": "ikke_noedvendig",
    "notes_and_journalising": True,
}
