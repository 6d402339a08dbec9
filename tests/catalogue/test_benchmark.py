"""Benchmarks between municipalities: imported figures side by side with ours, per 1,000 inhabitants."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sepbots.catalogue.benchmark import compare, load_all, own
from sepbots.catalogue.bundle import MeasuredSummary, export_bundle, import_bundle
from sepbots.catalogue.errors import BundleError
from sepbots.catalogue.loader import load_catalogue
from sepbots.catalogue.scaling import scale_catalogue
from sepbots.catalogue.settings import GainsSettings
from sepbots.cli import app as root_app
from sepbots.config import MunicipalitySettings
from sepbots.testing import ManualClock

from .conftest import SHIPPED


def _vejle_bundle(tmp_path: Path, settings: GainsSettings, clock: ManualClock) -> Path:
    """Vejle (120,000 inhabitants) shares the shipped catalogue with a measured result for bank reconciliation."""
    cat = scale_catalogue(load_catalogue(SHIPPED), MunicipalitySettings(name="Vejle Kommune", inhabitants=120_000))
    measured = {
        "bankafstemning": [
            MeasuredSummary(period_from="2026-01-01", period_to="2026-06-30", items_automated=900, items_manual=100,
                            items_failed=0, saved_hours=60.0, realised_automation_share=0.9,
                            annualised_saved_hours=120.0)
        ]
    }
    path = tmp_path / "vejle.json"
    export_bundle(cat, path, organisation="Vejle Kommune", settings=settings, clock=clock, measured=measured,
                  municipality=MunicipalitySettings(name="Vejle Kommune", inhabitants=120_000))
    return path


def test_imported_figures_are_compared_per_1000_inhabitants(
    catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock
) -> None:
    """A process volume scaled by inhabitants reads the same per 1,000 in both towns; measured savings are normalised."""
    import_bundle(load_catalogue(catalogue_dir), _vejle_bundle(tmp_path, settings, clock), clock=clock)
    town = MunicipalitySettings(name="Lilleby", inhabitants=30_000)
    ours = own(scale_catalogue(load_catalogue(catalogue_dir), town), settings, town,
               {"bankafstemning": (Decimal(60), Decimal("0.8"))})
    rows = {r.process_key: r for r in compare(ours, load_all(catalogue_dir))}
    assert len(rows) == len(load_catalogue(SHIPPED))
    eflyt = rows["eflyt-godkendelse"].cells  # driven by inhabitants: 3,000 per 60,000 = 50 per 1,000 everywhere
    assert [c.organisation for c in eflyt] == ["Lilleby", "Vejle Kommune"]
    assert eflyt[0].occurrences_per_1000 == eflyt[1].occurrences_per_1000 == Decimal("50.00")
    dst = rows["dst-indberetning"].cells  # fixed volume: the same count in both, so per 1,000 it differs by size
    assert dst[0].occurrences_per_1000 == Decimal("1.67") and dst[1].occurrences_per_1000 == Decimal("0.42")  # 50 / 30 and 50 / 120
    bank = rows["bankafstemning"].cells  # statement lines grow with inhabitants: 100,000 per 60,000 everywhere
    assert bank[0].occurrences_per_1000 == bank[1].occurrences_per_1000 == Decimal("1666.67")
    assert bank[0].measured_saved_hours_per_1000 == Decimal("2.00") and bank[1].measured_saved_hours_per_1000 == Decimal("1.00")
    assert bank[1].automation_share == Decimal("0.9")  # measured share shown when there is one


def test_report_benchmark_cli(catalogue_dir: Path, tmp_path: Path, settings: GainsSettings, clock: ManualClock) -> None:
    """`sepbots report benchmark` prints each shared process with a row per municipality, in Danish."""
    runner = CliRunner()
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "sepbots.toml").write_text('[municipality]\nname = "Lilleby"\ninhabitants = 30000\n', encoding="utf-8")
    args = ["--home", str(home)]
    empty = runner.invoke(root_app, [*args, "report", "benchmark", "--catalogue", str(catalogue_dir)], env={"COLUMNS": "250"})
    assert empty.exit_code == 0 and "Ingen fælles processer" in empty.output
    bundle = _vejle_bundle(tmp_path, settings, clock)
    imported = runner.invoke(root_app, [*args, "catalogue", "import", str(bundle), "--catalogue", str(catalogue_dir)])
    assert imported.exit_code == 0 and "gemt til sammenligning" in imported.output, imported.output
    result = runner.invoke(root_app, [*args, "report", "benchmark", "--catalogue", str(catalogue_dir)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "Sammenligning mellem kommuner" in result.output and "Lilleby" in result.output and "Vejle Kommune" in result.output
    assert "Bankafstemning" in result.output and "8,3" in result.output and "2,1" in result.output


def test_bundle_carries_the_municipality_size(tmp_path: Path, settings: GainsSettings, clock: ManualClock) -> None:
    """An exported bundle names the municipality's inhabitants so the receiver can normalise."""
    data = json.loads(_vejle_bundle(tmp_path, settings, clock).read_text(encoding="utf-8"))
    assert data["municipality"]["inhabitants"] == 120_000


def test_a_stored_benchmark_that_does_not_validate_names_the_file_the_field_and_why(tmp_path: Path) -> None:
    """A broken benchmark file is a BundleError naming the file and the first bad field in Danish and English,
    without the stored value; a file that is not JSON still names the parser's reason."""
    folder = tmp_path / "benchmarks"
    folder.mkdir()
    bad = folder / "vejle.json"
    bad.write_text(json.dumps({"organisation": "Vejle", "inhabitants": "0101901234x", "exported_at": "2026-01-01",
                               "processes": {}}), encoding="utf-8")
    with pytest.raises(BundleError) as info:
        load_all(tmp_path)
    assert str(info.value).startswith("ikke en sammenligningsfil / not a benchmark file: "
                                      "inhabitants: skal være et helt tal / must be a whole number")
    assert str(bad) in str(info.value) and "0101901234" not in str(info.value)
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(BundleError, match="not a benchmark file: Expecting property name"):
        load_all(tmp_path)
