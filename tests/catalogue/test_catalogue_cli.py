"""``sepbots catalogue`` through typer's CliRunner: output, files written, exit codes on bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from sepbots.catalogue.loader import load_catalogue
from sepbots.catalogue.models import Phase
from sepbots.cli.catalogue import app
from tests.catalogue.conftest import SHIPPED
from tests.xlsx import active_sheet


class Run(Protocol):
    """``sepbots catalogue ARGS --catalogue <the test's copy>``."""

    def __call__(self, *args: str) -> Result: ...


@pytest.fixture
def run(tmp_path: Path, catalogue_dir: Path) -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(
            app,
            [*args, "--catalogue", str(catalogue_dir)],
            env={"SEPBOTS_HOME": str(tmp_path), "COLUMNS": "200"},
        )

    return invoke


def test_validate(run: Run) -> None:
    """validate reports how many processes are valid."""
    result = run("validate")
    assert result.exit_code == 0
    assert f"{len(list(SHIPPED.glob('*.yaml')))} processer er gyldige" in result.output


def test_validate_reports_bad_file(run: Run, catalogue_dir: Path) -> None:
    """validate exits 2 and names the file, entry and field of a bad process."""
    path = catalogue_dir / "bankafstemning.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("area: oekonomi", "area: maanen"), encoding="utf-8"
    )
    result = run("validate", "--lang", "en")
    assert result.exit_code == 2
    assert "proces/entry bankafstemning" in result.output and "felt/field area" in result.output


def test_screen_prints_ranked_table_and_writes_xlsx(run: Run, tmp_path: Path) -> None:
    """screen prints the ranked table and writes the same ranking to .xlsx."""
    xlsx = tmp_path / "screening.xlsx"
    result = run("screen", "--xlsx", str(xlsx))
    assert result.exit_code == 0, result.output
    assert "Screening af processer" in result.output and "Kun assistance" in result.output
    ws = active_sheet(load_workbook(xlsx))
    assert ws["A1"].value == "Rang" and ws["A2"].value == 1
    assert ws.max_row == len(list(SHIPPED.glob('*.yaml'))) + 1
    assert "Engangsopgaver i alt" in result.output and "esdh-oprydning" in result.output


def test_business_case_danish_and_english(run: Run) -> None:
    """business-case prints Danish-formatted figures, or English ones with --lang en.

    NPV with year 1 at the 50 % ramp-up: 17,702,183 − 2,000,000 / 1.035 = 15,769,816."""
    da = run("business-case", "fakturabehandling-smaafakturaer")
    assert da.exit_code == 0
    assert "16.667" in da.output and "15.769.816 kr." in da.output and "3,5 %" in da.output
    en = run("business-case", "fakturabehandling-smaafakturaer", "--lang", "en")
    assert "16,667" in en.output and "15,769,816 DKK" in en.output


def test_set_phase_gate_refusal_and_success(run: Run, catalogue_dir: Path) -> None:
    """set-phase refuses Drift with an incomplete checklist (exit 2) and moves other phases."""
    refused = run("set-phase", "laegeerklaeringer", "drift")
    assert refused.exit_code == 2
    assert "Nødplan" in refused.output
    assert load_catalogue(catalogue_dir).get("laegeerklaeringer").phase is Phase.IMPLEMENTATION
    ok = run("set-phase", "bankafstemning", "foranalyse")
    assert ok.exit_code == 0 and "Foranalyse" in ok.output


def test_legal_shows_checklist_and_clearance(run: Run) -> None:
    """legal lists each checklist point and whether production runs are allowed."""
    result = run("legal", "fakturafordeling", "--lang", "en")
    assert result.exit_code == 0
    assert "is cleared for production" in result.output


def test_export_import_and_os2(run: Run, tmp_path: Path) -> None:
    """export writes a bundle, import of the same bundle reports everything unchanged, os2 export writes JSON."""
    bundle = tmp_path / "b.json"
    assert run("export", str(bundle), "--organisation", "Testby Kommune").exit_code == 0
    result = run("import", str(bundle))
    assert result.exit_code == 0 and f"{len(list(SHIPPED.glob('*.yaml')))} uændrede" in result.output
    os2 = tmp_path / "os2.json"
    assert run("export-os2autoproces", str(os2)).exit_code == 0
    assert len(json.loads(os2.read_text(encoding="utf-8"))) == len(list(SHIPPED.glob('*.yaml')))


def test_import_newer_bundle_exits_2(run: Run, tmp_path: Path) -> None:
    """import of a newer-format bundle exits 2 with the reason."""
    bundle = tmp_path / "b.json"
    run("export", str(bundle), "--organisation", "X")
    data = json.loads(bundle.read_text())
    data["format_version"] = 99
    bundle.write_text(json.dumps(data))
    result = run("import", str(bundle))
    assert result.exit_code == 2 and "newer" in result.output


def test_legal_lists_the_administrative_law_points(run: Run) -> None:
    """legal shows the afgørelse, art. 10, CPR § 11, art. 13/14 and offentlighedsloven points with their state."""
    result = run("legal", "folkeregisterboeder")
    assert result.exit_code == 0, result.output
    for label in ("afgørelse", "Strafbare forhold (GDPR art. 10)", "CPR-numre", "Oplysningspligt (GDPR art. 13/14)",
                  "offentlighedsloven §§ 13, 15"):
        assert label in result.output, label
    assert "ikke godkendt til produktionskørsler" in result.output
