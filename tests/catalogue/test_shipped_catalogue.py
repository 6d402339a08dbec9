"""The shipped catalogue is complete enough to sign: KLE, § and sources on every entry, all eight areas, scaling."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from sepbots.catalogue.loader import load_catalogue
from sepbots.catalogue.models import Area
from sepbots.catalogue.scaling import scale_catalogue, scale_factor, scale_process
from sepbots.catalogue.volume import Driver, RunPeriod
from sepbots.config import MunicipalitySettings

from .conftest import SHIPPED, make_process

CATALOGUE = load_catalogue(SHIPPED)
KEYS = sorted(CATALOGUE.processes)


def test_at_least_35_processes_cover_all_eight_kl_areas() -> None:
    """The catalogue holds 35 or more processes and every KL area has at least three."""
    assert len(CATALOGUE) >= 35
    for area in Area:
        assert sum(p.area is area for p in CATALOGUE) >= 3, area


@pytest.mark.parametrize("key", KEYS)
def test_every_entry_has_kle_legal_basis_with_section_and_dated_sources(key: str) -> None:
    """Each process names a KLE emne confirmed by a cited source, a legal basis with § (or an EU article),
    and sources with title, URL and date."""
    p = CATALOGUE.get(key)
    assert p.kle and re.fullmatch(r"\d\d\.\d\d\.\d\d", p.kle)
    # A placeholder is not a KLE number: each one cites the source that confirms it.
    assert p.kle != "00.00.00" and p.kle_source is not None, (p.kle, p.kle_source)
    assert p.legal_clause and ("§" in p.legal_clause or "art." in p.legal_clause)
    assert p.sources
    for s in p.sources:
        assert s.title and s.url and s.url.startswith("https://") and s.accessed is not None, s.id


@pytest.mark.parametrize("key", KEYS)
def test_every_entry_describes_today_and_owns_its_volume(key: str) -> None:
    """Each process has a description, manual steps, exceptions, owner, contact, run period and a volume driver."""
    p = CATALOGUE.get(key)
    assert p.description and len(p.manual_steps) >= 3 and p.exceptions
    assert p.owner and p.contact
    assert p.volume is not None and p.volume.reference.municipality
    assert p.run_period in (RunPeriod.YEARLY, RunPeriod.ONE_OFF)
    for fig in (p.occurrences_per_year, p.minutes_per_occurrence, p.automation_share):
        assert fig.basis.value in ("measured", "sourced", "estimate")


def test_the_issue_s_errors_are_fixed() -> None:
    """No state ledger volume under a municipality, Horsens' invoices carry Horsens, the ESDH clean-up is one-off."""
    ledger = CATALOGUE.get("debitor-kreditor-afstemning")
    assert ledger.occurrences_per_year.estimate and ledger.occurrences_per_year.value < 1000
    invoices = CATALOGUE.get("fakturabehandling-smaafakturaer")
    assert invoices.volume is not None and invoices.volume.reference.municipality == "Horsens Kommune"
    assert invoices.volume.driver is Driver.INVOICES
    assert CATALOGUE.get("esdh-oprydning").run_period is RunPeriod.ONE_OFF
    for p in CATALOGUE:
        kl = {s.id for s in p.sources if s.id == "kl-katalog-2017"}
        for fig in (p.occurrences_per_year, p.minutes_per_occurrence, p.automation_share):
            assert fig.source not in kl, p.key


def test_volumes_scale_with_their_driver() -> None:
    """Inhabitant-driven volumes scale by inhabitants, staff-driven by employees, fixed ones not at all."""
    town = MunicipalitySettings(name="Lilleby", inhabitants=30_000, employees=2_500)
    by_people = make_process(volume={"driver": "inhabitants", "reference": {"municipality": "X", "inhabitants": 60_000}})
    assert scale_process(by_people, town).occurrences_per_year.value == Decimal(500)
    assert "skaleret fra X" in (scale_process(by_people, town).occurrences_per_year.note or "")
    by_staff = make_process(
        volume={"driver": "employees", "reference": {"municipality": "X", "inhabitants": 60_000, "employees": 10_000}}
    )
    assert scale_factor(by_staff, town).factor == Decimal("0.25")
    fixed = make_process(volume={"driver": "fixed", "reference": {"municipality": "X"}})
    assert scale_process(fixed, town).occurrences_per_year.value == Decimal(1000)


def test_invoices_scale_by_invoices_when_counted_else_by_inhabitants() -> None:
    """Horsens' 200,000 invoices become the installation's own count, or an inhabitant-scaled estimate."""
    horsens = CATALOGUE.get("fakturabehandling-smaafakturaer")
    counted = MunicipalitySettings(inhabitants=60_000, invoices_per_year=100_000)
    assert scale_process(horsens, counted).occurrences_per_year.value == Decimal(100_000)
    uncounted = MunicipalitySettings(inhabitants=49_000)
    assert scale_process(horsens, uncounted).occurrences_per_year.value == Decimal(100_000)
    scaled = scale_catalogue(CATALOGUE, uncounted)
    assert scaled.get("dst-indberetning").occurrences_per_year.value == CATALOGUE.get("dst-indberetning").occurrences_per_year.value
    assert scale_catalogue(CATALOGUE, None) is CATALOGUE


def test_a_driver_without_its_reference_size_is_refused() -> None:
    """A volume driven by employees must say how many employees the reference had."""
    with pytest.raises(ValueError, match="needs reference.employees"):
        make_process(volume={"driver": "employees", "reference": {"municipality": "X", "inhabitants": 1}})


def test_docs_list_every_process_with_its_sources() -> None:
    """docs/catalogue.md holds the generated listing of the shipped catalogue, so it names every process and source."""
    from sepbots.catalogue.listing import END, START, markdown_listing

    doc = (SHIPPED.parents[1] / "docs" / "catalogue.md").read_text(encoding="utf-8")
    section = doc[doc.index(START) : doc.index(END) + len(END)] + "\n"
    assert section == markdown_listing(CATALOGUE), "run: sepbots catalogue listing --write docs/catalogue.md"
    for p in CATALOGUE:
        assert f"(`{p.key}`)" in section
