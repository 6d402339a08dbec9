"""Sharing: export/import round trip, conflict report, newer formats refused, nothing half-imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sepbots.catalogue.bundle import FORMAT_VERSION, MeasuredSummary, Prefer, export_bundle, import_bundle
from sepbots.catalogue.errors import BundleError
from sepbots.catalogue.loader import load_catalogue
from sepbots.catalogue.models import Phase
from sepbots.catalogue.os2autoproces import export_os2autoproces
from sepbots.catalogue.settings import GainsSettings
from sepbots.testing import ManualClock

from .conftest import process_data


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_round_trip_into_an_empty_catalogue(catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock) -> None:
    """Every exported process comes back with the same shared fields, in phase Idé with a blank checklist."""
    source = load_catalogue(catalogue_dir)
    bundle = tmp_path / "bundle.json"
    assert export_bundle(
        source, bundle, organisation="Aarhus Kommune", settings=settings, clock=clock
    ) == len(source)
    target_dir = tmp_path / "other"
    target_dir.mkdir()
    report = import_bundle(load_catalogue(target_dir), bundle, clock=clock)
    assert sorted(report.added) == sorted(source.processes)
    imported = load_catalogue(target_dir)
    for key, original in source.processes.items():
        copy = imported.get(key)
        local = {"phase", "legal", "bots", "provenance", "owner", "contact", "legal_clause_last_verified"}
        assert copy.model_dump(exclude=local) == original.model_dump(exclude=local)
        assert copy.owner is None and copy.contact is None  # theirs, not ours to name
        assert copy.legal_clause_last_verified is None  # their lawyer's check is not ours
        assert copy.phase is Phase.IDEA
        assert copy.legal.missing()
        assert copy.provenance[-1].organisation == "Aarhus Kommune"
        assert copy.provenance[-1].original_phase is original.phase
    assert imported.get("fakturafordeling").provenance[-1].original_legal_complete is True
    # importing the same bundle again changes nothing
    again = import_bundle(imported, bundle, clock=clock)
    assert sorted(again.unchanged) == sorted(source.processes) and not again.added


def test_bundle_holds_no_personal_data_or_items(catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock) -> None:
    """The bundle leaves out reviewer names and robot user ids and carries only aggregated measured results."""
    cat = load_catalogue(catalogue_dir)
    path = cat.files["fakturafordeling"]
    path.write_text(
        path.read_text(encoding="utf-8").replace("legal:\n", "legal:\n  reviewed_by: Jens Hansen\n"),
        encoding="utf-8",
    )
    cat = load_catalogue(catalogue_dir)
    measured = {
        "fakturafordeling": [
            MeasuredSummary(
                period_from="2026-10-01",
                period_to="2026-10-31",
                items_automated=400,
                items_manual=20,
                items_failed=2,
                saved_hours=11.7,
                realised_automation_share=0.95,
                annualised_saved_hours=137.5,
            )
        ]
    }
    bundle = tmp_path / "b.json"
    export_bundle(cat, bundle, organisation="X", settings=settings, clock=clock, measured=measured)
    text = bundle.read_text(encoding="utf-8")
    assert "Jens Hansen" not in text and "RPA-OKO01" not in text
    entry = next(e for e in json.loads(text)["processes"] if e["process"]["key"] == "fakturafordeling")
    assert entry["measured"][0]["items_automated"] == 400
    assert entry["legal_status"]["complete"] is True
    assert set(entry) == {"process", "legal_status", "screening", "business_case", "measured"}


def test_conflicts_stop_the_import_and_write_nothing(
    catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock
) -> None:
    """A key with different descriptive fields stops the import with a conflict report; no file changes."""
    theirs_dir = tmp_path / "theirs"
    theirs_dir.mkdir()
    (theirs_dir / "bank.yaml").write_text(
        yaml.safe_dump(
            process_data(
                key="bankafstemning",
                name="Bankafstemning",
                minutes_per_occurrence={"value": 60, "estimate": True},
            )
        )
    )
    (theirs_dir / "ny.yaml").write_text(yaml.safe_dump(process_data(key="ny-proces")))
    bundle = tmp_path / "b.json"
    export_bundle(
        load_catalogue(theirs_dir), bundle, organisation="Vejle Kommune", settings=settings, clock=clock
    )
    before = snapshot(catalogue_dir)
    with pytest.raises(BundleError) as info:
        import_bundle(load_catalogue(catalogue_dir), bundle, clock=clock)
    assert "bankafstemning" in str(info.value) and "description" in str(info.value)
    assert "minutes_per_occurrence" not in str(info.value)  # figures are comparison data, not a conflict
    assert "nothing written" in str(info.value)
    assert snapshot(catalogue_dir) == before


def test_their_figures_are_kept_as_comparison_not_a_conflict(
    catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock
) -> None:
    """Another municipality's different volume is stored as benchmark data; our process and figures stay as they are."""
    ours = load_catalogue(catalogue_dir)
    theirs_dir = tmp_path / "theirs"
    theirs_dir.mkdir()
    changed = ours.get("fakturafordeling").model_copy(update={"phase": Phase.IDEA})
    from sepbots.catalogue.benchmark import load_all
    from sepbots.catalogue.serialize import processes_yaml
    from sepbots.config import MunicipalitySettings

    text = processes_yaml([changed]).replace("value: 5000", "value: 7000")
    (theirs_dir / "f.yaml").write_text(text, encoding="utf-8")
    bundle = tmp_path / "b.json"
    export_bundle(
        load_catalogue(theirs_dir), bundle, organisation="Vejle Kommune", settings=settings, clock=clock,
        municipality=MunicipalitySettings(name="Vejle Kommune", inhabitants=120_000),
    )
    before = snapshot(catalogue_dir)
    report = import_bundle(ours, bundle, clock=clock)
    assert report.conflicts == [] and report.unchanged == ["fakturafordeling"]
    assert report.benchmarked == ["fakturafordeling"]
    assert snapshot(catalogue_dir) == before  # the YAML files; the figures went to benchmarks/
    [vejle] = load_all(catalogue_dir)
    assert vejle.organisation == "Vejle Kommune" and vejle.inhabitants == 120_000
    assert vejle.processes["fakturafordeling"].occurrences_per_year == 7000


def test_prefer_theirs_updates_descriptions_but_keeps_our_figures_and_local_fields(
    catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock
) -> None:
    """With --prefer theirs, their description wins while our figures, phase and checklist stay, with provenance."""
    ours = load_catalogue(catalogue_dir)
    theirs_dir = tmp_path / "theirs"
    theirs_dir.mkdir()
    changed = ours.get("fakturafordeling").model_copy(update={"phase": Phase.IDEA, "description": "Deres tekst"})
    from sepbots.catalogue.serialize import processes_yaml

    text = processes_yaml([changed]).replace("value: 5000", "value: 7000")
    (theirs_dir / "f.yaml").write_text(text, encoding="utf-8")
    bundle = tmp_path / "b.json"
    export_bundle(load_catalogue(theirs_dir), bundle, organisation="Vejle Kommune", settings=settings, clock=clock)
    report = import_bundle(ours, bundle, clock=clock, prefer=Prefer.THEIRS)
    assert report.updated == ["fakturafordeling"] and report.conflicts[0].fields == ["description"]
    now = load_catalogue(catalogue_dir).get("fakturafordeling")
    assert now.description == "Deres tekst" and now.occurrences_per_year.value == 5000
    assert now.phase is Phase.OPERATION and now.legal.complete
    assert now.provenance[-1].organisation == "Vejle Kommune"


def test_prefer_ours_keeps_our_version(catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock) -> None:
    """With --prefer ours, conflicting processes are reported and left as they are."""
    theirs_dir = tmp_path / "theirs"
    theirs_dir.mkdir()
    (theirs_dir / "bank.yaml").write_text(yaml.safe_dump(process_data(key="bankafstemning", name="Anden")))
    bundle = tmp_path / "b.json"
    export_bundle(load_catalogue(theirs_dir), bundle, organisation="Vejle", settings=settings, clock=clock)
    before = snapshot(catalogue_dir)
    report = import_bundle(load_catalogue(catalogue_dir), bundle, clock=clock, prefer=Prefer.OURS)
    assert report.kept_ours == ["bankafstemning"]
    assert snapshot(catalogue_dir) == before


def _bundle(tmp_path: Path, settings: GainsSettings, clock: ManualClock, **patch: object) -> Path:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "p.yaml").write_text(yaml.safe_dump(process_data(key="ny-proces")))
    path = tmp_path / "b.json"
    export_bundle(load_catalogue(src), path, organisation="X", settings=settings, clock=clock)
    data = json.loads(path.read_text())
    data.update(patch)
    path.write_text(json.dumps(data))
    return path


def test_newer_format_is_refused(catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock) -> None:
    """A bundle from a newer format version is refused with advice to upgrade, nothing written."""
    path = _bundle(tmp_path, settings, clock, format_version=FORMAT_VERSION + 1)
    before = snapshot(catalogue_dir)
    with pytest.raises(BundleError, match="newer than this sepbots reads") as info:
        import_bundle(load_catalogue(catalogue_dir), path, clock=clock)
    assert info.value.field == "format_version"
    assert snapshot(catalogue_dir) == before


def test_not_a_bundle_is_refused(catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock) -> None:
    """A JSON file that is not a sepbots bundle is refused."""
    path = _bundle(tmp_path, settings, clock, format="something-else")
    with pytest.raises(BundleError, match="not a sepbots catalogue bundle"):
        import_bundle(load_catalogue(catalogue_dir), path, clock=clock)


def test_one_bad_process_means_nothing_imported(catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock) -> None:
    """If any process in the bundle is invalid, none is imported and the error names the entry and field."""
    path = _bundle(tmp_path, settings, clock)
    data = json.loads(path.read_text())
    good = data["processes"][0]
    bad = json.loads(json.dumps(good))
    bad["process"]["key"] = "anden-proces"
    bad["process"]["occurrences_per_year"]["value"] = -1
    data["processes"] = [good, bad]
    path.write_text(json.dumps(data))
    before = snapshot(catalogue_dir)
    with pytest.raises(BundleError) as info:
        import_bundle(load_catalogue(catalogue_dir), path, clock=clock)
    assert (info.value.entry, info.value.field) == ("anden-proces", "occurrences_per_year.value")
    assert snapshot(catalogue_dir) == before


def test_duplicate_keys_in_bundle_are_refused(catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock) -> None:
    """A bundle holding the same key twice is refused."""
    path = _bundle(tmp_path, settings, clock)
    data = json.loads(path.read_text())
    data["processes"] = data["processes"] * 2
    path.write_text(json.dumps(data))
    with pytest.raises(BundleError, match="keys appear twice"):
        import_bundle(load_catalogue(catalogue_dir), path, clock=clock)


def test_os2autoproces_export_fields(catalogue_dir: Path, tmp_path: Path) -> None:
    """The OS2autoproces export uses its field names and enums, and the yearly total of occurrences."""
    cat = load_catalogue(catalogue_dir)
    path = tmp_path / "os2.json"
    assert export_os2autoproces(cat, path) == len(cat)
    rows = {r["title"]: r for r in json.loads(path.read_text(encoding="utf-8"))}
    row = rows["Kontering og betaling af lægeerklæringer (LÆ125)"]
    assert row["phase"] == "IMPLEMENTATION"
    assert row["domains"] == ["WORK"]
    assert row["timeSpendOccurancesPerEmployee"] == 1500  # the yearly total, not divided by employees
    assert row["timeSpendEmployeesDoingProcess"] == 2
    assert row["timeSpendPercentageDigital"] == 80
    assert "timeSpendComputedTotal" not in row  # read-only: OS2autoproces computes it
    assert row["levelOfProfessionalAssessment"] == "VERY_LOW"
    assert all(len(r["title"]) <= 65 and len(r["shortDescription"]) <= 140 for r in rows.values())
