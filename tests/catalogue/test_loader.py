"""Loading the catalogue: clear errors naming file, entry and field; atomic phase changes with the legal gate."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sepbots.catalogue.errors import CatalogueError, PhaseGateError
from sepbots.catalogue.gate import production_clearance
from sepbots.catalogue.loader import load_catalogue, set_phase
from sepbots.catalogue.models import Phase

from .conftest import COMPLETE_LEGAL, process_data


def write(folder: Path, name: str, data: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    return path


def test_shipped_catalogue_loads_with_sources(catalogue_dir: Path) -> None:
    """The shipped catalogue has at least 20 valid processes, each with a source; unsourced figures are estimates."""
    cat = load_catalogue(catalogue_dir)
    assert len(cat) >= 20
    for process in cat:
        assert process.sources, process.key
        for fig in (process.occurrences_per_year, process.minutes_per_occurrence, process.automation_share):
            assert fig.estimate or fig.source in {s.id for s in process.sources}


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    """A YAML syntax error names the file and the line."""
    path = write(tmp_path / "c", "bad.yaml", "key: a\nname: [unclosed\narea: oekonomi\n")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path / "c")
    assert str(path) in str(info.value)
    assert "line" in str(info.value)


def test_unknown_field_names_file_entry_and_field(tmp_path: Path) -> None:
    """An unknown field is refused, naming file, entry and field."""
    path = write(tmp_path / "c", "p.yaml", process_data(volumen=5))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path / "c")
    err = info.value
    assert (err.file, err.entry, err.field) == (path, "testproces", "volumen")
    assert "volumen: ukendt felt, ikke tilladt her / unknown field, not permitted here" in str(err)


def test_negative_volume_is_refused(tmp_path: Path) -> None:
    """A negative yearly volume is refused at occurrences_per_year.value."""
    write(tmp_path / "c", "p.yaml", process_data(occurrences_per_year={"value": -10, "estimate": True}))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path / "c")
    assert info.value.field == "occurrences_per_year.value"
    assert "occurrences_per_year.value: skal være mindst 0 / must be at least 0" in str(info.value)


def test_figure_without_source_or_estimate_flag_is_refused(tmp_path: Path) -> None:
    """A figure must carry a source id or estimate: true."""
    write(tmp_path / "c", "p.yaml", process_data(minutes_per_occurrence={"value": 5}))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path / "c")
    assert info.value.field == "minutes_per_occurrence"


def test_unknown_source_id_is_refused(tmp_path: Path) -> None:
    """A figure's source must be an id listed under sources."""
    write(tmp_path / "c", "p.yaml", process_data(minutes_per_occurrence={"value": 5, "source": "nowhere"}))
    with pytest.raises(CatalogueError, match="'nowhere' er ikke et id i sources / is not an id in sources"):
        load_catalogue(tmp_path / "c")


def test_entry_in_a_list_file_is_named_by_key(tmp_path: Path) -> None:
    """In a 'processes:' file the failing entry is named by its key, other entries untouched."""
    write(
        tmp_path / "c",
        "area.yaml",
        {"processes": [process_data(key="god"), process_data(key="daarlig", area="maane")]},
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path / "c")
    assert (info.value.entry, info.value.field) == ("daarlig", "area")


def test_duplicate_key_across_files_is_refused(tmp_path: Path) -> None:
    """Two files defining the same key is an error naming both."""
    first = write(tmp_path / "c", "a.yaml", process_data())
    write(tmp_path / "c", "b.yaml", process_data())
    with pytest.raises(CatalogueError, match=str(first)):
        load_catalogue(tmp_path / "c")


def test_duplicate_mapping_key_is_refused(tmp_path: Path) -> None:
    """A field written twice in one mapping is an error (YAML would silently keep the last)."""
    write(tmp_path / "c", "p.yaml", "key: a1\nkey: a2\n")
    with pytest.raises(CatalogueError, match="duplicate key 'key'"):
        load_catalogue(tmp_path / "c")


def test_set_phase_rewrites_only_the_phase_and_keeps_comments(catalogue_dir: Path) -> None:
    """set-phase changes the phase scalar in place; comments and other lines stay byte for byte."""
    cat = load_catalogue(catalogue_dir)
    path = cat.files["bankafstemning"]
    before = path.read_text(encoding="utf-8")
    set_phase(cat, "bankafstemning", Phase.PREANALYSIS)
    after = path.read_text(encoding="utf-8")
    assert after.startswith("# Bankafstemning")
    assert "phase: foranalyse" in after
    assert after.replace("\nphase: foranalyse", "") == before
    assert load_catalogue(catalogue_dir).get("bankafstemning").phase is Phase.PREANALYSIS
    set_phase(load_catalogue(catalogue_dir), "bankafstemning", Phase.SPECIFICATION)
    assert path.read_text(encoding="utf-8").count("phase:") == 1
    assert load_catalogue(catalogue_dir).get("bankafstemning").phase is Phase.SPECIFICATION


def test_phase_gate_refuses_drift_with_incomplete_checklist(catalogue_dir: Path) -> None:
    """Moving to Drift with checklist points missing is refused and the file is left untouched."""
    cat = load_catalogue(catalogue_dir)
    path = cat.files["laegeerklaeringer"]
    before = path.read_bytes()
    with pytest.raises(PhaseGateError) as info:
        set_phase(cat, "laegeerklaeringer", Phase.OPERATION, lang="en")
    assert info.value.field == "legal.fallback_plan"
    assert "Fall-back plan" in str(info.value)
    assert path.read_bytes() == before
    assert list(path.parent.glob(".*.tmp")) == []


def test_phase_gate_skipping_from_idea_is_refused(tmp_path: Path) -> None:
    """Jumping from Idé straight to Drift still meets the legal gate."""
    write(tmp_path / "c", "p.yaml", process_data())
    with pytest.raises(PhaseGateError, match="art6"):
        set_phase(load_catalogue(tmp_path / "c"), "testproces", Phase.OPERATION)


def test_phase_change_to_drift_with_complete_checklist(tmp_path: Path) -> None:
    """With a complete checklist the process enters Drift and becomes cleared for production."""
    write(tmp_path / "c", "p.yaml", process_data(legal=COMPLETE_LEGAL))
    cat = load_catalogue(tmp_path / "c")
    assert production_clearance(cat.get("testproces")).missing == ["phase"]
    process = set_phase(cat, "testproces", Phase.OPERATION)
    assert production_clearance(process).ok
    assert production_clearance(load_catalogue(tmp_path / "c").get("testproces")).ok


def test_clearance_lists_missing_points_and_explains(tmp_path: Path) -> None:
    """A hand-edited Drift phase with an incomplete checklist is still not cleared, with a clear message."""
    legal = {**COMPLETE_LEGAL, "automated_decision": True, "lookup_logging": False}
    write(tmp_path / "c", "p.yaml", process_data(legal=legal, phase="drift"))
    clearance = production_clearance(load_catalogue(tmp_path / "c").get("testproces"))
    assert not clearance.ok
    assert clearance.missing == ["automated_decision_why_allowed", "lookup_logging"]
    assert "ikke godkendt" in clearance.message("testproces", "da")
    assert "test mode" in clearance.message("testproces", "en")


def test_unknown_process_key(catalogue_dir: Path) -> None:
    """Asking for a key that does not exist names the key."""
    with pytest.raises(CatalogueError, match="proces/entry nope"):
        load_catalogue(catalogue_dir).get("nope")
